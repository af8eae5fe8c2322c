"""The inspector: what each demo request did on the server, and what it never shows."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from django import forms
from django.test import Client

from sandbox_apps.inspector import chain, locations, middleware, recording
from sandbox_apps.inspector.locations import UrlLine
from sandbox_apps.inspector.recording import Field, Recording, SessionChange, Value
from sandbox_apps.ninja_gold import game
from sandbox_apps.registry import SANDBOX_ROOT, Demo, all_demos
from tests.inspector_demo import views as inspector_views

COUNTER = "/sandbox/session-counter/"
STAGE = "demo-session-counter-1-stage"
TEST_DEMO = Demo(
    slug="inspector-demo",
    title="Inspector test demo",
    summary="Only for tests.",
    url_name="inspector_demo:items",
    session_key="inspector_demo",
    app_name="tests.inspector_demo",
)


def as_text(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


QUERY = re.compile(
    r'<pre class="hop-sql"[^>]*><code>(?P<sql>.*?)</code></pre>\s*'
    r'(?:<p class="hop-params">(?P<params>.*?)</p>)?',
    re.DOTALL,
)


class Shown(NamedTuple):
    kind: str  # SELECT, INSERT, ...
    tables: set[str]
    filters: list[str]  # columns compared with a parameter
    params: list[str]  # as shown, "hidden" where masked


def queries_shown(markup: str) -> list[Shown]:
    """Each listed query as what a reader learns from it.

    Not Django's exact SQL text, which changes between releases (quoting,
    aliases, how EXISTS is spelt) without changing what the panel teaches.
    """
    shown = []
    for found in QUERY.finditer(markup):
        sql = html.unescape(found["sql"])
        params = as_text((found["params"] or "").partition(":")[2])
        shown.append(
            Shown(
                kind=sql.split(None, 1)[0].upper(),
                tables=set(re.findall(r'\b(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)"?', sql)),
                filters=re.findall(r'"?(\w+)"?\s*=\s*%s', sql),
                params=[value.strip() for value in params.split(",")] if params else [],
            )
        )
    return shown


def oob(response, prefix="demo-session-counter-1") -> str:
    """The out-of-band part of an htmx answer: what lands in the panel."""
    content = response.content.decode()
    marker = f'hx-swap-oob="afterbegin:#{prefix}-trace"'
    assert marker in content, "the answer carries no chain for this panel"
    return content[content.rindex("<", 0, content.index(marker)) :]


def htmx(client, target=STAGE):
    client.defaults.update(HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)
    return client


def csrf(client) -> str:
    return client.cookies["csrftoken"].value


@pytest.fixture
def demo_app(settings, monkeypatch):
    """The test-only sandbox app, served under /sandbox/inspector-demo/."""
    settings.ROOT_URLCONF = "tests.inspector_demo.root_urls"
    real = middleware.demo_for_path

    def demo_for_path(path):
        return TEST_DEMO if path.startswith("/sandbox/inspector-demo/") else real(path)

    monkeypatch.setattr(middleware, "demo_for_path", demo_for_path)
    return TEST_DEMO


@pytest.fixture
def client_500():
    """A client that gets the 500 answer instead of the exception."""
    return Client(raise_request_exception=False)


# --- Session counter: the chain of one click --------------------------------------


def test_add_two_shows_post_redirect_get_as_one_chain_in_order(client, db):
    client = htmx(client)
    client.get(COUNTER)
    posted = client.post(
        f"{COUNTER}add/", {"amount": "2", "csrfmiddlewaretoken": csrf(client)}
    )
    assert posted.status_code == 302
    assert b"hx-swap-oob" not in posted.content

    chain = as_text(oob(client.get(COUNTER)))

    assert chain.index("POST /sandbox/session-counter/add/ 302 Found") < chain.index(
        "GET /sandbox/session-counter/ 200 OK"
    )
    assert "redirect to /sandbox/session-counter/" in chain
    assert "2 requests, one click" in chain
    assert "sandbox/session-counter/add/ , named session_counter:add" in chain
    assert "sandbox_apps.session_counter.views.add" in chain
    assert "sandbox_apps.session_counter.views.index" in chain
    assert "changed visits : 1 → to 3" in chain
    assert 'changed note : "" → to "Added 2."' in chain


def test_each_step_links_to_the_code_it_names(client, db):
    shown = oob(htmx(client).get(COUNTER))
    links = re.findall(r'<details class="hop-code" hx-get="([^"]+)"', shown)
    assert [html.unescape(link) for link in links] == [
        "/sandbox/_inspector/source/?spec=session_counter%2Furls.py&line=8",
        "/sandbox/_inspector/source/?spec=session_counter%2Fviews.py%3Aindex",
        "/sandbox/_inspector/source/?spec=session_counter%2Ftemplates%2Fsession_counter%2F_counter.html",
    ]
    # Without JavaScript the same address is a plain link.
    assert f'<a href="{links[0]}">Open the code</a>' in shown
    assert "urls.py, line 8" in as_text(shown)


def test_linked_code_comes_as_a_source_block_with_the_line_marked(client, db):
    fragment = client.get(
        "/sandbox/_inspector/source/?spec=session_counter%2Furls.py&line=8",
        HTTP_HX_REQUEST="true",
    )
    content = fragment.content.decode()
    assert content.startswith(
        '<figure class="source" data-source="session_counter/urls.py">'
    )
    assert '<span class="hll">' in content
    assert "<!doctype" not in content.lower()
    page = client.get("/sandbox/_inspector/source/?spec=session_counter/views.py:add")
    assert page.status_code == 200
    assert "<code>add</code> in" in page.content.decode()
    assert "<!doctype" in page.content.decode().lower()


@pytest.mark.parametrize(
    "spec",
    [
        "../courseware/settings.py",
        "session_counter/missing.py",
        "/etc/passwd",
        "session_counter/views.py:nope",
        "session_counter/__pycache__",
    ],
)
def test_code_outside_the_sandbox_apps_or_missing_is_a_404(client, db, spec):
    response = client.get("/sandbox/_inspector/source/", {"spec": spec})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "",
        "spec=",
        "spec=session_counter/views.py%00.txt",
        "spec=session_counter%00/views.py&line=3",
        "spec=ninja_gold/views.py&line=%C2%B2",
        "spec=ninja_gold/views.py&line=%D9%A3x",
        "spec=ninja_gold/views.py&line=-1",
        "spec=ninja_gold/views.py&line=0",
        "spec=ninja_gold/views.py&line=1e3",
        "spec=ninja_gold/views.py&line=" + "9" * 5000,
        "spec=" + "a/" * 400 + "views.py",
        "spec=%FF%FE&line=%FF",
    ],
)
def test_a_malformed_source_link_is_refused_with_a_400(client, db, query):
    page = client.get(f"/sandbox/_inspector/source/?{query}")
    assert page.status_code == 400
    assert "does not name a file and line" in page.content.decode()
    fragment = client.get(
        f"/sandbox/_inspector/source/?{query}", HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 400
    assert "<!doctype" not in fragment.content.decode().lower()


def test_source_link_with_a_line_past_the_end_shows_the_code_unmarked(client, db):
    response = client.get(
        "/sandbox/_inspector/source/", {"spec": "ninja_gold/urls.py", "line": "99999"}
    )
    assert response.status_code == 200
    assert '<span class="hll">' not in response.content.decode()


def test_template_is_listed_with_the_context_keys_the_view_passed(client, db):
    chain = as_text(oob(htmx(client).get(COUNTER)))
    # Exactly the view's names: none of the context processors' (csrf_token, request, ...).
    assert (
        "session_counter/_counter.html rendered by the view with visits , note , form , cookie_name , csrf_cookie_name , masked_key , server_data , smallest , largest Show the template"
        in chain
    )


def test_full_page_lists_the_templates_it_extends_and_includes(client, db):
    page = as_text(client.get(COUNTER).content.decode())
    assert "session_counter/page.html rendered by the view" in page
    assert "sandbox_apps/standalone.html extended by session_counter/page.html" in page
    assert "base.html extended by sandbox_apps/standalone.html" in page
    assert "session_counter/_counter.html included" in page


def test_the_panel_goes_to_the_placeholder_that_asked(client, db):
    response = htmx(client, "demo-session-counter-2-stage").get(COUNTER)
    assert (
        'hx-swap-oob="afterbegin:#demo-session-counter-2-trace"'
        in response.content.decode()
    )
    assert (
        'hx-swap-oob="innerHTML:#demo-session-counter-2-status"'
        in response.content.decode()
    )


@pytest.mark.parametrize(
    "target",
    [
        "",
        "somewhere-else",
        "demo-ninja-gold-1-stage",
        'demo-session-counter-1-stage"><script>',
        "demo-session-counter-x-stage",
    ],
)
def test_no_panel_for_a_target_that_is_not_this_demos_stage(client, db, target):
    response = htmx(client, target).get(COUNTER)
    assert response.status_code == 200
    assert b"hx-swap-oob" not in response.content


def test_status_line_sums_up_the_chain_for_screen_readers(client, db):
    client = htmx(client)
    client.get(COUNTER)
    client.post(f"{COUNTER}reset/", {"csrfmiddlewaretoken": csrf(client)})
    content = client.get(COUNTER).content.decode()
    status = content[
        content.rindex(
            "<",
            0,
            content.index('hx-swap-oob="innerHTML:#demo-session-counter-1-status"'),
        ) :
    ]
    assert as_text(status) == (
        "POST /sandbox/session-counter/reset/ answered 302 Found, then GET /sandbox/session-counter/ answered 200 OK."
    )


def test_standalone_page_shows_the_chain_under_the_app(client, db):
    client.get(COUNTER)
    response = client.post(
        f"{COUNTER}add/",
        {"amount": "5", "csrfmiddlewaretoken": csrf(client)},
        follow=True,
    )
    content = response.content.decode()
    assert "<!-- courseware:inspector -->" not in content
    assert 'id="inspector-standalone-trace"' in content
    assert content.index('class="demo-stage"') < content.index(
        'id="inspector-standalone-inspector"'
    )
    chain = as_text(content[content.index('id="inspector-standalone-trace"') :])
    assert chain.index("POST /sandbox/session-counter/add/ 302 Found") < chain.index(
        "GET /sandbox/session-counter/ 200 OK"
    )
    assert "changed visits : 1 → to 6" in chain


GOLD = "/sandbox/ninja-gold/"
GOLD_STAGE = "demo-ninja-gold-1-stage"


def test_following_a_redirect_leaves_the_session_unwritten(client, db):
    """The POST's hop reaches the GET's answer without the GET touching the session."""
    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    client.post(
        f"{GOLD}process_money/",
        {"place": "farm", "csrfmiddlewaretoken": csrf(client)},
    )
    followed = client.get(GOLD)

    assert followed.wsgi_request.session.modified is False
    assert "_inspector" not in client.session
    chain = as_text(oob(followed, "demo-ninja-gold-1"))
    assert chain.index("POST /sandbox/ninja-gold/process_money/ 302") < chain.index(
        "GET /sandbox/ninja-gold/ 200 OK"
    )


def test_a_click_that_lands_while_a_redirect_is_followed_waits_its_turn(
    client, db, monkeypatch, settings
):
    """Another tab's move cannot slip in while this GET runs, and is not lost.

    The session lock (sandbox_apps/session_lock.py) makes it wait for the
    GET. Sent from inside the GET, in the same thread, it cannot get its
    turn, so with a short wait it is refused (429) and changes nothing; sent
    again afterwards, it counts. Parallel clicks on real servers are in
    tests/test_session_write_lock.py.
    """
    settings.COURSEWARE_SESSION_LOCK_WAIT = 0.05
    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    token = csrf(client)
    client.post(
        f"{GOLD}process_money/", {"place": "farm", "csrfmiddlewaretoken": token}
    )
    other_tab = htmx(Client(), GOLD_STAGE)
    other_tab.cookies = client.cookies
    real_load = game.load
    moves_during_get = []

    def load_while_another_click_lands(session):
        if not moves_during_get:
            moves_during_get.append(
                other_tab.post(
                    f"{GOLD}process_money/",
                    {"place": "farm", "csrfmiddlewaretoken": token},
                )
            )
        return real_load(session)

    monkeypatch.setattr(game, "load", load_while_another_click_lands)
    client.get(GOLD)
    monkeypatch.setattr(game, "load", real_load)

    assert moves_during_get[0].status_code == 429
    assert client.session["ninja_gold"]["moves"] == 1
    again = other_tab.post(
        f"{GOLD}process_money/", {"place": "farm", "csrfmiddlewaretoken": token}
    )
    assert again.status_code == 302
    assert client.session["ninja_gold"]["moves"] == 2


def test_a_chain_joins_only_the_request_its_redirect_named(client, db):
    client = htmx(client)
    client.get(COUNTER)
    client.post(f"{COUNTER}add/", {"amount": "2", "csrfmiddlewaretoken": csrf(client)})
    elsewhere = client.get(f"{COUNTER}?page=2")
    assert "POST" not in as_text(oob(elsewhere))
    followed = as_text(oob(client.get(COUNTER)))
    assert "POST /sandbox/session-counter/add/ 302 Found" in followed
    again = as_text(oob(client.get(COUNTER)))
    assert "POST" not in again


def test_a_first_visits_redirect_still_joins_its_chain(db):
    """A session that gets its key only when saved can still carry a chain."""
    client = htmx(Client(enforce_csrf_checks=False), GOLD_STAGE)
    posted = client.post(f"{GOLD}process_money/", {"place": "farm"})
    assert posted.status_code == 302
    chain = as_text(oob(client.get(GOLD), "demo-ninja-gold-1"))
    assert "POST /sandbox/ninja-gold/process_money/ 302" in chain


def test_a_trace_table_that_fails_costs_the_chain_never_the_click(
    client, db, monkeypatch
):
    """A hop too large for a cookie waits in the table; if the table cannot
    be reached, at either end, the click and its GET still succeed."""
    from django.db import OperationalError, connection

    from sandbox_apps.models import RedirectTrace

    monkeypatch.setattr(chain, "MAX_COOKIE_VALUE", 10)
    failed = []

    def trace_table_fails(execute, sql, params, many, context):
        if RedirectTrace._meta.db_table in sql:
            failed.append(sql.split()[0])
            raise OperationalError("the trace table cannot be reached")
        return execute(sql, params, many, context)

    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    with connection.execute_wrapper(trace_table_fails):
        posted = client.post(
            f"{GOLD}process_money/",
            {"place": "farm", "csrfmiddlewaretoken": csrf(client)},
        )
    # Stored, then unreachable when the GET looks for it.
    client.post(
        f"{GOLD}process_money/", {"place": "farm", "csrfmiddlewaretoken": csrf(client)}
    )
    with connection.execute_wrapper(trace_table_fails):
        followed = client.get(GOLD)
    assert posted.status_code == 302
    assert followed.status_code == 200
    chain_shown = as_text(oob(followed, "demo-ninja-gold-1"))
    assert "GET /sandbox/ninja-gold/ 200 OK" in chain_shown
    assert "POST" not in chain_shown
    assert client.session["ninja_gold"]["moves"] == 2
    # Both ends were tried, and both failures were survived.
    assert failed == ["INSERT", "SELECT"]


def test_a_bad_number_shows_the_form_again_and_no_session_change(client, db):
    client = htmx(client)
    client.get(COUNTER)
    response = client.post(
        f"{COUNTER}add/", {"amount": "500", "csrfmiddlewaretoken": csrf(client)}
    )
    chain = as_text(oob(response))
    # The form with its message is a normal answer (200), no redirect.
    assert response.status_code == 200
    assert "POST /sandbox/session-counter/add/ 200 OK" in chain
    assert 'request.session["session_counter"] unchanged' in chain
    assert "form amount = 500" in chain


def test_csrf_refusal_says_the_view_was_not_called(client, db):
    client = htmx(client)
    client.get(COUNTER)
    checked = Client(
        enforce_csrf_checks=True, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=STAGE
    )
    checked.cookies = client.cookies
    response = checked.post(
        f"{COUNTER}add/", {"amount": "2", "csrfmiddlewaretoken": "x" * 64}
    )
    chain = as_text(oob(response))
    assert response.status_code == 403
    assert (
        "sandbox_apps.session_counter.views.add : not called. The CSRF check refused the request first."
        in chain
    )


def test_wrong_method_shows_the_decorator_refusing(client, db):
    chain = as_text(oob(htmx(client).get(f"{COUNTER}add/")))
    assert "GET /sandbox/session-counter/add/ 405 Method Not Allowed" in chain


# --- The test app: converters, queries, masking, rotation ---------------------------


def test_route_arguments_queries_and_templates_are_recorded(client, db, demo_app):
    response = htmx(client, "demo-inspector-demo-1-stage").get(
        "/sandbox/inspector-demo/items/7/?sort=new"
    )
    chain = as_text(oob(response, "demo-inspector-demo-1"))
    assert "GET /sandbox/inspector-demo/items/7/?sort=new 200 OK" in chain
    assert (
        "sandbox/inspector-demo/items/<int:number>/ , named inspector_demo:items"
        in chain
    )
    assert "number=7 (int)" in chain
    assert "tests.inspector_demo.views.items" in chain
    assert "query sort = new" in chain
    assert re.search(r"2 queries in [0-9.]+ ms", chain)
    # The visitor's sandbox row is made, then the view counts sandboxes.
    (made, counted) = queries_shown(oob(response, "demo-inspector-demo-1"))
    assert (made.kind, made.tables) == ("INSERT", {"sandbox_apps_sandbox"})
    assert (counted.kind, counted.tables) == ("SELECT", {"sandbox_apps_sandbox"})
    assert "COUNT(" in chain
    assert (
        "sandbox_apps/_refused.html rendered by the view with message , status , back_url"
        in chain
    )
    assert 'request.session["inspector_demo"] added {"number": 7}' in chain


def test_a_password_in_the_query_string_is_masked_in_the_path(client, db):
    response = htmx(client).get(f"{COUNTER}?password=hunter22&colour=blue")
    chain = as_text(oob(response))
    assert "GET /sandbox/session-counter/?password=hidden&colour=blue 200 OK" in chain
    assert "hunter22" not in response.content.decode()


def test_markup_a_visitor_sends_shows_as_text_in_the_panel(client, db):
    # The panel repeats what anyone may send a public demo: the path, form
    # values and session values must come out escaped, never as markup.
    markup = '<img src=x onerror="alert(1)">'
    response = htmx(client).get(COUNTER, {"colour": markup})
    shown = oob(response)
    assert markup not in shown
    assert "&lt;img src=x onerror=" in shown
    assert f"query colour = {markup}" in as_text(shown)


def test_password_csrf_token_session_key_and_sandbox_token_never_show(
    client, db, demo_app
):
    client = htmx(client, "demo-inspector-demo-1-stage")
    client.get(COUNTER)  # sets the CSRF cookie
    client.get("/sandbox/inspector-demo/items/1/")
    old_key = client.session.session_key
    response = client.post(
        "/sandbox/inspector-demo/sign-in/",
        {
            "email": "ada@example.com",
            "password": "correct horse battery",
            "csrfmiddlewaretoken": csrf(client),
        },
    )
    assert response.status_code == 302
    followed = client.get(response["Location"])
    content = followed.content.decode()
    chain = as_text(oob(followed, "demo-inspector-demo-1"))

    session = client.session
    assert session.session_key != old_key
    for secret in (
        old_key,
        session.session_key,
        session["sandbox"],
        csrf(client),
        "correct horse battery",
    ):
        assert secret not in content
    assert "form email = ada@example.com" in chain
    assert "form password = hidden" in chain
    assert "form csrfmiddlewaretoken = hidden" in chain
    queries = queries_shown(oob(followed, "demo-inspector-demo-1"))
    # Looking up the visitor's sandbox by its token, and the careless query
    # whose parameter is the password: both masked.
    by_token = [query for query in queries if "token" in query.filters]
    assert len(by_token) == 2
    for query in by_token:
        assert (query.kind, query.tables) == ("SELECT", {"sandbox_apps_sandbox"})
        assert query.params[-1] == "hidden"
    # The new session row: its key and data are hidden, and so is its expiry.
    (stored,) = [query for query in queries if query.kind == "INSERT"]
    assert stored.tables == {"django_session"}
    assert stored.params == ["hidden"] * 3
    assert "The session got a new key; the old one no longer works." in chain
    assert "sign-in/ 302 Found" in chain


def test_only_the_apps_own_session_key_is_shown(client, db, demo_app):
    client = htmx(client, "demo-inspector-demo-1-stage")
    client.get(COUNTER)  # sets the CSRF cookie
    client.get("/sandbox/inspector-demo/items/1/")
    session = client.session
    session["other_app"] = {"secret": "another-apps-value"}
    session.save()
    client.post(
        "/sandbox/session-counter/add/",
        {"amount": "2", "csrfmiddlewaretoken": csrf(client)},
    )
    response = client.get("/sandbox/inspector-demo/items/2/")
    content = response.content.decode()
    assert "another-apps-value" not in content
    assert '"follow"' not in content  # the inspector's own pending hops
    assert "session_counter" not in as_text(oob(response, "demo-inspector-demo-1"))
    assert "changed number : 1 → to 2" in as_text(
        oob(response, "demo-inspector-demo-1")
    )


def test_error_in_debug_mode_shows_type_view_and_line(
    client_500, db, demo_app, settings
):
    settings.DEBUG = True
    response = htmx(client_500, "demo-inspector-demo-1-stage").get(
        "/sandbox/inspector-demo/explode/"
    )
    content = response.content.decode()
    chain = as_text(oob(response, "demo-inspector-demo-1"))
    assert response.status_code == 500
    # The demo shows the site's short message, not Django's debug page.
    assert "The server failed to answer." in content
    assert "Traceback" not in content
    assert "ZeroDivisionError : division by zero" in chain
    assert "tests.inspector_demo.views.explode" in chain
    source = Path(inspector_views.__file__).read_text().splitlines()
    line = source.index("    return 1 / 0") + 1
    assert f"Raised in explode , views.py line {line}: return 1 / 0" in chain
    assert response["X-Request-ID"] in chain
    # What rendered Django's error page afterwards is not the view's work.
    assert "Templates None." in chain


def test_error_outside_debug_shows_only_that_it_failed_and_the_request_id(
    client_500, db, demo_app, settings
):
    settings.DEBUG = False
    response = htmx(client_500, "demo-inspector-demo-1-stage").get(
        "/sandbox/inspector-demo/explode/"
    )
    content = response.content.decode()
    chain = as_text(oob(response, "demo-inspector-demo-1"))
    assert response.status_code == 500
    assert "The server failed to answer." in content
    assert "ZeroDivisionError" not in content
    assert "explode" not in chain.replace("/sandbox/inspector-demo/explode/", "")
    assert f"quote the request id {response['X-Request-ID']} ." in chain
    assert re.fullmatch(r"[0-9a-f]{12}", response["X-Request-ID"])


def test_error_in_a_sandbox_app_marks_the_line_in_its_source(
    client_500, db, settings, monkeypatch
):
    settings.DEBUG = True

    def broken(state):
        raise KeyError("visits")

    monkeypatch.setattr("sandbox_apps.session_counter.counter.count_visit", broken)
    shown = oob(htmx(client_500).get(COUNTER))
    chain = as_text(shown)
    assert "KeyError : 'visits'" in chain
    views = (SANDBOX_ROOT / "session_counter/views.py").read_text().splitlines()
    line = views.index("    note = counter.count_visit(state)") + 1
    assert (
        f"Raised in index , sandbox_apps/session_counter/views.py line {line}" in chain
    )
    assert '<span class="hll">' in shown


def test_an_error_while_rendering_is_placed_in_the_view_not_in_the_inspector(
    client_500, db, settings, monkeypatch
):
    """The inspector's template hook sits in the traceback, and inside the code
    root (sandbox_apps/ holds the inspector too): the reader must be sent to
    the app's own line, never to the inspector's."""
    settings.DEBUG = True

    class Unprintable:
        def __str__(self):
            raise ValueError("cannot be shown")

    def count_visit(state):
        return Unprintable()

    monkeypatch.setattr("sandbox_apps.session_counter.counter.count_visit", count_visit)
    chain = as_text(oob(htmx(client_500).get(COUNTER)))
    assert "ValueError : cannot be shown" in chain
    views = (SANDBOX_ROOT / "session_counter/views.py").read_text().splitlines()
    line = views.index("    return render(request, template, context)") + 1
    assert (
        f"Raised in show , sandbox_apps/session_counter/views.py line {line}" in chain
    )
    assert "recording.py" not in chain


# --- Cost and switches ------------------------------------------------------------------


def test_pages_outside_the_sandbox_get_no_trace_work(client, course, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("traced a page outside /sandbox/")

    monkeypatch.setattr(middleware.InspectorMiddleware, "traced", fail)
    monkeypatch.setattr(middleware, "demo_for_path", fail)
    monkeypatch.setattr(recording.Recorder, "__init__", fail)
    assert client.get("/").status_code == 200
    lesson = client.get("/lessons/sessions/")
    assert lesson.status_code == 200
    assert "Vary" not in lesson or "Cookie" not in lesson["Vary"]


def test_template_hook_does_nothing_without_an_active_trace(client, course):
    # A lesson page renders templates through the hook; no recorder, no record.
    assert recording._active.get() is None
    assert client.get("/lessons/sessions/").status_code == 200
    assert recording._active.get() is None


def test_inspector_can_be_switched_off(settings, db):
    settings.COURSEWARE_INSPECTOR = False
    client = htmx(Client())
    response = client.get(COUNTER)
    assert response.status_code == 200
    assert b"hx-swap-oob" not in response.content


def test_lesson_placeholder_has_a_stage_id_and_an_empty_labelled_panel(client, course):
    content = client.get("/lessons/sessions/").content.decode()
    assert 'id="demo-session-counter-1-stage"' in content
    assert (
        '<section class="inspector" id="demo-session-counter-1-inspector" aria-labelledby="demo-session-counter-1-inspector-title">'
        in content
    )
    assert 'id="demo-session-counter-1-trace"' in content
    assert 'role="status" id="demo-session-counter-1-status"' in content


@pytest.mark.parametrize("slug", sorted(all_demos()))
def test_every_demos_entry_page_is_traced(client, db, slug):
    demo = all_demos()[slug]
    response = htmx(client, f"demo-{slug}-1-stage").get(demo.url)
    chain = as_text(oob(response, f"demo-{slug}-1"))
    assert f"GET {demo.url} {response.status_code}" in chain
    assert f"named {demo.url_name}" in chain
    assert f"{demo.app_name}.views." in chain


# --- The pieces, without HTTP -------------------------------------------------------------


def test_session_changes_are_added_changed_and_removed_per_key():
    changes = recording.session_changes(
        {"gold": 10, "log": [], "old": 1}, {"gold": 25, "log": [], "moves": 1}
    )
    assert changes == [
        SessionChange("changed", "gold", "10", "25"),
        SessionChange("added", "moves", "", "1"),
        SessionChange("removed", "old", "1", ""),
    ]


def test_session_changes_of_a_whole_value():
    assert recording.session_changes(recording.MISSING, {"a": 1}) == [
        SessionChange("added", "", "", '{"a": 1}')
    ]
    assert recording.session_changes({"a": 1}, recording.MISSING)[0].kind == "removed"
    assert recording.session_changes(3, 4) == [SessionChange("changed", "", "3", "4")]
    assert recording.session_changes({"a": 1}, {"a": 1}) == []
    assert recording.session_changes({"a": 1}, 3) == [
        SessionChange("changed", "", '{"a": 1}', "3")
    ]


def test_the_value_before_the_view_stays_as_it_was_when_changed_in_place():
    game = {"gold": 10, "log": [{"move": 1, "place": "farm"}]}
    before = recording.freeze(game)
    game["log"].insert(0, {"move": 2, "place": "cave"})
    game["gold"] = 12

    changes = recording.frozen_changes(before, recording.freeze(game))

    assert changes == [
        SessionChange("changed", "gold", "10", "12"),
        SessionChange(
            "changed",
            "log",
            '[{"move": 1, "place": "farm"}]',
            '[{"move": 2, "place": "cave"}, {"move": 1, "place": "farm"}]',
        ),
    ]


def test_a_long_session_value_is_shown_cut_short():
    log = [{"move": move, "place": "farm"} for move in range(50)]
    [change] = recording.session_changes({"log": []}, {"log": log})

    assert len(change.after) == recording.MAX_VALUE_CHARS
    assert change.after.startswith('[{"move": 0, "place": "farm"}, {"move": 1')
    assert change.after.endswith("…")


@pytest.mark.parametrize(
    "value",
    [
        "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
        "pbkdf2_sha256$1000000$salt$hash",
        "a-known-secret",
    ],
)
def test_password_hashes_and_known_secrets_are_masked(value):
    assert recording.describe_value(value, frozenset({"a-known-secret"})) == Value(
        "", masked=True
    )


def test_ordinary_values_are_shown_as_their_repr():
    assert recording.describe_value("blue", frozenset()) == Value("'blue'")
    assert recording.describe_value(7, frozenset()) == Value("7")


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "confirm_password",
        "Password2",
        "csrfmiddlewaretoken",
        "api_token",
        "passwd",
    ],
)
def test_secret_field_names(name):
    assert recording.is_secret_field(name)


@pytest.mark.parametrize("name", ["email", "amount", "place", "first_name"])
def test_ordinary_field_names(name):
    assert not recording.is_secret_field(name)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/login/?password=hunter22&next=/", "/login/?password=hidden&next=/"),
        ("/x/?email=a%40b.c&api_token=t0k", "/x/?email=a%40b.c&api_token=hidden"),
        ("/x/?code=the-session-key", "/x/?code=hidden"),
        ("/x/?password=", "/x/?password="),
        ("/plain/", "/plain/"),
    ],
)
def test_secrets_in_a_query_string_are_masked_in_the_path(path, shown):
    assert recording.masked_path(path, frozenset({"the-session-key"})) == shown


def test_url_line_finds_the_pattern_in_urls_py():
    from sandbox_apps.session_counter import urls

    root = SANDBOX_ROOT
    assert locations.url_line(
        urls.__file__, "sandbox/session-counter/reset/", "reset", root
    ) == UrlLine(
        "session_counter/urls.py", 10, 'path("reset/", views.reset, name="reset")'
    )
    # A route the file does not have is found by the pattern's name.
    assert locations.url_line(urls.__file__, "elsewhere/", "add", root).line == 9
    assert (
        locations.url_line(
            urls.__file__, "sandbox/session-counter/", "index", root
        ).line
        == 8
    )
    assert locations.url_line(__file__, "add/", "add", root) is None


def test_url_line_reads_a_watched_urls_py_again_once_it_changes(tmp_path):
    urls = tmp_path / "app" / "urls.py"
    urls.parent.mkdir()
    urls.write_text('path("add/", add, name="add")\n')
    os.utime(urls, ns=(1, 1_000_000_000))

    def line(watch):
        return locations.url_line(str(urls), "add/", "add", tmp_path, watch).line

    assert line(watch=True) == line(watch=False) == 1
    # A learner moves the pattern down a line.
    urls.write_text('\npath("add/", add, name="add")\n')
    os.utime(urls, ns=(2, 2_000_000_000))
    assert line(watch=True) == 2
    # Code that changes only with a restart is read once per process.
    assert line(watch=False) == 1


# --- The recording API alone, around django.test.Client -----------------------------------


@pytest.fixture
def no_inspector_middleware(settings):
    """The site without InspectorMiddleware: only the recording module records."""
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if not name.startswith("sandbox_apps.inspector")
    ]


def test_recording_a_post_with_a_test_client(db, no_inspector_middleware):
    client = Client()
    client.post(f"{COUNTER}add/", {"amount": "2"})
    run = Recording(
        session=client.session,
        session_key="session_counter",
        code_root=SANDBOX_ROOT,
        urls_module="sandbox_apps.session_counter.urls",
    )
    with run:
        response = client.post(
            f"{COUNTER}add/", {"amount": "5", "password": "pw-123456"}
        )
    hop = run.hop(response.wsgi_request, response)

    assert (hop.method, hop.path, hop.status, hop.location) == (
        "POST",
        "/sandbox/session-counter/add/",
        302,
        "/sandbox/session-counter/",
    )
    assert hop.route == "sandbox/session-counter/add/"
    assert hop.url_name == "session_counter:add"
    assert hop.urls == UrlLine(
        "session_counter/urls.py", 9, 'path("add/", views.add, name="add")'
    )
    assert hop.view == "sandbox_apps.session_counter.views.add"
    assert hop.view_spec == "session_counter/views.py:add"
    assert hop.view_called
    assert Field("form", "amount", "5") in hop.data
    assert Field("form", "password", "", masked=True) in hop.data
    assert hop.session.changes == [
        SessionChange("changed", "visits", "2", "7"),
        SessionChange("changed", "note", '"Added 2."', '"Added 5."'),
    ]
    assert hop.error is None
    # The whole record travels as JSON (a cache, a Web Worker's message).
    assert json.loads(json.dumps(hop.as_dict()))["session"]["key"] == "session_counter"
    assert "pw-123456" not in json.dumps(hop.as_dict())


def test_recording_a_get_lists_templates_and_queries(db, no_inspector_middleware):
    client = Client()
    run = Recording(session=client.session, code_root=SANDBOX_ROOT)
    with run:
        response = client.get(COUNTER)
    hop = run.hop(response.wsgi_request, response)
    assert hop.status == 200
    assert [(t.name, t.how) for t in hop.templates][:2] == [
        ("session_counter/page.html", "rendered"),
        ("sandbox_apps/standalone.html", "extended"),
    ]
    assert (
        hop.templates[0].spec == "session_counter/templates/session_counter/page.html"
    )
    assert hop.query_count == len(hop.queries) > 0
    assert hop.session is None  # no session_key was asked for
    assert hop.urls is None  # nor a urls module


def test_hops_pack_into_json_and_back_unchanged(db, no_inspector_middleware):
    """What a redirect's cookie carries: every kind of record, nested."""
    client = Client(raise_request_exception=False)
    session = client.session
    run = Recording(
        session=session,
        session_key="counter",
        code_root=SANDBOX_ROOT,
        urls_module="sandbox_apps.session_counter.urls",
    )
    with run:
        response = client.get(COUNTER)
    read = run.hop(response.wsgi_request, response)
    failed = Recording(code_root=SANDBOX_ROOT)
    failed.failed(ValueError("no"), request_id="abc123")
    broken = failed.hop(response.wsgi_request, response)
    hops = [read, broken]
    assert read.queries and read.queries[0].params and read.templates and read.urls
    assert broken.error is not None

    assert recording.unpack(json.loads(json.dumps(recording.pack(hops)))) == hops


