"""One row per visitor's private sandbox, for the apps that store rows.

Database apps point their rows at a Sandbox with ``on_delete=CASCADE``, so
deleting an idle sandbox (``manage.py purge_sandboxes``) removes everything
that visitor made, and no query can reach rows without naming a sandbox.
"""

import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SandboxQuerySet(models.QuerySet):
    def idle_for(self, days: int):
        return self.filter(last_seen_at__lt=timezone.now() - timedelta(days=days))


class Sandbox(models.Model):
    # The token lives in the visitor's session; it is never shown to anyone.
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SandboxQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"Sandbox #{self.pk}"
