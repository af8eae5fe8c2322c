"""Login and Registration's data: users, their hashed passwords, failed logins.

The manager holds every rule. ``validate`` checks a registration form and
reports every failing field at once; ``register`` and ``log_in`` are the
two things the forms do. Views only carry data between HTTP and these.
The defences a public login form needs (throttling, the timing defence,
locking) are in hardening.py, so this file reads as the assignment does.

These users are not Django's ``django.contrib.auth`` users: they live in
their own table, inside one visitor's sandbox, and have no way into the
admin. Passwords are stored only as hashes made by Django's password
hashers (Argon2 first, see PASSWORD_HASHERS in settings).
"""

import re
import unicodedata
from datetime import date

from django.contrib.auth import hashers, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from sandbox_apps.models import Sandbox
from sandbox_apps.tenancy import locked
from sandbox_apps.validators import (
    EMAIL_MAX_LENGTH,
    NOT_VALID,
    is_valid_email,
    posted,
    stored_email,
)

from . import hardening

MAX_USERS = 20
NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 50
PASSWORD_MIN_LENGTH = 8
MINIMUM_AGE = 13
OLDEST_AGE = 150

# One or more letters, with single hyphens, apostrophes or spaces between
# them: Zoë, Jean-Luc, O'Brien, Mary Ann. [^\W\d_] means "a word character
# that is not a digit or an underscore", which is exactly a letter in any
# alphabet.
NAME_PATTERN = re.compile(r"[^\W\d_]+(?:[-'’ ][^\W\d_]+)*")

EMAIL_TAKEN = "A user with this email is already registered."
SANDBOX_FULL = f"Your sandbox already has {MAX_USERS} users, the most it keeps. Use Reset to start again."
# The same words whether the email is unknown or the password is wrong, so
# the form never tells a stranger which emails are registered.
LOGIN_FAILED = "Wrong email or password."