@pytest.mark.parametrize(
    "packed", [None, "text", [["GET"]], [[None] * 30], [[1, 2, 3]]]
)
def test_anything_else_does_not_unpack(packed):
    with pytest.raises((ValueError, TypeError)):
        recording.unpack(packed)


def test_djangos_own_templates_are_counted_not_listed(db, no_inspector_middleware):
    """A form's widgets are drawn by Django's templates: noise for a beginner."""
    client = Client()
    run = Recording(session=client.session, code_root=SANDBOX_ROOT)
    with run:
        response = client.get(COUNTER)
        forms.TextInput().render("name", "value")
    hop = run.hop(response.wsgi_request, response)
    assert hop.builtin_templates > 0
    assert hop.templates and not any("django/" in t.name for t in hop.templates)


def test_recording_a_failure_picks_up_the_clients_exc_info(
    db, settings, no_inspector_middleware
):
    settings.ROOT_URLCONF = "tests.inspector_demo.root_urls"
    client = Client(raise_request_exception=False)
    root = Path(inspector_views.__file__).parent
    run = Recording(session=client.session, code_root=root)
    with run:
        response = client.get("/sandbox/inspector-demo/explode/")
    hop = run.hop(response.wsgi_request, response)
    assert hop.status == 500
    assert hop.error.type == "ZeroDivisionError"
    assert (hop.error.file, hop.error.function) == ("views.py", "explode")
    assert hop.error.code == "return 1 / 0"
    assert hop.view_spec == "views.py:explode"


