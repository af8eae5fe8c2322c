"""Reading the course: search, progress, shortcuts, layout and offline reading,
as a reader does it in Chromium (keyboard, phone, JavaScript off, offline)."""

import json
import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson

from .conftest import assert_accessible, screenshot

LESSON = "/lessons/sessions/"
PROGRESS_KEY = "courseware.progress.v1"


def stored_progress(page):
    return json.loads(
        page.evaluate(f"localStorage.getItem('{PROGRESS_KEY}')") or "null"
    )


# --- Search -------------------------------------------------------------------


def test_search_as_you_type_links_to_the_section(page, site):
    page.goto(site + LESSON)
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search the course")
    expect(box).to_be_focused()
    page.keyboard.type("makemigr")
    results = page.locator("[data-search-results]")
    expect(results).to_be_visible()
    first = results.get_by_role("link").first
    expect(results.locator("mark").first).to_have_text(
        re.compile("makemigrations", re.I)
    )
    expect(page.locator("[data-search-status]")).to_contain_text("found")
    assert_accessible(page, "live search results", within=".site-search")
    # Down arrow walks into the results; Escape closes them and returns.
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(box).to_be_focused()
    expect(results).to_be_hidden()
    page.keyboard.press("ArrowDown")  # shows nothing: the list was closed
    page.keyboard.type("a")
    expect(results).to_be_visible()
    href = results.get_by_role("link").first.get_attribute("href")
    assert re.match(r"^/lessons/[\w-]+/#[\w-]+$", href), href
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + href)


def test_search_works_without_javascript(no_js_page, site):
    page = no_js_page
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search the course").fill("csrf_token")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the course")
    expect(page.locator(".search-count")).to_contain_text("found for")
    expect(page.locator(".search-results mark").first).to_be_visible()
    result = page.locator(".search-results a").first
    href = result.get_attribute("href")
    result.click()
    expect(page).to_have_url(site + href)


def test_search_page_is_accessible_in_both_themes(page, site):
    page.goto(site + "/search/?q=session")
    assert_accessible(page, "search page, light")
    page.emulate_media(color_scheme="dark")
    assert_accessible(page, "search page, dark")


# --- Progress -----------------------------------------------------------------


def test_a_lesson_marked_done_stays_done_across_reloads(page, site):
    page.goto(site + LESSON)
    done = page.get_by_role("button", name="Mark this lesson as done")
    events = page.evaluate_handle(
        """() => { const seen = [];
        document.addEventListener('courseware:progress', (e) => seen.push(e.detail));
        return seen; }"""
    )
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    assert events.evaluate(
        "seen => seen.some((progress) => progress.lessons.sessions?.done === true)"
    )
    assert stored_progress(page)["lessons"] == {"sessions": {"done": True}}

    page.reload()
    expect(page.locator("[data-mark-done]")).to_have_attribute("aria-pressed", "true")
    expect(
        page.locator('.course-outline [data-lesson-link="sessions"]')
    ).to_contain_text("(done)")
    page.goto(site + "/")
    expect(page.locator('.outline [data-lesson-link="sessions"]')).to_have_class(
        re.compile("is-done")
    )
    total = Lesson.objects.count()
    expect(page.locator("[data-progress-text]")).to_have_text(
        f"1 of {total} lessons done"
    )
    assert page.locator("progress").evaluate("bar => bar.value") == 1


def test_exercise_passes_written_by_another_script_are_kept(page, site):
    page.goto(site + LESSON)
    page.evaluate(
        f"""localStorage.setItem('{PROGRESS_KEY}', JSON.stringify(
        {{"lessons": {{}}, "exercises": {{"ninja-gold-1": {{"passed": true}}}}, "last": null}}))"""
    )
    page.reload()
    page.get_by_role("button", name="Mark this lesson as done").click()
    stored = stored_progress(page)
    assert stored["exercises"] == {"ninja-gold-1": {"passed": True}}
    assert stored["lessons"]["sessions"] == {"done": True}


def test_home_offers_to_continue_where_the_reader_left_off(page, site):
    page.goto(site + "/")
    expect(page.locator("[data-resume] a")).to_contain_text("Start the course")
    page.goto(site + LESSON + "#the-modified-gotcha")
    expect(page.locator('.toc-top a[href="#the-modified-gotcha"]')).to_have_attribute(
        "aria-current", "location"
    )
    assert stored_progress(page)["last"] == {
        "lesson": "sessions",
        "section": "the-modified-gotcha",
    }
    page.goto(site + "/")
    resume = page.locator("[data-resume] a")
    expect(resume).to_contain_text("Continue where you left off")
    expect(resume).to_contain_text("Sessions")
    expect(resume).to_have_attribute("href", LESSON + "#the-modified-gotcha")
    resume.click()
    expect(page).to_have_url(site + LESSON + "#the-modified-gotcha")


