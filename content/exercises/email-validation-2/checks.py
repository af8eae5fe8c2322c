from datetime import UTC, datetime

from django.test import TestCase
from emails.models import Address


class SuccessPage(TestCase):
    longMessage = False

    def test_names_the_address_just_entered(self):
        """After a good address, the page says it is VALID, naming it."""
        response = self.client.post("/", {"email": "ann@example.com"}, follow=True)
        html = response.content.decode()
        self.assertIn(
            "(ann@example.com) is a VALID email address",
            html,
            'The success page should say "The email address you entered (ann@example.com) is a VALID email address! Thank you!".',
        )

    def test_lists_every_address_newest_first(self):
        """Every address is listed, newest first."""
        for day, email in [
            (1, "old@example.com"),
            (2, "mid@example.com"),
            (3, "new@example.com"),
        ]:
            address = Address.objects.create(email=email)
            Address.objects.filter(pk=address.pk).update(
                created_at=datetime(2013, 6, day, 18, 0, tzinfo=UTC)
            )
        html = self.client.get("/success/").content.decode()
        positions = [
            html.find(email)
            for email in ["new@example.com", "mid@example.com", "old@example.com"]
        ]
        self.assertNotIn(
            -1,
            positions,
            "Every saved address should be on the page: loop over addresses.",
        )
        self.assertEqual(
            positions,
            sorted(positions),
            "The newest address should come first (the view gives them in that order).",
        )

    def test_dates_read_like_june_24th(self):
        """Each address shows when it was added, like June 24th, 2013, 6:00 PM."""
        address = Address.objects.create(email="ann@example.com")
        Address.objects.filter(pk=address.pk).update(
            created_at=datetime(2013, 6, 24, 18, 0, tzinfo=UTC)
        )
        html = self.client.get("/success/").content.decode()
        self.assertIn(
            "June 24th, 2013, 6:00 PM",
            html,
            'An address added on 24 June 2013 at 18:00 should show "June 24th, 2013, 6:00 PM": '
            'use {{ address.created_at|date:"F jS, Y, g:i A" }}.',
        )

    def test_works_without_a_new_address(self):
        """Opening /success/ directly works, without the VALID sentence."""
        response = self.client.get("/success/")
        self.assertEqual(
            response.status_code,
            200,
            f"GET /success/ should answer 200; it answered {response.status_code}.",
        )
        self.assertNotIn(
            "is a VALID email address",
            response.content.decode(),
            "With no address just entered, the page should not claim one is valid: use {% if just_added %}.",
        )

    def test_links_back_to_the_form(self):
        """The page links back to the form."""
        html = self.client.get("/success/").content.decode()
        self.assertIn(
            'href="/"',
            html,
            "The success page should link back to the form: {% url 'emails:index' %}.",
        )
