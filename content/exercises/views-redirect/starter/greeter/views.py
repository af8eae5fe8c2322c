from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def form(request):
    return render(request, "greeter/form.html")


@require_POST
def greet(request):
    # Read the name from the form, then either show the form again with an
    # error, or redirect to the greeting.
    name = ""
    return render(request, "greeter/hello.html", {"name": name})


@require_GET
def hello(request, name):
    return render(request, "greeter/hello.html", {"name": name})
