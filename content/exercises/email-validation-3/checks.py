from django.test import TestCase
from emails.models import Address
from project.pages import read


class Delete(TestCase):
    longMessage = False

    def setUp(self):
        self.ann = Address.objects.create(email="ann@example.com")
        self.bob = Address.objects.create(email="bob@example.com")

    def test_post_deletes_and_redirects(self):
        """POST /delete/<id>/ deletes that address and redirects to /success/."""
        response = self.client.post(f"/delete/{self.ann.pk}/")
        self.assertEqual(
            response.status_code,
            302,
            f"POST /delete/{self.ann.pk}/ should redirect (302); it answered {response.status_code}.",
        )
        self.assertEqual(
            response["Location"],
            "/success/",
            f"It should redirect to /success/; it went to {response['Location']}.",
        )
        self.assertEqual(
            list(Address.objects.values_list("email", flat=True)),
            ["bob@example.com"],
            "Only the address whose id was posted should be deleted.",
        )

    def test_get_deletes_nothing(self):
        """GET /delete/<id>/ is refused (405) and deletes nothing."""
        response = self.client.get(f"/delete/{self.ann.pk}/")
        self.assertEqual(
            response.status_code,
            405,
            f"GET /delete/{self.ann.pk}/ should answer 405; it answered {response.status_code}: use @require_POST.",
        )
        self.assertEqual(
            Address.objects.count(),
            2,
            "A GET must never delete: both addresses should still be there.",
        )

    def test_unknown_id_is_not_found(self):
        """Deleting an id that does not exist answers 404."""
        response = self.client.post("/delete/9999/")
        self.assertEqual(
            response.status_code,
            404,
            f"POST /delete/9999/ should answer 404; it answered {response.status_code}: use get_object_or_404.",
        )

    def test_a_delete_button_per_address(self):
        """The success page has a Delete form (POST, with CSRF token) for each address."""
        forms, __ = read(self.client.get("/success/"))
        for address in [self.ann, self.bob]:
            action = f"/delete/{address.pk}/"
            found = [form for form in forms if form.action == action]
            self.assertTrue(
                found,
                f"There is no form sending to {action}: add one per address in the loop.",
            )
            self.assertEqual(
                found[0].method,
                "post",
                f'The form for {address.email} should use method="post".',
            )
            self.assertTrue(
                found[0].has_csrf_token(),
                f"The form for {address.email} has no {{% csrf_token %}}.",
            )
