"""Site-wide error views."""

import sys

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe


def database_away(error: BaseException | None) -> bool:
    """Whether ``error`` comes, however deep, from losing the database.

    Django wraps a lost connection in other errors: a session that could
    not be saved because PostgreSQL went away mid-request surfaces as
    SessionInterrupted ("the session was deleted"), a 400.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(request):
    """503: the database is away. Nothing was saved; trying again soon works.

    The request failed before or while its changes were saved, so it
    changed nothing a visitor owns (the session is saved whole or not at
    all, database demos in one transaction). The 503 and Retry-After say
    it is temporary, to browsers, proxies and monitors alike.
    """
    if request.headers.get("HX-Request") == "true":
        template = loader.get_template("_unavailable.html")
    else:
        template = loader.get_template("500.html")
    response = HttpResponse(template.render({"unavailable": True}), status=503)
    response["Retry-After"] = "5"
    # A failed session save surfaces outside SandboxMiddleware, which adds
    # these to every demo answer: without the Vary, a demo takes this for
    # a proxy's error page (static/js/retry.js); and no cache may keep it.
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


@requires_csrf_token
def server_error(request):
    """The 500 page, or a short message a demo can show in place.

    Rendered without the request context on purpose: whatever broke may be
    in a context processor, and this page must not fail too. When what
    broke is the database connection, the answer is a 503 that says so.
    """
    # Django calls this view while it handles the exception.
    if database_away(sys.exc_info()[1]):
        return database_unavailable(request)
    if request.headers.get("HX-Request") == "true":
        template = loader.get_template("_server_error.html")
    else:
        template = loader.get_template("500.html")
    return HttpResponseServerError(template.render())


@requires_csrf_token
def bad_request(request, exception=None):
    """The 400 page, or a short message a demo can show in place.

    Django answers 400 for requests it cannot trust (a session ended by a
    log-out in another tab, a malformed header); left to its default, the
    reader would get a bare "Bad Request (400)". A session that could not
    be saved because the database went away is no bad request: 503.
    """
    if database_away(exception):
        return database_unavailable(request)
    if request.headers.get("HX-Request") == "true":
        template = loader.get_template("_bad_request.html")
    else:
        template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render())


def hello_world(request):
    """The smallest Django response: the benchmark's yardstick."""
    return HttpResponse("Hello, world")


def bench_lessons(request):
    """Every lesson's address, for the benchmark that walks them all."""
    from lessons.models import Lesson

    return JsonResponse(
        [lesson.get_absolute_url() for lesson in Lesson.objects.outline()], safe=False
    )


@require_safe
@never_cache
def health(request):
    """Readiness for a load balancer or monitor: can this server do its job?

    The database holds every lesson and every visitor's state, so without
    it the answer is 503. Redis is only a cache (see courseware/cache.py):
    without it pages still serve, so the answer stays 200 and says
    "degraded". Both checks are one round trip each, cheap enough to poll
    every few seconds.
    """
    checks = {"database": "ok", "cache": "ok"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
        status = 503
    ping = getattr(cache, "ping", None)
    if ping is not None and not ping():
        checks["cache"] = "degraded: serving from process memory"
    return JsonResponse(checks, status=status)
