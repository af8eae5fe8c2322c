"""Who may steer a follow-along session: the staff user who started it.

Shared by the presenter's views (presenter.py) and the live poll's
(polls.py), which import each other; this module imports neither.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Presentation


def presentation_by_code(code):
    return get_object_or_404(
        Presentation.objects.select_related("lesson").with_code(code)
    )


def refuse_unless_presenter(request, presentation):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.user.pk != presentation.presenter_id:
        return HttpResponse(
            "Only the presenter who started this session can change it.",
            status=403,
            content_type="text/plain",
        )
    return None


def presenter_only(view):
    """Find the session by its code and let in only its presenter.

    The view is called with the ``Presentation`` in place of the code.
    """

    @functools.wraps(view)
    def wrapper(request, code, *args, **kwargs):
        presentation = presentation_by_code(code)
        refused = refuse_unless_presenter(request, presentation)
        if refused:
            return refused
        return view(request, presentation, *args, **kwargs)

    return wrapper