def test_recording_imports_nothing_of_the_site():
    """The exercises run it in the browser, where only Django is installed."""
    script = (
        "import sys; import sandbox_apps.inspector.recording; "
        "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] "
        "in {'sandbox_apps', 'lessons', 'courseware', 'csp', 'django_htmx'})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(loaded) == [
        "sandbox_apps",
        "sandbox_apps.inspector",
        "sandbox_apps.inspector.locations",
        "sandbox_apps.inspector.recording",
    ]


def post_a_move(client):
    return client.post(
        f"{GOLD}process_money/", {"place": "farm", "csrfmiddlewaretoken": csrf(client)}
    )


TRACE_COOKIE = "cw_trace_demo-ninja-gold-1"


def end_the_game(client):
    """A finished game: a move posted now changes nothing in the session."""
    session = client.session
    session["ninja_gold"] = {"gold": 40, "moves": game.MAX_MOVES, "log": []}
    session.save()


def stored_session(client) -> str:
    from django.contrib.sessions.models import Session

    return Session.objects.get(
        session_key=client.cookies["sessionid"].value
    ).session_data


def test_a_click_that_saves_the_session_leaves_its_hops_in_it(client, db):
    """The GET after a redirect may reach another worker process or app
    server, whose memory is its own: a move saves the session anyway, and
    its hop goes into that save; the cookie only names it."""
    from django.core.cache import caches

    from sandbox_apps.models import RedirectTrace

    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    posted = post_a_move(client)
    cookie = posted.cookies[TRACE_COOKIE]
    # Sent only to this demo's URLs, for as long as a redirect may take.
    assert cookie["path"] == GOLD
    assert cookie["max-age"] == chain.PENDING_SECONDS
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert re.fullmatch(r"~[\w-]{12}", cookie.value)
    entry = client.session[chain.SESSION_ENTRY]
    assert entry["name"] == cookie.value[1:]
    assert entry["follow"] == GOLD
    assert "process_money" in entry["hops"]
    assert not RedirectTrace.objects.exists()
    # Another worker: an empty local-memory cache.
    caches["default"].clear()
    saved = stored_session(client)
    followed = client.get(GOLD)
    assert "POST /sandbox/ninja-gold/process_money/ 302" in as_text(
        oob(followed, "demo-ninja-gold-1")
    )
    # Taken, so a reload does not show the POST again, and without a
    # write: Ninja Gold's GET leaves the session as it was.
    assert followed.cookies[TRACE_COOKIE]["max-age"] == 0
    assert stored_session(client) == saved
    assert "POST" not in as_text(oob(client.get(GOLD), "demo-ninja-gold-1"))


