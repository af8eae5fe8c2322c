from django.apps import AppConfig


class SandboxAppsConfig(AppConfig):
    """The shared plumbing: the Sandbox model, tenancy, embedding, purging."""

    name = "sandbox_apps"
    verbose_name = "Sandboxes"