def add_years(day: date, years: int) -> date:
    """The same day of the year, ``years`` later; 29 February becomes 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        # 29 February in a year that has none: that birthday is counted as
        # reached on 1 March.
        return date(day.year + years, 3, 1)


def clean_name(value: str) -> str:
    # "é" can arrive as one character or as "e" plus an accent mark; NFC
    # makes it one character, so the length and the pattern see letters.
    return unicodedata.normalize("NFC", value.strip())


class UserManager(models.Manager):
    def in_sandbox(self, sandbox):
        """This visitor's users. Every query starts from here."""
        return self.filter(sandbox=sandbox)

    def validate(self, post_data, sandbox) -> dict[str, str]:
        """Check a registration form. Returns {field: message}, one per failing field."""
        errors = {}

        for field, label in [("first_name", "First name"), ("last_name", "Last name")]:
            name = clean_name(posted(post_data, field))
            if len(name) < NAME_MIN_LENGTH:
                errors[field] = (
                    f"{label} must be at least {NAME_MIN_LENGTH} characters."
                )
            elif len(name) > NAME_MAX_LENGTH:
                errors[field] = f"{label} must be at most {NAME_MAX_LENGTH} characters."
            elif not NAME_PATTERN.fullmatch(name):
                errors[field] = (
                    f"{label} may contain only letters, hyphens, apostrophes and spaces."
                )

        email = posted(post_data, "email")
        if not is_valid_email(email):
            errors["email"] = NOT_VALID

        # Passwords are taken exactly as typed: spaces can be part of one.
        password = post_data.get("password", "")
        if len(password) < PASSWORD_MIN_LENGTH:
            errors["password"] = (
                f"Password must be at least {PASSWORD_MIN_LENGTH} characters."
            )
        else:
            # Django's validators (AUTH_PASSWORD_VALIDATORS in settings) refuse
            # common passwords, all-digit ones, and ones too like the name or
            # email, each with its own message.
            someone = User(
                first_name=posted(post_data, "first_name"),
                last_name=posted(post_data, "last_name"),
                email=email,
            )
            try:
                password_validation.validate_password(password, user=someone)
            except ValidationError as error:
                errors["password"] = " ".join(error.messages)
        if post_data.get("confirm_password", "") != password:
            errors["confirm_password"] = "Passwords do not match."

        birthday_error = self.birthday_error(posted(post_data, "birthday"))
        if birthday_error:
            errors["birthday"] = birthday_error

        errors.update(self.conflicts(post_data, sandbox))
        return errors

    def conflicts(self, post_data, sandbox) -> dict[str, str]:
        """The checks other visitors' requests can change: email taken, sandbox full."""
        errors = {}
        email = posted(post_data, "email")
        users = self.in_sandbox(sandbox)
        if (
            is_valid_email(email)
            and users.filter(email__iexact=stored_email(email)).exists()
        ):
            errors["email"] = EMAIL_TAKEN
        if users.count() >= MAX_USERS:
            errors["form"] = SANDBOX_FULL
        return errors

    def birthday_error(self, value: str) -> str:
        """What is wrong with a birthday typed as YYYY-MM-DD, or "" if nothing."""
        try:
            birthday = date.fromisoformat(value)
        except ValueError:
            return "Enter your birthday as a date, like 2001-02-28."
        today = timezone.localdate()
        if birthday >= today:
            return "Birthday must be in the past."
        if add_years(birthday, MINIMUM_AGE) > today:
            return f"You must be at least {MINIMUM_AGE} years old to register."
        if add_years(birthday, OLDEST_AGE) < today:
            return f"Enter a birthday less than {OLDEST_AGE} years ago."
        return ""

    def register(self, post_data, sandbox, address: str):
        """Create a user from a registration form. Returns (user, {}) or (None, errors).

        ``address`` is the client's address (courseware/client.py): hashing
        costs the server real work, so one address may only register so often.
        """
        errors = self.validate(post_data, sandbox)
        if errors:
            return None, errors
        refusal = hardening.count_registration(sandbox, address)
        if refusal:
            return None, {"throttled": refusal}
        # Hashing is slow on purpose (it is what makes stolen hashes hard to
        # crack), so it happens outside any lock or transaction.
        password_hash = hashers.make_password(post_data["password"])
        with locked(sandbox):
            # Checked again under the lock: another request may have taken
            # the email or the last place since the first check.
            errors = self.conflicts(post_data, sandbox)
            if errors:
                return None, errors
            try:
                with transaction.atomic():
                    user = self.create(
                        sandbox=sandbox,
                        first_name=clean_name(posted(post_data, "first_name")),
                        last_name=clean_name(posted(post_data, "last_name")),
                        email=stored_email(posted(post_data, "email")),
                        password=password_hash,
                        birthday=date.fromisoformat(posted(post_data, "birthday")),
                    )
            except IntegrityError:
                # The unique constraint, in case the lock is ever weakened.
                return None, {"email": EMAIL_TAKEN}
        return user, {}

    def log_in(self, post_data, sandbox, address: str):
        """Check a login form. Returns (user, {}) or (None, errors)."""
        email = posted(post_data, "email")
        password = post_data.get("password", "")
        errors = {}
        if not is_valid_email(email):
            errors["email"] = NOT_VALID
        if not password:
            errors["password"] = "Enter your password."
        if errors:
            return None, errors

        # Refused before any hashing when this sandbox or this address has
        # failed too often (hardening.py).
        attempt, refusal = hardening.count_login(sandbox, address)
        if refusal:
            return None, {"throttled": refusal}
        user = (
            self.in_sandbox(sandbox).filter(email__iexact=stored_email(email)).first()
        )
        if not hardening.password_matches(user, password):
            # One message whether the email is unknown or the password wrong.
            return None, {"form": LOGIN_FAILED}
        # Only failures count against the limit.
        attempt.delete()
        return user, {}


class User(models.Model):
    sandbox = models.ForeignKey(
        Sandbox, on_delete=models.CASCADE, related_name="login_users"
    )
    first_name = models.CharField(max_length=NAME_MAX_LENGTH)
    last_name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.CharField(max_length=EMAIL_MAX_LENGTH)
    # A hash such as "argon2$argon2id$v=19$...", never the password itself.
    password = models.CharField(max_length=256)
    birthday = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    class Meta:
        constraints = [
            # One user per email and sandbox, whatever the case of the letters.
            models.UniqueConstraint(
                Lower("email"),
                "sandbox",
                name="login_registration_unique_email_per_sandbox",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def check_password(self, raw_password: str) -> bool:
        def upgrade(raw):
            # Called by Django when the stored hash uses an older hasher or
            # weaker settings than PASSWORD_HASHERS asks for now.
            self.password = hashers.make_password(raw)
            self.save(update_fields=["password"])

        return hashers.check_password(raw_password, self.password, setter=upgrade)


class LoginAttempt(models.Model):
    """A try that costs a password hash: a login (kept only if it failed) or a registration."""

    LOGIN = "login"
    REGISTRATION = "registration"

    sandbox = models.ForeignKey(
        Sandbox, on_delete=models.CASCADE, related_name="login_attempts"
    )
    # The client's address (courseware/client.py), for the per-address limit.
    address = models.CharField(max_length=64, default="", db_index=True)
    kind = models.CharField(
        max_length=12,
        choices=[(LOGIN, "Login"), (REGISTRATION, "Registration")],
        default=LOGIN,
    )
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = hardening.AttemptManager()

    def __str__(self):
        return f"{self.get_kind_display()} attempt at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
