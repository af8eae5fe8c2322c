"""Views shared by every sandbox: the CSRF failure answer."""

from django.shortcuts import render

from .refusals import entry_url


def csrf_failure(request, reason=""):
    """A 403 a person can act on, as a page or as a demo fragment.

    Left to Django's default, an embedded demo would receive a debug page it
    cannot show and the reader would see nothing happen.
    """
    template = "403_csrf.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "_csrf_failure.html"
    return render(request, template, {"back_url": entry_url(request)}, status=403)
