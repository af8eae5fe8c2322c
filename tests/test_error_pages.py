"""The site's own 400 and 503 answers: a page, and a fragment inside a demo."""

import re

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError, OperationalError
from django.test import Client


def test_a_bad_request_gets_the_sites_400_page(db):
    response = Client().get("/", headers={"host": "bad host name"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html and "That request could not be understood" in html
    assert 'href="/"' in html


def test_a_bad_request_inside_a_demo_gets_a_fragment(db):
    response = Client().get(
        "/sandbox/ninja-gold/",
        headers={"host": "bad host name", "HX-Request": "true"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="sandbox-refused" role="alert"' in html
    assert "Nothing you stored was changed." in html


def farm(client):
    return client.post(
        "/sandbox/ninja-gold/process_money/",
        {"place": "farm"},
        headers={"HX-Request": "true"},
    )


def player_with_one_move():
    client = Client(raise_request_exception=False)
    assert farm(client).status_code == 302
    return client


def moves(client) -> int:
    board = client.get("/sandbox/ninja-gold/").content.decode()
    return int(re.search(r'class="gold-moves"[^>]*>\s*(\d+)', board).group(1))


def test_a_demo_post_whose_session_cannot_be_saved_gets_a_503(db, monkeypatch):
    # PostgreSQL went away after the session was read: Django reports the
    # failed save as SessionInterrupted, which answered 400 and called the
    # click malformed. The scale-out drill gave such clicks up as refused.
    client = player_with_one_move()

    def database_gone(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(Session, "save", database_gone)
    response = farm(client)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    # The demo's script shows the site's own answers: it must tell them apart.
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<html" not in html and "the database is not answering" in html
    monkeypatch.undo()
    assert moves(client) == 1


def test_a_page_that_loses_the_database_gets_the_503_page(db, monkeypatch):
    client = player_with_one_move()

    def database_gone(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "_get_session_from_db", database_gone)
    response = client.get("/sandbox/ninja-gold/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "<html" in html and "Error 503" in html and "Back in a moment" in html


def test_a_session_really_ended_elsewhere_is_still_a_400(db, monkeypatch):
    client = player_with_one_move()

    def row_gone(*args, **kwargs):
        # What Django raises when the session row was deleted meanwhile.
        raise DatabaseError("Forced update did not affect any rows.")

    monkeypatch.setattr(Session, "save", row_gone)
    response = farm(client)
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()
