"""A demo click retried after a lost answer is applied once, never twice."""

import pytest

from sandbox_apps.idempotency import (
    KEEP,
    SESSION_KEY,
    applied_location,
    click_id,
    with_click,
)

pytestmark = pytest.mark.django_db

FARM = "/sandbox/ninja-gold/process_money/"


def moves(client):
    return client.session["ninja_gold"]["moves"]


def click(client, key=None, place="farm"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(FARM, {"place": place}, HTTP_HX_REQUEST="true", **headers)


def applied_clicks(session) -> list[str]:
    """The ids (or, for lines an earlier release wrote, the keys) of the
    clicks the session holds as applied, oldest first."""
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
    assert click_id(f"{KEEP + 4:032d}") in applied
    assert click_id(f"{0:032d}") not in applied


def test_a_key_that_spells_another_clicks_id_is_a_new_click(client):
    click(client, key="g" * 32)
    # Keys as short as 16 characters are accepted, as long as an id's digest.
    spelled = click_id("g" * 32).lstrip("~")
    assert click(client, key=spelled).status_code == 302
    assert moves(client) == 2


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
    assert list(applied_clicks(client.session)) == ["e" * 32, click_id("f" * 32)]


def test_lines_an_earlier_release_wrote_still_count(client):
    click(client)
    session = client.session
    # Then each line held the whole key and its location.
    session[SESSION_KEY] = f"{'e' * 32} /sandbox/ninja-gold/"
    session.save()

    assert click(client, key="e" * 32)["Location"] == "/sandbox/ninja-gold/"
    assert moves(client) == 1


def test_a_session_keeps_digests_and_each_location_once(client):
    """The record is signed and stored with every click: it stays short."""
    keys = [f"{n:032x}" for n in range(KEEP)]
    for key in keys:
        click(client, key=key)
    stored = client.session[SESSION_KEY]
    assert not any(key in stored for key in keys)
    assert stored.count("/sandbox/ninja-gold/") == 1
    assert len(stored) < KEEP * 20


def test_each_click_finds_its_own_location_as_old_lines_drop_off():
    stored = None
    where = {}
    for n in range(KEEP * 2 + 3):
        key = f"{n:032x}"
        # Runs of clicks redirected to one place, then another.
        where[key] = f"/sandbox/place-{n // 7}/"
        stored = with_click(stored, key, where[key])
        kept = list(where)[-KEEP:]
        assert [applied_location(stored, old) for old in kept] == [
            where[old] for old in kept
        ]
    assert applied_location(stored, f"{0:032x}") is None
    assert len(stored.split("\n")) == KEEP


def test_database_demos_keep_their_own_rules(client):
    response = client.post(
        "/sandbox/email-validation/",
        {"email": "someone@example.com"},
        HTTP_IDEMPOTENCY_KEY="d" * 32,
    )
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
