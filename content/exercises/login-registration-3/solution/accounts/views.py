from datetime import date

from django.contrib.auth.hashers import check_password, make_password
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
    user = User.objects.create(
        first_name=request.POST["first_name"].strip(),
        last_name=request.POST["last_name"].strip(),
        email=request.POST["email"].strip(),
        # Only a salted hash is stored: a stolen database gives no passwords away.
        password=make_password(request.POST["password"]),
        # validate() already checked that this is a date.
        birthday=date.fromisoformat(request.POST["birthday"].strip()),
    )
    # A new session key at login: a key planted before it is now worthless.
    request.session.cycle_key()
    request.session["user_id"] = user.pk
    request.session["how"] = "registered"
    return redirect("accounts:success")


# The same words whether the email is unknown or the password is wrong, so
# the form never tells a stranger which emails are registered.
LOGIN_FAILED = "Wrong email or password."


@require_POST
def login(request):
    email = request.POST.get("email", "").strip()
    password = request.POST.get("password", "")
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not check_password(password, user.password):
        context = {"login_error": LOGIN_FAILED, "login_email": email}
        return render(request, "accounts/index.html", context)
    request.session.cycle_key()
    request.session["user_id"] = user.pk
    request.session["how"] = "logged in"
    return redirect("accounts:success")


@require_GET
def success(request):
    return redirect("accounts:index")


@require_POST
def logout(request):
    return redirect("accounts:index")
