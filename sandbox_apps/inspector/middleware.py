"""When to record a hop, and where the finished chain goes.

Placed after SessionMiddleware (and last of all), so it sees the session
before and after the view, every query and template the view caused, and
the response before anyone outside adds to it. Requests outside /sandbox/
pass straight through: the prefix test is the only work done for them.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.template.loader import render_to_string
from django.urls import get_resolver, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from sandbox_apps import sources
from sandbox_apps.middleware import SANDBOX_PREFIX
from sandbox_apps.registry import demo_for_path
from sandbox_apps.tenancy import SESSION_KEY as SANDBOX_TOKEN_KEY

from . import chain as chains
from . import locations
from .recording import (
    MISSING,
    Recorder,
    describe_queries,
    error_details,
    form_data,
    install_template_hook,
    recording,
    secret_form_values,
    session_changes,
    shorten,
    snapshot,
)

logger = logging.getLogger("sandbox_apps.inspector")

# Where the standalone page (sandbox_apps/standalone.html) wants the panel.
STANDALONE_MARKER = b"<!-- courseware:inspector -->"
STANDALONE_PREFIX = "inspector-standalone"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class _Trace:
    """What the middleware learns about one request while it runs."""

    def __init__(self):
        self.recorder = Recorder()
        self.view_called = False
        self.exception: BaseException | None = None
        self.request_id = ""


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
        trace = getattr(request, "_inspector_trace", None)
        if trace is not None:
            trace.view_called = True

    def process_exception(self, request, exception):
        trace = getattr(request, "_inspector_trace", None)
        if trace is None:
            return None
        trace.exception = exception
        trace.recorder.stopped = True
        incoming = request.headers.get("X-Request-ID", "")
        trace.request_id = (
            incoming if REQUEST_ID.fullmatch(incoming) else secrets.token_hex(6)
        )
        # Django logs the traceback next; this line ties it to the id the
        # reader sees in the panel.
        logger.error(
            "Sandbox request %s failed: %s in %s",
            trace.request_id,
            type(exception).__name__,
            request.path,
        )
        return None

    # --- One traced request ----------------------------------------------------

    def traced(self, request, demo):
        trace = _Trace()
        request._inspector_trace = trace
        session = getattr(request, "session", None)
        before = MISSING
        if session is not None and demo.session_key:
            before = snapshot(session.get(demo.session_key, MISSING))
        before_key = session.session_key if session is not None else None
        before_token = session.get(SANDBOX_TOKEN_KEY) if session is not None else None

        started = time.perf_counter()
        with recording(trace.recorder):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started

        hop = self.hop(
            request,
            response,
            demo,
            trace,
            session,
            before,
            before_key,
            before_token,
            elapsed,
        )
        target = stage_prefix(request, demo)

        earlier = chains.take(session, target, request.get_full_path())
        redirected = (
            300 <= response.status_code < 400
            and response.status_code != 304
            and response.has_header("Location")
        )
        if redirected and session is not None:
            # The browser follows the redirect at once; the next request
            # shows this hop and its own as one chain.
            chains.remember(session, target, response["Location"], [*earlier, hop])
            return response
        chain = [*earlier, hop]

        if request.htmx and trace.exception is not None and settings.DEBUG:
            # Django's debug page is a whole document with inline scripts the
            # CSP blocks; the demo gets the site's short message instead, and
            # the panel says what failed.
            response = get_resolver(get_urlconf()).resolve_error_handler(500)(request)
        if trace.request_id:
            response["X-Request-ID"] = trace.request_id

        if request.htmx:
            if target:
                append(
                    response,
                    render_to_string(
                        "sandbox_apps/inspector/_oob.html",
                        panel_context(target, chain, demo.title),
                    ),
                )
        elif not response.streaming and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            inject(
                response,
                render_to_string(
                    "sandbox_apps/inspector/_panel.html",
                    panel_context(STANDALONE_PREFIX, chain, demo.title),
                ),
            )
        return response

    def hop(
        self,
        request,
        response,
        demo,
        trace,
        session,
        before,
        before_key,
        before_token,
        elapsed,
    ) -> dict:
        match = request.resolver_match
        secret_values = {before_key, before_token, request.META.get("CSRF_COOKIE")}
        if session is not None:
            secret_values |= {session.session_key, session.get(SANDBOX_TOKEN_KEY)}
        secret_values |= secret_form_values(request)
        masked = frozenset(
            value for value in secret_values if isinstance(value, str) and value
        )

        hop = {
            "method": request.method,
            "path": shorten(request.get_full_path(), 100),
            "htmx": bool(request.htmx),
            "status": response.status_code,
            "reason": response.reason_phrase,
            "location": shorten(response.get("Location", ""), 100)
            if 300 <= response.status_code < 400
            else "",
            "ms": round(elapsed * 1000, 1),
            "route": "",
            "url_name": "",
            "urls": None,
            "arguments": [],
            "view": "",
            "view_spec": "",
            "view_called": trace.view_called,
            "data": form_data(request, masked),
            "queries": describe_queries(
                trace.recorder, masked, session_tables(session)
            ),
            "query_count": trace.recorder.query_count,
            "query_ms": round(trace.recorder.query_seconds * 1000, 2),
            "templates": [],
            "builtin_templates": trace.recorder.builtin_templates,
            "session": None,
            "error": None,
        }
        if match is not None:
            mount = f"sandbox/{demo.slug}/"
            app_route = (
                match.route[len(mount) :]
                if match.route.startswith(mount)
                else match.route
            )
            urls_module = sys.modules.get(demo.urls_module)
            hop.update(
                route=str(match.route),
                url_name=match.view_name,
                urls=locations.url_line(
                    getattr(urls_module, "__file__", None), app_route, match.url_name
                ),
                arguments=arguments(match, masked),
                view=locations.view_path(match.func),
                view_spec=locations.view_spec(match.func),
            )
        for template in trace.recorder.templates:
            path = locations.relative_path(template["file"]) if template["file"] else ""
            hop["templates"].append(
                {**{k: v for k, v in template.items() if k != "file"}, "spec": path}
            )
        if session is not None and demo.session_key:
            after = snapshot(session.get(demo.session_key, MISSING))
            hop["session"] = {
                "key": demo.session_key,
                "changes": session_changes(before, after),
                "saved": response.status_code < 500,
                "rotated": bool(
                    before_key
                    and session.session_key
                    and before_key != session.session_key
                ),
            }
        if trace.exception is not None:
            if settings.DEBUG:
                view_file = (
                    locations.view_file(match.func) if match is not None else None
                )
                hop["error"] = {
                    **error_details(trace.exception, view_file),
                    "request_id": trace.request_id,
                }
            else:
                # Outside teaching mode the reader learns only that it failed.
                hop["error"] = {"request_id": trace.request_id}
        return hop


# --- Helpers ---------------------------------------------------------------------


def stage_prefix(request, demo) -> str:
    """The placeholder that asked, from the HX-Target header: "demo-<slug>-<n>"."""
    if not request.htmx:
        return ""
    target = request.headers.get("HX-Target", "")
    match = re.fullmatch(rf"(demo-{re.escape(demo.slug)}-[0-9]{{1,4}})-stage", target)
    return match.group(1) if match else ""


def session_tables(session) -> tuple[str, ...]:
    model = getattr(session, "model", None)
    if model is not None:
        return (model._meta.db_table,)
    return ("django_session",)


def arguments(match, masked: frozenset[str]) -> list[dict]:
    captured = (
        match.captured_kwargs if match.captured_kwargs is not None else match.kwargs
    )
    found = [(str(index), value) for index, value in enumerate(match.args)]
    found += list(captured.items())
    return [
        {
            "name": name,
            "text": ""
            if isinstance(value, str) and value in masked
            else shorten(repr(value)),
            "masked": isinstance(value, str) and value in masked,
            "type": type(value).__name__,
        }
        for name, value in found
    ]


def summary(chain: list[dict]) -> str:
    """The chain in one sentence, for the status line and screen readers."""
    parts = [
        f"{hop['method']} {hop['path']} answered {hop['status']} {hop['reason']}"
        for hop in chain
    ]
    return ", then ".join(parts) + "."


def present(hop: dict) -> dict:
    """A hop plus links to the code its steps name, ready for the template."""
    shown = dict(hop)
    shown["status_class"] = f"{hop['status'] // 100}xx"
    urls = hop.get("urls")
    shown["urls_link"] = source_link(urls["spec"], urls["line"]) if urls else ""
    shown["view_link"] = source_link(hop.get("view_spec", ""))
    shown["templates"] = [
        {**template, "link": source_link(template["spec"])}
        for template in hop["templates"]
    ]
    error = hop.get("error") or {}
    if error.get("file"):
        # Shown at once: the failing line is what the reader needs next.
        function = error.get("function", "")
        spec = (
            f"{error['file']}:{function}"
            if function and "<" not in function
            else error["file"]
        )
        # Pygments output with every value escaped, from a file under sandbox_apps/.
        shown["error_html"] = mark_safe(
            sources.excerpt_html(spec, (error["line"],))
            or sources.excerpt_html(error["file"], (error["line"],))
        )
    return shown


def source_link(spec: str, line: int | None = None) -> str:
    if not spec:
        return ""
    query = {"spec": spec, "line": line} if line else {"spec": spec}
    return f"{reverse('inspector_source')}?{urlencode(query)}"


def panel_context(prefix: str, chain: list[dict], title: str) -> dict:
    now = timezone.localtime()
    return {
        "prefix": prefix,
        "title": title,
        "chains": [
            {
                "hops": [present(hop) for hop in chain],
                "summary": summary(chain),
                "at": now,
            }
        ],
        "summary": summary(chain),
    }


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
