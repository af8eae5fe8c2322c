from django.test import TestCase
from project.pages import read

PLACES = ["farm", "cave", "house", "casino"]


class ThePage(TestCase):
    longMessage = False

    def test_page_uses_the_template(self):
        """GET / answers 200 with the template ninja_gold/index.html."""
        response = self.client.get("/")
        self.assertEqual(
            response.status_code,
            200,
            f"GET / should answer 200; it answered {response.status_code}.",
        )
        self.assertIn(
            "ninja_gold/index.html",
            [template.name for template in response.templates],
            "GET / should render ninja_gold/index.html: does index() call render() with that name?",
        )

    def test_new_visitor_has_no_gold(self):
        """A new visitor's page shows 0 gold, passed to the template as gold."""
        response = self.client.get("/")
        self.assertIn(
            "gold",
            response.context or {},
            "The template gets no variable named gold: add it to the context dict in index().",
        )
        self.assertEqual(
            response.context["gold"],
            0,
            f"A new visitor should have 0 gold; the page got {response.context['gold']!r}. "
            'Use request.session.get("gold", 0).',
        )

    def test_gold_comes_from_the_session(self):
        """The page shows the gold kept in the session under "gold"."""
        session = self.client.session
        session["gold"] = 37
        session.save()
        response = self.client.get("/")
        gold = (response.context or {}).get("gold")
        self.assertEqual(
            gold,
            37,
            f'With request.session["gold"] == 37 the page got gold = {gold!r}: read it from request.session.',
        )
        __, text = read(response)
        self.assertIn(
            "37",
            text,
            "The page does not show the gold: write {{ gold }} in the template.",
        )

    def test_one_form_per_place(self):
        """Each of the four places has a form that POSTs place=<name> to /process_money/."""
        forms, __ = read(self.client.get("/"))
        for place in PLACES:
            found = [form for form in forms if form.sends("place", place)]
            self.assertTrue(
                found,
                f'No form sends place={place}: give each place a button with name="place" value="{place}".',
            )
            form = found[0]
            self.assertEqual(
                form.method,
                "post",
                f'The {place} form should use method="post": a visit changes the game.',
            )
            self.assertEqual(
                form.action,
                "/process_money/",
                f"The {place} form sends to {form.action or '(this page)'!r}; it should send to /process_money/: "
                "{% url 'ninja_gold:process_money' %}.",
            )
            self.assertTrue(
                form.has_csrf_token(),
                f"The {place} form has no {{% csrf_token %}}: Django refuses a POST without it (403).",
            )

    def test_places_come_from_the_table(self):
        """The page shows what each place pays, from the PLACES table."""
        __, text = read(self.client.get("/"))
        for low, high in [(10, 20), (5, 10), (2, 5), (-50, 50)]:
            self.assertTrue(
                str(low) in text and str(high) in text,
                f"The page should show what each place pays; {low} to {high} is missing.",
            )
