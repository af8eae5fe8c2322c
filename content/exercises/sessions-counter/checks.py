from django.test import Client, TestCase


class Counter(TestCase):
    longMessage = False

    def visits(self, client=None):
        response = (client or self.client).get("/")
        return (response.context or {}).get("visits")

    def test_first_visit_counts_one(self):
        """A new visitor's first visit shows 1."""
        first = self.visits()
        self.assertEqual(
            first, 1, f"The first visit should show 1; it shows {first!r}."
        )

    def test_visits_add_up(self):
        """Each visit adds one: the third visit shows 3."""
        counts = [self.visits() for __ in range(3)]
        self.assertEqual(
            counts,
            [1, 2, 3],
            f"Three visits showed {counts}: they should show [1, 2, 3]. "
            'Read request.session.get("visits", 0), add one, and assign it back.',
        )

    def test_count_lives_in_the_session(self):
        """The count is kept in request.session["visits"]."""
        self.visits()
        self.visits()
        kept = self.client.session.get("visits")
        self.assertEqual(
            kept,
            2,
            f'After two visits request.session["visits"] should be 2; it is {kept!r}.',
        )

    def test_each_visitor_counts_alone(self):
        """Two visitors (two browsers) are counted separately."""
        self.visits()
        self.visits()
        other = self.visits(Client())
        self.assertEqual(
            other,
            1,
            f"A second browser's first visit should show 1; it shows {other!r}. "
            "Keep the count in the session, not in a variable of the module.",
        )

    def test_reset_starts_again(self):
        """POST /reset/ forgets the count and redirects; the next visit shows 1."""
        self.visits()
        self.visits()
        response = self.client.post("/reset/")
        self.assertEqual(
            response.status_code,
            302,
            f"POST /reset/ should redirect (302); it answered {response.status_code}.",
        )
        after = self.visits()
        self.assertEqual(
            after, 1, f"After a reset the next visit should show 1; it shows {after!r}."
        )

    def test_reset_needs_a_post(self):
        """GET /reset/ is refused (405): a link must not wipe the count."""
        self.assertEqual(
            self.client.get("/reset/").status_code,
            405,
            "GET /reset/ should answer 405: keep @require_POST.",
        )
