"""The site's own 400 and 503 answers: a page, and a fragment inside a demo."""

import re
from contextlib import contextmanager

from django.db import OperationalError, connection
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


@contextmanager
def session_queries(react):
    """Let ``react(execute, sql, params, many, context)`` answer the session table's queries.

    A database wrapper rather than a patched method: it sees the SQL the
    session engine really sends, whichever engine that is.
    """

    def wrapper(execute, sql, params, many, context):
        if "django_session" in sql:
            return react(execute, sql, params, many, context)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def test_a_demo_post_whose_session_cannot_be_saved_gets_a_503(db):
    # PostgreSQL went away after the session was read: Django reports the
    # failed save as SessionInterrupted, which answered 400 and called the
    # click malformed. The scale-out drill gave such clicks up as refused.
    client = player_with_one_move()

    def database_gone(execute, sql, *args):
        if sql.lstrip().upper().startswith("UPDATE"):
            raise OperationalError(
                "terminating connection due to administrator command"
            )
        return execute(sql, *args)

    with session_queries(database_gone):
        response = farm(client)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    # The demo's script shows the site's own answers: it must tell them apart.
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<html" not in html and "the database is not answering" in html
    assert moves(client) == 1


def test_a_page_that_loses_the_database_gets_the_503_page(db):
    client = player_with_one_move()

    def database_gone(*args):
        raise OperationalError("connection refused")

    with session_queries(database_gone):
        response = client.get("/sandbox/ninja-gold/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "<html" in html and "Error 503" in html and "Back in a moment" in html


def test_a_session_really_ended_elsewhere_is_still_a_400(db):
    client = player_with_one_move()

    def row_gone(execute, sql, *args):
        # The visitor logged out in another tab between this request's
        # read and its save: the row is deleted just before the UPDATE.
        if sql.lstrip().upper().startswith("UPDATE"):
            execute("DELETE FROM django_session", None, False, args[-1])
        return execute(sql, *args)

    with session_queries(row_gone):
        response = farm(client)
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()
