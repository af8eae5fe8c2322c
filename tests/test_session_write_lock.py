"""No session change is lost when one visitor's requests overlap.

Django's session is read at the start of a request and written whole at
the end, so two overlapping requests can both read "3 moves" and both write
"4 moves". sandbox_apps.middleware.SessionWriteLockMiddleware makes one
visitor's demo requests take turns, with the lock in
sandbox_apps/session_lock.py.

The proofs run real servers (gunicorn, several processes and threads): on
their own SQLite file, with cached_db sessions, and on a throwaway
PostgreSQL cluster (tests/servers.py). They fire many requests at once on
one session, following each redirect as browsers and htmx do, with the
inspector on, and check that every change counted.
"""

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing, contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from sandbox_apps import session_lock
from sandbox_apps.middleware import SessionWriteLockMiddleware
from sandbox_apps.ninja_gold import game
from tests.servers import free_port, postgres_url  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent.parent
URL = "/sandbox/ninja-gold/"
COUNTER = "/sandbox/session-counter/"
EMAILS = "/sandbox/email-validation/"
STAGE = "demo-ninja-gold-1-stage"
KEY = "abcdefgh12345678abcdefgh12345678"


# --- Which requests take the lock -------------------------------------------------


def lock_key(method, path, cookie=KEY):
    middleware = SessionWriteLockMiddleware(lambda request: None)
    request = RequestFactory().generic(method, path)
    if cookie is not None:
        request.COOKIES["sessionid"] = cookie
    return middleware.lock_key(request)


def test_every_demo_request_with_a_session_takes_the_lock():
    assert lock_key("POST", URL + "process_money/") == KEY
    # The GET after a redirect, and the counter's GET, change the session too.
    assert lock_key("GET", URL) == KEY
    assert lock_key("GET", COUNTER) == KEY
    assert lock_key("POST", EMAILS) == KEY


def test_requests_without_a_session_or_outside_the_demos_take_no_lock():
    assert lock_key("POST", URL + "process_money/", cookie=None) is None
    assert lock_key("POST", URL + "process_money/", cookie="../../etc") is None
    assert lock_key("GET", "/lessons/sessions/") is None
    assert lock_key("GET", "/sandbox/_inspector/source/") is None
    assert lock_key("POST", "/sandbox/no-such-demo/") is None


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
def test_it_refuses_to_start_without_server_side_sessions():
    with pytest.raises(ImproperlyConfigured):
        SessionWriteLockMiddleware(lambda request: None)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_view_runs():
    """The lock is not a database transaction: the view runs in autocommit."""
    seen = []

    def view(request):
        seen.append(connection.in_atomic_block)
        return HttpResponse("ok")

    request = RequestFactory().post(URL + "process_money/")
    request.COOKIES["sessionid"] = KEY
    SessionWriteLockMiddleware(view)(request)
    assert seen == [False]


# --- Bounded waiting ------------------------------------------------------------------


@pytest.fixture
def playing(db, settings):
    """A visitor with a Ninja Gold game of one move, and that session's lock."""
    settings.COURSEWARE_SESSION_LOCK_WAIT = 0.05
    visitor = Client()
    visitor.post(URL + "process_money/", {"place": "farm"})
    locks = session_lock.SessionLocks("default")
    return visitor, locks, visitor.cookies["sessionid"].value


def moves(visitor):
    return visitor.session[game.SESSION_KEY]["moves"]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_request_that_waits_too_long_gets_a_429_and_changes_nothing(playing, htmx):
    visitor, locks, key = playing
    headers = {"HX-Request": "true"} if htmx else {}
    locks.acquire(key)
    try:
        response = visitor.post(
            URL + "process_money/", {"place": "farm"}, headers=headers
        )
    finally:
        locks.release(key)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert response["X-Session-Busy"] == "1"
    html = response.content.decode()
    assert "Too many clicks at once" in html
    assert ("<html" in html) is not htmx
    assert moves(visitor) == 1
    # Once the lock is free, the same click counts.
    assert visitor.post(URL + "process_money/", {"place": "farm"}).status_code == 302
    assert moves(visitor) == 2


