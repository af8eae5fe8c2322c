"""Login and Registration played as a reader would: inline in a lesson, and on its own page without JavaScript."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson

from .conftest import assert_accessible, screenshot

LESSON = "/lessons/test-login-registration/"
APP = "/sandbox/login-registration/"
BIRTHDAY = date(1990, 5, 17).isoformat()


@pytest.fixture
def lesson(site):
    """A lesson of its own, so these tests do not depend on the course's text."""
    Lesson.objects.create(
        slug="test-login-registration",
        title="Testing Login and Registration",
        summary="A lesson that only embeds the demo.",
        order=901,
        body="## Try it\n\n/// demo | login-registration\nRegister, log out, then log in again.\n///\n",
    )
    return site


def register(
    scope, first_name="Zoë", password="correct horse", confirm="correct horse"
):
    scope.locator("#register-first-name").fill(first_name)
    scope.locator("#register-last-name").fill("O'Brien")
    scope.locator("#register-email").fill("zoe@example.com")
    scope.locator("#register-password").fill(password)
    scope.locator("#register-confirm-password").fill(confirm)
    scope.locator("#register-birthday").fill(BIRTHDAY)
    scope.get_by_role("button", name="Register").click()


def log_in(scope, password):
    scope.locator("#login-email").fill("zoe@example.com")
    scope.locator("#login-password").fill(password)
    scope.get_by_role("button", name="Log in").click()


def play(page, scope, check_url):
    """Errors, then a registration, a logout, a wrong password and the right one."""
    register(scope, first_name="Z", password="short", confirm="shorter")
    expect(scope.locator("#register-first-name-error")).to_have_text(
        "First name must be at least 2 characters."
    )
    expect(scope.locator("#register-password-error")).to_have_text(
        "Password must be at least 8 characters."
    )
    expect(scope.locator("#register-confirm-password-error")).to_have_text(
        "Passwords do not match."
    )
    expect(scope.locator("#register-last-name")).to_have_value("O'Brien")
    expect(scope.locator("#register-password")).to_have_value("")
    check_url()

    register(scope)
    expect(scope.locator(".welcome")).to_have_text("Welcome, Zoë!")
    expect(scope.locator(".welcome-how")).to_contain_text("You just registered")
    check_url()

    scope.get_by_role("button", name="Log out").click()
    expect(scope.locator(".messages")).to_have_text("You are logged out.")
    check_url()

    log_in(scope, "wrong horse")
    expect(scope.locator(".form-error")).to_have_text("Wrong email or password.")
    expect(scope.locator("#login-email")).to_have_value("zoe@example.com")
    expect(scope.locator("#login-password")).to_have_value("")

    log_in(scope, "correct horse")
    expect(scope.locator(".welcome")).to_have_text("Welcome, Zoë!")
    expect(scope.locator(".welcome-how")).to_have_text("You just logged in.")
    check_url()


def test_login_registration_plays_inline_without_changing_the_address(page, lesson):
    page.goto(lesson + LESSON)
    stage = page.locator('.demo-stage[data-demo="login-registration"]')
    stage.scroll_into_view_if_needed()
    expect(stage.locator("#register-first-name")).to_be_visible()

    def same_address():
        assert page.url == lesson + LESSON

    play(page, stage, same_address)
    screenshot(page, "lesson-login-registration-welcome")


def test_login_registration_works_without_javascript(no_js_page, lesson):
    page = no_js_page
    page.goto(lesson + LESSON)
    page.get_by_role("link", name="Play the Login and Registration demo").click()
    assert page.url == lesson + APP

    def on_the_apps_pages():
        assert page.url.startswith(lesson + APP)

    play(page, page, on_the_apps_pages)
    assert page.url == lesson + APP + "success/"
    screenshot(page, "login-registration-no-js-welcome")


def test_lesson_with_login_registration_is_accessible(page, lesson):
    page.goto(lesson + LESSON)
    stage = page.locator('.demo-stage[data-demo="login-registration"]')
    stage.scroll_into_view_if_needed()
    register(stage, first_name="Z", password="short", confirm="shorter")
    expect(stage.locator("#register-first-name-error")).to_be_visible()
    assert_accessible(
        page, "lesson with login and registration, after errors", within="figure.demo"
    )
    register(stage)
    expect(stage.locator(".welcome")).to_be_visible()
    assert_accessible(
        page, "lesson with login and registration, welcome", within="figure.demo"
    )


def test_login_registration_page_is_accessible_and_fits_a_phone(phone_page, lesson):
    page = phone_page
    page.goto(lesson + APP)
    assert_accessible(page, "login and registration forms")
    log_in(page, "wrong horse")
    expect(page.locator(".form-error")).to_be_visible()
    assert_accessible(page, "login and registration, failed login")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "login-registration-phone")
    register(page)
    expect(page.locator(".welcome")).to_be_visible()
    assert_accessible(page, "login and registration welcome page")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "login-registration-phone-welcome")
