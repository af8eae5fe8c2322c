from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def form(request):
    return render(request, "greeter/form.html")


@require_POST
def greet(request):
    # get() gives "" when the field is missing; strip() turns "   " into "".
    name = request.POST.get("name", "").strip()
    if not name:
        # Nothing was done, so there is nothing to redirect to: show the form again.
        context = {"error": "Please type your name.", "name": name}
        return render(request, "greeter/form.html", context)
    # The work is done: send the browser to the page that shows the result.
    return redirect("greeter:hello", name=name)


@require_GET
def hello(request, name):
    return render(request, "greeter/hello.html", {"name": name})
