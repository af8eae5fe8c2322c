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


class RedirectTrace(models.Model):
    """A redirect's inspector hops too large for a cookie, waiting for the
    request the redirect names.

    Written and read with plain SQL by sandbox_apps/inspector/chain.py,
    which says how most hops travel instead (in a cookie). A row lives for
    seconds: the request after the redirect takes it away, and one the
    browser never sent is deleted once it has expired.
    """

    # A digest of the random id the redirect's cookie carries, never the id itself.
    key = models.CharField(max_length=64, primary_key=True)
    # The path (and query string) of the request that may take the hops.
    follow = models.TextField()
    hops = models.BinaryField()
    # Not indexed: the table holds only traces still waiting (a few per
    # visitor clicking right now), so the sweep of expired ones scans it
    # whole, and every click's write has one index fewer to update.
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"Trace waiting for {self.follow}"