def test_a_get_that_saves_the_session_anyway_takes_the_hops_out(client, db):
    """The session counter's GET counts the visit: the entry goes with that save."""
    client = htmx(client)
    client.get(COUNTER)
    client.post(f"{COUNTER}add/", {"amount": "2", "csrfmiddlewaretoken": csrf(client)})
    assert chain.SESSION_ENTRY in client.session
    followed = as_text(oob(client.get(COUNTER)))
    assert "POST /sandbox/session-counter/add/ 302 Found" in followed
    assert chain.SESSION_ENTRY not in client.session


def test_a_redirect_that_leaves_the_session_as_it_was_signs_its_hops_in_the_cookie(
    client, db
):
    """No session save to join: the hops ride in the cookie, signed and dated."""
    from django.core import signing

    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    end_the_game(client)
    saved = stored_session(client)
    posted = post_a_move(client)
    assert posted.status_code == 302
    assert stored_session(client) == saved
    trace = signing.TimestampSigner(salt=chain.SALT).unsign_object(
        posted.cookies[TRACE_COOKIE].value
    )
    assert trace["follow"] == GOLD
    followed = client.get(GOLD)
    assert "POST /sandbox/ninja-gold/process_money/ 302" in as_text(
        oob(followed, "demo-ninja-gold-1")
    )
    assert followed.cookies[TRACE_COOKIE]["max-age"] == 0


