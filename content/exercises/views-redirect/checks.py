from django.test import TestCase


class Greet(TestCase):
    longMessage = False

    def test_a_name_redirects(self):
        """POST /greet/ with a name redirects (302) to /hello/<name>/."""
        response = self.client.post("/greet/", {"name": "Ada"})
        self.assertEqual(
            response.status_code,
            302,
            f"POST /greet/ with a name should redirect (302); it answered {response.status_code}: "
            "did you return render() instead of redirect()?",
        )
        self.assertEqual(
            response["Location"],
            "/hello/Ada/",
            f"It should redirect to /hello/Ada/; it redirected to {response['Location']}.",
        )

    def test_the_greeting_follows(self):
        """Following the redirect greets the visitor by name."""
        response = self.client.post("/greet/", {"name": "Ada"}, follow=True)
        self.assertIn(
            "Hello, Ada!",
            response.content.decode(),
            "After the redirect the page should say Hello, Ada!",
        )

    def test_spaces_around_the_name_are_dropped(self):
        """Spaces typed around the name are left out."""
        response = self.client.post("/greet/", {"name": "  Grace  "})
        self.assertEqual(
            response.get("Location"),
            "/hello/Grace/",
            f"'  Grace  ' should redirect to /hello/Grace/; it went to {response.get('Location')!r}: use .strip().",
        )

    def test_an_empty_name_shows_the_form_again(self):
        """An empty name shows the form again (200) with "Please type your name."."""
        for typed in ["", "   "]:
            response = self.client.post("/greet/", {"name": typed})
            self.assertEqual(
                response.status_code,
                200,
                f"An empty name should show the form again (200); it answered {response.status_code}.",
            )
            self.assertIn(
                "greeter/form.html",
                [template.name for template in response.templates],
                "An empty name should render greeter/form.html again.",
            )
            self.assertIn(
                "Please type your name.",
                response.content.decode(),
                'The form should say "Please type your name."',
            )

    def test_a_missing_field_is_not_an_error(self):
        """A POST without the name field is treated as empty, not a crash."""
        response = self.client.post("/greet/", {})
        self.assertEqual(
            response.status_code,
            200,
            f"A POST with no name field should show the form again (200); it answered {response.status_code}: "
            'request.POST["name"] raises when the field is missing; use request.POST.get("name", "").',
        )

    def test_get_is_refused(self):
        """GET /greet/ is refused (405): only the form posts here."""
        self.assertEqual(
            self.client.get("/greet/").status_code,
            405,
            "GET /greet/ should answer 405: keep @require_POST.",
        )
