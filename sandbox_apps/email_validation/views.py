"""Email Validation: a model, its manager, and Post/Redirect/Get.

The form posts an address. The manager (models.py) decides whether it is
valid; the view only reacts: an invalid address goes back to the form with
its message and the typed value, a valid one is saved and the browser is
redirected to the success page, so reloading that page never posts twice.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sandbox_apps.refusals import not_from_the_form, refuse
from sandbox_apps.tenancy import current_sandbox

from .models import MAX_ADDRESSES, Address


@require_http_methods(["GET", "POST"])
def index(request):
    sandbox = current_sandbox(request)
    errors = {}
    if request.method == "POST":
        refused = not_from_the_form(request, ("email",))
        if refused:
            return refused
        address, errors = Address.objects.add(request.POST, sandbox)
        if not errors:
            messages.success(
                request,
                f"The email address you entered ({address.email}) is a valid email address. Thank you!",
            )
            return redirect("email_validation:success")  # Post/Redirect/Get
    context = {
        "errors": errors,
        # The typed value goes back into the box, so a typo is easy to fix.
        "email": request.POST.get("email", ""),
        "count": Address.objects.in_sandbox(sandbox).count(),
        "limit": MAX_ADDRESSES,
    }
    # With errors too the answer is 200, as Django's own FormView answers:
    # nothing was changed, and the page (the form with its errors) is the
    # normal answer to a form filled in wrongly. 400 is for a request the
    # form could never send (not_from_the_form above).
    template = "email_validation/page.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "email_validation/_form.html"
    return render(request, template, context)


@require_GET
def success(request):
    addresses = Address.objects.in_sandbox(current_sandbox(request))
    context = {"addresses": addresses, "limit": MAX_ADDRESSES}
    template = "email_validation/success.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "email_validation/_success.html"
    return render(request, template, context)


@require_POST
def delete(request, pk):
    # Looking the address up inside this visitor's sandbox is what keeps
    # one visitor from deleting another's: their ids simply are not found.
    address = Address.objects.in_sandbox(current_sandbox(request)).filter(pk=pk).first()
    if address is None:
        return refuse(
            request,
            "That address is not in your list (it may be deleted already).",
            status=404,
        )
    address.delete()
    messages.success(request, f"Deleted {address.email}.")
    return redirect("email_validation:success")


@require_POST
def reset(request):
    Address.objects.in_sandbox(current_sandbox(request)).delete()
    messages.success(request, "Your list is empty again.")
    return redirect("email_validation:index")
