from django.test import TestCase
from project.pages import read


class TheLog(TestCase):
    longMessage = False

    def play(self, gold, moves):
        """Start from a game in progress, as if the visitor had played already."""
        session = self.client.session
        session.update({"gold": gold, "moves": moves, "log": []})
        session.save()

    def visit(self, place):
        return self.client.post("/process_money/", {"place": place})

    def test_each_visit_is_logged_newest_first(self):
        """Each visit adds an entry (move, place, amount, total) to the log, newest first."""
        self.visit("farm")
        self.visit("house")
        log = self.client.session.get("log")
        self.assertIsInstance(
            log,
            list,
            'After two visits request.session["log"] should be a list of entries; it is '
            f'{log!r}: did you assign the new list to request.session["log"]?',
        )
        self.assertEqual(
            len(log),
            2,
            f"After two visits the log should hold 2 entries; it holds {len(log)}.",
        )
        newest = log[0]
        self.assertEqual(
            newest.get("place"),
            "house",
            "The newest visit (the house) should come first in the log: put the new entry at the front.",
        )
        self.assertEqual(
            newest.get("total"),
            self.client.session["gold"],
            "The newest entry's total should be the gold after that visit.",
        )
        self.assertEqual(
            newest.get("move"), 2, "The second visit's entry should say move 2."
        )
        self.assertTrue(
            2 <= newest.get("amount", -1) <= 5,
            f"The house pays 2 to 5; the entry says amount={newest.get('amount')!r}.",
        )

    def test_page_tells_gains_and_losses_in_words(self):
        """The page lists the log, saying "earned" or "lost" in words."""
        session = self.client.session
        session.update(
            {
                "gold": -20,
                "moves": 2,
                "log": [
                    {"move": 2, "place": "casino", "amount": -35, "total": -20},
                    {"move": 1, "place": "farm", "amount": 15, "total": 15},
                ],
            }
        )
        session.save()
        __, text = read(self.client.get("/"))
        self.assertIn("earned", text.lower(), 'The log should say "earned" for a gain.')
        self.assertIn("lost", text.lower(), 'The log should say "lost" for a loss.')
        self.assertIn(
            "35", text, "The log should show each amount (the casino lost 35)."
        )

    def test_win_at_the_goal(self):
        """Reaching 250 gold wins: the page says "You won"."""
        self.play(gold=245, moves=5)
        self.visit("farm")
        response = self.client.get("/")
        self.assertEqual(
            (response.context or {}).get("outcome"),
            "won",
            'With 255 gold the template should get outcome = "won"; it got '
            f"{(response.context or {}).get('outcome')!r}. Is GOAL 250?",
        )
        __, text = read(response)
        self.assertIn("you won", text.lower(), 'The page should say "You won!".')

    def test_loss_after_fifteen_moves(self):
        """15 moves without 250 gold loses: the page says "You lost"."""
        self.play(gold=40, moves=14)
        self.visit("house")
        response = self.client.get("/")
        self.assertEqual(
            (response.context or {}).get("outcome"),
            "lost",
            'After 15 moves with 42 to 45 gold the template should get outcome = "lost"; it got '
            f"{(response.context or {}).get('outcome')!r}.",
        )
        __, text = read(response)
        self.assertIn("you lost", text.lower(), 'The page should say "You lost.".')

    def test_game_goes_on_before_the_end(self):
        """Before the goal or the 15th move, outcome is empty and the buttons work."""
        self.play(gold=100, moves=10)
        response = self.client.get("/")
        self.assertEqual(
            (response.context or {}).get("outcome"),
            "",
            f'With 100 gold after 10 moves outcome should be ""; it is {(response.context or {}).get("outcome")!r}.',
        )
        forms, __ = read(response)
        disabled = [
            b
            for form in forms
            for b in form.buttons
            if b["name"] == "place" and b["disabled"]
        ]
        self.assertFalse(
            disabled, "The place buttons should work while the game goes on."
        )

    def test_no_moves_after_the_end(self):
        """Once the game is over, the buttons are disabled and a visit changes nothing."""
        self.play(gold=260, moves=9)
        forms, __ = read(self.client.get("/"))
        buttons = [b for form in forms for b in form.buttons if b["name"] == "place"]
        self.assertTrue(
            buttons and all(b["disabled"] for b in buttons),
            "When the game is over every place button should be disabled.",
        )
        response = self.visit("casino")
        self.assertEqual(
            response.status_code,
            302,
            "A visit after the end should still redirect to the page.",
        )
        self.assertEqual(
            (self.client.session.get("gold"), self.client.session.get("moves")),
            (260, 9),
            "A visit after the end must change neither the gold nor the moves.",
        )

    def test_reset_starts_a_new_game(self):
        """POST /reset/ starts again: 0 gold, 0 moves, an empty log."""
        self.visit("farm")
        response = self.client.post("/reset/")
        self.assertEqual(
            response.status_code,
            302,
            f"POST /reset/ should redirect to the page (302); it answered {response.status_code}.",
        )
        session = self.client.session
        self.assertEqual(
            (session.get("gold"), session.get("moves"), session.get("log")),
            (0, 0, []),
            "After a reset the session should hold gold 0, moves 0 and an empty log; it holds "
            f"{session.get('gold')!r}, {session.get('moves')!r}, {session.get('log')!r}.",
        )
        forms, __ = read(self.client.get("/"))
        self.assertTrue(
            any(form.action == "/reset/" and form.method == "post" for form in forms),
            "The page should offer a New game button: a form that POSTs to /reset/.",
        )
