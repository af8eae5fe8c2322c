"""Sessions read and written with plain SQL (courseware/sessions.py).

The rows are Django's own, so each engine reads what the other wrote; a
demo click costs the session one SELECT and one UPDATE, nothing more.
"""

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courseware.sessions import SessionStore
from sandbox_apps import idempotency

pytestmark = pytest.mark.django_db

NINJA = "/sandbox/ninja-gold/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "demo-ninja-gold-1-stage"}


def test_what_one_engine_saves_the_other_reads():
    ours = SessionStore()
    ours["ninja_gold"] = {"gold": 12}
    ours.save()
    assert db.SessionStore(ours.session_key)["ninja_gold"] == {"gold": 12}

    theirs = db.SessionStore(ours.session_key)
    theirs["ninja_gold"] = {"gold": 30}
    theirs.save()
    assert SessionStore(ours.session_key)["ninja_gold"] == {"gold": 30}


# A value JSON keeps as it is, and one long enough that it is stored compressed.
SMALL = {"ninja_gold": {"gold": 12, "log": ["Earned 12 golds from the farm."]}}
LARGE = {"notes": [f"Note {n}: earned {n} golds from the farm." for n in range(300)]}


@pytest.mark.parametrize("value", [SMALL, LARGE], ids=["plain", "compressed"])
def test_django_reads_the_signed_data_this_engine_writes(value):
    encoded = SessionStore().encode(value)
    assert encoded.startswith(".") == (value is LARGE)
    assert db.SessionStore().decode(encoded) == value
    assert signing.loads(encoded, salt=SessionStore().key_salt) == value


def test_a_demo_session_of_a_few_kilobytes_is_stored_plain(client):
    """Compressing it costs a click more than the longer text does (COMPRESS_OVER)."""
    for n in range(60):
        client.post(
            NINJA + "process_money/",
            {"place": "farm"},
            HTTP_IDEMPOTENCY_KEY=f"{n:032x}",
            **HTMX,
        )
    stored = Session.objects.get(session_key=client.session.session_key)
    assert len(stored.session_data) > 2000
    assert not stored.session_data.startswith(".")
    assert len(client.session["_applied_clicks"].splitlines()) == idempotency.KEEP


@pytest.mark.parametrize("value", [SMALL, LARGE], ids=["plain", "compressed"])
def test_this_engine_reads_the_signed_data_django_writes(value):
    assert SessionStore().decode(db.SessionStore().encode(value)) == value


def test_session_data_of_every_length_reads_back():
    # Base64 pads to a multiple of four characters, and the padding is
    # left out of the stored text: each length leaves a different remainder.
    for size in range(60):
        for value in ({"text": "ab" * size}, {"keys": [f"{n:x}" for n in range(size)]}):
            assert SessionStore().decode(SessionStore().encode(value)) == value


def test_session_data_signed_with_a_retired_secret_is_still_read(settings):
    old = SessionStore().encode(SMALL)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-" + "y" * 40
    assert SessionStore().decode(old) == SMALL


def test_session_data_signed_with_another_secret_reads_as_empty(settings):
    old = SessionStore().encode(SMALL)
    settings.SECRET_KEY = "a-new-secret-" + "y" * 40
    assert SessionStore().decode(old) == {}


@pytest.mark.parametrize("where", [0, 30, -5], ids=["data", "timestamp", "signature"])
def test_changed_session_data_reads_as_empty_and_is_logged(where, caplog):
    encoded = SessionStore().encode(SMALL)
    changed = encoded[:where] + ("A" if encoded[where] != "A" else "B")
    changed += encoded[where + 1 :] if where != -1 else ""
    with caplog.at_level(logging.WARNING, "django.security.SuspiciousSession"):
        assert SessionStore().decode(changed) == {}
    assert "Session data corrupted" in caplog.text


def test_a_saved_change_keeps_the_key_and_moves_the_expiry():
    store = SessionStore()
    store["a"] = 1
    store.save()
    key = store.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )

    again = SessionStore(key)
    again["a"] = 2
    again.save()
    row = Session.objects.get(session_key=key)
    assert again.session_key == key
    assert SessionStore(key)["a"] == 2
    assert row.expire_date > timezone.now() + timedelta(days=13)


def test_a_save_soon_after_the_last_leaves_the_expiry_and_its_index_alone():
    """Moving it by minutes of fourteen days rewrote the expiry's index on every click."""
    store = SessionStore()
    store["a"] = 1
    store.save()
    key = store.session_key
    recent = timezone.now() + timedelta(days=14) - timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=recent)

    again = SessionStore(key)
    again["a"] = 2
    with CaptureQueriesContext(connection) as queries:
        again.save()

    (update,) = [query["sql"] for query in queries.captured_queries]
    assert '"expire_date"' not in update.split("WHERE")[0]
    row = Session.objects.get(session_key=key)
    assert row.expire_date == recent
    assert SessionStore(key)["a"] == 2


