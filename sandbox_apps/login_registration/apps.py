from django.apps import AppConfig

from sandbox_apps.registry import Demo

from .session import SESSION_KEY


class LoginRegistrationConfig(AppConfig):
    name = "sandbox_apps.login_registration"
    verbose_name = "Login and registration"
    demo = Demo(
        slug="login-registration",
        title="Login and Registration",
        summary="Register and log in: validation in a manager, passwords stored only as hashes, the login kept in the session.",
        url_name="login_registration:index",
        source_files=(
            "login_registration/models.py",
            "login_registration/views.py",
            "login_registration/session.py",
            "login_registration/urls.py",
            "validators.py",
            "login_registration/hardening.py",
            "login_registration/templates/login_registration/_forms.html",
            "login_registration/templates/login_registration/_field.html",
            "login_registration/templates/login_registration/_welcome.html",
        ),
        session_key=SESSION_KEY,
    )
