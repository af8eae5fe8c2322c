import re
from datetime import date

from django.db import models

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
        return errors


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
