"""Site-wide error views."""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request):
    """The 500 page, or a short message a demo can show in place.

    Rendered without the request context on purpose: whatever broke may be
    in a context processor, and this page must not fail too.
    """
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
    reader would get a bare "Bad Request (400)".
    """
    if request.headers.get("HX-Request") == "true":
        template = loader.get_template("_bad_request.html")
    else:
        template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render())


def hello_world(request):
    """The smallest Django response: the benchmark's yardstick."""
    return HttpResponse("Hello, world")
