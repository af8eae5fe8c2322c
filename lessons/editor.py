"""The admin editor's two endpoints, in place of ``markdownx.urls``.

django-markdownx's own views answer anyone, and its upload view stores SVG
and HTML sent as images. These are for staff only, POST only; the preview
is the site's own renderer and uploads must be real raster images.
"""

import uuid

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from .rendering import preview_html

# Pillow's format name -> the extension the stored file gets.
RASTER_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MAX_PIXELS = 40_000_000


@staff_member_required
@require_POST
def markdownify(request):
    return HttpResponse(preview_html(request.POST.get("content", "")))


@staff_member_required
@require_POST
def upload(request):
    upload = request.FILES.get("image")
    if upload is None:
        return _refuse("Choose an image to upload.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)
        return _refuse(f"Images can be at most {limit} MB.")
    try:
        with Image.open(upload) as image:
            # The type comes from the bytes, never from the name or the
            # browser's Content-Type, which an attacker chooses.
            detected = image.format
            width, height = image.size
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ):
        return _refuse("That file is not a PNG, JPEG or WebP image.")
    if detected not in RASTER_FORMATS:
        return _refuse("Only PNG, JPEG and WebP images are accepted.")
    if width * height > MAX_PIXELS:
        return _refuse("That image has too many pixels.")
    upload.seek(0)
    name = (
        f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{RASTER_FORMATS[detected]}"
    )
    stored = default_storage.save(name, upload)
    url = default_storage.url(stored)
    # The editor's script asks for alt text and builds the Markdown from url.
    return JsonResponse({"url": url, "image_code": f"![]({url})"})


def _refuse(message):
    # The editor's script (static/js/lesson-editor.js) shows these words.
    return JsonResponse({"image": [message]}, status=400)
