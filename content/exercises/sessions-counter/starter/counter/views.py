from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def index(request):
    visits = 1
    return render(request, "counter/index.html", {"visits": visits})


@require_POST
def reset(request):
    return redirect("counter:index")
