"""Per-visitor sandboxes without sign-up.

The visitor's Sandbox is found through a token kept in their session. Apps
that keep rows call ``current_sandbox(request)`` and filter by it; apps that
keep state in the session need nothing from here.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Sandbox

SESSION_KEY = "sandbox"
# Writing last_seen_at on every request would turn every read into a write;
# once an hour is precise enough for a purge measured in days.
TOUCH_EVERY = timedelta(hours=1)


def current_sandbox(request) -> Sandbox:
    token = request.session.get(SESSION_KEY)
    sandbox = (
        Sandbox.objects.filter(token=token).first() if isinstance(token, str) else None
    )
    if sandbox is None:
        sandbox = Sandbox.objects.create()
        request.session[SESSION_KEY] = sandbox.token
    elif timezone.now() - sandbox.last_seen_at > TOUCH_EVERY:
        Sandbox.objects.filter(pk=sandbox.pk).update(last_seen_at=timezone.now())
    return sandbox


@contextmanager
def locked(sandbox: Sandbox):
    """A transaction in which no other request can write to this sandbox.

    "Count the rows, then insert one" (a cap) or "check the email is free,
    then insert it" is only safe if no other request runs the same steps in
    between. Apps wrap such steps in ``with locked(sandbox):``.
    """
    with transaction.atomic():
        # PostgreSQL: the sandbox's row stays locked until the transaction
        # ends, so a second request for the same sandbox waits here. SQLite
        # ignores FOR UPDATE, but the IMMEDIATE transactions set in settings
        # already let only one writer in at a time.
        list(
            Sandbox.objects.select_for_update()
            .filter(pk=sandbox.pk)
            .values_list("pk", flat=True)
        )
        yield
