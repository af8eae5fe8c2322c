"""A phone as the presenter's remote, live polls, and the check block, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson, PollAnswer, Presentation

from .conftest import assert_accessible, screenshot
from .test_presenting import expect_slide, log_in

BODY = """A lesson for the remote and poll tests.

/// notes
Greet the room; REMOTE-NOTE-ONE.
///

## Routes

Django tries the patterns in order.

/// reveal
- The first match wins.
- No match is a 404.
///

/// notes
Ask which pattern wins; REMOTE-NOTE-TWO.
///

## Check yourself

/// check | Two patterns both match a path. Which view runs?
- [ ] The most specific one
    Django never compares patterns; it tries them in order.
- [x] The one listed first
- [ ] Both, one after the other

Django stops at the first match.
///

## Recap

Order matters.
"""

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def deck(live_server, transactional_db):
    lesson = Lesson(
        slug="remote-test", title="Routes in class", summary="A test.", body=BODY
    )
    lesson.save()
    assert len(lesson.slides) == 4
    return live_server.url + "/lessons/remote-test/present/"


@pytest.fixture
def teacher(transactional_db):
    from django.contrib.auth.models import User

    return User.objects.create_user("teacher", password="x-teacher-pass", is_staff=True)


@pytest.fixture
def projector(browser, deck, teacher, live_server):
    """The presenter's page at projector size, with follow-along started."""
    context = browser.new_context(viewport=PROJECTOR)
    log_in(context, teacher, live_server.url)
    page = context.new_page()
    page.goto(deck)
    page.get_by_role("button", name="Follow-along", exact=True).click()
    page.get_by_role("button", name="Start follow-along").click()
    expect(page.get_by_role("button", name="End follow-along")).to_be_visible()
    yield page
    context.close()


@pytest.fixture
def phones(browser):
    contexts = []

    def new_phone():
        context = browser.new_context(**PHONE)
        contexts.append(context)
        return context.new_page()

    yield new_phone
    for context in contexts:
        context.close()


def follow_url(live_server):
    return f"{live_server.url}/f/{Presentation.objects.get().code}/"


def test_a_phone_remote_moves_the_projector_and_the_class(
    projector, phones, browser, teacher, live_server
):
    student = phones()
    student.goto(follow_url(live_server))
    expect_slide(student, 1)

    remote = phones()
    log_in(remote.context, teacher, live_server.url)
    remote.goto(f"{live_server.url}/lessons/remote-test/present/speaker/")
    expect(remote.locator("[data-speaker-status]")).to_contain_text("Remote")
    expect(remote.locator("[data-pane=notes]")).to_contain_text("REMOTE-NOTE-ONE")
    next_button = remote.get_by_role("button", name="Next")
    box = next_button.bounding_box()
    # A thumb-sized button, in view at the bottom of the phone's screen.
    assert box["height"] >= 56 and box["width"] >= 150
    assert box["y"] + box["height"] <= 844
    assert_accessible(remote, "speaker view as a phone remote")
    screenshot(remote, "remote-phone")

    next_button.click()
    expect(remote.locator("[data-speaker-number]")).to_have_text("2")
    expect(remote.locator("[data-pane=notes]")).to_contain_text("REMOTE-NOTE-TWO")
    expect_slide(projector, 2)
    expect_slide(student, 2)
    pending = ".slide:not([hidden]) .slide-reveal li.reveal-pending"
    expect(projector.locator(pending)).to_have_count(2)
    # Next shows a revealed list's items one at a time, then moves on.
    next_button.click()
    expect(projector.locator(pending)).to_have_count(1)
    expect(student.locator(pending)).to_have_count(1)
    next_button.click()
    expect(projector.locator(pending)).to_have_count(0)
    next_button.click()
    expect_slide(projector, 3)
    expect_slide(student, 3)
    assert Presentation.objects.get().slide == 3

    # A key on the projector moves the class, and the remote follows.
    projector.locator("body").click(position={"x": 5, "y": 300})
    projector.keyboard.press("ArrowLeft")
    expect_slide(projector, 2)
    expect(remote.locator("[data-speaker-number]")).to_have_text("2")
    expect_slide(student, 2)

    # Keyboard only on the remote: the button works from the keys. Back on
    # slide 2 the whole list shows, so Previous first hides its last item.
    remote.get_by_role("button", name="Previous").focus()
    remote.keyboard.press("Enter")
    expect(projector.locator(pending)).to_have_count(1)
    expect_slide(projector, 2)
    remote.keyboard.press("Enter")
    remote.keyboard.press("Enter")
    expect_slide(projector, 1)
    expect_slide(student, 1)


