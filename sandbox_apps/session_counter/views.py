"""Session counter: what a session is.

HTTP forgets you between requests. Django's session gives each browser a
random key in a cookie and keeps the data that goes with it on the server.
This app counts your visits in ``request.session`` and shows both halves:
the key your browser holds, and the data the server holds for it.
"""

import json

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sandbox_apps.refusals import not_from_the_form

from . import counter
from .forms import AddForm


@require_GET
def index(request):
    state = counter.load(request.session)
    note = counter.count_visit(state)
    counter.save(request.session, state)
    return show(request, state, note, AddForm())


@require_POST
def add(request):
    refused = not_from_the_form(request, ("amount",))
    if refused:
        return refused
    form = AddForm(request.POST)
    state = counter.load(request.session)
    if not form.is_valid():
        # Show the form again with its message; nothing was stored. Status
        # 200, as Django's FormView answers a form with errors: the page is
        # a normal answer, and htmx swaps it in like any other.
        return show(request, state, "", form)
    counter.add(state, form.cleaned_data["amount"])
    counter.save(request.session, state)
    return redirect("session_counter:index")  # Post/Redirect/Get


@require_POST
def reset(request):
    state = counter.load(request.session)
    counter.reset(state)
    counter.save(request.session, state)
    return redirect("session_counter:index")


def show(request, state, note, form):
    context = {
        "visits": state["visits"],
        "note": note,
        "form": form,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "masked_key": mask(request.session.session_key),
        "server_data": json.dumps(
            request.session.get(counter.SESSION_KEY, {}), indent=2
        ),
        "smallest": counter.SMALLEST_ADD,
        "largest": counter.LARGEST_ADD,
    }
    template = "session_counter/page.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "session_counter/_counter.html"
    return render(request, template, context)


def mask(session_key):
    """Enough of the key to recognise it, not enough to use it."""
    if not session_key:
        return ""
    return "•" * 8 + session_key[-4:]
