"""What a public login form needs beyond the assignment: its defences.

models.py reads like the assignment: validate, register, log in. The
defences live here, one idea each, so a lesson can show them separately:

1. Throttling, before any hashing. Checking a password is slow on purpose,
   so a refusal must cost nothing. Two limits, both counted in the
   ``LoginAttempt`` table:
   - per sandbox: 5 failed logins in 5 minutes, then wait (the spec);
   - per client address, across every sandbox: a script that throws its
     cookie away after each try gets a new sandbox every time, but keeps
     its address (courseware/client.py says how it is read behind a
     proxy). Registrations count here too: each one hashes a password.
   Written here rather than with a library: the limits are per sandbox as
   well as per address, in this app's own table, and purged with the
   sandbox; django-axes (used for the admin) throttles Django's own users.
2. The timing defence: an unknown email costs one hash too, so how long
   the answer takes does not tell which emails are registered.
3. Locking: counting and recording an attempt happen under a lock, so a
   burst of parallel tries cannot all pass before one is counted. The lock
   is a short transaction, never held while a password is hashed.
"""

import math
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import hashers
from django.db import connection, models
from django.utils import timezone

from sandbox_apps.session_lock import lock_number
from sandbox_apps.tenancy import locked


def window() -> timedelta:
    return timedelta(minutes=settings.COURSEWARE_LOGIN_WINDOW_MINUTES)


def wait_message(seconds: float, what: str = "failed logins in your sandbox") -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        wait = "1 minute"
    else:
        wait = f"{minutes} minutes"
    return f"Too many {what}. Try again in {wait}."


class AttemptManager(models.Manager):
    def retry_at(self, attempts, limit: int, now=None):
        """When ``attempts`` (a queryset) drops below ``limit`` in the window, or None if it is below now."""
        now = now or timezone.now()
        recent = attempts.filter(attempted_at__gt=now - window())
        times = list(
            recent.order_by("-attempted_at").values_list("attempted_at", flat=True)[
                :limit
            ]
        )
        if len(times) < limit:
            return None
        # Allowed again once the oldest of those leaves the window.
        return times[-1] + window()

    def refusal(self, sandbox, address: str, kind: str, now=None) -> str:
        """Why a new attempt must wait, or "" when it may go ahead."""
        now = now or timezone.now()
        if kind == self.model.LOGIN:
            limits = [
                (
                    self.filter(sandbox=sandbox, kind=kind),
                    settings.COURSEWARE_LOGIN_FAILURES_PER_SANDBOX,
                    "failed logins in your sandbox",
                ),
                (
                    self.filter(address=address, kind=kind),
                    settings.COURSEWARE_LOGIN_FAILURES_PER_ADDRESS,
                    "failed logins from your network",
                ),
            ]
        else:
            limits = [
                (
                    self.filter(address=address, kind=kind),
                    settings.COURSEWARE_REGISTRATIONS_PER_ADDRESS,
                    "registrations from your network",
                ),
            ]
        for attempts, limit, what in limits:
            retry_at = self.retry_at(attempts, limit, now)
            if retry_at is not None:
                return wait_message((retry_at - now).total_seconds(), what)
        return ""

    def record(self, sandbox, address: str, kind: str):
        # Attempts older than the window no longer matter; drop them so the
        # table stays as small as the rules need.
        self.filter(attempted_at__lte=timezone.now() - window()).delete()
        return self.create(sandbox=sandbox, address=address, kind=kind)


@contextmanager
def throttle_lock(sandbox, address: str):
    """Only one request at a time counts attempts for this sandbox and this address."""
    with locked(sandbox):
        if connection.vendor == "postgresql":
            # The sandbox's row lock does not cover other sandboxes of the
            # same address: an advisory lock on the address does, until
            # this transaction ends. (SQLite's IMMEDIATE transactions
            # already let one writer in at a time.)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)",
                    [lock_number("login-address " + address)],
                )
        yield


def count_attempt(sandbox, address: str, kind: str):
    """Count a try that is about to hash. Returns (attempt, "") or (None, why refused).

    The try is recorded before the password is checked, so tries sent at
    the same moment cannot all slip in before one is counted.
    """
    from .models import LoginAttempt  # models.py imports this module

    with throttle_lock(sandbox, address):
        refusal = LoginAttempt.objects.refusal(sandbox, address, kind)
        if refusal:
            return None, refusal
        return LoginAttempt.objects.record(sandbox, address, kind), ""


def count_login(sandbox, address: str):
    """Count a login before its password is checked: (attempt, "") or (None, why refused)."""
    return count_attempt(sandbox, address, "login")


def count_registration(sandbox, address: str) -> str:
    """Count a registration before its password is hashed: "" or why it is refused."""
    _, refusal = count_attempt(sandbox, address, "registration")
    return refusal


def password_matches(user, password: str) -> bool:
    """Check a login's password; an unknown user (None) costs one hash too."""
    if user is None:
        # Hash anyway, so an unknown email takes as long to refuse as a
        # wrong password and the timing tells nothing either.
        hashers.make_password(password)
        return False
    return user.check_password(password)