def test_an_answer_from_before_a_move_never_takes_the_remote_back(
    projector, phones, teacher, live_server
):
    """A state poll asked while the remote's move was on its way can be
    answered by the server before the move lands, and reach the phone after
    the move's own answer. Taken as news, it would put the remote back one
    step, and its next Next would repeat a step instead of going on."""
    remote = phones()
    log_in(remote.context, teacher, live_server.url)
    remote.goto(f"{live_server.url}/lessons/remote-test/present/speaker/")
    expect(remote.locator("[data-speaker-status]")).to_contain_text("Remote")
    next_button = remote.get_by_role("button", name="Next")
    next_button.click()
    expect_slide(projector, 2)
    pending = ".slide:not([hidden]) .slide-reveal li.reveal-pending"
    expect(projector.locator(pending)).to_have_count(2)

    moves, late, after = [], [], []
    move_url = re.compile(r"/f/\w+/move/$")

    def answer_late(route):
        if not moves:
            route.continue_()
        elif not late:
            # Asked after the move set off, answered before it lands: in
            # full, as when the phone's last state is older than the
            # server's (its ETag then matches nothing).
            headers = {
                name: value
                for name, value in route.request.headers.items()
                if name.lower() != "if-none-match"
            }
            late.append((route, route.fetch(headers=headers)))
        else:
            # Held too, so no newer answer puts things right before the click.
            after.append(route)

    remote.route(move_url, lambda route: moves.append(route))
    remote.route(re.compile(r"/f/\w+/state/$"), answer_late)
    next_button.click()  # the list's first item: its move is held
    # Each poll comes within a second. Its "request" event can come before
    # the handler above has run, so the handler's result is awaited.
    while not late:
        remote.wait_for_timeout(20)
    remote.unroute(move_url)
    moves[0].continue_()
    expect(projector.locator(pending)).to_have_count(1)
    route, old_answer = late[0]
    assert old_answer.status == 200 and 'data-step="0"' in old_answer.text()
    route.fulfill(response=old_answer)
    # The next poll is asked only once the old answer has been handled.
    while not after:
        remote.wait_for_timeout(20)

    next_button.click()  # the list's second item, not the first again
    expect(projector.locator(pending)).to_have_count(0)
    expect_slide(projector, 2)
    after[0].continue_()


def test_a_staff_colleague_gets_no_remote(projector, phones, live_server):
    from django.contrib.auth.models import User

    colleague = User.objects.create_user("colleague", is_staff=True)
    page = phones()
    log_in(page.context, colleague, live_server.url)
    page.goto(f"{live_server.url}/lessons/remote-test/present/speaker/")
    expect(page.locator("[data-pane=notes]")).to_contain_text("REMOTE-NOTE-ONE")
    page.get_by_role("button", name="Next").click()
    # Their view pages alone; the class stays where it is.
    expect(page.locator("[data-speaker-number]")).to_have_text("2")
    expect(page.locator("[data-speaker-status]")).not_to_contain_text("Remote")
    expect_slide(projector, 1)
    assert Presentation.objects.get().slide == 1


def test_a_live_poll_from_ask_to_reveal(projector, phones, live_server):
    url = follow_url(live_server)
    ann, bob = phones(), phones()
    for student in (ann, bob):
        student.goto(url)
        expect_slide(student, 1)
    # No poll yet: nothing in the way of the slides.
    expect(ann.locator("#poll")).to_be_hidden()

    panel = projector.locator("#follow-panel")
    projector.get_by_role("button", name="Follow-along", exact=True).click()
    # Slide 2's list takes two presses of its own: jump by number instead.
    projector.keyboard.press("3")
    projector.keyboard.press("Enter")
    expect_slide(projector, 3)
    projector.get_by_role("button", name="Follow-along", exact=True).click()
    poll_panel = panel.locator("#poll-panel")
    expect(poll_panel).to_contain_text("from slide 3, Check yourself")
    poll_panel.get_by_role("button", name="Ask the class").click()
    expect(poll_panel.get_by_role("button", name="Reveal the answer")).to_be_visible()
    expect(poll_panel.locator(".poll-total")).to_contain_text("0 answers")

    # Ann answers with a tap; Bob with the keyboard only.
    question = ann.locator("#poll")
    expect(question).to_contain_text("Which view runs?")
    assert_accessible(ann, "student poll, open")
    screenshot(ann, "poll-student-open")
    ann.get_by_label(re.compile("The one listed first")).check()
    ann.get_by_role("button", name="Send my answer").click()
    expect(question).to_contain_text("you answered B")
    assert_accessible(ann, "student poll, answered")

    expect(bob.locator("#poll")).to_contain_text("Which view runs?")
    bob.get_by_label(re.compile("The most specific one")).focus()
    bob.keyboard.press("Space")
    bob.keyboard.press("Tab")
    bob.keyboard.press("Enter")
    expect(bob.locator("#poll")).to_contain_text("you answered A")
    # Bob thinks again: his answer changes, no second one is added.
    bob.get_by_label(re.compile("The one listed first")).check()
    bob.get_by_role("button", name="Change my answer").click()
    expect(bob.locator("#poll")).to_contain_text("you answered B")

    chart = poll_panel.locator(".poll-chart")
    expect(poll_panel.locator(".poll-total")).to_contain_text("2 answers")
    expect(chart.get_by_role("row", name=re.compile("listed first"))).to_contain_text(
        "2 (100%)"
    )
    expect(chart.get_by_role("row", name=re.compile("most specific"))).to_contain_text(
        "0 (0%)"
    )
    assert PollAnswer.objects.count() == 2
    assert_accessible(projector, "presenter poll chart")
    screenshot(projector, "poll-presenter-chart")

    poll_panel.get_by_role("button", name="Reveal the answer").click()
    expect(chart.get_by_role("row", name=re.compile("listed first"))).to_contain_text(
        "Right answer"
    )
    for student in (ann, bob):
        expect(student.locator("#poll")).to_contain_text("Right answer")
        expect(student.locator("#poll")).to_contain_text("first match")
    expect(ann.locator(".poll-choice-mine")).to_contain_text("The one listed first")
    assert_accessible(ann, "student poll, revealed")
    screenshot(ann, "poll-student-revealed")

    # Bob puts the answer away; Ann keeps it until the presenter closes it.
    bob.get_by_role("button", name="Back to the slides").click()
    expect(bob.locator("#poll")).to_be_hidden()
    expect(ann.locator("#poll")).to_be_visible()
    poll_panel.get_by_role("button", name="Close the poll").click()
    expect(ann.locator("#poll")).to_be_hidden()
    expect(poll_panel.get_by_role("button", name="Ask the class")).to_be_visible()


