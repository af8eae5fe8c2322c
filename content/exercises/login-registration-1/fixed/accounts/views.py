from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .models import User

# Fields whose typed value comes back after an error; passwords never do.
KEPT = ["first_name", "last_name", "email", "birthday"]


@require_GET
def index(request):
    return render(request, "accounts/index.html")


@require_POST
def register(request):
    errors = User.objects.validate(request.POST)
    if errors:
        values = {field: request.POST.get(field, "") for field in KEPT}
        return render(
            request, "accounts/index.html", {"errors": errors, "values": values}
        )
    messages.success(request, "Every field is valid. Step 2 saves the user.")
    return redirect("accounts:index")


@require_POST
def login(request):
    messages.info(request, "Logging in comes in step 3.")
    return redirect("accounts:index")


@require_GET
def success(request):
    return redirect("accounts:index")


@require_POST
def logout(request):
    return redirect("accounts:index")
