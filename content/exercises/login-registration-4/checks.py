from datetime import date

from accounts.models import User
from django.contrib.auth.hashers import make_password
from django.test import TestCase
from project.pages import read


class GuardedPage(TestCase):
    longMessage = False

    def setUp(self):
        self.user = User.objects.create(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            password=make_password("analytical engine"),
            birthday=date(1990, 12, 10),
        )

    def log_in(self):
        self.client.post(
            "/login/", {"email": "ada@example.com", "password": "analytical engine"}
        )

    def test_strangers_are_sent_to_the_forms(self):
        """GET /success/ without logging in redirects to /."""
        response = self.client.get("/success/")
        self.assertEqual(
            (response.status_code, response.get("Location")),
            (302, "/"),
            f"A visitor who is not logged in should be redirected to /; the page answered {response.status_code}.",
        )

    def test_welcome_by_name(self):
        """A logged-in user sees "Welcome, Ada!" and that they just logged in."""
        self.log_in()
        response = self.client.get("/success/")
        self.assertEqual(
            response.status_code,
            200,
            f"A logged-in user should see /success/ (200); it answered {response.status_code}.",
        )
        __, text = read(response)
        self.assertIn("Welcome, Ada!", text, 'The page should say "Welcome, Ada!".')
        self.assertIn("logged in", text, "The page should say the user just logged in.")

    def test_registered_says_so(self):
        """After registering, the page says the user just registered."""
        self.client.post(
            "/register/",
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "email": "grace@example.com",
                "password": "cobol forever",
                "confirm_password": "cobol forever",
                "birthday": "1980-12-09",
            },
        )
        __, text = read(self.client.get("/success/"))
        self.assertIn(
            "Welcome, Grace!",
            text,
            'After registering, the page should say "Welcome, Grace!".',
        )
        self.assertIn(
            "registered", text, "The page should say the user just registered."
        )

    def test_a_deleted_user_is_a_stranger(self):
        """A session pointing at a deleted user redirects to /, without an error."""
        self.log_in()
        self.user.delete()
        response = self.client.get("/success/")
        self.assertEqual(
            response.status_code,
            302,
            "A session whose user was deleted should be redirected to /.",
        )

    def test_logout_forgets_the_user(self):
        """POST /logout/ removes user_id from the session and redirects to /."""
        self.log_in()
        response = self.client.post("/logout/")
        self.assertEqual(
            response.status_code,
            302,
            f"POST /logout/ should redirect (302); it answered {response.status_code}.",
        )
        self.assertNotIn(
            "user_id",
            self.client.session,
            'After logging out, "user_id" should be gone from the session.',
        )
        self.assertEqual(
            self.client.get("/success/").status_code,
            302,
            "After logging out, /success/ should redirect again.",
        )

    def test_logout_needs_a_post(self):
        """GET /logout/ is refused (405) and logs nobody out."""
        self.log_in()
        self.assertEqual(
            self.client.get("/logout/").status_code,
            405,
            "GET /logout/ should answer 405.",
        )
        self.assertIn("user_id", self.client.session, "A GET must not log anyone out.")

    def test_logout_is_a_post_form(self):
        """The success page offers logging out as a POST form with a CSRF token."""
        self.log_in()
        forms, __ = read(self.client.get("/success/"))
        found = [form for form in forms if form.action == "/logout/"]
        self.assertTrue(
            found, "The success page should have a form that sends to /logout/."
        )
        self.assertEqual(
            found[0].method, "post", 'The logout form should use method="post".'
        )
        self.assertTrue(
            found[0].has_csrf_token(), "The logout form needs {% csrf_token %}."
        )
