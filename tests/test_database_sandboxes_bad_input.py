"""Bad input against the two database sandboxes (Email Validation, Login and
Registration): every request gets a message or a 4xx, never a 500, and
nothing stored changes unless the input was good."""

from datetime import date

import pytest
from django.test import Client

from sandbox_apps.email_validation.models import Address
from sandbox_apps.login_registration.models import LoginAttempt, User
from sandbox_apps.models import Sandbox

EMAIL = "/sandbox/email-validation/"
LOGIN = "/sandbox/login-registration/"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'

REGISTRATION = {
    "first_name": "Zoë",
    "last_name": "Lee",
    "email": "zoe@example.com",
    "password": "correct horse",
    "confirm_password": "correct horse",
    "birthday": "1990-01-01",
}

# Every form a visitor can post, with a valid body for it.
FORMS = {
    "email-add": (EMAIL, {"email": "ann@example.com"}),
    "register": (LOGIN + "register/", REGISTRATION),
    "login": (
        LOGIN + "login/",
        {"email": "zoe@example.com", "password": "correct horse"},
    ),
}
POST_ONLY = [
    EMAIL + "1/delete/",
    EMAIL + "reset/",
    LOGIN + "register/",
    LOGIN + "login/",
    LOGIN + "logout/",
    LOGIN + "reset/",
]
PAGES = [EMAIL, EMAIL + "success/", LOGIN]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stored():
    """Everything these two apps keep, to compare before and after a request."""
    return (
        list(Address.objects.order_by("pk").values_list("pk", "email")),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "first_name", "last_name"
            )
        ),
        LoginAttempt.objects.count(),
    )


@pytest.fixture
def visitor(client, db):
    """A visitor with one address, one user, logged in."""
    client.post(EMAIL, {"email": "kept@example.com"})
    client.post(LOGIN + "register/", {**REGISTRATION, "email": "kept@example.com"})
    return client


# --- XSS: shown escaped everywhere --------------------------------------------


