from django.apps import AppConfig

from sandbox_apps.registry import Demo


class EmailValidationConfig(AppConfig):
    name = "sandbox_apps.email_validation"
    verbose_name = "Email validation"
    demo = Demo(
        slug="email-validation",
        title="Email Validation",
        summary="Type an email address: a model manager checks it, the database keeps the valid ones.",
        url_name="email_validation:index",
        source_files=(
            "email_validation/models.py",
            "validators.py",
            "email_validation/views.py",
            "email_validation/urls.py",
            "email_validation/templates/email_validation/_form.html",
            "email_validation/templates/email_validation/_success.html",
        ),
    )
