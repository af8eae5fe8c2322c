"""Presenter mode in a real browser: keys, a live demo in a slide, the
speaker view mirroring it, and a student's page following the presenter."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from lessons.models import Lesson, Presentation

from .conftest import assert_accessible, screenshot

BODY = """A lesson used only by the presenter tests.

/// notes
Welcome everyone; SECRET-NOTE-ONE.
///

## What a session is

HTTP forgets you between requests. Django's session remembers.

/// notes
Ask who has cleared their cookies today.
///

## The counter

/// demo | session-counter
Press **Add 2** and watch the number.
///

/// notes
Click Add 2 twice, then reset.
///

---

### Where the data lives

| Browser | Server |
| --- | --- |
| a key | the data |

## Recap

Sessions keep state on the server.

""" + "".join(
    f"- Point {n} to remember, long enough to fill a line.\n" for n in range(40)
)
SLIDES = 5
DEMO_SLIDE = 3

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def deck(live_server, transactional_db):
    lesson = Lesson(
        slug="deck-test",
        title="Presenting sessions",
        summary="A test deck.",
        order=1,
        body=BODY,
    )
    lesson.save()
    assert len(lesson.slides) == SLIDES
    return live_server.url + "/lessons/deck-test/present/"


@pytest.fixture
def teacher(transactional_db):
    return User.objects.create_user("teacher", password="x-teacher-pass", is_staff=True)


def log_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def current_slide(page):
    return page.locator(".slide:not([hidden])")


def expect_slide(page, number):
    expect(current_slide(page)).to_have_attribute("id", f"slide-{number}")
    expect(page.locator("[data-deck-number]")).to_have_text(str(number))


def counter(scope):
    return scope.locator(".counter-number")


def test_keys_move_through_the_slides(page, deck):
    page.goto(deck)
    expect_slide(page, 1)
    expect(page.locator(".slide")).to_have_count(SLIDES)
    expect(
        page.get_by_role("heading", name="Presenting sessions", exact=True)
    ).to_be_visible()

    page.keyboard.press("ArrowRight")
    expect_slide(page, 2)
    assert page.url.endswith("#slide-2")
    page.keyboard.press("Space")
    expect_slide(page, 3)
    page.keyboard.press("PageUp")
    expect_slide(page, 2)
    page.keyboard.press("End")
    expect_slide(page, SLIDES)
    page.keyboard.press("ArrowRight")
    expect_slide(page, SLIDES)
    page.keyboard.press("Home")
    expect_slide(page, 1)
    page.keyboard.press("ArrowLeft")
    expect_slide(page, 1)
    page.keyboard.press("4")
    page.keyboard.press("Enter")
    expect_slide(page, 4)
    expect(page.locator("[data-deck-progress]")).to_have_attribute("value", "4")
    expect(
        current_slide(page).get_by_role("heading", name="Where the data lives")
    ).to_be_visible()


def test_a_deep_link_opens_that_slide(page, deck):
    page.goto(deck + "#slide-4")
    expect_slide(page, 4)
    page.evaluate("location.hash = '#slide-2'")
    expect_slide(page, 2)


def test_the_overview_lists_every_slide_and_jumps(page, deck):
    page.goto(deck)
    page.keyboard.press("o")
    overview = page.locator("#deck-overview")
    expect(overview).to_be_visible()
    expect(overview.get_by_role("link")).to_have_count(SLIDES)
    expect(overview.locator("[data-go='3']")).to_contain_text("Live demo")
    assert_accessible(page, "presenter overview")
    screenshot(page, "present-overview")
    overview.get_by_role("link", name=re.compile("Recap")).click()
    expect(overview).to_be_hidden()
    expect_slide(page, 5)


def test_buttons_move_too(page, deck):
    page.goto(deck)
    page.get_by_role("button", name="Next").click()
    expect_slide(page, 2)
    page.get_by_role("button", name="Previous").click()
    expect_slide(page, 1)
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()


def test_a_demo_in_a_slide_is_live_and_keeps_its_state(page, deck):
    page.goto(deck + f"#slide-{DEMO_SLIDE}")
    slide = current_slide(page)
    expect(counter(slide)).to_have_text("1")
    slide.get_by_role("button", name="Add 2").click()
    expect(counter(slide)).to_have_text("3")
    # Typing in the demo's field must not drive the deck.
    slide.get_by_label(re.compile("Add a number")).fill("5")
    slide.get_by_label(re.compile("Add a number")).press("ArrowRight")
    expect_slide(page, DEMO_SLIDE)
    slide.get_by_role("button", name="Add", exact=True).click()
    expect(counter(slide)).to_have_text("8")
    assert page.url.endswith(f"#slide-{DEMO_SLIDE}")

    sandbox_requests = []
    page.on(
        "request",
        lambda request: (
            "/sandbox/" in request.url and sandbox_requests.append(request.url)
        ),
    )
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    expect_slide(page, DEMO_SLIDE + 1)
    page.keyboard.press("ArrowLeft")
    expect_slide(page, DEMO_SLIDE)
    # The same demo, not a reloaded one.
    expect(counter(current_slide(page))).to_have_text("8")
    assert sandbox_requests == []
    screenshot(page, "present-demo-slide")


def test_a_demo_loads_only_when_its_slide_is_shown(page, deck):
    page.goto(deck)
    expect_slide(page, 1)
    # No slide with a demo shown yet: htmx is not even fetched.
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("data-demo-scripts") is None
    assert page.evaluate("typeof window.htmx") == "undefined"
    seen = page.evaluate("performance.now()")
    stage = page.locator(f"#slide-{DEMO_SLIDE} .demo-stage")
    expect(stage.locator(".demo-fallback")).to_have_count(1)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect_slide(page, DEMO_SLIDE)
    expect(page.locator("html")).to_have_attribute("data-demo-scripts", "loaded")
    expect(counter(current_slide(page))).to_have_text("1")
    loads = page.evaluate(
        """performance.getEntriesByType("resource")
             .filter((entry) => entry.name.includes("/sandbox/"))
             .map((entry) => entry.startTime)"""
    )
    assert loads and min(loads) > seen


TWO_DEMOS = """Two demos on two slides.

