"""The 400 page and the admin's lockout page, as a reader sees them."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from .conftest import assert_accessible, screenshot


def test_the_400_page_is_accessible_in_both_themes_and_on_a_phone(
    page, phone_page, site
):
    # Django answers 400 to a request it cannot trust, e.g. a forged Host
    # header, which a browser will not send: the answer is fetched here and
    # handed to the browser at a real address of the site.
    answer = Client().get("/", headers={"host": "bad host name"})
    assert answer.status_code == 400
    for browser_page in (page, phone_page):
        browser_page.route(
            "**/bad-request",
            lambda route: route.fulfill(
                status=400, body=answer.content, content_type="text/html"
            ),
        )
        browser_page.goto(site + "/bad-request")
        expect(browser_page.get_by_role("heading", level=1)).to_have_text(
            "That request could not be understood"
        )
    assert_accessible(page, "400, light")
    page.emulate_media(color_scheme="dark")
    assert_accessible(page, "400, dark")
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    screenshot(phone_page, "phone-400")


@pytest.fixture
def admin_user(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser("root", "root@example.com", "right password")


def test_the_admin_lockout_page_is_accessible(page, site, admin_user):
    for _ in range(5):
        page.goto(site + "/admin/login/?next=/admin/")
        page.get_by_label("Username").fill("root")
        page.get_by_label("Password").fill("a wrong guess")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed logins")
    assert_accessible(page, "admin lockout")
    screenshot(page, "admin-lockout")