def test_a_shorter_expiry_is_always_written():
    store = SessionStore()
    store["a"] = 1
    store.save()

    again = SessionStore(store.session_key)
    again.set_expiry(60)
    again.save()
    row = Session.objects.get(session_key=store.session_key)
    assert row.expire_date < timezone.now() + timedelta(minutes=2)


def test_an_expired_session_is_not_read():
    store = SessionStore()
    store["secret"] = "old"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    stale = SessionStore(store.session_key)
    assert stale.get("secret") is None
    # As with Django's engine, the visitor gets a new key on the next save.
    assert stale.session_key is None


def test_an_unknown_key_reads_as_empty():
    store = SessionStore("a" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_saving_a_session_whose_row_is_gone_is_refused():
    store = SessionStore()
    store["a"] = 1
    store.save()
    loaded = SessionStore(store.session_key)
    loaded["a"] = 2  # loads the row, then it disappears (a logout elsewhere)
    Session.objects.filter(session_key=store.session_key).delete()

    with pytest.raises(UpdateError):
        loaded.save()
    # Nothing was written back under the old key.
    assert not Session.objects.filter(session_key=store.session_key).exists()


def click(client):
    return client.post(NINJA + "process_money/", {"place": "farm"}, **HTMX)


def test_the_first_save_sends_the_session_cookie(client):
    response = click(client)
    assert response.cookies["sessionid"].value == client.session.session_key
    assert response.cookies["sessionid"]["max-age"] == 60 * 60 * 24 * 14


def test_a_click_that_leaves_the_expiry_sends_no_session_cookie(client):
    """The browser holds the cookie already: sending it again told it nothing."""
    click(client)
    response = click(client)
    assert response.status_code == 302
    assert "sessionid" not in response.cookies
    # Still saved, and still varied on the cookie.
    assert client.session["ninja_gold"]["moves"] == 2
    assert "Cookie" in response["Vary"]


def test_a_click_that_moves_the_expiry_sends_the_cookie_with_it(client):
    """The cookie's expiry follows the row's, so a returning visitor keeps
    their game as long as the server does."""
    click(client)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(days=10)
    )
    response = click(client)
    assert response.cookies["sessionid"].value == key
    assert response.cookies["sessionid"]["max-age"] == 60 * 60 * 24 * 14
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + (
        timedelta(days=13)
    )


def test_a_cookie_for_another_key_is_answered_with_the_sessions_own(client):
    """A browser holding an unknown (or expired) key gets the new key."""
    client.cookies["sessionid"] = "x" * 32
    response = click(client)
    assert (
        response.cookies["sessionid"].value == client.session.session_key != ("x" * 32)
    )


def test_a_click_on_a_session_deleted_meanwhile_changes_nothing(client):
    """Logged out in another tab while the click ran: Django's answer, a 400."""
    click(client)
    key = client.session.session_key

    def deleted_meanwhile(state, place):
        Session.objects.filter(session_key=key).delete()
        return real_visit(state, place)

    from sandbox_apps.ninja_gold import game

    real_visit = game.visit
    game.visit = deleted_meanwhile
    try:
        response = click(client)
    finally:
        game.visit = real_visit
    assert response.status_code == 400
    assert not Session.objects.filter(session_key=key).exists()


def test_a_demo_click_costs_the_session_one_select_and_one_update(client):
    client.get(NINJA)
    client.post(NINJA + "reset/", **HTMX)  # the visitor's session now exists

    with CaptureQueriesContext(connection) as queries:
        response = client.post(NINJA + "process_money/", {"place": "farm"}, **HTMX)

    assert response.status_code == 302
    statements, others = on_the_session_table(queries)
    assert len(statements) == 2, statements
    assert statements[0].startswith(
        'SELECT "session_data", "expire_date" FROM "django_session"'
    )
    assert statements[1].startswith('UPDATE "django_session" SET "session_data"')
    # Nothing else: the redirect's hop waits for the GET in a cookie.
    assert others == [], others
    assert client.session["ninja_gold"]["moves"] == 1


def test_the_board_after_a_click_reads_the_session_once_and_writes_nothing(client):
    client.get(NINJA)
    client.post(NINJA + "process_money/", {"place": "farm"}, **HTMX)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(NINJA, **HTMX)

    assert response.status_code == 200
    statements, others = on_the_session_table(queries)
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT")
    # Nothing else: the inspector takes the redirect's hop from a cookie.
    assert others == [], others


def on_the_session_table(queries) -> tuple[list[str], list[str]]:
    """The statements on the session table, and any other ones."""
    statements = [query["sql"] for query in queries.captured_queries]
    sessions = [sql for sql in statements if '"django_session"' in sql]
    others = [sql for sql in statements if sql not in sessions]
    return sessions, others
