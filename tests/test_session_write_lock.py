"""No session change is lost when one visitor's requests overlap.

Django's session is read at the start of a request and written whole at
the end, so two overlapping requests can both read "3 moves" and both write
"4 moves". sandbox_apps.middleware.SessionWriteLockMiddleware queues them.

The proof runs a real server (gunicorn, several processes and threads, on
its own SQLite file, or on the database named by
COURSEWARE_TEST_SERVER_DATABASE_URL) and fires many Ninja Gold moves at
once on one session, then checks that every move counted and that the
total is the sum of the log.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from sandbox_apps.middleware import SessionWriteLockMiddleware
from sandbox_apps.ninja_gold import game

BASE_DIR = Path(__file__).resolve().parent.parent
URL = "/sandbox/ninja-gold/"


# --- Which requests are queued ------------------------------------------------------


def lock_needed(method, path):
    middleware = SessionWriteLockMiddleware(lambda request: None)
    return middleware.needs_lock(RequestFactory().generic(method, path))


def test_session_changing_requests_to_session_apps_are_queued():
    assert lock_needed("POST", URL + "process_money/")
    assert lock_needed("POST", "/sandbox/session-counter/add/")
    assert lock_needed("DELETE", URL + "reset/")


def test_reads_and_other_apps_are_not_queued():
    assert not lock_needed("GET", URL)
    assert not lock_needed("HEAD", URL)
    # Disappearing Ninjas keeps no state in the session.
    assert not lock_needed("POST", "/sandbox/disappearing-ninjas/")
    assert not lock_needed("POST", "/sandbox/no-such-demo/")
    assert not lock_needed("POST", "/lessons/sessions/")


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
def test_it_refuses_to_start_without_session_rows_to_lock():
    with pytest.raises(ImproperlyConfigured):
        SessionWriteLockMiddleware(lambda request: None)


# --- A real server ---------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"The server exited early: {server.stderr.read().decode()[-2000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("The server did not start listening in time.")


SERVERS = {
    # Two processes of eight threads: the requests really run at the same time.
    "db": ("courseware.settings", 2),
    # One process, so the local-memory cache is shared like Redis would be.
    "cached_db": ("tests.settings_cached_db", 1),
}


@pytest.fixture(scope="module", params=SERVERS.keys())
def server(request, tmp_path_factory):
    settings_module, workers = SERVERS[request.param]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_DEBUG": "true",
        "COURSEWARE_SQLITE_PATH": str(tmp_path_factory.mktemp("server") / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    if os.environ.get("COURSEWARE_TEST_SERVER_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["COURSEWARE_TEST_SERVER_DATABASE_URL"]
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "courseware.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "8",
        "--log-level", "warning",
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

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if method == "POST":
            body = urlencode(fields or {}, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, text

    def board(self):
        status, html = self.request("GET", URL, headers={"HX-Request": "true"})
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


def fire_at_once(visitor, count, place):
    """``count`` POSTs released together from as many threads; their statuses."""
    start = threading.Barrier(count)
    statuses = []

    def move():
        start.wait()
        status, _ = visitor.request("POST", URL + "process_money/", {"place": place})
        statuses.append(status)

    threads = [threading.Thread(target=move) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def new_visitor_with_a_session(port):
    visitor = Visitor(port)
    visitor.request("GET", URL)  # the CSRF cookie
    status, _ = visitor.request("POST", URL + "reset/")  # a session row to share
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


def test_twelve_parallel_moves_on_one_session_all_count(server):
    visitor = new_visitor_with_a_session(server)
    statuses = fire_at_once(visitor, 12, "farm")
    assert statuses == [302] * 12
    moves, gold, amounts, totals, numbers = visitor.board()
    assert moves == 12
    assert_consistent(moves, gold, amounts, totals, numbers)


def test_sixteen_parallel_moves_fill_the_game_and_the_log_matches_the_total(server):
    visitor = new_visitor_with_a_session(server)
    # Farm and cave cannot reach 500 gold, so the game ends at the move limit.
    statuses = fire_at_once(visitor, 16, "cave")
    assert statuses == [302] * 16
    moves, gold, amounts, totals, numbers = visitor.board()
    assert moves == game.MAX_MOVES == 15
    assert_consistent(moves, gold, amounts, totals, numbers)


def test_two_visitors_in_parallel_keep_separate_games(server):
    first = new_visitor_with_a_session(server)
    second = new_visitor_with_a_session(server)
    results = {}

    def play(name, visitor, count):
        fire_at_once(visitor, count, "house")
        results[name] = visitor.board()

    threads = [
        threading.Thread(target=play, args=("first", first, 5)),
        threading.Thread(target=play, args=("second", second, 9)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results["first"][0] == 5 and results["second"][0] == 9
    assert_consistent(*results["first"])
    assert_consistent(*results["second"])
