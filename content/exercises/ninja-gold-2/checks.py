from django.test import TestCase

RANGES = {"farm": (10, 20), "cave": (5, 10), "house": (2, 5), "casino": (-50, 50)}


class ProcessMoney(TestCase):
    longMessage = False

    def visit(self, place):
        return self.client.post("/process_money/", {"place": place})

    def test_redirects_to_the_page(self):
        """POST /process_money/ answers with a redirect (302) to the page."""
        response = self.visit("farm")
        self.assertEqual(
            response.status_code,
            302,
            f"POST /process_money/ should redirect (302); it answered {response.status_code}: "
            "did you return render() instead of redirect()?",
        )
        self.assertEqual(
            response["Location"],
            "/",
            f"process_money should redirect to the page (/); it redirected to {response['Location']}.",
        )

    def test_gold_is_kept_in_the_session(self):
        """A visit to the farm adds 10 to 20 gold to request.session["gold"]."""
        self.visit("farm")
        gold = self.client.session.get("gold")
        self.assertIsNotNone(
            gold,
            'After a visit to the farm there is no "gold" in the session: '
            'did you forget request.session["gold"] = ...?',
        )
        self.assertTrue(
            10 <= gold <= 20,
            f"One visit to the farm should give 10 to 20 gold; the session holds {gold}.",
        )

    def test_gold_adds_up(self):
        """Each visit adds to the gold already earned."""
        totals = []
        for __ in range(3):
            self.visit("farm")
            totals.append(self.client.session.get("gold", 0))
        self.assertTrue(
            totals[0] < totals[1] < totals[2],
            f"After three visits to the farm the gold went {totals}: it should grow each time. "
            "Add the amount to the gold in the session, do not replace it.",
        )

    def test_every_place_pays_its_range(self):
        """Each place pays within its range: farm 10-20, cave 5-10, house 2-5, casino -50 to 50."""
        for place, (low, high) in RANGES.items():
            for __ in range(15):
                before = self.client.session.get("gold", 0)
                self.visit(place)
                earned = self.client.session.get("gold", 0) - before
                self.assertTrue(
                    low <= earned <= high,
                    f"A visit to the {place} gave {earned} gold; it should give {low} to {high}. "
                    "Take the range from PLACES.",
                )

    def test_moves_are_counted(self):
        """Every visit counts one move in request.session["moves"]."""
        for place in ["farm", "cave", "casino"]:
            self.visit(place)
        moves = self.client.session.get("moves")
        self.assertEqual(
            moves,
            3,
            f'After three visits request.session["moves"] should be 3; it is {moves!r}.',
        )

    def test_unknown_place_is_refused(self):
        """An unknown place is refused with 400 and changes nothing."""
        self.visit("farm")
        gold = self.client.session.get("gold")
        response = self.visit("bank")
        self.assertEqual(
            response.status_code,
            400,
            f"place=bank should be refused with 400; it answered {response.status_code}. "
            "Check that the place is in PLACES first.",
        )
        self.assertEqual(
            self.client.session.get("gold"),
            gold,
            "A refused visit must not change the gold.",
        )
        self.assertEqual(
            self.client.post("/process_money/").status_code,
            400,
            "A POST without any place should be refused with 400 too.",
        )

    def test_get_is_refused(self):
        """GET /process_money/ is refused (405): only a form can spend a move."""
        response = self.client.get("/process_money/")
        self.assertEqual(
            response.status_code,
            405,
            f"GET /process_money/ should answer 405; it answered {response.status_code}: keep @require_POST.",
        )

    def test_page_shows_the_new_gold(self):
        """After a visit, the page shows the gold earned."""
        self.visit("house")
        gold = self.client.session.get("gold")
        response = self.client.get("/")
        self.assertEqual(
            (response.context or {}).get("gold"),
            gold,
            f"The session holds {gold} gold but the page shows {(response.context or {}).get('gold')!r}.",
        )
