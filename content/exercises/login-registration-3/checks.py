from datetime import date

from accounts.models import User
from django.contrib.auth.hashers import make_password
from django.test import TestCase

FAILED = "Wrong email or password."


class LogIn(TestCase):
    longMessage = False

    def setUp(self):
        self.user = User.objects.create(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            password=make_password("analytical engine"),
            birthday=date(1990, 12, 10),
        )

    def login(self, email="ada@example.com", password="analytical engine"):
        return self.client.post("/login/", {"email": email, "password": password})

    def test_right_password_logs_in(self):
        """The right email and password redirect (302) to /success/."""
        response = self.login()
        self.assertEqual(
            response.status_code,
            302,
            f"A right email and password should redirect (302); it answered {response.status_code}.",
        )
        self.assertEqual(
            response["Location"],
            "/success/",
            f"It should redirect to /success/; it went to {response['Location']}.",
        )

    def test_the_session_remembers_the_user(self):
        """After logging in, the session holds user_id and how = "logged in"."""
        self.login()
        session = self.client.session
        self.assertEqual(
            session.get("user_id"),
            self.user.pk,
            f'request.session["user_id"] should be {self.user.pk}; it is {session.get("user_id")!r}.',
        )
        self.assertEqual(
            session.get("how"),
            "logged in",
            f'request.session["how"] should be "logged in"; it is {session.get("how")!r}.',
        )

    def test_email_case_does_not_matter(self):
        """ADA@Example.com logs in as ada@example.com."""
        response = self.login(email="ADA@Example.com")
        self.assertEqual(
            response.status_code,
            302,
            "ADA@Example.com should log in too: use email__iexact.",
        )

    def test_wrong_password_is_refused(self):
        """A wrong password shows "Wrong email or password." and logs nobody in."""
        response = self.login(password="difference engine")
        self.assertEqual(
            response.status_code,
            200,
            f"A wrong password should show the page again (200); it answered {response.status_code}.",
        )
        self.assertIn(
            FAILED,
            response.content.decode(),
            f'A wrong password should say "{FAILED}".',
        )
        self.assertNotIn(
            "user_id", self.client.session, "A wrong password must not log anyone in."
        )

    def test_unknown_email_gets_the_same_message(self):
        """An unknown email gets exactly the same message as a wrong password."""
        response = self.login(email="nobody@example.com")
        self.assertEqual(
            response.status_code,
            200,
            f"An unknown email should show the page again (200); it answered {response.status_code}.",
        )
        self.assertIn(
            FAILED,
            response.content.decode(),
            f'An unknown email should say "{FAILED}", the same words as a wrong password.',
        )

    def test_session_key_changes(self):
        """Logging in gives the visitor a new session key (cycle_key)."""
        session = self.client.session
        session["visited"] = True
        session.save()
        before = self.client.cookies["sessionid"].value
        self.login()
        self.assertNotEqual(
            before,
            self.client.cookies["sessionid"].value,
            "The session key stayed the same: call request.session.cycle_key() when logging in.",
        )
