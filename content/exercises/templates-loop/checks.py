import re

from django.test import TestCase

NAMES = ["Leonardo", "Michelangelo", "Raphael", "Donatello"]


def items(response):
    """The text of each <li> on the page."""
    html = response.content.decode()
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", html, re.S)
    ]


class Templates(TestCase):
    longMessage = False

    def test_list_extends_the_base(self):
        """The list page extends roster/base.html."""
        response = self.client.get("/")
        used = [template.name for template in response.templates]
        self.assertIn(
            "roster/base.html",
            used,
            f"The page used {used}, not roster/base.html: start list.html with "
            '{% extends "roster/base.html" %}.',
        )

    def test_base_frames_the_page(self):
        """The page has the base's heading "Dojo roster" and a <title>."""
        response = self.client.get("/")
        self.assertIn(
            "<title>",
            response.content.decode(),
            "The page has no <title>: it comes from base.html.",
        )
        self.assertIn(
            "Dojo roster",
            response.content.decode(),
            'The heading "Dojo roster" is missing.',
        )

    def test_one_item_per_ninja(self):
        """Every ninja is listed in its own <li>, with name and colour, in order."""
        listed = items(self.client.get("/"))
        self.assertEqual(
            len(listed),
            4,
            f"There should be one <li> per ninja (4); the page has {len(listed)}. "
            "Is the <ul> inside {% block content %}? Text outside blocks is dropped.",
        )
        for name, item in zip(NAMES, listed, strict=True):
            self.assertIn(
                name,
                item,
                f"<li> number {NAMES.index(name) + 1} should name {name}; it says {item!r}.",
            )
        self.assertIn(
            "blue",
            listed[0],
            f"Leonardo's <li> should give his colour (blue); it says {listed[0]!r}.",
        )

    def test_the_list_comes_from_the_loop(self):
        """The names come from the view's list, not typed into the template."""
        from roster import views

        views.NINJAS.append({"name": "Splinter", "color": "brown"})
        try:
            listed = items(self.client.get("/"))
        finally:
            views.NINJAS.pop()
        self.assertTrue(
            any("Splinter" in item for item in listed),
            "A ninja added to the view's list should appear on the page: loop over ninjas with {% for %}.",
        )

    def test_an_empty_list_says_so(self):
        """With no ninjas, the page says "No ninjas here."."""
        response = self.client.get("/empty/")
        self.assertIn(
            "No ninjas here.",
            response.content.decode(),
            '/empty/ passes an empty list; the page should say "No ninjas here." ({% empty %}).',
        )