def test_a_second_waiter_is_refused_at_once(playing, settings, monkeypatch):
    """One request runs, one waits for it; the next is refused without waiting."""
    visitor, locks, key = playing
    settings.COURSEWARE_SESSION_LOCK_WAIT = 1
    waits = []
    take = session_lock.SessionLocks._take

    def spy(self, number, deadline):
        waits.append(deadline)
        return take(self, number, deadline)

    monkeypatch.setattr(session_lock.SessionLocks, "_take", spy)
    locks.acquire(key)  # the request that runs
    assert locks._take(session_lock.slot_number(key, 0), None)  # the one that waits
    waits.clear()
    try:
        response = visitor.post(URL + "process_money/", {"place": "farm"})
    finally:
        locks.release(key)
        locks._give_back(session_lock.slot_number(key, 0))
    assert response.status_code == 429
    assert "Too many clicks at once" in response.content.decode()
    # It tried the lock and the waiter slot, and never waited for anything.
    assert waits == [None, None]
    assert moves(visitor) == 1


def test_with_no_waiters_allowed_a_busy_session_is_refused_at_once(playing, settings):
    visitor, locks, key = playing
    settings.COURSEWARE_SESSION_LOCK_WAITERS = 0
    settings.COURSEWARE_SESSION_LOCK_WAIT = 60
    locks.acquire(key)
    try:
        # With no room to wait, a wait of 60 s is never started.
        response = visitor.post(URL + "process_money/", {"place": "farm"})
    finally:
        locks.release(key)
    assert response.status_code == 429
    assert visitor.post(URL + "process_money/", {"place": "farm"}).status_code == 302
    assert moves(visitor) == 2


def test_a_waiter_gives_its_slot_back_whether_it_got_the_lock_or_not(playing):
    visitor, locks, key = playing
    locks.acquire(key)
    try:
        # Times out waiting (0.05 s): refused, and its slot is free again.
        assert (
            visitor.post(URL + "process_money/", {"place": "farm"}).status_code == 429
        )
    finally:
        locks.release(key)
    assert visitor.post(URL + "process_money/", {"place": "farm"}).status_code == 302
    # Nothing is left held in this process: no lock, no slot.
    assert session_lock._LOCAL._entries == {}


def test_one_visitors_lock_never_holds_up_another(playing):
    visitor, locks, key = playing
    other = Client()
    other.post(URL + "process_money/", {"place": "cave"})
    locks.acquire(key)
    try:
        assert other.post(URL + "process_money/", {"place": "cave"}).status_code == 302
        assert other.get(URL).status_code == 200
    finally:
        locks.release(key)
    assert moves(other) == 2


def test_lock_numbers_differ_per_session_and_fit_an_advisory_lock():
    numbers = {session_lock.lock_number(f"session{n:04d}") for n in range(1000)}
    assert len(numbers) == 1000
    assert all(0 <= number < 2**63 for number in numbers)


# --- Real servers ------------------------------------------------------------------


def wait_until_listening(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"The server exited early: {server.stderr.read().decode()[-2000:]}"
            )
        try:
            with socket_to(port):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("The server did not start listening in time.")


def socket_to(port):
    return socket.create_connection(("127.0.0.1", port), timeout=0.5)


SERVERS = {
    # Two processes of eight threads: the requests really run at the same time.
    "sqlite": ("courseware.settings", 2),
    # One process, so the local-memory cache is shared like Redis would be.
    "sqlite-cached_db": ("tests.settings_cached_db", 1),
    "postgresql": ("courseware.settings", 2),
}


