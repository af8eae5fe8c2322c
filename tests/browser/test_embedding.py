"""The embedding mechanism, driven as a reader would: a demo inside a lesson."""

import re

from playwright.sync_api import expect

from .conftest import screenshot

LESSON_WITH_COUNTER = "/lessons/sessions/"


def counter_stage(page):
    return page.locator('.demo-stage[data-demo="session-counter"]').first


def test_session_counter_plays_inline_without_changing_the_address(page, site):
    page.goto(site + LESSON_WITH_COUNTER)
    stage = counter_stage(page)
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    add_two = stage.get_by_role("button", name="Add 2")
    before = add_two.bounding_box()

    add_two.click()
    expect(stage.locator(".counter-number")).to_have_text("3")
    expect(stage.locator(".counter-note")).to_have_text("Added 2.")
    # The note did not push the button from under the reader's next tap.
    assert add_two.bounding_box() == before

    stage.get_by_label(re.compile("Add a number")).fill("10")
    stage.get_by_role("button", name="Add", exact=True).click()
    expect(stage.locator(".counter-number")).to_have_text("13")

    # Boosted forms inside the demo must not push the demo's URL.
    assert page.url == site + LESSON_WITH_COUNTER
    screenshot(page, "lesson-session-counter")

    stage.get_by_role("button", name="Reset").click()
    expect(stage.locator(".counter-number")).to_have_text("0")
    assert page.url == site + LESSON_WITH_COUNTER


def test_invalid_number_shows_a_message_inside_the_demo(page, site):
    page.goto(site + LESSON_WITH_COUNTER)
    stage = counter_stage(page)
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    stage.get_by_label(re.compile("Add a number")).fill("500")
    stage.get_by_role("button", name="Add", exact=True).click()
    expect(stage.locator(".field-error")).to_have_text("Enter a number from 1 to 100.")
    expect(stage.locator(".counter-number")).to_have_text("1")


def test_rapid_clicks_are_serialized_and_none_is_lost(page, site):
    page.goto(site + LESSON_WITH_COUNTER)
    stage = counter_stage(page)
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    button = stage.get_by_role("button", name="Add 2")
    for _ in range(5):
        # Each swap replaces the button, so click whatever is there now.
        button.click()
    expect(stage.locator(".counter-number")).to_have_text("11")


def test_demo_works_without_javascript_on_its_own_page(no_js_page, site):
    page = no_js_page
    page.goto(site + LESSON_WITH_COUNTER)
    page.get_by_role("link", name=re.compile("Play the Session counter demo")).click()
    assert page.url == site + "/sandbox/session-counter/"
    expect(page.locator(".counter-number")).to_have_text("1")
    page.get_by_role("button", name="Add 2").click()
    expect(page.locator(".counter-number")).to_have_text("3")
    screenshot(page, "session-counter-no-js")


def test_csrf_failure_shows_a_friendly_message_in_the_demo(page, site):
    page.goto(site + LESSON_WITH_COUNTER)
    stage = counter_stage(page)
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    # Simulate an expired token: the cookie and the form no longer match.
    page.context.clear_cookies(name="csrftoken")
    page.evaluate(
        "document.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(i => i.value = 'x'.repeat(64))"
    )
    stage.get_by_role("button", name="Add 2").click()
    expect(stage.get_by_role("alert")).to_contain_text("This form was not accepted")


def test_two_demos_on_one_page_swap_only_their_own_box(page, site):
    from lessons.models import Lesson

    Lesson.objects.create(
        slug="two-demos",
        title="Two demos",
        summary="Two placeholders on one page.",
        order=98,
        body="## One\n\n/// demo | session-counter\n///\n\n## Two\n\n/// demo | session-counter\n///\n",
    )
    page.goto(site + "/lessons/two-demos/")
    first, second = (
        page.locator(".demo-stage").nth(0),
        page.locator(".demo-stage").nth(1),
    )
    first.scroll_into_view_if_needed()
    expect(first.locator(".counter-number")).to_be_visible()
    second.scroll_into_view_if_needed()
    expect(second.locator(".counter-number")).to_be_visible()
    second_count = second.locator(".counter-number").inner_text()
    first.get_by_role("button", name="Add 2").click()
    expect(first.locator(".counter-note")).to_have_text("Added 2.")
    # The other box was not replaced by the answer meant for the first.
    expect(second.locator(".counter-note")).to_be_empty()
    assert second.locator(".counter-number").inner_text() == second_count
    assert page.locator(".demo-stage").count() == 2


def test_in_debug_mode_a_demo_error_stays_in_its_box(page, site, settings):
    """django-htmx's debug helper (added by {% htmx_script %} when DEBUG) must not take over the page."""
    settings.DEBUG = True
    page.goto(site + LESSON_WITH_COUNTER)
    stage = counter_stage(page)
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    # Loaded with htmx when the demo came near, not only listed.
    expect(page.locator("head > script[src*='django-htmx.js']")).to_have_count(1)
    stage.get_by_label(re.compile("Add a number")).fill("500")
    stage.get_by_role("button", name="Add", exact=True).click()
    expect(stage.locator(".field-error")).to_have_text("Enter a number from 1 to 100.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
