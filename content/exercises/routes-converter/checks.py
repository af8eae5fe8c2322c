from django.test import TestCase
from django.urls import NoReverseMatch, reverse


class TheRoute(TestCase):
    longMessage = False

    def test_dojo_route_calls_the_view(self):
        """GET /dojos/7/ is answered by views.dojo."""
        response = self.client.get("/dojos/7/")
        self.assertEqual(
            response.status_code,
            200,
            f"GET /dojos/7/ should answer 200; it answered {response.status_code}: "
            'is there a path("dojos/<int:number>/", ...) in dojo/urls.py?',
        )
        self.assertEqual(
            response.resolver_match.func.__name__,
            "dojo",
            f"/dojos/7/ reached views.{response.resolver_match.func.__name__}; it should reach views.dojo.",
        )

    def test_number_arrives_as_an_int(self):
        """The view receives number=7 as a whole number (the int converter)."""
        response = self.client.get("/dojos/7/")
        if response.status_code == 404:
            self.fail(
                "GET /dojos/7/ found no route (404), so no number reached the view."
            )
        number = response.resolver_match.kwargs.get("number")
        self.assertEqual(
            number,
            7,
            f"The view should receive number=7; it received {number!r}. Name the part <int:number>.",
        )
        self.assertIsInstance(
            number,
            int,
            'number arrived as text: use the int converter, "<int:number>".',
        )

    def test_words_are_not_numbers(self):
        """GET /dojos/seven/ is not found (404): the converter refuses it."""
        response = self.client.get("/dojos/seven/")
        self.assertEqual(
            response.status_code,
            404,
            f"/dojos/seven/ should not match any route (404); it answered {response.status_code}. "
            "The int converter matches digits only; str would match anything.",
        )

    def test_route_is_named(self):
        """The route is named "dojo": {% url 'dojo:dojo' 3 %} gives /dojos/3/."""
        try:
            url = reverse("dojo:dojo", args=[3])
        except NoReverseMatch:
            self.fail('No route is named "dojo": add name="dojo" to the path(...).')
        self.assertEqual(
            url,
            "/dojos/3/",
            f"The route named dojo gives {url}; it should give /dojos/3/.",
        )

    def test_home_still_works(self):
        """GET / still shows the home page."""
        self.assertEqual(
            self.client.get("/").status_code, 200, "GET / should still answer 200."
        )
