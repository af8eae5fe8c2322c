"""A demo click retried after a lost answer is applied once, never twice."""

import pytest

from sandbox_apps.idempotency import KEEP, SESSION_KEY

pytestmark = pytest.mark.django_db

FARM = "/sandbox/ninja-gold/process_money/"


def moves(client):
    return client.session["ninja_gold"]["moves"]


def click(client, key=None, place="farm"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(FARM, {"place": place}, HTTP_HX_REQUEST="true", **headers)


def applied_clicks(session) -> list[str]:
    """The keys of the clicks the session holds as applied, oldest first."""
    return [line.split(" ", 1)[0] for line in session[SESSION_KEY].split("\n")]


def test_the_same_click_sent_twice_counts_once(client):
    first = click(client, key="a" * 32)
    assert first.status_code == 302
    assert moves(client) == 1
    again = click(client, key="a" * 32)
    # The same answer as the first time: the board as it now is.
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert moves(client) == 1
    click(client, key="b" * 32)
    assert moves(client) == 2


def test_clicks_without_a_key_are_applied_as_always(client):
    click(client)
    click(client)
    assert moves(client) == 2


def test_a_malformed_key_is_ignored_not_trusted(client):
    for key in ["short", "x" * 65, "a" * 31 + "!", "../" * 8]:
        assert click(client, key=key).status_code == 302
    assert moves(client) == 4
    assert SESSION_KEY not in client.session


def test_a_refused_click_does_not_use_up_its_key(client):
    assert click(client, key="c" * 32, place="moon").status_code == 400
    assert click(client, key="c" * 32).status_code == 302
    assert moves(client) == 1


def test_only_the_latest_keys_are_kept(client):
    for n in range(KEEP + 5):
        click(client, key=f"{n:032d}")
    applied = applied_clicks(client.session)
    assert len(applied) == KEEP
    assert f"{KEEP + 4:032d}" in applied and f"{0:032d}" not in applied


def test_keys_a_session_kept_in_the_earlier_format_still_count(client):
    click(client)
    session = client.session
    # Before, the keys were a JSON object of key -> redirect.
    session[SESSION_KEY] = {"e" * 32: "/sandbox/ninja-gold/"}
    session.save()

    assert click(client, key="e" * 32)["Location"] == "/sandbox/ninja-gold/"
    assert moves(client) == 1
    click(client, key="f" * 32)
    assert moves(client) == 2
    assert list(applied_clicks(client.session)) == ["e" * 32, "f" * 32]


def test_database_demos_keep_their_own_rules(client):
    response = client.post(
        "/sandbox/email-validation/",
        {"email": "someone@example.com"},
        HTTP_IDEMPOTENCY_KEY="d" * 32,
    )
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
