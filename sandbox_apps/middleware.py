"""Middleware every sandbox request goes through, in one place.

``SandboxMiddleware`` adds the response headers sandbox answers need.
``SessionWriteLockMiddleware`` makes one visitor's session-changing
requests run one at a time, so none of their changes is lost.
"""

import re

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import router, transaction
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_htmx.http import push_url

from .registry import demo_for_path

SANDBOX_PREFIX = "/sandbox/"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Django makes session keys from lowercase letters and digits; a cookie that
# looks like anything else cannot name a stored session.
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{8,40}")
ENGINES_WITH_ROWS = {
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
        add_never_cache_headers(response)
        if request.htmx:
            # Boosted links and forms inside a placeholder would otherwise
            # push the demo's URL into the lesson's address bar.
            push_url(response, False)
        return response


class SessionWriteLockMiddleware:
    """Run one visitor's session-changing sandbox requests one at a time.

    Django reads the session when a request first touches it and writes it
    back whole when the response leaves, and the last write wins. Two
    overlapping clicks both read "3 moves" and both write "4 moves": one
    move is lost. Ninja Gold must lose none, even with 16 requests in
    flight for one session.

    So for unsafe requests (POST, PUT, PATCH, DELETE) to a demo that keeps
    its state in the session (its Demo declares ``session_key``), this
    middleware runs everything after it (session load, view, session save)
    in one database transaction that starts by locking the visitor's row
    of ``django_session``. It must come before SessionMiddleware in
    MIDDLEWARE, or the save would happen after the lock is released.

    - PostgreSQL: ``SELECT ... FOR UPDATE`` on that row. A second request
      for the same session waits on that line until the first commits,
      then reads what the first saved (under READ COMMITTED, PostgreSQL's
      default, each statement sees everything committed before it began).
      Other visitors are not held up.
    - SQLite has no row locks, and Django leaves out FOR UPDATE there. The
      project opens transactions with BEGIN IMMEDIATE (see DATABASES in
      settings.py), which takes the database's write lock at once, so these
      requests queue behind each other for every visitor. Each holds the
      lock for a few milliseconds.
    - cached_db sessions (with REDIS_URL): the session is read from the
      cache and saved to the database, then to the cache. Both happen
      inside the lock, and the cache is written before the commit that lets
      the next request in, so the next request reads the fresh copy.

    A cookie naming no stored session locks nothing, and needs nothing:
    that request is about to get a new session that no other request
    shares. Safe methods are not locked; they must not change the session.

    Only the "db" and "cached_db" engines keep rows to lock, so the
    middleware refuses to start with any other engine rather than quietly
    protecting nothing.
    """

    def __init__(self, get_response):
        if settings.SESSION_ENGINE not in ENGINES_WITH_ROWS:
            raise ImproperlyConfigured(
                f"SessionWriteLockMiddleware needs database-backed sessions, not {settings.SESSION_ENGINE!r}."
            )
        self.get_response = get_response

    def __call__(self, request):
        if not self.needs_lock(request):
            return self.get_response(request)
        database = router.db_for_write(Session)
        with transaction.atomic(using=database):
            session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
            if SESSION_KEY_SHAPE.fullmatch(session_key):
                # Waits here while another request holds this session.
                sessions = Session.objects.using(database).select_for_update()
                sessions.filter(session_key=session_key).first()
            return self.get_response(request)

    def needs_lock(self, request) -> bool:
        if request.method not in UNSAFE_METHODS:
            return False
        demo = demo_for_path(request.path_info)
        return demo is not None and demo.session_key is not None
