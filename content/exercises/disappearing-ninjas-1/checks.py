from django.test import TestCase

IMAGES = ["leonardo", "michelangelo", "raphael", "donatello"]


class TwoPages(TestCase):
    longMessage = False

    def test_home_has_no_ninjas(self):
        """GET / renders ninjas/index.html: no ninjas here."""
        response = self.client.get("/")
        self.assertEqual(
            response.status_code,
            200,
            f'GET / should answer 200; it answered {response.status_code}: add path("", views.index, name="index").',
        )
        self.assertIn(
            "ninjas/index.html",
            [template.name for template in response.templates],
            "GET / should render ninjas/index.html.",
        )

    def test_all_ninjas_page(self):
        """GET /ninjas/ renders ninjas/all.html."""
        response = self.client.get("/ninjas/")
        self.assertEqual(
            response.status_code,
            200,
            f'GET /ninjas/ should answer 200; it answered {response.status_code}: add path("ninjas/", views.all_ninjas, name="all").',
        )
        self.assertIn(
            "ninjas/all.html",
            [template.name for template in response.templates],
            "GET /ninjas/ should render ninjas/all.html.",
        )

    def test_all_four_pictures(self):
        """The /ninjas/ page shows the four ninjas' pictures, from static files."""
        html = self.client.get("/ninjas/").content.decode()
        for name in IMAGES:
            self.assertIn(
                f"/static/ninjas/{name}.svg",
                html,
                f"/ninjas/ should show /static/ninjas/{name}.svg: pass the ninjas to the template as ninjas.",
            )

    def test_home_links_to_the_ninjas(self):
        """The home page links to /ninjas/ (the route named "all")."""
        html = self.client.get("/").content.decode()
        self.assertIn(
            'href="/ninjas/"',
            html,
            'The home page should link to /ninjas/: name that route "all".',
        )
