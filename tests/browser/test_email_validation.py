"""Email Validation played as a reader would: inline in a lesson, and on its own page without JavaScript."""

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson

from .conftest import assert_accessible, screenshot

LESSON = "/lessons/test-email-validation/"
APP = "/sandbox/email-validation/"
VALID = "first.last+tag@sub.example.co.uk"


@pytest.fixture
def lesson(site):
    """A lesson of its own, so these tests do not depend on the course's text."""
    Lesson.objects.create(
        slug="test-email-validation",
        title="Testing Email Validation",
        summary="A lesson that only embeds the demo.",
        order=900,
        body="## Try it\n\n/// demo | email-validation\nType an address that is **not** valid first.\n///\n",
    )
    return site


def stage_of(page):
    return page.locator('.demo-stage[data-demo="email-validation"]')


def test_email_validation_plays_inline_without_changing_the_address(page, lesson):
    page.goto(lesson + LESSON)
    stage = stage_of(page)
    stage.scroll_into_view_if_needed()
    box = stage.get_by_label("Email address")

    box.fill("a@b.")
    stage.get_by_role("button", name="Check and save").click()
    expect(stage.locator(".field-error")).to_have_text("Email is not valid!")
    expect(stage.get_by_label("Email address")).to_have_value("a@b.")
    assert page.url == lesson + LESSON

    stage.get_by_label("Email address").fill(VALID)
    stage.get_by_role("button", name="Check and save").click()
    expect(stage.locator(".messages")).to_contain_text(
        f"The email address you entered ({VALID}) is a valid email address"
    )
    expect(stage.locator(".address-list li")).to_have_count(1)
    expect(stage.locator(".address-list time")).to_have_text(
        __import__("re").compile(
            r"^[A-Z][a-z]+ \d{1,2}(st|nd|rd|th), \d{4}, \d{1,2}:\d\d (AM|PM)$"
        )
    )
    assert page.url == lesson + LESSON
    screenshot(page, "lesson-email-validation-success")

    stage.get_by_role("link", name="Add an address").click()
    stage.get_by_label("Email address").fill("second@example.com")
    stage.get_by_role("button", name="Check and save").click()
    expect(stage.locator(".address-list li")).to_have_count(2)
    expect(stage.locator(".address-email").first).to_have_text("second@example.com")

    stage.get_by_role("button", name=f"Delete {VALID}").click()
    expect(stage.locator(".messages")).to_have_text(f"Deleted {VALID}.")
    expect(stage.locator(".address-list li")).to_have_count(1)
    assert page.url == lesson + LESSON


def test_lesson_with_email_validation_is_accessible(page, lesson):
    page.goto(lesson + LESSON)
    stage = stage_of(page)
    stage.scroll_into_view_if_needed()
    stage.get_by_label("Email address").fill("a@b")
    stage.get_by_role("button", name="Check and save").click()
    expect(stage.locator(".field-error")).to_be_visible()
    assert_accessible(
        page, "lesson with email validation, after an error", within="figure.demo"
    )
    stage.get_by_label("Email address").fill(VALID)
    stage.get_by_role("button", name="Check and save").click()
    expect(stage.locator(".address-list")).to_be_visible()
    assert_accessible(
        page, "lesson with email validation, success list", within="figure.demo"
    )


def test_email_validation_works_without_javascript(no_js_page, lesson):
    page = no_js_page
    page.goto(lesson + LESSON)
    page.get_by_role("link", name="Play the Email Validation demo").click()
    assert page.url == lesson + APP

    page.get_by_label("Email address").fill("a b@c.com")
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator(".field-error")).to_have_text("Email is not valid!")
    expect(page.get_by_label("Email address")).to_have_value("a b@c.com")

    page.get_by_label("Email address").fill(VALID)
    page.get_by_role("button", name="Check and save").click()
    assert page.url == lesson + APP + "success/"
    expect(page.locator(".messages")).to_contain_text(VALID)
    screenshot(page, "email-validation-no-js-success")

    page.get_by_role("button", name=f"Delete {VALID}").click()
    expect(page.locator(".messages")).to_have_text(f"Deleted {VALID}.")
    expect(page.get_by_text("No addresses yet.")).to_be_visible()


def test_email_validation_page_is_accessible_and_fits_a_phone(phone_page, lesson):
    page = phone_page
    page.goto(lesson + APP)
    assert_accessible(page, "email validation form")
    page.get_by_label("Email address").fill(VALID)
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator(".address-list")).to_be_visible()
    assert_accessible(page, "email validation success page")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "email-validation-phone")
