"""The admin editor's preview and upload endpoints: staff only, POST only, images only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lessons.models import Lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_passwords")]

PREVIEW = "/admin-tools/markdownx/markdownify/"
UPLOAD = "/admin-tools/markdownx/upload/"


@pytest.fixture
def staff(client, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = django_user_model.objects.create_superuser(
        "editor", password="pw-for-tests-only"
    )
    client.force_login(user)
    return client


def image_bytes(kind):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_non_staff_users_are_sent_to_log_in(client, django_user_model, url):
    client.force_login(
        django_user_model.objects.create_user("reader", password="pw-for-tests-only")
    )
    assert client.post(url).status_code == 302


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_staff_must_post(staff, url):
    assert staff.get(url).status_code == 405


def test_preview_is_the_site_renderer(staff):
    response = staff.post(
        PREVIEW,
        {"content": "## Hi\n\n<script>x</script>\n\n/// demo | session-counter\n///\n"},
    )
    html = response.content.decode()
    assert '<h2 id="hi">' in html
    assert "<script" not in html
    assert 'hx-get="/sandbox/session-counter/"' in html


def test_preview_shows_authoring_errors_escaped(staff):
    html = staff.post(
        PREVIEW, {"content": "/// demo | <b>nope</b>\n///\n"}
    ).content.decode()
    assert "cannot be published" in html
    assert "<b>nope</b>" not in html


@pytest.mark.parametrize(
    ("kind", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")]
)
def test_raster_images_are_stored_under_a_random_name(staff, settings, kind, extension):
    upload = SimpleUploadedFile(
        "holiday.gif", image_bytes(kind), content_type="image/gif"
    )
    response = staff.post(UPLOAD, {"image": upload})
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/lesson-images/") and code.endswith(
        f".{extension})"
    )
    assert "holiday" not in code
    stored = list((settings.MEDIA_ROOT / "lesson-images").iterdir())
    assert len(stored) == 1 and stored[0].suffix == f".{extension}"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.png",
        ),
        (b"<html><script>alert(1)</script></html>", "x.jpg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "x.gif"),
        (b"not an image at all", "x.webp"),
    ],
)
def test_anything_but_png_jpeg_webp_is_refused(staff, settings, content, name):
    response = staff.post(
        UPLOAD, {"image": SimpleUploadedFile(name, content, content_type="image/png")}
    )
    assert response.status_code == 400
    assert not (settings.MEDIA_ROOT / "lesson-images").exists()


def test_real_gif_is_refused_as_not_allowed(staff):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "GIF")
    response = staff.post(
        UPLOAD, {"image": SimpleUploadedFile("x.gif", buffer.getvalue())}
    )
    assert response.status_code == 400
    assert "Only PNG, JPEG and WebP" in response.json()["image"][0]


def test_images_over_two_megabytes_are_refused(staff):
    big = SimpleUploadedFile("big.png", image_bytes("PNG") + b"\0" * (2 * 1024 * 1024))
    response = staff.post(UPLOAD, {"image": big})
    assert response.status_code == 400
    assert "at most 2 MB" in response.json()["image"][0]


def test_missing_file_is_a_clear_400(staff):
    response = staff.post(UPLOAD, {})
    assert response.status_code == 400 and response.json()["image"] == [
        "Choose an image to upload."
    ]


def test_admin_form_shows_authoring_errors_instead_of_saving(staff):
    lesson = Lesson.objects.create(
        slug="l", title="L", summary="s", order=1, body="## Fine\n"
    )
    response = staff.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        {
            "title": "L",
            "slug": "l",
            "summary": "s",
            "order": 1,
            "body": "/// demo | nope\n///\n",
        },
    )
    assert response.status_code == 200
    assert "Unknown demo" in response.content.decode()
    assert Lesson.objects.get(pk=lesson.pk).body == "## Fine\n"


def test_admin_can_edit_and_the_page_shows_the_new_html(staff, client):
    lesson = Lesson.objects.create(
        slug="l", title="L", summary="s", order=1, body="## Fine\n"
    )
    response = staff.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        {"title": "L", "slug": "l", "summary": "s", "order": 1, "body": "## Better\n"},
    )
    assert response.status_code == 302
    assert '<h2 id="better">' in client.get("/lessons/l/").content.decode()