class Server:
    def __init__(self, kind, port, sqlite_path, database_url):
        self.kind = kind
        self.port = port
        self.sqlite_path = sqlite_path
        self.database_url = database_url

    def hold(self, session_key):
        """Take a session's lock from outside the server, as another worker would."""
        if self.database_url:
            link = psycopg.connect(
                self.database_url.replace("postgres://", "postgresql://"),
                autocommit=True,
            )
            link.execute(
                "SELECT pg_advisory_lock(%s)", [session_lock.lock_number(session_key)]
            )
            return link.close
        locks = session_lock._FileLocks(self.sqlite_path + ".session-locks")
        number = session_lock.lock_number(session_key)
        assert locks.acquire(number, time.monotonic() + 5)
        return lambda: locks.release(number)


def migrate(env):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


@pytest.fixture(scope="module")
def migrated_sqlite(django_db_setup):
    """An empty, migrated SQLite database for both SQLite servers to copy.

    This test process's own test database: pytest-django migrated it with
    the same apps when the run started, and every test leaves it empty
    again (rolled back, or flushed). A copy is what another migrate would
    make, without a Django start-up and every migration again. The SQLite
    servers' tests are marked ``django_db`` (``SERVER_KINDS``) so that the
    test database exists even when they are the only tests selected.
    """
    # Never a developer's own database.
    assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]
    return connection.settings_dict["NAME"]


def copy_database(source, target):
    # SQLite's backup, not a file copy: what migrate committed may still be
    # in the write-ahead log beside the file.
    with (
        closing(sqlite3.connect(source)) as original,
        closing(sqlite3.connect(target)) as copy,
    ):
        original.backup(copy)


# The SQLite servers start from a copy of the test database (migrated_sqlite).
SERVER_KINDS = [
    pytest.param(kind, marks=[pytest.mark.django_db] if kind != "postgresql" else [])
    for kind in SERVERS
]


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request, tmp_path_factory):
    settings_module, workers = SERVERS[request.param]
    sqlite_path = str(tmp_path_factory.mktemp("server") / "db.sqlite3")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_DEBUG": "true",
        "COURSEWARE_INSPECTOR": "1",
        "COURSEWARE_SQLITE_PATH": sqlite_path,
        # Long enough for a busy machine: these tests prove nothing is lost,
        # the bounded wait is tested above.
        "COURSEWARE_SESSION_LOCK_WAIT": "60",
        "COURSEWARE_SESSION_LOCK_WAITERS": "200",
    }
    env.pop("DATABASE_URL", None)
    database_url = ""
    if request.param == "postgresql":
        # An empty database of its own (tests/servers.py), used by no other
        # module: migrate alone makes it ready, with nothing to flush.
        database_url = request.getfixturevalue("postgres_url")
        env["DATABASE_URL"] = database_url
        migrate(env)
    else:
        copy_database(request.getfixturevalue("migrated_sqlite"), sqlite_path)
    with gunicorn(env, workers) as port:
        server = Server(request.param, port, sqlite_path, database_url)
        server.env = env
        yield server


