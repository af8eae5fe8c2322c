import re

from django.db import models

# The longest address the mail protocol (SMTP) can carry.
EMAIL_MAX_LENGTH = 254

# Read it top to bottom, one part of an address per line.
EMAIL_PATTERN = re.compile(
    r"""
    [A-Za-z0-9._%+-]+      # the name: letters, digits and . _ % + -
    @                      # exactly one @
    (?:[A-Za-z0-9-]+\.)+   # one or more domain parts, each followed by a dot
    [A-Za-z]{2,}           # the ending: two or more letters
    """,
    re.VERBOSE,
)

NOT_VALID = "Email is not valid!"
ALREADY_ADDED = "That address is already in your list."


class AddressManager(models.Manager):
    def validate(self, post_data):
        """Check a submitted form. Returns {field: message}; empty means valid."""
        errors = {}
        email = post_data.get("email", "").strip()
        # The length first, so the pattern never works on a huge input;
        # fullmatch, so "a@b.com<script>" is refused, not half matched.
        if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.fullmatch(email):
            errors["email"] = NOT_VALID
        elif self.filter(email__iexact=email).exists():
            # Ann@Example.com and ann@example.com reach the same mailbox.
            errors["email"] = ALREADY_ADDED
        return errors


class Address(models.Model):
    email = models.CharField(max_length=EMAIL_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AddressManager()

    def __str__(self):
        return self.email
