"""Email Validation: the email rule, the manager, the views, tenancy, purging, races."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from sandbox_apps.models import Sandbox
from sandbox_apps.validators import (
    EMAIL_MAX_LENGTH,
    NOT_VALID,
    is_valid_email,
    stored_email,
)
from tests.live_http import Browser, in_parallel

from .models import (
    ALREADY_ADDED,
    LIST_FULL,
    MAX_ADDRESSES,
    Address,
    AddressManager,
)

URL = "/sandbox/email-validation/"
SUCCESS_URL = URL + "success/"
VALID = "first.last+tag@sub.example.co.uk"


def sandbox_of(client):
    return Sandbox.objects.get(token=client.session["sandbox"])


def fill(sandbox, count, prefix="user"):
    Address.objects.bulk_create(
        Address(sandbox=sandbox, email=f"{prefix}{n}@example.com") for n in range(count)
    )


# --- The email rule (sandbox_apps/validators.py) -----------------------------


@pytest.mark.parametrize(
    "value",
    [
        "a@b.",  # the ending is missing
        "a@b",  # no dot at all
        "@b.com",  # no name
        "a b@c.com",  # a space
        "",
        "a@@b.com",
        "a@b.c",  # a one-letter ending
        "a@b..com",
        "a@b.com\n",  # a trailing newline ($ would have let this through)
        " a@b.com",
        "a@b.com<script>",
        "<script>alert(1)</script>",
        "a\x00@b.com",
        "a@b_c.com",
        "a@b.c0m",
        "ann@xn--zz.com",  # punycode that spells nothing
        "ann@exä..com",
        "änn@example.com",  # only the domain may be international
    ],
)
def test_email_rule_rejects_what_is_not_an_address(value):
    assert not is_valid_email(value)


@pytest.mark.parametrize(
    "value",
    [
        VALID,
        "a@b.co",
        "ANN@EXAMPLE.COM",
        "o'brien@example.ie".replace("'", ""),
        "x_y%z-1@a-b.example.museum",
        "ann@exämple.com",
        "ann@xn--exmple-cua.com",
        "ann@пример.рф",
    ],
)
def test_email_rule_accepts_addresses(value):
    assert is_valid_email(value)


def test_email_rule_allows_254_characters_and_no_more():
    domain = "@example.com"
    longest = "a" * (EMAIL_MAX_LENGTH - len(domain)) + domain
    assert len(longest) == 254
    assert is_valid_email(longest)
    assert not is_valid_email("a" + longest)


def test_the_254_character_cap_counts_the_domain_as_mail_carries_it():
    # "ä" is one character typed, but "xn--...-cua" in the ASCII spelling.
    typed = "a" * 236 + "@exämple.com"
    assert len(typed) == 248
    assert not is_valid_email(typed)


@pytest.mark.parametrize(
    "typed", ["ann@exämple.com", "ann@xn--exmple-cua.com", "ann@EXÄMPLE.com"]
)
def test_an_international_domain_is_stored_in_its_readable_form(typed):
    assert stored_email(typed) == "ann@exämple.com"


def test_email_rule_is_fast_on_a_hostile_input():
    # A pattern with nested repeats could take minutes on this; the length
    # cap and the dots between domain parts keep it instant.
    assert not is_valid_email("a@" + "a." * 126 + "!")


# --- The manager (models.py) -------------------------------------------------


@pytest.fixture
def sandbox(db):
    return Sandbox.objects.create()


def test_validate_says_email_is_not_valid(sandbox):
    assert Address.objects.validate({"email": "a@b"}, sandbox) == {"email": NOT_VALID}
    assert NOT_VALID == "Email is not valid!"


def test_validate_accepts_a_valid_address(sandbox):
    assert Address.objects.validate({"email": VALID}, sandbox) == {}


def test_validate_treats_a_missing_field_as_invalid(sandbox):
    assert Address.objects.validate({}, sandbox) == {"email": NOT_VALID}


def test_add_saves_the_address_without_surrounding_spaces(sandbox):
    address, errors = Address.objects.add({"email": f"  {VALID} "}, sandbox)
    assert errors == {}
    assert Address.objects.get().email == VALID == address.email


def test_the_same_address_twice_is_refused_whatever_the_case(sandbox):
    Address.objects.add({"email": "Ann@Example.com"}, sandbox)
    address, errors = Address.objects.add({"email": "ann@example.COM"}, sandbox)
    assert address is None
    assert errors == {"email": ALREADY_ADDED}
    assert Address.objects.count() == 1


def test_both_spellings_of_an_international_address_count_as_one(sandbox):
    address, errors = Address.objects.add({"email": "ann@xn--exmple-cua.com"}, sandbox)
    assert errors == {} and address.email == "ann@exämple.com"
    assert Address.objects.add({"email": "ann@exämple.com"}, sandbox) == (
        None,
        {"email": ALREADY_ADDED},
    )
    assert Address.objects.count() == 1


def test_the_same_address_in_another_sandbox_is_accepted(sandbox):
    Address.objects.add({"email": VALID}, sandbox)
    _, errors = Address.objects.add({"email": VALID}, Sandbox.objects.create())
    assert errors == {}
    assert Address.objects.count() == 2


def test_a_sandbox_keeps_at_most_50_addresses(sandbox):
    fill(sandbox, MAX_ADDRESSES - 1)
    _, errors = Address.objects.add({"email": "last@example.com"}, sandbox)
    assert errors == {}
    _, errors = Address.objects.add({"email": "one-too-many@example.com"}, sandbox)
    assert errors == {"email": LIST_FULL}
    assert "50 addresses" in LIST_FULL
    assert Address.objects.in_sandbox(sandbox).count() == 50


def test_another_sandboxs_addresses_do_not_count_towards_the_cap(sandbox):
    fill(Sandbox.objects.create(), MAX_ADDRESSES)
    _, errors = Address.objects.add({"email": VALID}, sandbox)
    assert errors == {}


def test_the_database_refuses_a_duplicate_even_without_the_manager(sandbox):
    Address.objects.create(sandbox=sandbox, email="ann@example.com")
    with pytest.raises(IntegrityError):
        Address.objects.create(sandbox=sandbox, email="ANN@example.com")


def test_add_turns_a_lost_race_into_a_message(sandbox, monkeypatch):
    # As if another request inserted the address after this one's checks.
    Address.objects.create(sandbox=sandbox, email=VALID)
    monkeypatch.setattr(AddressManager, "validate", lambda self, post_data, sandbox: {})
    address, errors = Address.objects.add({"email": VALID}, sandbox)
    assert address is None
    assert errors == {"email": ALREADY_ADDED}
    assert Address.objects.count() == 1


def test_in_sandbox_lists_newest_first(sandbox):
    fill(sandbox, 3)
    for n, address in enumerate(Address.objects.order_by("pk")):
        Address.objects.filter(pk=address.pk).update(
            created_at=timezone.now() - timedelta(days=n)
        )
    assert [a.email for a in Address.objects.in_sandbox(sandbox)] == [
        "user0@example.com",
        "user1@example.com",
        "user2@example.com",
    ]


# --- Views: as a page and as a fragment --------------------------------------


def test_form_page_is_a_full_page(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b'id="email-validation"' in response.content
    assert "HX-Request" in response["Vary"]


def test_htmx_request_gets_only_the_fragment(htmx_client, db):
    response = htmx_client.get(URL)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"{#" not in response.content
    assert b'<div id="email-validation" class="sandbox' in response.content
    assert response["HX-Push-Url"] == "false"


@pytest.mark.parametrize("as_fragment", [False, True])
def test_invalid_address_goes_back_to_the_form_with_the_value_kept(
    client, db, as_fragment
):
    headers = {"HX-Request": "true"} if as_fragment else {}
    response = client.post(URL, {"email": "a@b."}, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Email is not valid!" in html
    assert 'value="a@b."' in html
    assert 'aria-invalid="true"' in html
    assert (b"<html" in response.content) is not as_fragment
    assert Address.objects.count() == 0


def test_valid_address_is_saved_then_redirected_to_the_success_page(client, db):
    response = client.post(URL, {"email": VALID})
    assert response.status_code == 302
    assert response["Location"] == SUCCESS_URL
    assert Address.objects.get().email == VALID


def test_success_page_names_the_address_just_entered(client, db):
    response = client.post(URL, {"email": VALID}, follow=True)
    html = response.content.decode()
    assert f"The email address you entered ({VALID}) is a valid email address" in html
    assert 'class="address-email">first.last+tag@sub.example.co.uk<' in html
    # A one-time message: a reload no longer says it.
    assert "you entered" not in client.get(SUCCESS_URL).content.decode()


def test_success_page_shows_dates_like_june_24th_2013_6_00_pm(client, db):
    client.post(URL, {"email": VALID})
    Address.objects.update(created_at=datetime(2013, 6, 24, 18, 0, tzinfo=UTC))
    html = client.get(SUCCESS_URL).content.decode()
    assert ">June 24th, 2013, 6:00 PM</time>" in html
    assert 'datetime="2013-06-24T18:00:00+00:00"' in html


def test_success_page_lists_newest_first(client, db):
    for email in ["first@example.com", "second@example.com", "third@example.com"]:
        client.post(URL, {"email": email})
    html = client.get(SUCCESS_URL).content.decode()
    listed = html[html.index('class="address-list"') :]
    assert (
        listed.index("third@example.com")
        < listed.index("second@example.com")
        < listed.index("first@example.com")
    )


def test_success_page_as_a_fragment(htmx_client, db):
    htmx_client.post(URL, {"email": VALID})
    response = htmx_client.get(SUCCESS_URL)
    assert b"<html" not in response.content
    assert VALID.encode() in response.content


def test_every_address_has_a_delete_button_posting_with_csrf(client, db):
    client.post(URL, {"email": VALID})
    address = Address.objects.get()
    html = client.get(SUCCESS_URL).content.decode()
    form = html[
        html.index(f'action="/sandbox/email-validation/{address.pk}/delete/"') - 40 :
    ]
    assert form.startswith('<form method="post"') or 'method="post"' in form[:80]
    assert "csrfmiddlewaretoken" in form[:300]
    assert f'href="/sandbox/email-validation/{address.pk}/delete/"' not in html


def test_submitting_the_same_address_twice_shows_a_message(client, db):
    client.post(URL, {"email": VALID})
    response = client.post(URL, {"email": VALID.upper()})
    assert response.status_code == 200
    assert ALREADY_ADDED in response.content.decode()
    assert Address.objects.count() == 1


def test_the_51st_address_gets_a_clear_message(client, db):
    client.get(URL)
    fill(sandbox_of(client), MAX_ADDRESSES)
    response = client.post(URL, {"email": VALID})
    assert response.status_code == 200
    assert "Your list already holds 50 addresses" in response.content.decode()
    assert Address.objects.count() == 50


def test_delete_removes_the_address_and_says_so(client, db):
    client.post(URL, {"email": VALID})
    address = Address.objects.get()
    response = client.post(f"{URL}{address.pk}/delete/", follow=True)
    assert response.redirect_chain == [(SUCCESS_URL, 302)]
    assert f"Deleted {VALID}." in response.content.decode()
    assert Address.objects.count() == 0


def test_delete_by_get_is_not_allowed(client, db):
    client.post(URL, {"email": VALID})
    address = Address.objects.get()
    assert client.get(f"{URL}{address.pk}/delete/").status_code == 405
    assert Address.objects.count() == 1


@pytest.mark.parametrize("as_fragment", [False, True])
def test_deleting_another_visitors_address_is_a_404_that_changes_nothing(
    client, django_user_model, db, as_fragment
):
    theirs = Address.objects.create(sandbox=Sandbox.objects.create(), email=VALID)
    headers = {"HX-Request": "true"} if as_fragment else {}
    response = client.post(f"{URL}{theirs.pk}/delete/", headers=headers)
    assert response.status_code == 404
    assert "not in your list" in response.content.decode()
    assert (b"<html" in response.content) is not as_fragment
    assert Address.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("pk", ["0", "99999999999999999999999"])
def test_deleting_an_id_that_does_not_exist_is_a_404(client, db, pk):
    assert client.post(f"{URL}{pk}/delete/").status_code == 404


def test_reset_deletes_only_this_sandboxs_addresses(client, db):
    client.post(URL, {"email": VALID})
    Address.objects.create(sandbox=Sandbox.objects.create(), email="other@example.com")
    response = client.post(URL + "reset/", follow=True)
    assert "Your list is empty again." in response.content.decode()
    assert list(Address.objects.values_list("email", flat=True)) == [
        "other@example.com"
    ]


def test_reset_leaves_other_demos_alone(client, db):
    client.get("/sandbox/session-counter/")
    client.post(URL, {"email": VALID})
    client.post(URL + "reset/")
    assert client.session["session_counter"]["visits"] == 1


# --- Tenancy ------------------------------------------------------------------


def test_two_visitors_never_see_or_count_each_others_addresses(client, db):
    from django.test import Client

    other = Client()
    client.post(URL, {"email": "mine@example.com"})
    other.post(URL, {"email": "theirs@example.com"})
    mine = client.get(SUCCESS_URL).content.decode()
    theirs = other.get(SUCCESS_URL).content.decode()
    assert "mine@example.com" in mine and "theirs@example.com" not in mine
    assert "theirs@example.com" in theirs and "mine@example.com" not in theirs
    assert "1 of 50" in mine and "1 of 50" in theirs
    assert "1 of 50 addresses saved" in client.get(URL).content.decode()


def test_purge_deletes_an_idle_sandboxs_addresses_and_keeps_an_active_one(db):
    idle = Sandbox.objects.create(last_seen_at=timezone.now() - timedelta(days=8))
    active = Sandbox.objects.create()
    fill(idle, 3, "idle")
    fill(active, 2, "active")
    call_command("purge_sandboxes")
    assert not Sandbox.objects.filter(pk=idle.pk).exists()
    assert sorted(Address.objects.values_list("email", flat=True)) == [
        "active0@example.com",
        "active1@example.com",
    ]


# --- Races: real parallel requests against a live server ---------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_duplicate_submissions_store_one_row_and_never_fail(
    live_server, settings
):
    # Every one of them may wait for its turn: this is about the rows.
    settings.COURSEWARE_SESSION_LOCK_WAITERS = 8
    settings.COURSEWARE_SESSION_LOCK_WAIT = 60
    visitor = Browser(live_server.url)
    visitor.get(URL)
    results = in_parallel(8, lambda i: visitor.post(URL, {"email": VALID}))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 7 + [302]
    assert all(ALREADY_ADDED in body for status, body in results if status == 200)
    assert Address.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_cannot_pass_the_cap(live_server, settings):
    settings.COURSEWARE_SESSION_LOCK_WAITERS = 8
    settings.COURSEWARE_SESSION_LOCK_WAIT = 60
    visitor = Browser(live_server.url)
    visitor.get(URL)
    sandbox = Sandbox.objects.get()
    fill(sandbox, MAX_ADDRESSES - 2)
    results = in_parallel(
        8, lambda i: visitor.post(URL, {"email": f"racer{i}@example.com"})
    )
    assert sorted(status for status, _ in results) == [200] * 6 + [302, 302]
    assert Address.objects.filter(sandbox=sandbox).count() == MAX_ADDRESSES


# --- What lessons show ----------------------------------------------------------


def test_every_source_file_the_demo_lists_can_be_shown_in_a_lesson():
    from sandbox_apps import sources
    from sandbox_apps.registry import get_demo

    demo = get_demo("email-validation")
    assert demo.url == URL
    for path in demo.source_files:
        assert sources.excerpt(path).code
    assert "EMAIL_PATTERN" in sources.excerpt("validators.py").code
    assert (
        "def validate"
        in sources.excerpt("email_validation/models.py:AddressManager.validate").code
    )
