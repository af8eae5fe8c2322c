from datetime import date

from accounts.models import User
from django.contrib.auth.hashers import check_password
from django.test import TestCase

GOOD = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "password": "analytical engine",
    "confirm_password": "analytical engine",
    "birthday": "1990-12-10",
}


class SaveTheUser(TestCase):
    longMessage = False

    def register(self, **changes):
        return self.client.post("/register/", {**GOOD, **changes})

    def test_a_good_form_saves_one_user(self):
        """A good registration saves one User with the typed names, email and birthday."""
        self.register()
        users = list(User.objects.all())
        self.assertEqual(
            len(users),
            1,
            f"A good registration should save 1 user; there are {len(users)}.",
        )
        user = users[0]
        self.assertEqual(
            (user.first_name, user.last_name, user.email, user.birthday),
            ("Ada", "Lovelace", "ada@example.com", date(1990, 12, 10)),
            "The user should be saved with the names, email and birthday typed.",
        )

    def test_password_is_only_a_hash(self):
        """The password is stored only as a hash that check_password accepts."""
        self.register()
        user = User.objects.first()
        self.assertIsNotNone(user, "No user was saved.")
        self.assertNotIn(
            "analytical engine",
            user.password,
            "The password was saved as typed: store make_password(password) instead.",
        )
        self.assertTrue(
            check_password("analytical engine", user.password),
            "The stored password is not a hash made by make_password(): check_password() cannot verify it.",
        )

    def test_redirects_to_success(self):
        """A good registration redirects (302) to /success/."""
        response = self.register()
        self.assertEqual(
            response.status_code,
            302,
            f"A good registration should redirect (302); it answered {response.status_code}: "
            "did you return render() instead of redirect()?",
        )
        self.assertEqual(
            response["Location"],
            "/success/",
            f"It should redirect to /success/; it went to {response['Location']}.",
        )

    def test_the_session_remembers_the_user(self):
        """The session holds user_id (the new user's pk) and how = "registered"."""
        self.register()
        user = User.objects.first()
        session = self.client.session
        self.assertEqual(
            session.get("user_id"),
            user.pk if user else None,
            f'request.session["user_id"] should be the new user\'s pk; it is {session.get("user_id")!r}.',
        )
        self.assertEqual(
            session.get("how"),
            "registered",
            f'request.session["how"] should be "registered"; it is {session.get("how")!r}.',
        )

    def test_session_key_changes(self):
        """Registering gives the visitor a new session key (cycle_key)."""
        session = self.client.session
        session["visited"] = True
        session.save()
        before = self.client.cookies["sessionid"].value
        self.register()
        after = self.client.cookies["sessionid"].value
        self.assertNotEqual(
            before,
            after,
            "The session key stayed the same: call request.session.cycle_key() before saving user_id.",
        )

    def test_mistakes_save_nothing(self):
        """A form with mistakes saves no user."""
        self.register(password="short", confirm_password="short")
        self.assertEqual(
            User.objects.count(), 0, "A form with mistakes must not save a user."
        )