@pytest.mark.parametrize(
    "headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"]
)
@pytest.mark.parametrize(
    ("form", "field"),
    [
        ("email-add", "email"),
        ("register", "first_name"),
        ("register", "last_name"),
        ("register", "email"),
        ("register", "birthday"),
        ("login", "email"),
    ],
)
def test_markup_typed_into_any_field_is_shown_escaped(visitor, headers, form, field):
    url, data = FORMS[form]
    before = stored()
    response = visitor.post(url, {**data, field: XSS}, headers=headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert XSS not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert stored() == before


def test_a_name_with_an_apostrophe_is_escaped_in_the_welcome(client, db):
    client.post(LOGIN + "register/", {**REGISTRATION, "first_name": "D'Arcy"})
    html = client.get(LOGIN + "success/").content.decode()
    assert "Welcome, D&#x27;Arcy!" in html


# --- NUL bytes, odd encodings, odd shapes --------------------------------------


@pytest.mark.parametrize(
    ("form", "field"), [(f, k) for f, (_, data) in FORMS.items() for k in data]
)
def test_a_nul_byte_in_any_field_is_a_message_and_stores_nothing(visitor, form, field):
    url, data = FORMS[form]
    before = stored()
    response = visitor.post(
        url, {**data, field: data[field][:3] + "\x00" + data[field][3:]}
    )
    # A message in the form again (200), or accepted with the NUL removed.
    assert response.status_code in (200, 302)
    if field in ("password", "confirm_password") and form == "register":
        # A password may hold any character; only its hash is stored. The
        # two password fields no longer match, so it is a message anyway.
        assert response.status_code == 200
    after = stored()
    assert not any("\x00" in str(value) for row in after[0] + after[1] for value in row)
    if response.status_code == 200:
        # Rows are unchanged; a wrong login password is still a counted failure.
        assert after[:2] == before[:2]


@pytest.mark.parametrize("form", list(FORMS))
def test_bytes_that_are_not_utf8_are_a_message(visitor, form):
    url, _ = FORMS[form]
    before = stored()
    response = visitor.post(
        url,
        b"email=%FF%FE%00&first_name=%C0%AF",
        content_type="application/x-www-form-urlencoded",
    )
    if form == "email-add":
        # Its one field is there: a bad address, shown in the form (200).
        assert response.status_code == 200
        assert "Email is not valid!" in response.content.decode()
    else:
        # Fields these forms always send are missing: refused (400).
        assert response.status_code == 400
    assert stored() == before


@pytest.mark.parametrize("form", list(FORMS))
def test_repeated_missing_or_json_fields_are_messages(visitor, form):
    url, _ = FORMS[form]
    before = stored()
    assert visitor.post(url, {}).status_code == 400
    assert visitor.post(url, {"email": ["a@b.", "<x>"]}).status_code == 400
    assert (
        visitor.post(
            url, '{"email": "a@b.com"}', content_type="application/json"
        ).status_code
        == 400
    )
    assert stored() == before


def test_a_file_sent_as_the_email_is_refused(visitor, tmp_path):
    # The form sends the address as text: a file in its place did not come
    # from it (Django keeps uploads apart, so the "email" field is missing).
    upload = tmp_path / "email.txt"
    upload.write_text("ann@example.com")
    before = stored()
    with upload.open("rb") as handle:
        response = visitor.post(EMAIL, {"email": handle})
    assert response.status_code == 400
    assert "always sends one" in response.content.decode()
    assert stored() == before


# --- Size and count limits ------------------------------------------------------


@pytest.mark.parametrize("url", [url for url, _ in FORMS.values()] + POST_ONLY)
def test_a_10_mb_field_is_a_400(strict_visitor, url):
    # Through the real CSRF check, which reads the body first, as a browser's post would be.
    token = strict_visitor.cookies["csrftoken"].value
    before = stored()
    response = strict_visitor.post(
        url, {"csrfmiddlewaretoken": token, "email": "a" * (10 * 1024 * 1024)}
    )
    assert response.status_code == 400
    assert stored() == before


@pytest.mark.parametrize("url", [url for url, _ in FORMS.values()] + POST_ONLY)
def test_1001_fields_are_a_400(strict_visitor, url):
    token = strict_visitor.cookies["csrftoken"].value
    before = stored()
    response = strict_visitor.post(
        url, {"csrfmiddlewaretoken": token, **{f"field{n}": "x" for n in range(1001)}}
    )
    assert response.status_code == 400
    assert stored() == before


@pytest.mark.parametrize("url", [url for url, _ in FORMS.values()])
def test_a_10_mb_field_is_a_400_even_when_the_token_comes_in_a_header(visitor, url):
    # htmx sends the token as a header, so only the view reads the body.
    before = stored()
    assert visitor.post(url, {"email": "a" * (10 * 1024 * 1024)}).status_code == 400
    assert visitor.post(url, {f"field{n}": "x" for n in range(1001)}).status_code == 400
    assert stored() == before


def test_a_long_but_allowed_field_is_a_message(visitor):
    response = visitor.post(EMAIL, {"email": "a" * 2_000_000 + "@example.com"})
    assert response.status_code == 200
    assert "Email is not valid!" in response.content.decode()


# --- Methods and CSRF -------------------------------------------------------------


@pytest.mark.parametrize("url", POST_ONLY)
def test_get_on_a_post_only_url_is_a_405_that_changes_nothing(visitor, url):
    before = stored()
    session_before = dict(visitor.session)
    assert visitor.get(url).status_code == 405
    assert stored() == before
    assert dict(visitor.session) == session_before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", PAGES)
def test_other_methods_on_pages_are_a_405(visitor, method, url):
    before = stored()
    assert getattr(visitor, method)(url).status_code == 405
    assert stored() == before


@pytest.fixture
def strict_visitor(db):
    """A visitor whose requests go through Django's real CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.get(EMAIL)
    return client


@pytest.mark.parametrize("url", [url for url, _ in FORMS.values()] + POST_ONLY)
@pytest.mark.parametrize("token", [None, "x" * 64], ids=["missing", "wrong"])
def test_a_post_without_a_valid_csrf_token_is_a_403_that_changes_nothing(
    strict_visitor, url, token
):
    data = dict(FORMS.get(url.rstrip("/").rsplit("/", 1)[-1], (url, REGISTRATION))[1])
    if token:
        data["csrfmiddlewaretoken"] = token
    before = stored()
    response = strict_visitor.post(url, data)
    assert response.status_code == 403
    assert "This form was not accepted" in response.content.decode()
    assert stored() == before


def test_an_embedded_demo_gets_a_friendly_csrf_fragment(strict_visitor):
    response = strict_visitor.post(
        EMAIL, {"email": "ann@example.com"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert b"<html" not in response.content
    assert b'role="alert"' in response.content
    assert Address.objects.count() == 0


def test_a_post_with_the_right_csrf_token_is_accepted(strict_visitor):
    token = strict_visitor.cookies["csrftoken"].value
    response = strict_visitor.post(
        EMAIL, {"email": "ann@example.com", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


# --- Junk htmx headers --------------------------------------------------------------

JUNK_HEADERS = [
    {"HX-Request": "yes please"},
    {
        "HX-Request": "true",
        "HX-Target": "<script>",
        "HX-Trigger": "\u202e",
        "HX-Trigger-Name": "x" * 5000,
    },
    {
        "HX-Request": "true",
        "HX-Current-URL": "javascript:alert(1)",
        "HX-Boosted": "maybe",
    },
    {
        "HX-Request": "true",
        "HX-History-Restore-Request": "true",
        "HX-Prompt": "é\t\x01",
    },
    {"HX-Request": "", "HX-Boosted": "true"},
]


@pytest.mark.parametrize("headers", JUNK_HEADERS)
@pytest.mark.parametrize("url", PAGES + [LOGIN + "success/"])
def test_junk_htmx_headers_on_pages_never_fail(visitor, headers, url):
    before = stored()
    response = visitor.get(url, headers=headers)
    assert response.status_code == 200
    assert stored() == before


@pytest.mark.parametrize("headers", JUNK_HEADERS)
def test_junk_htmx_headers_on_forms_never_fail(visitor, headers):
    before = stored()
    assert visitor.post(EMAIL, {"email": "a@b."}, headers=headers).status_code == 200
    assert visitor.post(LOGIN + "register/", {}, headers=headers).status_code == 400
    assert stored() == before
    assert (
        visitor.post(EMAIL, {"email": "new@example.com"}, headers=headers).status_code
        == 302
    )


def test_a_forged_messages_cookie_is_ignored(visitor):
    visitor.cookies["messages"] = "forged<script>"
    response = visitor.get(EMAIL + "success/")
    assert response.status_code == 200
    assert "forged" not in response.content.decode()


def test_another_visitors_rows_survive_everything_above(visitor):
    # A second visitor's data is never touched by the first one's requests.
    other = Sandbox.objects.create()
    Address.objects.create(sandbox=other, email="theirs@example.com")
    User.objects.create(
        sandbox=other,
        first_name="Al",
        last_name="Bo",
        email="al@example.com",
        password="-",
        birthday=date(1990, 1, 1),
    )
    visitor.post(EMAIL + "reset/")
    visitor.post(LOGIN + "reset/")
    assert Address.objects.filter(sandbox=other).count() == 1
    assert User.objects.filter(sandbox=other).count() == 1
