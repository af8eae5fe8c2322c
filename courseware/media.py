"""Uploaded lesson images: stored where every app server sees them, served by the site.

With one server, a folder on its disk will do (the embedded default). With
several behind a load balancer, an image uploaded to one server's disk is
missing on the others, so media go to an S3-compatible object store (AWS
S3, MinIO, Ceph, ...) through django-storages; see deploy/README.md.

Either way the site serves the images itself, at the same
``/media/lesson-images/<random>.<ext>`` address: lessons keep working when
the storage changes, the page's Content-Security-Policy (``img-src
'self'``) needs no exception, and the bucket can stay private. The names
are random and never reused, so the answers may be cached for good (the
shipped nginx config keeps them). The bucket's storage class is in
media_s3.py, so boto3 is imported only where it is used.
"""

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_safe

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


@require_safe
def lesson_image(request, path: str):
    """One uploaded image, read from whichever storage holds media."""
    extension = path.rsplit(".", 1)[-1]
    try:
        stored = default_storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404("No such image.") from None
    except Exception:
        # The store is down or refuses us: say so, and let a cache retry.
        return HttpResponse(
            "Images are unavailable for a moment.",
            status=503,
            content_type="text/plain",
        )
    response = FileResponse(
        stored,
        content_type=CONTENT_TYPES.get(extension)
        or mimetypes.guess_type(path)[0]
        or "application/octet-stream",
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
