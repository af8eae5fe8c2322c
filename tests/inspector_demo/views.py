from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sandbox_apps.models import Sandbox
from sandbox_apps.tenancy import current_sandbox

SESSION_KEY = "inspector_demo"


def items(request, number):
    sandbox = current_sandbox(request)
    count = Sandbox.objects.filter(pk=sandbox.pk, created_at__isnull=False).count()
    state = request.session.get(SESSION_KEY, {})
    request.session[SESSION_KEY] = {**state, "number": number}
    context = {
        "message": f"{count} sandbox, number {number}",
        "status": 200,
        "back_url": "/",
    }
    return render(request, "sandbox_apps/_refused.html", context)


@require_POST
def sign_in(request):
    # Uses the password in a query, as a careless app might: it must not show.
    Sandbox.objects.filter(token=request.POST.get("password", "")).exists()
    request.session[SESSION_KEY] = {"signed_in": True}
    request.session.cycle_key()
    return redirect("inspector_demo:items", number=3)


def explode(request):
    return 1 / 0
