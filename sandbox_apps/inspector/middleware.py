"""When to record a hop, and where the finished chain goes.

Placed after SessionMiddleware (and last of all), so it sees the session
before and after the view, every query and template the view caused, and
the response before anyone outside adds to it. Requests outside /sandbox/
pass straight through: the prefix test is the only work done for them.

The work is elsewhere: ``recording`` makes the hop, ``chain`` keeps a
redirect's hops for the request that follows, ``panel`` shows the chain.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.urls import get_resolver, get_urlconf

from sandbox_apps.middleware import SANDBOX_PREFIX, from_htmx
from sandbox_apps.registry import SANDBOX_ROOT, demo_for_path
from sandbox_apps.tenancy import SESSION_KEY as SANDBOX_TOKEN_KEY

from . import chain, panel
from .recording import Recording, install_template_hook

logger = logging.getLogger("sandbox_apps.inspector")

# Where the standalone page (sandbox_apps/standalone.html) wants the panel.
STANDALONE_MARKER = b"<!-- courseware:inspector -->"
STANDALONE_PREFIX = "inspector-standalone"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# A browser follows a 301, 302 or 303 with a GET (or HEAD), so only those
# requests look for a chain to continue: a POST, the costly request of a
# click, never does. (A 307 or 308 repeats the POST itself; no demo
# answers one, and its hops would show as separate chains.)
REDIRECTS_FOLLOWED_WITH_GET = {301, 302, 303}
FOLLOWS_WITH = {"GET", "HEAD"}


class InspectorMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "COURSEWARE_INSPECTOR", True):
            raise MiddlewareNotUsed
        self.get_response = get_response
        install_template_hook()

    def __call__(self, request):
        if not request.path_info.startswith(SANDBOX_PREFIX):
            return self.get_response(request)
        demo = demo_for_path(request.path_info)
        if demo is None:
            return self.get_response(request)
        return self.traced(request, demo)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs after every other middleware's process_view (this one is
        # last), so reaching it means nothing refused the request first.
        run = getattr(request, "_inspector_run", None)
        if run is not None:
            run.view_called = True

    def process_exception(self, request, exception):
        run = getattr(request, "_inspector_run", None)
        if run is None:
            return None
        incoming = request.headers.get("X-Request-ID", "")
        request_id = (
            incoming if REQUEST_ID.fullmatch(incoming) else secrets.token_hex(6)
        )
        run.failed(exception, request_id)
        # Django logs the traceback next; this line ties it to the id the
        # reader sees in the panel.
        logger.error(
            "Sandbox request %s failed: %s in %s",
            request_id,
            type(exception).__name__,
            request.path,
        )
        return None

    def traced(self, request, demo):
        session = getattr(request, "session", None)
        run = Recording(
            session=session,
            session_key=demo.session_key,
            code_root=SANDBOX_ROOT,
            urls_module=demo.urls_module,
            secret_session_keys=(SANDBOX_TOKEN_KEY,),
            show_errors=settings.DEBUG,
            # The site's apps change only with a restart: no file checks.
            watch_code=False,
        )
        run.view_called = False
        request._inspector_run = run
        with run:
            response = self.get_response(request)
        hop = run.hop(request, response)

        target = stage_prefix(request, demo)
        # The chain's cookie goes only to this demo's URLs.
        cookie_path = (
            f"{request.META.get('SCRIPT_NAME', '')}{SANDBOX_PREFIX}{demo.slug}/"
        )
        hops = [hop]
        if request.method in FOLLOWS_WITH:
            hops[:0] = chain.take(request, response, cookie_path, target)
        redirected = (
            300 <= response.status_code < 400
            and response.status_code != 304
            and response.has_header("Location")
        )
        if redirected:
            if response.status_code in REDIRECTS_FOLLOWED_WITH_GET:
                # The browser follows the redirect at once; the next request
                # shows this hop and its own as one chain.
                chain.remember(request, response, cookie_path, target, hops)
            return response

        htmx = from_htmx(request)
        if htmx and run.exception is not None and settings.DEBUG:
            # Django's debug page is a whole document with inline scripts the
            # CSP blocks; the demo gets the site's short message instead, and
            # the panel says what failed.
            response = get_resolver(get_urlconf()).resolve_error_handler(500)(request)
        if run.request_id:
            response["X-Request-ID"] = run.request_id

        if htmx:
            if target:
                append(response, panel.render_oob(target, hops, demo.title))
        elif not response.streaming and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            inject(response, panel.render_panel(STANDALONE_PREFIX, hops, demo.title))
        return response


def stage_prefix(request, demo) -> str:
    """The placeholder that asked, from the HX-Target header: "demo-<slug>-<n>"."""
    if not from_htmx(request):
        return ""
    match = _stage_pattern(demo.slug).fullmatch(request.META.get("HTTP_HX_TARGET", ""))
    return match.group(1) if match else ""


@functools.lru_cache(maxsize=64)
def _stage_pattern(slug: str) -> re.Pattern:
    return re.compile(rf"(demo-{re.escape(slug)}-[0-9]{{1,4}})-stage")


def append(response, html: str) -> None:
    response.content = response.content + html.encode(response.charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


def inject(response, html: str) -> None:
    """Put the panel where the standalone page marked its place (the last marker)."""
    content = response.content
    before, marker, after = content.rpartition(STANDALONE_MARKER)
    if not marker:
        return
    response.content = before + html.encode(response.charset) + after
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