def test_the_check_block_works_with_and_without_javascript(
    page, no_js_page, live_server, deck
):
    for reader in (page, no_js_page):
        reader.goto(f"{live_server.url}/lessons/remote-test/")
        check = reader.locator(".check")
        expect(check).to_contain_text("Which view runs?")
        expect(check.get_by_text("Right.", exact=True)).to_be_hidden()
        check.get_by_text("The most specific one").click()
        wrong = check.locator("details", has_text="The most specific one")
        expect(wrong.get_by_text("Not this one.", exact=True)).to_be_visible()
        expect(check.get_by_text("never compares patterns")).to_be_visible()
        check.get_by_text("The one listed first").click()
        expect(check.get_by_text("Right.", exact=True)).to_be_visible()
        expect(check.get_by_text("Django stops at the first match.")).to_be_visible()
        # One verdict at a time: opening one closed the other.
        expect(wrong.get_by_text("Not this one.", exact=True)).to_be_hidden()
    assert_accessible(page, "lesson with a check open", within=".check")
    # Keyboard only.
    page.reload()
    summary = page.locator(".check summary").nth(1)
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".check").get_by_text("Right.", exact=True)).to_be_visible()


def test_the_poll_works_from_a_phone_and_without_javascript(
    browser, deck, teacher, live_server
):
    lesson = Lesson.objects.get(slug="remote-test")
    presentation = Presentation.objects.create(
        lesson=lesson, presenter=teacher, slide=3
    )
    # The instructor's phone, from the speaker view's link.
    phone = browser.new_context(**PHONE)
    log_in(phone, teacher, live_server.url)
    remote = phone.new_page()
    remote.goto(f"{live_server.url}/lessons/remote-test/present/speaker/")
    remote.get_by_role("link", name="Live poll").click()
    expect(remote.get_by_role("heading", level=1)).to_contain_text("Live poll")
    assert_accessible(remote, "poll page on the presenter's phone")
    remote.get_by_role("button", name="Ask the class").click()
    expect(remote.get_by_role("button", name="Reveal the answer")).to_be_visible()

    # A student without JavaScript answers with the plain form.
    student = browser.new_context(java_script_enabled=False, **PHONE)
    page = student.new_page()
    page.goto(f"{live_server.url}/f/{presentation.code}/")
    poll = page.locator("#poll")
    expect(poll).to_contain_text("Which view runs?")
    poll.get_by_label(re.compile("The one listed first")).check()
    poll.get_by_role("button", name="Send my answer").click()
    expect(page.locator("#poll")).to_contain_text("you answered B")
    assert page.url.endswith("#poll")

    expect(remote.locator(".poll-total")).to_contain_text("1 answer")
    remote.get_by_role("button", name="Reveal the answer").click()
    expect(remote.get_by_role("row", name=re.compile("listed first"))).to_contain_text(
        "Right answer"
    )
    assert_accessible(remote, "poll page, revealed")
    screenshot(remote, "poll-phone-presenter")
    page.reload()
    expect(page.locator("#poll")).to_contain_text("Right answer")
    phone.close()
    student.close()
