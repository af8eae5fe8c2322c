import re
from datetime import date

from django.db import models
from django.utils import timezone

# Letters in any alphabet ([^\W\d_] is "a word character, but not a digit
# or _"), in parts joined by one hyphen, apostrophe or space.
NAME_PATTERN = re.compile(r"[^\W\d_]+(?:[-' ][^\W\d_]+)*")

# The same rule as Email Validation.
EMAIL_MAX_LENGTH = 254
EMAIL_PATTERN = re.compile(
    r"""
    [A-Za-z0-9._%+-]+      # the name: letters, digits and . _ % + -
    @                      # exactly one @
    (?:[A-Za-z0-9-]+\.)+   # one or more domain parts, each followed by a dot
    [A-Za-z]{2,}           # the ending: two or more letters
    """,
    re.VERBOSE,
)

NAME_MIN_LENGTH = 2
PASSWORD_MIN_LENGTH = 8
MINIMUM_AGE = 13

NOT_VALID = "Email is not valid!"
EMAIL_TAKEN = "A user with this email is already registered."


def add_years(day, years):
    """The same day of the year, `years` later; 29 February becomes 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


class UserManager(models.Manager):
    def validate(self, post_data):
        """Check a registration form. Returns {field: message}, one per failing field."""
        errors = {}

        for field, label in [("first_name", "First name"), ("last_name", "Last name")]:
            name = post_data.get(field, "").strip()
            if len(name) < NAME_MIN_LENGTH:
                errors[field] = (
                    f"{label} must be at least {NAME_MIN_LENGTH} characters."
                )
            elif not NAME_PATTERN.fullmatch(name):
                errors[field] = (
                    f"{label} may contain only letters, hyphens, apostrophes and spaces."
                )

        email = post_data.get("email", "").strip()
        if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.fullmatch(email):
            errors["email"] = NOT_VALID
        elif self.filter(email__iexact=email).exists():
            errors["email"] = EMAIL_TAKEN

        # Passwords are taken exactly as typed: spaces can be part of one.
        password = post_data.get("password", "")
        if len(password) < PASSWORD_MIN_LENGTH:
            errors["password"] = (
                f"Password must be at least {PASSWORD_MIN_LENGTH} characters."
            )
        if post_data.get("confirm_password", "") != password:
            errors["confirm_password"] = "Passwords do not match."

        birthday_error = self.birthday_error(post_data.get("birthday", "").strip())
        if birthday_error:
            errors["birthday"] = birthday_error
        return errors

    def birthday_error(self, text):
        """What is wrong with a birthday typed as YYYY-MM-DD, or "" if nothing."""
        try:
            birthday = date.fromisoformat(text)
        except ValueError:
            return "Enter your birthday as a date, like 2001-02-28."
        today = timezone.localdate()
        if birthday >= today:
            return "Birthday must be in the past."
        if add_years(birthday, MINIMUM_AGE) > today:
            return f"You must be at least {MINIMUM_AGE} years old to register."
        return ""


class User(models.Model):
    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50)
    email = models.CharField(max_length=EMAIL_MAX_LENGTH)
    # A hash made by Django's password hashers, never the password itself.
    password = models.CharField(max_length=128)
    birthday = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
