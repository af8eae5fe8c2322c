from datetime import date, timedelta

from accounts.models import User
from django.test import TestCase

GOOD = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "password": "analytical engine",
    "confirm_password": "analytical engine",
    "birthday": "1990-12-10",
}


def form(**changes):
    return {**GOOD, **changes}


class Registration(TestCase):
    longMessage = False

    def errors(self, **changes):
        return User.objects.validate(form(**changes))

    def expect(self, field, message, **changes):
        errors = self.errors(**changes)
        typed = ", ".join(f"{k}={v!r}" for k, v in changes.items())
        self.assertEqual(
            errors.get(field),
            message,
            f"With {typed}, validate() should give {{{field!r}: {message!r}}}; it gave {errors!r}.",
        )

    def test_a_good_form_passes(self):
        """A good form gives no errors at all (names like José, Anne-Marie and O'Brien are good)."""
        for first, last in [
            ("Ada", "Lovelace"),
            ("José", "Anne-Marie"),
            ("Mary Ann", "O'Brien"),
        ]:
            errors = self.errors(first_name=first, last_name=last)
            self.assertEqual(
                errors,
                {},
                f"{first} {last} with good fields should give {{}}; validate() gave {errors!r}.",
            )

    def test_names(self):
        """Names need at least 2 characters, letters only (hyphen, apostrophe, inner space allowed)."""
        self.expect(
            "first_name", "First name must be at least 2 characters.", first_name="A"
        )
        self.expect(
            "last_name", "Last name must be at least 2 characters.", last_name=" "
        )
        self.expect(
            "first_name",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
            first_name="R2D2",
        )
        self.expect(
            "last_name",
            "Last name may contain only letters, hyphens, apostrophes and spaces.",
            last_name="Smith!",
        )

    def test_email(self):
        """The email must be valid and not registered yet (in any case)."""
        self.expect("email", "Email is not valid!", email="ada@example")
        User.objects.create(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            password="x",
            birthday=date(1990, 12, 10),
        )
        self.expect(
            "email",
            "A user with this email is already registered.",
            email="ADA@example.com",
        )

    def test_passwords(self):
        """The password needs 8 characters, and the confirmation must match."""
        self.expect(
            "password",
            "Password must be at least 8 characters.",
            password="short",
            confirm_password="short",
        )
        self.expect(
            "confirm_password",
            "Passwords do not match.",
            confirm_password="analytical engines",
        )

    def test_birthday(self):
        """The birthday must be a date, in the past, at least 13 years ago."""
        today = date.today()
        self.expect(
            "birthday",
            "Enter your birthday as a date, like 2001-02-28.",
            birthday="yesterday",
        )
        self.expect(
            "birthday",
            "Birthday must be in the past.",
            birthday=(today + timedelta(days=1)).isoformat(),
        )
        self.expect(
            "birthday",
            "You must be at least 13 years old to register.",
            birthday=date(today.year - 12, today.month, min(today.day, 28)).isoformat(),
        )

    def test_every_problem_at_once(self):
        """Every failing field is reported at once, in one dict."""
        errors = User.objects.validate({})
        expected = {"first_name", "last_name", "email", "password", "birthday"}
        self.assertTrue(
            expected <= set(errors),
            f"An empty form should report {sorted(expected)} at once; it reported {sorted(errors)}. "
            "Check every field before returning.",
        )

    def test_form_shows_the_messages(self):
        """POST /register/ with mistakes shows the messages and keeps the values, never the password."""
        response = self.client.post(
            "/register/",
            form(first_name="A", password="short", confirm_password="short"),
        )
        html = response.content.decode()
        self.assertIn(
            "First name must be at least 2 characters.",
            html,
            "The page should show the first name's message.",
        )
        self.assertIn(
            'value="Lovelace"', html, "The last name typed should stay in its field."
        )
        self.assertNotIn(
            "short", html, "A password must never be sent back in the page."
        )