@pytest.mark.parametrize("carrier", ["session", "cookie"])
@pytest.mark.parametrize("spoil", ["tampered", "expired", "another page", "replaced"])
def test_a_trace_cookie_that_is_not_this_requests_joins_nothing(
    client, db, monkeypatch, spoil, carrier
):
    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    if carrier == "cookie":
        end_the_game(client)
    post_a_move(client)
    cookie = client.cookies[TRACE_COOKIE]
    assert cookie.value.startswith(chain.IN_SESSION) == (carrier == "session")
    if spoil == "tampered":
        # A visitor's edit breaks the signature, or names hops the session
        # does not hold: the panel shows only what the server recorded.
        tampered = cookie.value.replace(":", "x:", 1) + "x"
        cookie.set(cookie.key, tampered, tampered)
    elif spoil == "expired":
        monkeypatch.setattr(chain, "PENDING_SECONDS", -1)
    elif spoil == "replaced":
        # Another placeholder's click came first: its hops took the entry.
        earlier = cookie.value
        htmx(client, "demo-ninja-gold-2-stage").post(
            f"{GOLD}reset/", {"csrfmiddlewaretoken": csrf(client)}
        )
        cookie.set(cookie.key, earlier, earlier)
        htmx(client, GOLD_STAGE)
    followed = client.get(f"{GOLD}?page=2" if spoil == "another page" else GOLD)
    assert followed.status_code == 200
    shown = as_text(oob(followed, "demo-ninja-gold-1"))
    if spoil == "replaced" and carrier == "cookie":
        # A signed cookie holds its own hops: nothing can replace them.
        assert "POST /sandbox/ninja-gold/process_money/ 302" in shown
        return
    assert "POST" not in shown
    if spoil == "another page":
        # Left for the request the redirect named.
        assert TRACE_COOKIE not in followed.cookies
    else:
        assert followed.cookies[TRACE_COOKIE]["max-age"] == 0


