"""The admin editor: live preview through the site's own renderer, under the site's CSP."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def editor(page, site, django_user_model):
    django_user_model.objects.create_superuser(
        "editor", "editor@example.com", "a-test-password-1"
    )
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-test-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def test_live_preview_renders_demo_and_source_blocks(editor, site):
    errors = []
    editor.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    editor.goto(site + "/admin/lessons/lesson/add/")
    body = editor.locator("textarea[name=body]")
    body.fill("## Preview works\n\n/// source | session_counter/urls.py\n///\n")
    preview = editor.locator(".markdownx-preview")
    expect(preview.locator("h2")).to_have_text("Preview works#")
    expect(preview.locator("figure.source")).to_contain_text("urlpatterns")
    body.fill("/// demo | no-such-demo\n///\n")
    expect(preview.locator(".authoring-error")).to_contain_text("Unknown demo")
    screenshot(editor, "admin-preview")
    assert not [error for error in errors if "Content Security Policy" in error], errors
