from django.core.exceptions import FieldDoesNotExist
from django.test import TestCase
from emails.models import Address

NOT_VALID = "Email is not valid!"
ALREADY_ADDED = "That address is already in your list."


class TheModel(TestCase):
    longMessage = False

    def field(self, name):
        try:
            return Address._meta.get_field(name)
        except FieldDoesNotExist:
            self.fail(f"Address has no field named {name}: add it to the model.")

    def test_fields(self):
        """Address has email (at most 254 characters) and created_at (set automatically)."""
        email = self.field("email")
        self.assertEqual(
            email.max_length,
            254,
            f"email should hold at most 254 characters; max_length is {email.max_length}.",
        )
        created_at = self.field("created_at")
        self.assertEqual(
            created_at.get_internal_type(),
            "DateTimeField",
            "created_at should be a DateTimeField: the list shows the time too.",
        )
        self.assertTrue(
            created_at.auto_now_add,
            "created_at should be set when the row is made: auto_now_add=True.",
        )


class Validate(TestCase):
    longMessage = False

    def test_bad_addresses_are_refused(self):
        """validate() refuses a@b. , a@b , @b.com , a b@c.com and addresses over 254 characters."""
        long_one = "a" * 250 + "@b.com"
        for email in [
            "a@b.",
            "a@b",
            "@b.com",
            "a b@c.com",
            "a@b.com<script>",
            long_one,
        ]:
            errors = Address.objects.validate({"email": email})
            shown = email if len(email) < 40 else email[:20] + "... (256 characters)"
            self.assertEqual(
                errors,
                {"email": NOT_VALID},
                f"validate() should refuse {shown!r} with {{'email': {NOT_VALID!r}}}; it returned {errors!r}.",
            )

    def test_good_addresses_pass(self):
        """validate() accepts first.last+tag@sub.example.co.uk."""
        errors = Address.objects.validate({"email": "first.last+tag@sub.example.co.uk"})
        self.assertEqual(
            errors,
            {},
            f"first.last+tag@sub.example.co.uk is valid; validate() returned {errors!r}.",
        )

    def test_missing_field_is_not_valid(self):
        """A form without an email field is refused, not a crash."""
        self.assertEqual(
            Address.objects.validate({}),
            {"email": NOT_VALID},
            'A form without email should give the NOT_VALID message: use post_data.get("email", "").',
        )

    def test_same_address_twice_is_refused(self):
        """The same address twice, in any case, is refused with its own message."""
        Address.objects.create(email="ann@example.com")
        errors = Address.objects.validate({"email": "Ann@Example.com"})
        self.assertEqual(
            errors,
            {"email": ALREADY_ADDED},
            f"ann@example.com is already saved; Ann@Example.com should give {ALREADY_ADDED!r}. "
            f"validate() returned {errors!r}: try email__iexact.",
        )


class TheForm(TestCase):
    longMessage = False

    def test_invalid_shows_the_form_again(self):
        """POSTing a bad address shows "Email is not valid!", keeps the typed value, saves nothing."""
        response = self.client.post("/", {"email": "a@b"})
        self.assertEqual(
            response.status_code,
            200,
            f"A bad address should show the form again (200); it answered {response.status_code}.",
        )
        html = response.content.decode()
        self.assertIn(NOT_VALID, html, "The form should say Email is not valid!")
        self.assertIn(
            'value="a@b"', html, "The typed address should stay in the field."
        )
        self.assertEqual(Address.objects.count(), 0, "A bad address must not be saved.")

    def test_valid_is_saved_then_redirected(self):
        """POSTing a good address saves it and redirects to /success/."""
        response = self.client.post("/", {"email": "ann@example.com"})
        self.assertEqual(
            response.status_code,
            302,
            f"A good address should redirect (302); it answered {response.status_code}: does validate() return {{}} for it?",
        )
        self.assertEqual(
            list(Address.objects.values_list("email", flat=True)),
            ["ann@example.com"],
            "A good address should be saved once.",
        )
