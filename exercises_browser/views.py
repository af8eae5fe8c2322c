"""Serve what the learner's browser needs to run an exercise, and nothing else.

Each answer here is the same for every visitor (no cookies read, nothing
about the learner stored), so all of them can be cached.
"""

import hashlib
import io
import json
import zipfile
from pathlib import Path

from csp.decorators import csp_exempt
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

FOREVER = "public, max-age=31536000, immutable"

# The worker runs Pyodide, which compiles WebAssembly: it alone needs
# 'wasm-unsafe-eval'. A dedicated worker obeys the policy sent with its own
# script, so the lesson page keeps the site's strict policy unchanged.
WORKER_POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
)

# The learner's app is shown in a frame whose origin is opaque (sandbox
# without allow-same-origin): its page cannot read the course's cookies,
# storage or DOM even if the learner's HTML tried. Its only script is ours;
# the learner's inline styles are allowed because beginners write them.
PREVIEW_POLICY = (
    "sandbox allow-scripts allow-forms; default-src 'none'; script-src 'self'; "
    "style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'self'"
)

RUNTIME_MISSING = (
    "The exercise runtime is not built on this server: run ./dev setup "
    "(it fetches Pyodide and Django for the browser into static/exercises/build/)."
)


def static_bytes(name: str) -> bytes | None:
    """A static file's bytes, from the source folders in development or the collected ones."""
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    return None


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def runtime_files() -> dict[str, bytes]:
    """The Python the worker imports: the exercises runtime and the inspector's recording."""
    from exercises.packaging import runtime_files as files

    return {name: Path(path).read_bytes() for name, path in sorted(files().items())}


def runtime_zip() -> tuple[str, bytes]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in runtime_files().items():
            # A fixed date keeps the bytes, and so the URL, the same between builds.
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = buffer.getvalue()
    return short_hash(data), data


@require_safe
def manifest(request):
    """Where the runtime's files are now (their URLs change with their content)."""
    build = static_bytes("exercises/build/runtime.json")
    worker = static_bytes("exercises/worker.js")
    if build is None or worker is None:
        return HttpResponse(RUNTIME_MISSING, status=503, content_type="text/plain")
    built = json.loads(build)
    digest, _ = runtime_zip()
    response = JsonResponse(
        {
            "pyodide": static(built["pyodide"]),
            "django": static(built["django"]),
            # Absent from a runtime built before snapshots: the worker then
            # starts Python from scratch.
            "snapshot": static(built["snapshot"]) if "snapshot" in built else None,
            "editor": static(built["editor"]),
            "exercise": static("exercises/exercise.js"),
            "css": static("exercises/exercise.css"),
            "runtime": reverse("exercises_browser:runtime", args=[digest]),
            "worker": reverse("exercises_browser:worker") + "?v=" + short_hash(worker),
            "preview": reverse("exercises_browser:preview"),
        }
    )
    # Short: a deploy changes these URLs, and this is one small request.
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
@csp_exempt()
def worker(request):
    source = static_bytes("exercises/worker.js")
    if source is None:
        raise Http404("No worker script.")
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Content-Security-Policy"] = WORKER_POLICY
    if request.GET.get("v") == short_hash(source):
        response["Cache-Control"] = FOREVER
    return response


@require_safe
@csp_exempt()
@xframe_options_sameorigin
def preview(request):
    response = render(request, "exercises_browser/preview.html")
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def runtime_archive(request, digest):
    current, data = runtime_zip()
    if digest != current:
        raise Http404("That runtime version is no longer served.")
    response = HttpResponse(data, content_type="application/zip")
    response["Cache-Control"] = FOREVER
    return response