@contextmanager
def gunicorn(env, workers):
    """gunicorn on a free loopback port, with ``workers`` processes of 8 threads.

    Preloaded: the master imports Django and the site once and forks its
    workers from that, instead of each worker importing them again (about
    a second of CPU per worker). Loading opens no database connection and
    starts no thread, so each worker still has its own connections and
    locks, as without it.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "courseware.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "8",
        "--preload", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stderr=subprocess.PIPE)
    try:
        wait_until_listening(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


class Visitor:
    """One browser's worth of cookies, sending the CSRF token as site.js does."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.lock = threading.Lock()

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        with self.lock:
            sent = {
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **(headers or {}),
            }
            token = self.cookies.get("csrftoken", "")
        body = None
        if method == "POST":
            body = urlencode(fields or {}, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = token
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode()
        with self.lock:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        connection.close()
        return response.status, text, response.headers.get("Location", "")

    def click(self, path, fields, stage):
        """An embedded demo's POST, and the GET that follows its redirect, as htmx sends them."""
        headers = {"HX-Request": "true", "HX-Target": stage}
        status, _, location = self.request("POST", path, fields, headers)
        if status != 302:
            return status, ""
        status, html, _ = self.request("GET", location, headers=headers)
        return status, html

    def board(self):
        status, html, _ = self.request("GET", URL, headers={"HX-Request": "true"})
        assert status == 200
        moves = int(
            re.search(r'<span class="gold-moves">(-?\d+)</span>', html).group(1)
        )
        gold = int(re.search(r'<dd class="gold-number">(-?\d+)</dd>', html).group(1))
        amounts = [int(a) for a in re.findall(r'data-amount="(-?\d+)"', html)]
        totals = [int(t) for t in re.findall(r'data-total="(-?\d+)"', html)]
        numbers = [
            int(n)
            for n in re.findall(r'<span class="gold-move">Move (\d+):</span>', html)
        ]
        return moves, gold, amounts, totals, numbers

    def visits(self):
        # Reading the counter is a visit too: the number shown includes it.
        status, html, _ = self.request("GET", COUNTER, headers={"HX-Request": "true"})
        assert status == 200
        return int(re.search(r'<span class="counter-number">(\d+)</span>', html)[1])


def at_once(count, action):
    """Run ``action(i)`` in ``count`` threads released together; their results."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(index):
        start.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def new_visitor_with_a_session(port):
    visitor = Visitor(port)
    visitor.request("GET", URL)  # the CSRF cookie
    status, _, _ = visitor.request("POST", URL + "reset/")  # a session row to share
    assert status == 302 and "sessionid" in visitor.cookies
    return visitor


def assert_consistent(moves, gold, amounts, totals, numbers):
    assert len(amounts) == moves
    assert gold == sum(amounts)
    assert numbers == list(range(moves, 0, -1))
    # Each entry's "total after" is the running sum up to that move.
    running = 0
    for amount, total in zip(reversed(amounts), reversed(totals), strict=True):
        running += amount
        assert total == running


def test_parallel_clicks_following_their_redirects_all_count(server):
    """14 clicks at once, each followed by its GET, inspector on: 14 moves."""
    visitor = new_visitor_with_a_session(server.port)
    results = at_once(
        14,
        lambda i: visitor.click(URL + "process_money/", {"place": "farm"}, STAGE),
    )
    assert [status for status, _ in results] == [200] * 14
    # Every followed GET carried the inspector's panel for its chain.
    assert all("hx-swap-oob" in html for _, html in results)
    moves, gold, amounts, totals, numbers = visitor.board()
    assert moves == 14
    assert_consistent(moves, gold, amounts, totals, numbers)


def test_sixteen_parallel_moves_fill_the_game_and_the_log_matches_the_total(server):
    visitor = new_visitor_with_a_session(server.port)
    # Farm and cave cannot reach 250 gold in 15 moves: the game ends at the move limit.
    results = at_once(
        16, lambda i: visitor.request("POST", URL + "process_money/", {"place": "cave"})
    )
    assert [status for status, _, _ in results] == [302] * 16
    moves, gold, amounts, totals, numbers = visitor.board()
    assert moves == game.MAX_MOVES == 15
    assert_consistent(moves, gold, amounts, totals, numbers)


def test_mixed_demos_on_one_session_lose_nothing(server):
    """Ninja Gold, Email Validation and the counter clicked at once on one session."""
    visitor = new_visitor_with_a_session(server.port)

    def act(i):
        if i % 3 == 0:
            return visitor.click(URL + "process_money/", {"place": "house"}, STAGE)
        if i % 3 == 1:
            return visitor.click(
                EMAILS,
                {"email": f"reader{i}@example.com"},
                "demo-email-validation-1-stage",
            )
        status, _, _ = visitor.request("GET", COUNTER, headers={"HX-Request": "true"})
        return status, ""

    results = at_once(27, act)
    assert [status for status, _ in results] == [200] * 27
    moves, *_ = visitor.board()
    assert moves == 9
    _, html, _ = visitor.request("GET", EMAILS + "success/")
    assert len(re.findall(r'<span class="address-email">', html)) == 9
    # Nine counted visits, plus the one this read counts.
    assert visitor.visits() == 10


def test_a_hundred_parallel_counter_visits_all_count(server):
    visitor = new_visitor_with_a_session(server.port)
    results = at_once(
        100,
        lambda i: visitor.request("GET", COUNTER, headers={"HX-Request": "true"})[0],
    )
    assert results == [200] * 100
    assert visitor.visits() == 101


def test_two_visitors_in_parallel_keep_separate_games(server):
    first = new_visitor_with_a_session(server.port)
    second = new_visitor_with_a_session(server.port)
    results = {}

    def play(name, visitor, count):
        at_once(
            count,
            lambda i: visitor.click(URL + "process_money/", {"place": "house"}, STAGE),
        )
        results[name] = visitor.board()

    threads = [
        threading.Thread(target=play, args=("first", first, 5)),
        threading.Thread(target=play, args=("second", second, 9)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert results["first"][0] == 5 and results["second"][0] == 9
    assert_consistent(*results["first"])
    assert_consistent(*results["second"])


def test_a_held_lock_stops_only_its_own_visitor(server):
    """While another worker holds A's lock, A's click waits and B's does not."""
    a = new_visitor_with_a_session(server.port)
    b = new_visitor_with_a_session(server.port)
    release = server.hold(a.cookies["sessionid"])
    waiting = threading.Thread(
        target=a.request, args=("POST", URL + "process_money/", {"place": "farm"})
    )
    try:
        waiting.start()
        status, _, _ = b.request("POST", URL + "process_money/", {"place": "farm"})
        assert status == 302
        assert b.board()[0] == 1
        assert waiting.is_alive()
    finally:
        release()
    waiting.join(timeout=120)
    assert a.board()[0] == 1


# --- One visitor's flood -----------------------------------------------------------


@pytest.fixture(scope="module")
def flood_server(server):
    """A second server on the same database, with the shipped limits: one waiter.

    The wait is long here so that the one waiter provably gets its turn once
    the lock is free, however busy the machine.
    """
    if server.kind == "sqlite-cached_db":
        pytest.skip("the rule does not depend on the session engine")
    env = {
        **server.env,
        "COURSEWARE_SESSION_LOCK_WAITERS": "1",
        "COURSEWARE_SESSION_LOCK_WAIT": "120",
    }
    with gunicorn(env, 2) as port:
        yield Server(server.kind, port, server.sqlite_path, server.database_url)


def test_a_flood_on_one_session_gets_one_waiter_and_429s_at_once(flood_server):
    """12 clicks at once while the session is busy: 11 refused at once, 1 waits.

    The session's lock is held from outside, as another worker (or app
    server) running this visitor's request would. Of the flood, one request
    takes the waiter slot and the other eleven are answered 429 while the
    lock is still held, so they never waited. Another visitor is served
    meanwhile. Once the lock is free the waiter is applied, and the board
    shows exactly the moves that were answered with a redirect.
    """
    a = new_visitor_with_a_session(flood_server.port)
    b = new_visitor_with_a_session(flood_server.port)
    answers = []
    answered = threading.Condition()

    def click(i):
        status, html, _ = a.request("POST", URL + "process_money/", {"place": "farm"})
        with answered:
            answers.append((status, html))
            answered.notify_all()
        return status

    release = flood_server.hold(a.cookies["sessionid"])
    threads = [threading.Thread(target=click, args=(i,)) for i in range(12)]
    try:
        for thread in threads:
            thread.start()
        with answered:
            answered.wait_for(lambda: len(answers) >= 11, timeout=120)
            refused = list(answers)
        # Another visitor is not held up by the flood.
        assert b.request("POST", URL + "process_money/", {"place": "farm"})[0] == 302
        assert b.board()[0] == 1
    finally:
        release()
    for thread in threads:
        thread.join(timeout=180)
    assert [status for status, _ in refused] == [429] * 11
    assert all("Too many clicks at once" in html for _, html in refused)
    assert sorted(status for status, _ in answers) == [302] + [429] * 11
    # Nothing lost, nothing applied by a refused request.
    moves, gold, amounts, totals, numbers = a.board()
    assert moves == 1
    assert_consistent(moves, gold, amounts, totals, numbers)
