from django.test import TestCase
from django.urls import Resolver404, resolve

COLOURS = {
    "blue": "leonardo",
    "orange": "michelangelo",
    "red": "raphael",
    "purple": "donatello",
}


class OneRoute(TestCase):
    longMessage = False

    def picture(self, path):
        response = self.client.get(path)
        self.assertEqual(
            response.status_code,
            200,
            f"GET {path} should answer 200; it answered {response.status_code}: "
            'add path("ninjas/<str:color>/", views.ninja, name="ninja").',
        )
        return response.content.decode()

    def test_each_colour_shows_its_ninja(self):
        """/ninjas/blue/ shows Leonardo, orange Michelangelo, red Raphael, purple Donatello."""
        for color, name in COLOURS.items():
            html = self.picture(f"/ninjas/{color}/")
            self.assertIn(
                f"/static/ninjas/{name}.svg",
                html,
                f"/ninjas/{color}/ should show {name}'s picture: look the colour up in NINJAS.",
            )

    def test_case_does_not_matter(self):
        """/ninjas/BLUE/ and /ninjas/Blue/ show Leonardo too."""
        for color in ["BLUE", "Blue"]:
            html = self.picture(f"/ninjas/{color}/")
            self.assertIn(
                "/static/ninjas/leonardo.svg",
                html,
                f"/ninjas/{color}/ should show Leonardo: lowercase the colour before the lookup.",
            )

    def test_other_colours_show_april(self):
        """Any other colour shows April O'Neil and says it is not a ninja."""
        html = self.picture("/ninjas/pink/")
        self.assertIn(
            "/static/ninjas/april.svg",
            html,
            "/ninjas/pink/ should show April's picture: APRIL is the default.",
        )
        self.assertIn(
            "pink", html, "The page should repeat the colour that was typed (pink)."
        )

    def test_one_route_for_all_colours(self):
        """One route, ninjas/<str:color>/, answers every colour."""
        routes = set()
        for color in [*COLOURS, "pink"]:
            try:
                routes.add(resolve(f"/ninjas/{color}/").route)
            except Resolver404:
                self.fail(
                    f"/ninjas/{color}/ matches no route: add one with a <str:color> part."
                )
        self.assertEqual(
            len(routes),
            1,
            f"Every colour should go through one route; these did: {sorted(routes)}.",
        )

    def test_typed_html_is_shown_as_text(self):
        """What is typed in the URL is shown as text, never run as HTML."""
        html = self.picture("/ninjas/%3Ci%3Ehi/")
        self.assertNotIn(
            "<i>hi",
            html,
            "The colour from the URL reached the page as HTML: never mark it safe.",
        )
        self.assertIn(
            "&lt;i&gt;hi", html, "The page should show the typed colour, escaped."
        )
