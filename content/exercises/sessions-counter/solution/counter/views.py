from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def index(request):
    # A new visitor has no "visits" yet: get() gives 0, and this visit makes 1.
    visits = request.session.get("visits", 0) + 1
    # Assigning to the session is what makes Django save it after the view.
    request.session["visits"] = visits
    return render(request, "counter/index.html", {"visits": visits})


@require_POST
def reset(request):
    # pop() with a default does not fail when there was nothing to forget.
    request.session.pop("visits", None)
    return redirect("counter:index")
