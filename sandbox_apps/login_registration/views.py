"""Login and Registration: users, hashed passwords, and staying logged in.

One page holds two forms, each posted to its own URL. The manager
(models.py) checks them. On success the view gives the browser a new
session key, remembers the user's id in the session under this app's own
key, and redirects to the welcome page (Post/Redirect/Get). That page is
only for a logged-in visitor; logging out forgets the id again.
"""

from django.contrib import messages
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from courseware.client import client_address
from sandbox_apps.refusals import not_from_the_form
from sandbox_apps.tenancy import current_sandbox

from .models import MAX_USERS, LoginAttempt, User
from .session import SESSION_KEY

# The fields each form on the page sends, every time (an empty one too).
REGISTER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "birthday",
    "password",
    "confirm_password",
)
LOGIN_FIELDS = ("email", "password")


@require_GET
def index(request):
    return show_forms(request)


@require_POST
def register(request):
    refused = not_from_the_form(request, REGISTER_FIELDS)
    if refused:
        return refused
    user, errors = User.objects.register(
        request.POST, current_sandbox(request), client_address(request)
    )
    if errors:
        # Typed values go back into the form; the passwords never do.
        return show_forms(
            request,
            register_errors=errors,
            register_values=request.POST,
            status=error_status(errors),
        )
    remember_login(request, user, "registered")
    return redirect("login_registration:success")  # Post/Redirect/Get


@require_POST
def login(request):
    refused = not_from_the_form(request, LOGIN_FIELDS)
    if refused:
        return refused
    user, errors = User.objects.log_in(
        request.POST, current_sandbox(request), client_address(request)
    )
    if errors:
        return show_forms(
            request,
            login_errors=errors,
            login_values=request.POST,
            status=error_status(errors),
        )
    remember_login(request, user, "logged in")
    return redirect("login_registration:success")


@require_GET
def success(request):
    user = logged_in_user(request)
    if user is None:
        # Only a logged-in visitor has a welcome page.
        return redirect("login_registration:index")
    context = {"member": user, "action": request.session[SESSION_KEY].get("action")}
    template = "login_registration/welcome.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "login_registration/_welcome.html"
    return render(request, template, context)


@require_POST
def logout(request):
    # Only this app's login is forgotten: request.session.flush() would also
    # wipe every other demo's state and the visitor's sandbox.
    request.session.pop(SESSION_KEY, None)
    # A new session key and CSRF token, as at login: nothing learnt or left
    # open while logged in (a key, a form in another tab) works afterwards.
    request.session.cycle_key()
    rotate_token(request)
    messages.success(request, "You are logged out.")
    return redirect("login_registration:index")


@require_POST
def reset(request):
    sandbox = current_sandbox(request)
    User.objects.in_sandbox(sandbox).delete()
    LoginAttempt.objects.filter(sandbox=sandbox).delete()
    request.session.pop(SESSION_KEY, None)
    messages.success(request, "Every user in your sandbox was deleted.")
    return redirect("login_registration:index")


def remember_login(request, user, action):
    # A new session key at login: a key someone learnt before (planted in a
    # link, seen over a shoulder) is worthless after it. The data is kept.
    request.session.cycle_key()
    # A new CSRF token too: a form left open in another tab before the
    # login cannot post as the logged-in visitor.
    rotate_token(request)
    request.session[SESSION_KEY] = {"user_id": user.pk, "action": action}


def error_status(errors):
    if "throttled" in errors:
        return 429  # Too Many Requests: nothing was even checked.
    # The form filled in wrongly is the normal answer, as Django's own
    # FormView and LoginView answer it: 200, and nothing was changed.
    return 200


def logged_in_user(request):
    """The user this browser logged in as, or None."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("user_id"), int):
        return None
    # Looked up inside this visitor's sandbox, so a user deleted by Reset
    # (or an id from anywhere else) finds nobody.
    return (
        User.objects.in_sandbox(current_sandbox(request))
        .filter(pk=state["user_id"])
        .first()
    )


def show_forms(
    request,
    register_errors=None,
    register_values=None,
    login_errors=None,
    login_values=None,
    status=200,
):
    context = {
        "logged_in": logged_in_user(request),
        "user_count": User.objects.in_sandbox(current_sandbox(request)).count(),
        "max_users": MAX_USERS,
        "register_errors": register_errors or {},
        "register_values": register_values or {},
        "login_errors": login_errors or {},
        "login_values": login_values or {},
    }
    template = "login_registration/page.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "login_registration/_forms.html"
    return render(request, template, context, status=status)
