"""Refusing a sandbox request with a message, as a page or a fragment.

Every sandbox app answers a request no honest form sends the same way
(sandbox_apps/README.md): ``refuse`` says why, ``not_from_the_form``
refuses a POST whose fields are not each there once, and ``entry_url``
is where the answer's "back to the demo" link goes.
"""

from django.shortcuts import render

from .registry import demo_for_path


def entry_url(request) -> str:
    """Where "back to the demo" goes: the app's first page, or the course home."""
    demo = demo_for_path(request.path_info)
    return demo.url if demo else "/"


def refuse(request, message: str, status: int = 400):
    """Answer a bad request with a clear message, as a page or a fragment.

    Used for input no honest form can send (an unknown choice, a tampered
    field). The embedded demo swaps this in, so the reader sees why nothing
    happened and gets a way back.
    """
    template = "sandbox_apps/refused.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "sandbox_apps/_refused.html"
    context = {"message": message, "status": status, "back_url": entry_url(request)}
    return render(request, template, context, status=status)


def not_from_the_form(request, fields: tuple[str, ...]):
    """A 400 for a POST its form could never have sent, or None if the shape is right.

    A form sends every one of its fields exactly once, even a field left
    empty. A request with one missing or repeated did not come from the
    form (a script, a tampered request), so it is refused with 400 before
    anything is checked. A form that was only filled in wrongly is not
    refused: its view shows it again with its errors and status 200.
    """
    for name in fields:
        if len(request.POST.getlist(name)) != 1:
            return refuse(
                request,
                f"This form always sends one “{name}” field, and this request"
                " did not. Use the form on the page.",
            )
    return None
