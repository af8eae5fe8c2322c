"""Email Validation's data: the addresses a visitor entered, and the rules for them.

Every rule lives in the manager, not in the view: an address must look like
an email address, may appear only once in a sandbox, and a sandbox keeps at
most 50. The view only carries data between HTTP and these methods.

Each address belongs to one visitor's sandbox. Every query below names the
sandbox, so nobody ever sees or counts someone else's addresses.
"""

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower

from sandbox_apps.models import Sandbox
from sandbox_apps.tenancy import locked
from sandbox_apps.validators import (
    EMAIL_MAX_LENGTH,
    NOT_VALID,
    is_valid_email,
    posted,
    stored_email,
)

MAX_ADDRESSES = 50

ALREADY_ADDED = "That address is already in your list."
LIST_FULL = f"Your list already holds {MAX_ADDRESSES} addresses, the most a sandbox keeps. Delete one to add another."


class AddressManager(models.Manager):
    def in_sandbox(self, sandbox):
        """This visitor's addresses, newest first. Every page starts from here."""
        return self.filter(sandbox=sandbox).order_by("-created_at", "-pk")

    def validate(self, post_data, sandbox) -> dict[str, str]:
        """Check a submitted form. Returns {field: message}; empty means valid."""
        errors = {}
        email = posted(post_data, "email")
        if not is_valid_email(email):
            errors["email"] = NOT_VALID
        elif (
            self.in_sandbox(sandbox).filter(email__iexact=stored_email(email)).exists()
        ):
            # Case does not matter: Ann@Example.com and ann@example.com are
            # delivered to the same mailbox by every real mail server. Nor
            # does the spelling of an international domain (see validators.py).
            errors["email"] = ALREADY_ADDED
        elif self.in_sandbox(sandbox).count() >= MAX_ADDRESSES:
            errors["email"] = LIST_FULL
        return errors

    def add(self, post_data, sandbox):
        """Validate and save in one step. Returns (address, {}) or (None, errors)."""
        # Two submissions arriving together would both pass the checks and
        # both insert; the lock makes the second one wait, then see the first.
        with locked(sandbox):
            errors = self.validate(post_data, sandbox)
            if errors:
                return None, errors
            try:
                # A savepoint, so a failed insert leaves the transaction usable.
                with transaction.atomic():
                    address = self.create(
                        sandbox=sandbox, email=stored_email(posted(post_data, "email"))
                    )
            except IntegrityError:
                # The unique constraint is the last word if the lock is ever
                # weakened (another database, another isolation level).
                return None, {"email": ALREADY_ADDED}
        return address, {}


class Address(models.Model):
    sandbox = models.ForeignKey(
        Sandbox, on_delete=models.CASCADE, related_name="email_addresses"
    )
    # Kept as typed, so the list shows what the visitor entered (an
    # international domain in its readable form: see validators.py).
    email = models.CharField(max_length=EMAIL_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AddressManager()

    class Meta:
        constraints = [
            # One row per address and sandbox, whatever the case of the letters.
            models.UniqueConstraint(
                Lower("email"), "sandbox", name="email_validation_unique_per_sandbox"
            ),
        ]

    def __str__(self):
        return self.email