def test_a_hop_too_large_for_a_cookie_waits_in_the_table(client, db, monkeypatch):
    """The cookie then carries a random id; the table keeps only its digest."""
    from django.core import signing
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sandbox_apps.models import RedirectTrace

    monkeypatch.setattr(chain, "MAX_COOKIE_VALUE", 300)
    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    table = RedirectTrace._meta.db_table
    with CaptureQueriesContext(connection) as posting:
        posted = post_a_move(client)
    trace = signing.TimestampSigner(salt=chain.SALT).unsign_object(
        posted.cookies[TRACE_COOKIE].value
    )
    assert set(trace) == {"follow", "row"}
    waiting = RedirectTrace.objects.get()
    assert waiting.follow == GOLD
    assert trace["row"] not in waiting.key
    with CaptureQueriesContext(connection) as following:
        followed = client.get(GOLD)
    assert "POST /sandbox/ninja-gold/process_money/ 302" in as_text(
        oob(followed, "demo-ninja-gold-1")
    )
    assert [q["sql"].split()[0] for q in posting if table in q["sql"]] == ["INSERT"]
    assert [q["sql"].split()[0] for q in following if table in q["sql"]] == [
        "SELECT",
        "DELETE",
    ]
    assert not RedirectTrace.objects.exists()


def test_an_expired_row_joins_nothing_and_is_swept_away(client, db, monkeypatch):
    """A redirect the browser never followed leaves a row: it is not shown
    late, and a later trace deletes it."""
    from datetime import timedelta

    from django.utils import timezone

    from sandbox_apps.models import RedirectTrace

    monkeypatch.setattr(chain, "MAX_COOKIE_VALUE", 10)
    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    post_a_move(client)
    RedirectTrace.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    late = as_text(oob(client.get(GOLD), "demo-ninja-gold-1"))
    assert "POST" not in late
    assert RedirectTrace.objects.count() == 1

    monkeypatch.setattr(chain, "SWEEP_EVERY", 1)
    htmx(client, "demo-ninja-gold-2-stage").post(
        f"{GOLD}process_money/", {"place": "cave", "csrfmiddlewaretoken": csrf(client)}
    )
    # Only the new click's trace is left.
    assert [trace.follow for trace in RedirectTrace.objects.all()] == [GOLD]
    assert RedirectTrace.objects.get().expires_at > timezone.now()


def test_a_clicks_trace_costs_no_database_statement(client, db):
    """Neither the POST, a click's costly half, nor the GET its redirect
    names touches the trace table, and the GET writes nothing at all. A
    POST never looks for a chain to continue: a browser follows a 302 with
    a GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sandbox_apps.models import RedirectTrace

    client = htmx(client, GOLD_STAGE)
    client.get(GOLD)
    # A first click gives the visitor a stored session.
    post_a_move(client)
    client.get(GOLD)
    with CaptureQueriesContext(connection) as posting:
        post_a_move(client)
    with CaptureQueriesContext(connection) as following:
        followed = client.get(GOLD)
    table = RedirectTrace._meta.db_table
    assert not [q for q in [*posting, *following] if table in q["sql"]]
    assert [q["sql"].split()[0] for q in following] == ["SELECT"]
    assert "POST /sandbox/ninja-gold/process_money/ 302" in as_text(
        oob(followed, "demo-ninja-gold-1")
    )
