"""Middleware every sandbox request goes through, in one place.

``SandboxMiddleware`` adds the response headers sandbox answers need.
``SessionWriteLockMiddleware`` makes one visitor's demo requests run one
at a time, so none of their session changes is lost.
"""

import re
import time
from functools import lru_cache

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import router
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import http_date
from django_htmx.http import push_url

from .refusals import entry_url
from .registry import demo_for_path
from .session_lock import Busy, SessionLocks

SANDBOX_PREFIX = "/sandbox/"
# Django makes session keys from lowercase letters and digits; a cookie that
# looks like anything else cannot name a stored session.
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{8,40}")
ENGINES_WITH_ROWS = {
    "courseware.sessions",
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


class SandboxMiddleware:
    """Headers for every /sandbox/ response.

    Sandbox views answer two shapes from one URL: a full page, or (for htmx
    requests from a lesson placeholder) just the fragment. Caches must key
    on that, nothing per visitor may be cached, and a fragment must not
    change the address bar of the lesson it is embedded in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(SANDBOX_PREFIX):
            return response
        patch_vary_headers(response, ["HX-Request"])
        never_cache(response)
        if from_htmx(request) and not 300 <= response.status_code < 400:
            # Boosted links and forms inside a placeholder would otherwise
            # push the demo's URL into the lesson's address bar. (htmx never
            # sees a redirect's headers: the browser follows it first.)
            push_url(response, False)
        return response


def from_htmx(request) -> bool:
    """``bool(request.htmx)``, read from the header itself.

    django-htmx reads ``request.headers``, which Django builds from every
    header of the request the first time it is used: on a demo click, more
    work than anything else on this path needed from the headers.
    """
    return request.META.get("HTTP_HX_REQUEST") == "true"


# What Django's add_never_cache_headers writes when no caching header is set yet.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_cache(response) -> None:
    """Django's add_never_cache_headers, without its work in the usual case.

    Django parses the response's Cache-Control and builds it again, which
    cost a demo click more than its view's redirect. A sandbox answer
    rarely has caching headers of its own, and then the result is known.
    """
    if response.has_header("Cache-Control") or response.has_header("Expires"):
        add_never_cache_headers(response)
        return
    response.headers["Expires"] = http_date_at(int(time.time()))
    response.headers["Cache-Control"] = NEVER_CACHE


# Formatting an HTTP date cost a click about as much as its CSRF check, and
# clicks come many to a second: the last few seconds' dates are kept (now,
# for Expires, and the redirect trace cookie's end).
@lru_cache(maxsize=4)
def http_date_at(second: int) -> str:
    return http_date(second)


class SessionWriteLockMiddleware:
    """Run one visitor's requests to the demos one at a time.

    Any demo request may change the session: a POST, the session counter's
    GET (it counts the visit), the first request of a database demo (it
    stores the sandbox token). So every request under
    /sandbox/<demo>/ that carries a session cookie waits for that session's
    lock (session_lock.py) before the session is loaded, and keeps it until
    the session is saved. That is why this middleware must come before
    SessionMiddleware in MIDDLEWARE.

    The lock is not a database transaction: other visitors never wait, and
    a view is free to do slow work (hashing a password) without blocking
    anyone but this visitor's next click.

    A request without a session cookie (or with one that cannot name a
    session) locks nothing: it is about to get a new session that no other
    request shares.

    Waiting is bounded: one request runs, at most
    COURSEWARE_SESSION_LOCK_WAITERS wait (for at most
    COURSEWARE_SESSION_LOCK_WAIT seconds), across every worker process and
    app server. Any other request of that visitor is answered 429 "too many
    clicks at once" straight away, before its session is read, so one
    visitor's flood holds at most two workers and everyone else is served.
    """

    def __init__(self, get_response):
        if settings.SESSION_ENGINE not in ENGINES_WITH_ROWS:
            raise ImproperlyConfigured(
                f"SessionWriteLockMiddleware needs database-backed sessions, not {settings.SESSION_ENGINE!r}."
            )
        self.get_response = get_response
        self._locks = None

    def __call__(self, request):
        session_key = self.lock_key(request)
        if session_key is None:
            return self.get_response(request)
        locks = self.locks()
        try:
            locks.acquire(session_key)
        except Busy:
            return busy(request)
        try:
            return self.get_response(request)
        finally:
            locks.release(session_key)

    def lock_key(self, request) -> str | None:
        """The session key to lock for this request, or None if none is needed."""
        if demo_for_path(request.path_info) is None:
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if not SESSION_KEY_SHAPE.fullmatch(session_key):
            return None
        return session_key

    def locks(self) -> SessionLocks:
        # Built on first use, not at start-up: the test runner points the
        # database at its own file only after middleware is loaded.
        if self._locks is None:
            self._locks = SessionLocks(router.db_for_write(Session))
        return self._locks


BUSY_HEADER = "X-Session-Busy"
BUSY_MESSAGE = (
    "Too many clicks at once: your earlier clicks are still being handled,"
    " so this one was not applied. Try again."
)


def busy(request):
    """429 for a request refused by the session lock: nothing changed.

    Inside a demo, retry.js keeps the board and shows this message with a
    Try again button; the 429 fragment is what a page without JavaScript
    (or a plain form post) shows.
    """
    # Not refusals.refuse(): that reads request.htmx, which HtmxMiddleware sets
    # only later, inside this middleware. So the header is read here.
    htmx = from_htmx(request)
    template = "sandbox_apps/_refused.html" if htmx else "sandbox_apps/refused.html"
    context = {"message": BUSY_MESSAGE, "status": 429, "back_url": entry_url(request)}
    response = render(request, template, context, status=429)
    response["Retry-After"] = "1"
    # Tells retry.js this is "too many at once", not a form's own 429 (a
    # throttled login shows its form with the message instead).
    response[BUSY_HEADER] = "1"
    # SandboxMiddleware sits inside this one and never sees this answer.
    patch_vary_headers(response, ["HX-Request"])
    never_cache(response)
    if htmx:
        push_url(response, False)
    return response
