"""Session counter: the rules alone, then the views as page and as fragment."""

import pytest
from django.test import Client

from . import counter

URL = "/sandbox/session-counter/"


class FakeSession(dict):
    pass


def test_a_new_visitor_starts_at_zero():
    assert counter.load(FakeSession()) == {"visits": 0, "note": ""}


def test_load_hands_out_a_copy_that_changes_nothing_until_saved():
    session = FakeSession(session_counter={"visits": 3, "note": ""})
    state = counter.load(session)
    counter.add(state, 2)
    assert session["session_counter"] == {"visits": 3, "note": ""}
    counter.save(session, state)
    assert session["session_counter"] == {"visits": 5, "note": "Added 2."}


def test_a_damaged_state_starts_over():
    assert counter.load(FakeSession(session_counter="junk"))["visits"] == 0
    assert counter.load(FakeSession(session_counter={"visits": "7"}))["visits"] == 0


def test_a_visit_counts_one_unless_a_button_just_redirected_here():
    state = {"visits": 3, "note": ""}
    assert counter.count_visit(state) == "" and state["visits"] == 4
    counter.add(state, 2)
    assert state["visits"] == 6
    # The page that follows the button's redirect shows the note instead of counting.
    assert counter.count_visit(state) == "Added 2." and state["visits"] == 6
    assert counter.count_visit(state) == "" and state["visits"] == 7


def test_reset_goes_back_to_zero_with_a_note():
    state = {"visits": 9, "note": ""}
    counter.reset(state)
    assert state == {"visits": 0, "note": "The counter was reset to 0."}


@pytest.mark.django_db
def test_page_counts_visits_and_shows_both_halves_of_the_session(client):
    client.get(URL)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="counter-number">2</span>' in html
    key = client.session.session_key
    assert key[-4:] in html and key not in html  # masked, never whole
    assert "&quot;visits&quot;: 2" in html
    assert "<html" in html


@pytest.mark.django_db
def test_the_cookie_is_named_as_the_settings_name_it(client, settings):
    settings.SESSION_COOKIE_NAME = "courseware_session"
    client.get(URL)  # a first visit's key is made only when the session is saved
    html = client.get(URL).content.decode()
    key = client.cookies["courseware_session"].value
    assert f"<code>courseware_session=••••••••{key[-4:]}</code>" in html


@pytest.mark.django_db
def test_the_page_names_the_csrf_cookie_the_browser_holds_too(client, settings):
    """The browser holds two cookies here, not one: the session key and the CSRF token."""
    settings.CSRF_COOKIE_NAME = "courseware_csrf"
    client.get(URL)
    html = client.get(URL).content.decode()
    assert "<code>courseware_csrf</code>" in html
    assert "courseware_csrf" in client.cookies


@pytest.mark.django_db
def test_htmx_request_gets_only_the_fragment_with_the_right_headers(htmx_client):
    response = htmx_client.get(URL)
    html = response.content.decode()
    assert 'id="session-counter"' in html and "<html" not in html
    assert response["HX-Push-Url"] == "false"
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_full_page_also_varies_on_hx_request(client):
    response = client.get(URL)
    assert "HX-Request" in response["Vary"] and "HX-Push-Url" not in response


@pytest.mark.django_db
def test_add_two_redirects_and_the_next_page_shows_exactly_two_more(client):
    client.get(URL)
    response = client.post(URL + "add/", {"amount": "2"})
    assert response.status_code == 302 and response["Location"] == URL
    html = client.get(URL).content.decode()
    assert '<span class="counter-number">3</span>' in html and "Added 2." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "from 1 to 100"),
        ("101", "from 1 to 100"),
        ("-5", "from 1 to 100"),
        ("abc", "whole number"),
        ("", "Enter a number"),
        ("1" * 5000, "whole number"),
        ("2\x00", "whole number"),
    ],
)
def test_bad_amounts_are_shown_with_a_message_and_change_nothing(
    client, amount, message
):
    client.get(URL)
    response = client.post(URL + "add/", {"amount": amount})
    # The form again, with its message: a normal answer (200), as Django's
    # FormView gives; nothing was stored.
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.session["session_counter"]["visits"] == 1


@pytest.mark.django_db
def test_reset_touches_only_this_apps_key(client):
    client.get(URL)
    session = client.session
    session["ninja_gold"] = {"gold": 40}
    session.save()
    client.post(URL + "reset/")
    assert client.session["session_counter"]["visits"] == 0
    assert client.session["ninja_gold"] == {"gold": 40}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", ""), ("get", "add/"), ("get", "reset/"), ("put", "add/"), ("delete", "")],
)
def test_wrong_methods_are_405(client, method, path):
    assert getattr(client, method)(URL + path).status_code == 405


@pytest.mark.django_db
def test_missing_csrf_token_is_a_friendly_403_page_and_fragment():
    client = Client(enforce_csrf_checks=True)
    client.get(URL)
    page = client.post(URL + "add/", {"amount": "2"})
    assert (
        page.status_code == 403
        and b"This form was not accepted" in page.content
        and b"<html" in page.content
    )
    fragment = client.post(URL + "add/", {"amount": "2"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 403 and b"<html" not in fragment.content
    assert b'href="/sandbox/session-counter/"' in fragment.content
    assert client.session["session_counter"]["visits"] == 1


@pytest.mark.django_db
def test_junk_htmx_headers_do_not_break_anything(client):
    response = client.get(
        URL,
        HTTP_HX_REQUEST="maybe",
        HTTP_HX_TARGET="<script>",
        HTTP_HX_CURRENT_URL="javascript:1",
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_missing_or_repeated_amount_is_a_400_that_changes_nothing(client):
    """No form on the page sends these: refused, not shown as a form error."""
    client.get(URL)
    assert client.post(URL + "add/", {}).status_code == 400
    response = client.post(URL + "add/", {"amount": ["1", "2"]})
    assert response.status_code == 400
    assert "always sends one" in response.content.decode()
    assert client.session["session_counter"]["visits"] == 1


def test_too_many_fields_is_a_400_not_a_500(client):
    data = {f"f{i}": "x" for i in range(1001)}
    assert client.post(URL + "add/", data).status_code == 400
