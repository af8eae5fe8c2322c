"""A class you can see, in real browsers: the presenter counts the students'
screens, reveals a list item by item and blanks the screens; students see
the same, are told to reload when the lesson is edited mid-class, and see
"ended" when the session ends by itself. axe runs on the follower page in
each of its states, on a phone."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from lessons.models import Lesson, Presentation

from .conftest import PHONE, assert_accessible, screenshot
from .test_presenting import expect_slide, log_in

BODY = """Opening words.

## What a session is

HTTP forgets you between requests.

## Three things to remember

/// reveal
- The key lives in a cookie.
- The data lives on the server.
- Logging out flushes it.
///

## Recap

Sessions keep state on the server.
"""
REVEAL_SLIDE = 3

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def lesson(live_server, transactional_db):
    lesson = Lesson(
        slug="class-test",
        title="A class you can see",
        summary="A test deck.",
        order=1,
        body=BODY,
    )
    lesson.save()
    return lesson


@pytest.fixture
def presenter(browser, lesson, live_server):
    """The teacher's presenter page, with follow-along started."""
    teacher = User.objects.create_user(
        "teacher", password="x-teacher-pass", is_staff=True
    )
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    log_in(context, teacher, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/lessons/class-test/present/")
    page.get_by_role("button", name="Follow-along", exact=True).click()
    page.get_by_role("button", name="Start follow-along").click()
    expect(page.locator("[data-follow-count]")).to_have_text("Nobody following yet")
    # Close the panel again: the keys then move the slides.
    page.get_by_role("button", name="Follow-along", exact=True).click()
    yield page
    context.close()


def test_starting_before_htmx_has_loaded_still_shows_the_link(
    browser, lesson, live_server
):
    """On a slow phone the button can be pressed before htmx arrives: the
    form then reloads the page, which must open on the panel, not hide it."""
    teacher = User.objects.create_user(
        "teacher", password="x-teacher-pass", is_staff=True
    )
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    log_in(context, teacher, live_server.url)
    page = context.new_page()
    page.route(re.compile(r"htmx"), lambda route: route.abort())
    page.goto(f"{live_server.url}/lessons/class-test/present/")
    expect(page.locator("html")).to_have_attribute("data-demo-scripts", "failed")
    page.get_by_role("button", name="Follow-along", exact=True).click()
    page.get_by_role("button", name="Start follow-along").click()
    expect(page.get_by_role("button", name="End follow-along")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code for the follow-along link")
    ).to_be_visible()
    page.get_by_role("button", name="End follow-along").click()
    expect(page.get_by_role("button", name="Start follow-along")).to_be_visible()
    context.close()


@pytest.fixture
def follow_url(presenter, live_server):
    return f"{live_server.url}/f/{Presentation.objects.get().code}/"


@pytest.fixture
def student(browser, follow_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(follow_url)
    yield page
    context.close()


def items(page, number=REVEAL_SLIDE):
    return page.locator(f"#slide-{number} .slide-reveal li")


def expect_revealed(page, shown):
    for position in range(3):
        item = items(page).nth(position)
        if position < shown:
            expect(item).to_be_visible()
        else:
            expect(item).to_be_hidden()


def test_the_presenter_sees_the_class_and_students_see_reveals_and_pauses(
    browser, presenter, student, follow_url
):
    count = presenter.locator("[data-deck-followers]")
    expect(student.locator("#follow-state")).to_contain_text("Live")
    # A heartbeat every 5 s brings the count.
    expect(count).to_have_text("1 device following", timeout=15_000)
    laptop_context = browser.new_context()
    laptop = laptop_context.new_page()
    laptop.goto(follow_url)
    expect(count).to_have_text("2 devices following", timeout=15_000)
    # The same device in a second tab is still one device.
    second_tab = laptop_context.new_page()
    second_tab.goto(follow_url)
    expect(second_tab.locator("#follow-state")).to_contain_text("Live")
    presenter.get_by_role("button", name="Follow-along", exact=True).click()
    expect(presenter.locator("[data-follow-count]")).to_have_text(
        "2 devices following", timeout=15_000
    )
    presenter.get_by_role("button", name="Follow-along", exact=True).click()

    # To the list: its items come one per key press, on every screen.
    presenter.keyboard.press("ArrowRight")
    presenter.keyboard.press("ArrowRight")
    expect_slide(presenter, REVEAL_SLIDE)
    expect_slide(student, REVEAL_SLIDE)
    expect_revealed(presenter, 0)
    expect_revealed(student, 0)
    presenter.keyboard.press("ArrowRight")
    expect_slide(presenter, REVEAL_SLIDE)
    expect_revealed(presenter, 1)
    expect_revealed(student, 1)
    # (Space would press the focused Follow-along button.)
    presenter.keyboard.press("n")
    presenter.keyboard.press("PageDown")
    expect_revealed(presenter, 3)
    expect_revealed(student, 3)
    assert Presentation.objects.get().step == 3
    # Back one: the last item goes again; then on past the list.
    presenter.keyboard.press("ArrowLeft")
    expect_revealed(student, 2)
    presenter.keyboard.press("ArrowRight")
    presenter.keyboard.press("ArrowRight")
    expect_slide(presenter, REVEAL_SLIDE + 1)
    expect_slide(student, REVEAL_SLIDE + 1)
    # Coming back with "previous" shows the whole list.
    presenter.keyboard.press("ArrowLeft")
    expect_slide(student, REVEAL_SLIDE)
    expect_revealed(student, 3)
    assert_accessible(student, "follower page, following")

    # B blanks the projector and every student's screen, with a word why.
    presenter.keyboard.press("b")
    pause = student.locator("[data-follow-blackout]")
    expect(pause).to_be_visible()
    expect(pause).to_contain_text("Paused")
    expect(laptop.locator("[data-follow-blackout]")).to_be_visible()
    assert_accessible(student, "follower page, blacked out")
    screenshot(student, "follow-paused-phone")
    presenter.keyboard.press("b")
    expect(pause).to_be_hidden()
    laptop_context.close()


def test_a_list_is_whole_on_the_reading_page_and_in_print(page, lesson, live_server):
    page.goto(f"{live_server.url}/lessons/class-test/")
    for position in range(3):
        expect(page.locator(".slide-reveal li").nth(position)).to_be_visible()
    page.goto(f"{live_server.url}/lessons/class-test/present/#slide-{REVEAL_SLIDE}")
    expect_revealed(page, 0)
    page.emulate_media(media="print")
    expect_revealed(page, 3)


def test_an_edit_during_class_asks_students_to_reload_and_keeps_the_slide(
    presenter, student, lesson
):
    presenter.keyboard.press("ArrowRight")
    presenter.keyboard.press("ArrowRight")
    expect_slide(presenter, REVEAL_SLIDE)
    expect_slide(student, REVEAL_SLIDE)
    prompt = student.get_by_role("alert")
    expect(prompt).to_be_hidden()

    # An admin adds a slide near the start: the class's slide becomes slide 4.
    lesson.body = BODY.replace(
        "## What a session is",
        "## A new slide\n\nAdded in class.\n\n## What a session is",
    )
    lesson.save()
    expect(prompt).to_contain_text("The lesson changed")
    # Still on the list slide (found by its id in this page's old deck), not
    # on this page's slide 4.
    expect_slide(student, REVEAL_SLIDE)
    expect(student.locator(f"#slide-{REVEAL_SLIDE}")).to_have_attribute(
        "data-slide-id", "three-things-to-remember"
    )
    assert_accessible(student, "follower page, reload prompt")
    screenshot(student, "follow-reload-phone")
    # The presenter hears of it with the next heartbeat.
    expect(presenter.get_by_role("alert")).to_contain_text(
        "The lesson changed", timeout=15_000
    )

    with student.expect_event("load"):
        prompt.get_by_role("link", name="Reload").click()
    expect_slide(student, REVEAL_SLIDE + 1)
    expect(student.locator(f"#slide-{REVEAL_SLIDE + 1}")).to_contain_text(
        "The key lives in a cookie"
    )
    expect(student.get_by_role("alert")).to_be_hidden()

    with presenter.expect_event("load"):
        presenter.get_by_role("alert").get_by_role("link", name="Reload").click()
    expect_slide(presenter, REVEAL_SLIDE + 1)
    presenter.keyboard.press("ArrowLeft")
    presenter.keyboard.press("ArrowLeft")
    expect_slide(student, 2)
    expect(student.locator("#slide-2")).to_contain_text("Added in class")


def wait_for_closing_beat(presentation, timeout=15):
    # The closing beat puts presenter_seen_at back to where the grace ends
    # the session; an ordinary beat puts it at now.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = Presentation.objects.get(pk=presentation.pk).presenter_seen_at
        if seen < timezone.now() - Presentation.ABSENT_LIMIT / 2:
            return seen
        time.sleep(0.1)
    raise AssertionError("The closing beat never reached the server.")


def test_a_session_that_ends_by_itself_stops_the_students(presenter, student):
    expect(student.locator("#follow-state")).to_contain_text("Live")
    presentation = Presentation.objects.get()
    # Closing the presenter's tab sends a last beat (a beacon) that starts
    # the grace. Nothing in the browser reports when the server has it, so
    # the test watches the row.
    presenter.close()
    closing_at = wait_for_closing_beat(presentation)
    presentation.refresh_from_db()
    assert presentation.is_live
    # The grace runs out without a presenter page coming back.
    Presentation.objects.filter(pk=presentation.pk).update(
        presenter_seen_at=closing_at - Presentation.CLOSED_GRACE
    )
    state = student.locator("#follow-state")
    expect(state).to_contain_text("ended")
    # The ended answer (286) replaced the poller: nothing polls any more.
    expect(state).not_to_have_attribute("hx-get", re.compile("."))
    expect(student.get_by_role("link", name=re.compile("Back to live"))).to_be_hidden()
    assert_accessible(student, "follower page, ended")


def test_the_speaker_view_times_each_slide_and_shows_the_class(presenter):
    presenter.clock.install()
    with presenter.context.expect_page() as opened:
        presenter.keyboard.press("s")
    speaker = opened.value
    speaker.clock.install()
    expect(speaker.locator("[data-speaker-status]")).to_contain_text("Connected")
    expect(speaker.locator("[data-speaker-followers]")).to_have_text(
        "Nobody following yet", timeout=15_000
    )
    # From here the speaker's clock moves only when the test moves it, so
    # a slow machine cannot add real seconds to the times it reads.
    fake_now = datetime.fromtimestamp(speaker.evaluate("Date.now()") / 1000, UTC)
    speaker.clock.pause_at(fake_now + timedelta(seconds=1))
    speaker.clock.run_for("01:05")
    expect(speaker.locator("[data-speaker-slide-time]")).to_have_text(
        re.compile(r"^1:0\d$")
    )
    speaker.keyboard.press("ArrowRight")
    expect_slide(presenter, 2)
    speaker.clock.run_for("00:20")
    times = speaker.locator("[data-speaker-time-for]")
    expect(times.nth(0)).to_contain_text(re.compile(r"1:0\d"))
    expect(times.nth(1)).to_contain_text(re.compile(r"0:2\d"))
    expect(times.nth(1)).to_have_attribute("aria-current", "true")
    expect(speaker.locator("[data-speaker-slide-time]")).to_have_text(
        re.compile(r"^0:2\d$")
    )
    # On the list slide the speaker sees the items still to come, faded.
    speaker.keyboard.press("ArrowRight")
    expect_slide(presenter, REVEAL_SLIDE)
    pending = speaker.locator('[data-pane="current"] .reveal-pending')
    expect(pending).to_have_count(3)
    speaker.keyboard.press("ArrowRight")
    expect(pending).to_have_count(2)
    expect_revealed(presenter, 1)
    speaker.close()


def bars(browser, url, script_runs):
    """The deck's bars on a phone, with present.js or without it."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    if not script_runs:
        page.route(re.compile(r"/js/present(\.\w+)?\.js$"), lambda route: route.abort())
    page.goto(url)
    if script_runs:
        expect(page.locator(".deck.deck-js")).to_have_count(1)
    sizes = {
        name: page.locator(selector).bounding_box()["height"]
        for name, selector in [("controls", ".deck-bar"), ("follow", ".follow-bar")]
        if page.locator(selector).count()
    }
    context.close()
    return sizes


@pytest.mark.parametrize("page_kind", ["follower", "reader's deck"])
def test_the_bars_have_their_final_size_before_the_script_starts(
    browser, follow_url, live_server, page_kind
):
    """Nothing grows or shrinks over the slide when present.js starts (layout shift)."""
    url = (
        follow_url
        if page_kind == "follower"
        else f"{live_server.url}/lessons/class-test/present/"
    )
    before = bars(browser, url, script_runs=False)
    assert before == bars(browser, url, script_runs=True)
