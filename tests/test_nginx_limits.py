"""The shipped nginx config's limits on the demos (deploy/nginx.conf).

nginx runs with the very file operators install (bench/cluster.py swaps in
ports and folders), in front of a stub app server that holds every request
until the test lets it go: so "at most 2 at once per session" can be seen
without timing anything.
"""

import http.client
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.servers import free_port

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from cluster import Nginx  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="needs Debian's nginx")


class Upstream:
    """An app server that counts what reaches it and answers only when told."""

    def __init__(self):
        self.arrived = []
        self.changed = threading.Condition()
        self.go = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with upstream.changed:
                    upstream.arrived.append(self.path)
                    upstream.changed.notify_all()
                upstream.go.wait(timeout=60)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count):
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.arrived) >= count, 60)

    def close(self):
        self.go.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxied(tmp_path):
    upstream = Upstream()
    nginx = Nginx(tmp_path, [upstream.port], tmp_path / "static")
    nginx.port = free_port()
    nginx.start()
    try:
        yield nginx.port, upstream
    finally:
        upstream.close()
        nginx.stop()


def send(port, method, path, session, answers, answered):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    connection.request(
        method,
        path,
        body=b"place=farm" if method == "POST" else None,
        headers={"Host": f"127.0.0.1:{port}", "Cookie": f"sessionid={session}"},
    )
    response = connection.getresponse()
    answer = (
        path,
        response.status,
        response.headers.get("Retry-After"),
        response.read().decode(),
    )
    connection.close()
    with answered:
        answers.append(answer)
        answered.notify_all()


def test_one_session_gets_two_demo_requests_at_once_and_429s_for_the_rest(proxied):
    port, upstream = proxied
    answers, answered = [], threading.Condition()

    def start(method, path, session):
        thread = threading.Thread(
            target=send, args=(port, method, path, session, answers, answered)
        )
        thread.start()
        return thread

    flood = [
        start("POST", "/sandbox/ninja-gold/process_money/", "flooder") for _ in range(6)
    ]
    upstream.wait_for(2)
    # Another visitor's click, and the flooder's own lesson pages (their
    # path is not limited), still reach the app server.
    others = [start("POST", "/sandbox/ninja-gold/process_money/", "reader")]
    others += [start("GET", f"/lessons/views/?n={n}", "flooder") for n in range(3)]
    upstream.wait_for(6)
    with answered:
        assert answered.wait_for(lambda: len(answers) >= 4, 60)
        refused = list(answers)
    # While two are held upstream, the other four were answered at once.
    assert [status for _, status, _, _ in refused] == [429] * 4
    assert all(path.startswith("/sandbox/") for path, *_ in refused)
    assert all(retry == "1" for _, _, retry, _ in refused)
    assert all("Too many clicks at once" in body for *_, body in refused)
    upstream.go.set()
    for thread in flood + others:
        thread.join(timeout=90)
    assert sorted(status for _, status, _, _ in answers) == [200] * 6 + [429] * 4
    assert sorted(upstream.arrived).count("/sandbox/ninja-gold/process_money/") == 3
