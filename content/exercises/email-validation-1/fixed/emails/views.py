from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .models import Address


@require_http_methods(["GET", "POST"])
def index(request):
    errors = {}
    email = ""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        # The rules are the manager's business; the view only carries data.
        errors = Address.objects.validate(request.POST)
        if not errors:
            Address.objects.create(email=email)
            # The success page names the address just entered.
            request.session["just_added"] = email
            return redirect("emails:success")  # Post/Redirect/Get
    return render(request, "emails/index.html", {"errors": errors, "email": email})


@require_GET
def success(request):
    context = {
        "just_added": request.session.get("just_added", ""),
        "addresses": Address.objects.order_by("-created_at", "-pk"),
    }
    return render(request, "emails/success.html", context)
