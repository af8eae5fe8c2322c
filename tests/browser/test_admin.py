"""The admin editor: live preview through the site's own renderer, under the
site's CSP, demos that run in it, uploads that ask for alt text and never
touch the body when refused, and a saved page its editor sees at once."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import assert_accessible, screenshot

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


def _lesson_url(editor, site, slug):
    from lessons.models import Lesson

    return f"{site}/admin/lessons/lesson/{Lesson.objects.get(slug=slug).pk}/change/"


def test_the_preview_sits_beside_the_editor_on_wide_screens(editor, site):
    editor.set_viewport_size({"width": 1400, "height": 900})
    editor.goto(_lesson_url(editor, site, "sessions"))
    source = editor.locator("textarea[name=body]").bounding_box()
    preview = editor.locator(".lesson-editor-preview").bounding_box()
    assert preview["x"] >= source["x"] + source["width"]
    assert preview["y"] < source["y"] + source["height"]
    editor.set_viewport_size({"width": 800, "height": 900})
    source = editor.locator("textarea[name=body]").bounding_box()
    preview = editor.locator(".lesson-editor-preview").bounding_box()
    assert preview["y"] >= source["y"] + source["height"]
    assert_accessible(editor, "lesson editor")


def test_demos_in_the_preview_load_and_answer(editor, site):
    editor.goto(site + "/admin/lessons/lesson/add/")
    editor.locator("textarea[name=body]").fill("/// demo | session-counter\n///\n")
    stage = editor.locator(".markdownx-preview .demo-stage")
    expect(stage.locator("form, button").first).to_be_visible()
    expect(editor.locator(".markdownx-preview .demo-loading")).to_be_hidden()


def test_a_refused_upload_shows_the_server_message_and_keeps_the_body(
    editor, site, tmp_path
):
    editor.goto(site + "/admin/lessons/lesson/add/")
    body = editor.locator("textarea[name=body]")
    body.fill("## Kept\n\nEvery word.\n")
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    editor.locator("[data-image-file]").set_input_files(str(fake))
    expect(editor.locator("[data-editor-status]")).to_have_text(
        "That file is not a PNG, JPEG or WebP image."
    )
    expect(body).to_have_value("## Kept\n\nEvery word.\n")


def test_an_inserted_image_asks_for_alt_text(editor, site, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    picture = tmp_path / "diagram.png"
    Image.new("RGB", (4, 3), "teal").save(picture)
    editor.goto(site + "/admin/lessons/lesson/add/")
    body = editor.locator("textarea[name=body]")
    body.fill("Before.\n")
    # The image goes where the cursor is.
    body.press("Control+End")
    editor.locator("[data-image-file]").set_input_files(str(picture))
    dialog = editor.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Describe the image")
    dialog.get_by_label("Alt text").fill("The request [flow]")
    dialog.get_by_label("Alt text").press("Enter")
    expect(dialog).to_be_hidden()
    expect(body).to_have_value(
        re.compile(r"^Before\.\n!\[The request \\\[flow\\\]\]\(/media/.+\.png\)$")
    )
    expect(
        editor.locator(".markdownx-preview img[alt='The request [flow]']")
    ).to_be_attached()


def test_after_save_the_editor_sees_the_new_page_at_once(editor, site):
    from lessons.models import Lesson

    editor.goto(site + "/lessons/sessions/")
    expect(editor.get_by_text("Saved a moment ago.")).to_have_count(0)
    editor.goto(_lesson_url(editor, site, "sessions"))
    body = editor.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n\nSaved a moment ago.\n")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    # The browser's textarea sent CRLF; the row keeps LF, like the files.
    assert "\r" not in Lesson.objects.get(slug="sessions").body
    editor.goto(site + "/lessons/sessions/")
    expect(editor.get_by_text("Saved a moment ago.")).to_be_visible()