# --- Keyboard shortcuts -------------------------------------------------------


def test_shortcuts_move_between_lessons_and_switch_the_theme(page, site):
    page.emulate_media(color_scheme="light")
    page.goto(site + LESSON)
    after = Lesson.objects.filter(order__gt=Lesson.objects.get(slug="sessions").order)
    page.keyboard.press("n")
    expect(page).to_have_url(
        re.compile(after.order_by("order").first().get_absolute_url() + "$")
    )
    page.keyboard.press("p")
    expect(page).to_have_url(re.compile(LESSON + "$"))
    page.keyboard.press("t")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.keyboard.press("s")
    expect(page.get_by_role("searchbox", name="Search the course")).to_be_focused()


def test_the_question_mark_lists_the_shortcuts(page, site):
    page.goto(site + LESSON)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert_accessible(page, "shortcuts dialog", within="dialog.shortcuts")
    page.keyboard.press("n")  # not while the list is open
    expect(page).to_have_url(site + LESSON)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_a_late_answer_does_not_cover_the_page_after_the_reader_left(page, site):
    page.goto(site + LESSON)
    held = []
    page.route("**/search/?q=*", lambda route: held.append(route))
    box = page.get_by_role("searchbox", name="Search the course")
    with page.expect_request("**/search/?q=*"):
        box.fill("session")
    page.locator("main h1").click()  # the reader goes back to the lesson
    results = page.locator("[data-search-results]")
    with page.expect_response("**/search/?q=*"):
        held[0].continue_()
    expect(results).to_be_hidden()
    box.focus()  # coming back shows what was found
    expect(results).to_be_visible()


def test_shortcuts_never_fire_while_typing(page, site):
    page.goto(site + LESSON)
    page.get_by_role("searchbox", name="Search the course").click()
    page.keyboard.type("np t")
    expect(page).to_have_url(site + LESSON)
    page.keyboard.press("Escape")
    # An editor such as CodeMirror is a contenteditable element.
    page.evaluate(
        """() => { const editor = document.createElement('div');
        editor.contentEditable = 'true'; editor.id = 'editor';
        editor.innerHTML = '<p>code</p>'; document.querySelector('main').prepend(editor); }"""
    )
    page.locator("#editor p").click()
    page.keyboard.type("npt?")
    expect(page).to_have_url(site + LESSON)
    expect(page.locator("html")).not_to_have_attribute("data-theme", "dark")
    expect(page.locator("#editor")).to_contain_text("npt?")


def test_shortcuts_never_fire_while_typing_in_a_shadow_root(page, site):
    # The exercise editors live in shadow roots: the keydown reaches the
    # document retargeted to the host, which is not itself editable.
    page.goto(site + LESSON)
    page.evaluate(
        """() => { const host = document.createElement('div'); host.id = 'host';
        const editor = document.createElement('div'); editor.contentEditable = 'true';
        editor.textContent = 'code';
        host.attachShadow({mode: 'open'}).append(editor);
        document.querySelector('main').prepend(host); }"""
    )
    page.locator("#host div").click()
    page.keyboard.type("npt")
    expect(page.locator("#host div")).to_contain_text("npt")
    expect(page).to_have_url(site + LESSON)
    expect(page.locator("html")).not_to_have_attribute("data-theme", "dark")


# --- Layout -------------------------------------------------------------------


def test_the_contents_stay_in_reach_on_a_wide_screen(page, site):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(site + LESSON)
    toc = page.locator(".toc-side")
    expect(toc).to_be_visible()
    expect(page.locator(".toc-top")).to_be_hidden()
    page.locator("#check-yourself").evaluate("heading => heading.scrollIntoView()")
    expect(toc).to_be_in_viewport()
    expect(toc.locator('a[href="#check-yourself"]')).to_have_attribute(
        "aria-current", "location"
    )


# Code far from the window is not laid out until the reader comes near it
# (site.css, content-visibility): the page must behave as if it were.
DRAWN = (
    "pre => pre.querySelector('code').checkVisibility({contentVisibilityAuto: true})"
)
SKIPPED = f"pre => !({DRAWN})(pre)"
HEADING_ON_TOP = """id => {
  const heading = document.getElementById(id);
  const margin = parseFloat(getComputedStyle(heading).scrollMarginTop);
  return Math.abs(heading.getBoundingClientRect().top - margin) < 1;
}"""


