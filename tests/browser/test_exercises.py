"""An exercise in a lesson, in Chromium: Python runs in the page's worker.

One long test on purpose: Python and Django start in the browser once (tens
of seconds on a busy machine), and everything a learner does with one
exercise follows from there.
"""

import json

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from exercises import registry

from .conftest import assert_accessible, screenshot

SLUG = "ninja-gold-2"
# Starting Python and Django in the browser takes a while on a loaded machine.
START = 240_000

pytestmark = pytest.mark.skipif(
    not finders.find("exercises/build/runtime.json"),
    reason="the exercise runtime is not built: run ./dev setup",
)


@pytest.fixture
def lesson_with_exercise(site):
    """The exercise's own lesson, with the exercise block in it."""
    from lessons.models import Lesson

    exercise = registry.get(SLUG)
    lesson = Lesson.objects.get(slug=exercise.lesson)
    if f"/// exercise | {SLUG}" not in lesson.body:
        lesson.body += (
            f"\n\n## Your turn\n\n/// exercise | {SLUG}\nBuild it here.\n///\n"
        )
        lesson.save()
    return f"{site}/lessons/{lesson.slug}/", exercise


def editor_of(page, path):
    page.get_by_role("tab", name=path).click()
    return page.locator(".exercise-panel:not([hidden]) .cm-content")


def replace_text(page, editor, text):
    editor.click()
    page.keyboard.press("Control+a")
    # insert_text types no keys, so the editor's auto-indent and bracket
    # closing leave the text exactly as given.
    page.keyboard.insert_text(text)


def progress(page):
    return json.loads(
        page.evaluate("localStorage.getItem('courseware.progress.v1')") or "{}"
    )


def assert_started_from_snapshot(block):
    """Python started from the build's snapshot, not by importing Django again."""
    # The worker reports how it started; a failed restore says why.
    assert block.get_attribute("data-runtime-start") == "snapshot", block.get_attribute(
        "data-runtime-note"
    )
    phases = json.loads(block.get_attribute("data-runtime-phases"))
    assert set(phases) == {"python", "unpack", "runtime"}


def test_learner_writes_the_solution_checks_it_and_finds_it_after_a_reload(
    page, lesson_with_exercise
):
    url, exercise = lesson_with_exercise
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    block = page.locator(f"[data-exercise='{SLUG}']")
    # Nothing heavy loads with the lesson: no editor, no Python.
    assert not page.locator(".cm-editor").count()
    block.get_by_role("button", name="Open the exercise here").click()
    status = block.locator(".exercise-status, .exercise-error")
    expect(status).to_contain_text("Ready", timeout=START)
    assert_started_from_snapshot(block)

    # The starter does not pass; the solution, typed into the editor, does.
    block.get_by_role("button", name="Check", exact=True).click()
    expect(status).to_contain_text("requirements pass", timeout=START)
    assert "All" not in status.text_content()
    failed = block.locator(".exercise-failed, .exercise-error").first
    expect(failed.locator(".exercise-message")).not_to_be_empty()
    expect(block.get_by_role("button", name="Show the solution")).to_be_enabled()

    # Typing key by key logs nothing (no "Applying inline style violates
    # style-src": Chromium's own editing would add style attributes beside
    # highlighted words), and the page's shortcuts ("n", "p", "t", "s") stay
    # out of the editor.
    console = []
    page.on("console", lambda message: console.append(message.text))
    for path, text in exercise.solution.items():
        replace_text(page, editor_of(page, path), text)
        page.keyboard.type("\n# typed key by key: n p t s (x) [1]\n")
    assert not console, console
    expect(page).to_have_url(url)
    block.get_by_role("button", name="Check", exact=True).click()
    expect(status).to_contain_text("All", timeout=START)
    requirements = block.locator(".exercise-requirement")
    assert requirements.count() == len(exercise.requirements)
    expect(block.locator(".exercise-passed")).to_have_count(requirements.count())

    # The trace of a check's request reads like the demos' inspector.
    trace = requirements.first.locator(".exercise-trace")
    trace.locator("summary").click()
    expect(trace.locator(".hop-request").first).to_be_visible()
    expect(trace.get_by_text("URL pattern").first).to_be_visible()

    # The preview runs the learner's app in its sandboxed frame.
    block.get_by_role("button", name="Run").click()
    frame = page.frame_locator(f"[data-exercise='{SLUG}'] iframe")
    expect(frame.locator("body")).to_contain_text(
        "gold", ignore_case=True, timeout=START
    )
    frame.get_by_role("button").first.click()
    expect(block.locator(".exercise-inspector .inspector-chain")).to_have_count(
        2, timeout=START
    )

    assert_accessible(
        page, "lesson with an open exercise", within=f"[data-exercise='{SLUG}']"
    )
    screenshot(page, "exercise-solved")

    # The editor never traps the keyboard: Escape, then Tab, leaves it.
    editor = editor_of(page, next(iter(exercise.solution)))
    editor.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate(
        "!!document.activeElement.closest('.exercise-panel:not([hidden])')"
    )

    record = progress(page)
    assert record["exercises"][SLUG] == {"passed": True}

    # After a reload the exercise opens again with the learner's files.
    page.reload()
    expect(block.locator(".exercise-status")).to_contain_text("Ready", timeout=START)
    assert_started_from_snapshot(block)
    first_path, first_text = next(iter(exercise.solution.items()))
    kept = editor_of(page, first_path)
    expect(kept).to_contain_text(first_text.strip().splitlines()[-1].strip())
    assert progress(page)["exercises"][SLUG]["passed"] is True

    # Closed again, the exercise starts Python as soon as it scrolls into
    # view, for a learner who has opened one before (the runtime is cached).
    page.evaluate(f"localStorage.removeItem('courseware.exercise.{SLUG}.open')")
    page.goto(url)
    assert not page.workers
    with page.expect_worker(timeout=START):
        block.scroll_into_view_if_needed()
    assert not errors, errors


def test_without_javascript_the_block_links_to_the_exercise_page(
    no_js_page, lesson_with_exercise
):
    url, exercise = lesson_with_exercise
    no_js_page.goto(url)
    link = no_js_page.locator(f"[data-exercise='{SLUG}'] a.exercise-open")
    link.click()
    expect(no_js_page).to_have_url(f"{url.split('/lessons/')[0]}/exercises/{SLUG}/")
    expect(no_js_page.get_by_role("heading", level=1)).to_contain_text(exercise.title)