## The counter

/// demo | session-counter
///

## An address

/// demo | email-validation
///
"""


def test_a_demo_on_a_hidden_slide_waits_for_its_slide(
    page, live_server, transactional_db
):
    Lesson(
        slug="two-demos", title="Two demos", summary="Two.", order=1, body=TWO_DEMOS
    ).save()
    sandbox = []
    page.on(
        "request",
        lambda request: "/sandbox/" in request.url and sandbox.append(request.url),
    )
    page.goto(live_server.url + "/lessons/two-demos/present/#slide-2")
    expect_slide(page, 2)
    expect(counter(current_slide(page))).to_have_text("1")
    # htmx, loaded for slide 2, has seen the demo on slide 3: a hidden
    # element counts as revealed to it, so this is where it would send it.
    email = page.locator("#slide-3 .demo-stage")
    expect(email).to_have_attribute("data-hx-revealed", "true")
    expect(email.locator(".demo-fallback")).to_have_count(1)
    assert not any("email-validation" in url for url in sandbox)
    page.keyboard.press("ArrowRight")
    expect_slide(page, 3)
    expect(email.get_by_label(re.compile("Email"))).to_be_visible()


def test_speaker_view_shows_notes_and_mirrors_the_demo_without_requests(
    browser, deck, teacher, live_server
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    log_in(context, teacher, live_server.url)
    presenter = context.new_page()
    presenter.goto(deck)
    expect_slide(presenter, 1)

    # Listening on the context catches the speaker page's very first requests.
    speaker_requests = []

    def record(request):
        try:
            from_presenter = request.frame.page == presenter
        except Exception:  # noqa: BLE001 - the popup's first navigation has no frame yet
            from_presenter = False
        if not from_presenter:
            speaker_requests.append(request.url)

    context.on("request", record)
    with context.expect_page() as opened:
        presenter.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_load_state()
    assert "/present/speaker/" in speaker.url
    expect(speaker.locator("[data-speaker-status]")).to_contain_text("Connected")
    expect(speaker.locator('[data-pane="notes"]')).to_contain_text("SECRET-NOTE-ONE")
    expect(speaker.locator("[data-speaker-next-title]")).to_have_text(
        "What a session is"
    )

    # Keys in the speaker window drive the presenter window.
    speaker.keyboard.press("ArrowRight")
    expect_slide(presenter, 2)
    expect(speaker.locator('[data-pane="notes"]')).to_contain_text(
        "cleared their cookies"
    )
    speaker.keyboard.press("ArrowRight")
    expect_slide(presenter, DEMO_SLIDE)

    stage = current_slide(presenter)
    expect(counter(stage)).to_have_text("1")
    mirrored = speaker.locator('[data-pane="current"] .counter-number')
    expect(mirrored).to_have_text("1")
    stage.get_by_role("button", name="Add 2").click()
    expect(counter(stage)).to_have_text("3")
    expect(mirrored).to_have_text("3")
    expect(speaker.locator('[data-pane="current"]')).to_have_attribute("inert", "")
    expect(speaker.locator('[data-pane="notes"]')).to_contain_text("Click Add 2 twice")
    expect(speaker.locator("[data-speaker-elapsed]")).to_have_text(
        re.compile(r"^\d+:\d\d$")
    )
    expect(speaker.locator("[data-speaker-clock]")).to_have_text(
        re.compile(r"^\d\d:\d\d$")
    )
    assert_accessible(speaker, "speaker view")
    screenshot(speaker, "present-speaker")

    # The speaker page never asks the sandbox for anything.
    assert any("/present/speaker/" in url for url in speaker_requests)
    assert [url for url in speaker_requests if "/sandbox/" in url] == []
    assert not any("htmx" in url for url in speaker_requests)
    context.close()


def test_a_follower_follows_the_presenter_and_can_browse_back(
    browser, deck, teacher, live_server
):
    teacher_context = browser.new_context(viewport={"width": 1280, "height": 800})
    log_in(teacher_context, teacher, live_server.url)
    presenter = teacher_context.new_page()
    presenter.goto(deck)
    presenter.get_by_role("button", name="Follow-along", exact=True).click()
    presenter.get_by_role("button", name="Start follow-along").click()
    panel = presenter.locator("#follow-panel")
    expect(
        panel.get_by_role("img", name="QR code for the follow-along link")
    ).to_be_visible()
    presentation = Presentation.objects.get()
    follow_url = f"{live_server.url}/f/{presentation.code}/"
    expect(panel.get_by_role("link", name=follow_url)).to_be_visible()
    assert_accessible(presenter, "presenter with follow-along panel")
    screenshot(presenter, "present-follow-panel")

    student_context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    student = student_context.new_page()
    student.goto(follow_url)
    expect_slide(student, 1)
    expect(student.locator("#follow-state")).to_contain_text("Live")

    presenter.get_by_role("button", name="Follow-along", exact=True).click()
    presenter.keyboard.press("ArrowRight")
    presenter.keyboard.press("ArrowRight")
    expect_slide(presenter, 3)
    expect_slide(student, 3)  # within expect's 5 s; polling is every second
    assert Presentation.objects.get().slide == 3

    # The student looks back on their own; the class does not move.
    student.get_by_role("button", name="Previous").click()
    expect_slide(student, 2)
    jump = student.get_by_role("link", name=re.compile("Back to live"))
    expect(jump).to_be_visible()
    presenter.keyboard.press("ArrowRight")
    expect_slide(presenter, 4)
    expect(jump).to_have_text("Back to live (slide 4)")
    expect_slide(student, 2)
    assert Presentation.objects.get().slide == 4
    assert_accessible(student, "follower page")
    screenshot(student, "follow-phone")
    jump.click()
    expect_slide(student, 4)
    expect(jump).to_be_hidden()

    # The presenter ends the session; the student keeps the slides.
    presenter.get_by_role("button", name="Follow-along", exact=True).click()
    presenter.get_by_role("button", name="End follow-along").click()
    expect(presenter.get_by_role("button", name="Start follow-along")).to_be_visible()
    expect(student.locator("#follow-state")).to_contain_text("ended")
    student.get_by_role("button", name="Previous").click()
    expect_slide(student, 3)
    teacher_context.close()
    student_context.close()


def test_follower_polls_at_low_priority_and_get_304_while_the_slide_stays(
    browser, deck, teacher, live_server
):
    presentation = Presentation.objects.create(
        lesson=Lesson.objects.get(slug="deck-test"), presenter=teacher
    )
    context = browser.new_context()
    page = context.new_page()
    statuses = []
    page.on(
        "response",
        lambda response: "/state/" in response.url and statuses.append(response.status),
    )
    # Low priority: the page's own requests go first, and the page counts
    # as settled to tools that wait for the important requests (Lighthouse).
    priorities = []
    devtools = context.new_cdp_session(page)
    devtools.on(
        "Network.requestWillBeSent",
        lambda sent: (
            "/state/" in sent["request"]["url"]
            and priorities.append(sent["request"]["initialPriority"])
        ),
    )
    devtools.send("Network.enable")
    page.goto(f"{live_server.url}/f/{presentation.code}/")
    # Two polls, whenever they come: each waits for the next state response.
    for _ in range(2):
        with page.expect_response(lambda response: "/state/" in response.url):
            pass
    assert len(statuses) >= 2 and set(statuses) == {304}
    assert len(priorities) >= 2 and set(priorities) == {"Low"}
    context.close()


def test_before_the_script_starts_only_the_class_slide_is_laid_out(
    browser, deck, teacher, live_server
):
    presentation = Presentation.objects.create(
        lesson=Lesson.objects.get(slug="deck-test"), presenter=teacher
    )
    presentation.move_to(DEMO_SLIDE)
    context = browser.new_context()
    page = context.new_page()
    # The page as it is until present.js runs: here, never.
    page.route(re.compile(r"/static/js/present\."), lambda route: route.abort())
    page.goto(f"{live_server.url}/f/{presentation.code}/")
    expect(page.locator(".deck-slides > .slide:visible")).to_have_count(1)
    expect(page.locator(f"#slide-{DEMO_SLIDE}")).to_be_visible()
    context.close()


def test_presenter_page_is_accessible(page, deck):
    page.goto(deck + f"#slide-{DEMO_SLIDE}")
    expect(counter(current_slide(page))).to_have_text("1")
    assert_accessible(page, "presenter page on a demo slide")
    page.keyboard.press("Home")
    assert_accessible(page, "presenter title slide")
    screenshot(page, "present-title")


def test_without_javascript_every_slide_reads_in_order(no_js_page, deck):
    no_js_page.goto(deck)
    expect(no_js_page.locator(".slide:visible")).to_have_count(SLIDES)
    expect(
        no_js_page.get_by_role("link", name=re.compile("Play the Session counter demo"))
    ).to_be_visible()
    assert "SECRET-NOTE" not in no_js_page.content()
    expect(no_js_page.get_by_role("button", name="Next")).to_be_hidden()
    screenshot(no_js_page, "present-no-js")


def test_printing_puts_one_slide_on_each_page(page, deck):
    page.goto(deck + f"#slide-{DEMO_SLIDE}")
    slide = current_slide(page)
    slide.get_by_role("button", name="Add 2").click()
    expect(counter(slide)).to_have_text("3")
    page.emulate_media(media="print")
    expect(page.locator(".slide:visible")).to_have_count(SLIDES)
    expect(page.locator(".deck-bar")).to_be_hidden()
    # The demo prints as it is now, without its trace.
    expect(counter(page.locator(f"#slide-{DEMO_SLIDE}"))).to_have_text("3")
    expect(page.locator(".deck .inspector").first).to_be_hidden()
    # A slide taller than a page is scaled to fit it, not cut off.
    clipped = page.locator(".deck-slides > .slide").evaluate_all(
        """slides => slides.filter(slide => slide.querySelector(".slide-fit")
             .getBoundingClientRect().bottom > slide.getBoundingClientRect().bottom + 1)
           .map(slide => slide.id)"""
    )
    assert clipped == []
    pdf = page.pdf(prefer_css_page_size=True)
    # Each page object in the PDF is "/Type /Page" (the tree is "/Pages").
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == SLIDES


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_demo_slide_fits_the_window_with_its_trace_closed(page, deck, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(deck + f"#slide-{DEMO_SLIDE}")
    slide = current_slide(page)
    expect(counter(slide)).to_have_text("1")
    trace = slide.locator("details[data-inspector]")
    expect(trace).not_to_have_attribute("open", "")

    def assert_fits():
        bar_top = page.locator(".deck-bar").bounding_box()["y"]
        fit = slide.locator(".slide-fit")
        expect(fit).to_have_js_property("isConnected", True)
        page.wait_for_function(
            """([fit, barTop]) => fit.getBoundingClientRect().bottom <= barTop + 1""",
            arg=[fit.element_handle(), bar_top],
        )
        box = fit.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= bar_top + 1

    assert_fits()
    # Opening the trace grows the slide: it is scaled again to fit.
    slide.locator("details[data-inspector] > summary").click()
    expect(trace).to_have_attribute("open", "")
    slide.get_by_role("button", name="Add 2").click()
    expect(counter(slide)).to_have_text("3")
    assert_fits()
    screenshot(page, f"present-demo-slide-{width}x{height}")


def test_b_blacks_out_the_projector_and_brings_the_slide_back(page, deck):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(deck + "#slide-2")
    blackout = page.locator("[data-deck-blackout]")
    expect(blackout).to_have_count(0)
    page.keyboard.press("b")
    expect(blackout).to_be_visible()
    assert blackout.bounding_box() == {"x": 0, "y": 0, "width": 1280, "height": 720}
    # Nothing but black: the black screen is on top of the slide and the bar.
    on_top = page.evaluate(
        "() => [[640, 360], [640, 700]].every(([x, y]) =>"
        " document.elementFromPoint(x, y).matches('[data-deck-blackout], [data-deck-blackout] *'))"
    )
    assert on_top
    expect(page.locator("[data-deck-announce]")).to_have_text("Screen blacked out")
    page.keyboard.press("b")
    expect(blackout).to_be_hidden()
    expect_slide(page, 2)