@pytest.mark.parametrize(
    "size", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
)
def test_code_far_below_waits_and_a_link_far_down_lands_on_its_heading(
    page, site, size
):
    page.set_viewport_size(size)
    page.goto(site + LESSON)
    last_code = page.locator(".lesson-body .highlight pre").last
    assert last_code.evaluate(SKIPPED)
    last_code.scroll_into_view_if_needed()
    expect(last_code).to_be_in_viewport()
    # The browser draws what came near on its next frame, not at once.
    page.wait_for_function(DRAWN, arg=last_code.element_handle())

    # Arriving from elsewhere straight at a section far down, past code
    # never drawn: the heading lands at the top and stays there.
    page.goto(site + "/")
    page.goto(site + LESSON + "#the-modified-gotcha")
    page.wait_for_function(HEADING_ON_TOP, arg="the-modified-gotcha")
    first_code = page.locator(".lesson-body .highlight pre").first
    assert first_code.evaluate(SKIPPED)
    # Scrolling up draws the code above at its real height, and the
    # browser keeps what the reader was looking at in place.
    page.evaluate("window.scrollBy(0, -200)")
    page.evaluate("window.scrollBy(0, 200)")
    page.wait_for_function(HEADING_ON_TOP, arg="the-modified-gotcha")


def test_printing_a_lesson_prints_all_its_code(page, site):
    page.goto(site + LESSON)
    page.emulate_media(media="print")
    codes = page.locator(".lesson-body .highlight pre")
    assert codes.count() > 5
    assert not any(codes.evaluate_all(f"codes => codes.map({SKIPPED})"))


def test_a_phone_shows_the_title_first_and_a_way_back_up(phone_page, site):
    page = phone_page
    page.goto(site + LESSON)
    expect(page.locator("details.course-outline")).not_to_have_attribute("open", "")
    title_top = page.get_by_role("heading", level=1).bounding_box()["y"]
    assert title_top < 300, f"the title starts {title_top}px down"
    back = page.get_by_role("link", name="Back to top")
    expect(back).to_be_hidden()
    page.locator("#summary").scroll_into_view_if_needed()
    expect(back).to_be_visible()
    back.click()
    expect(page.locator("main#main")).to_be_focused()


def test_copy_on_a_phone_covers_no_code_and_leaves_out_prompts(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + "/lessons/why-django/")
    console = page.locator(".lesson-body .language-console").first
    console.scroll_into_view_if_needed()
    button = console.get_by_role("button", name="Copy this code")
    code = console.locator("pre").bounding_box()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= code["y"] + 1, "the button covers the code"
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip()
    assert not any(line.startswith("$ ") for line in copied.splitlines()), copied
    context.close()


# --- Offline ------------------------------------------------------------------


def test_lessons_read_offline_after_a_first_visit(browser, site):
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    page.goto(site + "/")
    # The worker is active only once it has kept every lesson (its install step).
    assert page.evaluate(
        "navigator.serviceWorker.ready.then((worker) => Boolean(worker.active))"
    )
    context.set_offline(True)
    page.goto(site + LESSON)  # never opened before, yet kept
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    expect(page.locator(".demo-offline").first).to_contain_text("needs a connection")
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Search needs the server, and says so.
    page.get_by_role("searchbox", name="Search the course").fill("session")
    expect(page.locator("[data-search-results]")).to_contain_text("offline")
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_lesson_with_its_demo_played_and_inspector_open_is_accessible(
    page, site, theme
):
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.emulate_media(color_scheme=theme)
    page.goto(site + LESSON)
    stage = page.locator(".demo-stage").first
    stage.scroll_into_view_if_needed()
    # The demo's first visit already shows a trace: wait for the click's own
    # answer (1 visit, plus 2), not just for any inspector.
    expect(stage.locator(".counter-number")).to_have_text("1")
    stage.get_by_role("button", name="Add 2").click()
    expect(stage.locator(".counter-number")).to_have_text("3")
    expect(page.locator(".inspector-chain").first).to_be_visible()
    # On a wide screen the inspector sits beside its demo, not under it.
    inspector = page.locator(".demo .inspector").first.bounding_box()
    played = stage.bounding_box()
    assert inspector["x"] >= played["x"] + played["width"] - 1
    assert abs(inspector["y"] - played["y"]) < 2
    assert_accessible(page, f"lesson with a demo played, {theme}", within="figure.demo")
    screenshot(page, f"reading-demo-played-{theme}")
