"""Benchmark: CPU per sandbox request inside one Django process, git REF (A) against this tree (B).

For changes worth a few percent. Through gunicorn and wrk on a shared
machine they drown in the noise: in one `bench/clicks.py --against` run,
the hello view's CPU differed by 3% between A and B while neither had
changed it. Here each tree runs in a Python process of its own, with
production settings on a throwaway SQLite database, and no gunicorn,
sockets or load generator share the machine with it. The two processes
take turns, a few hundred requests at a time, A B, B A, A B, ..., and
each round's B/A comes from two turns measured one after the other, so a
machine that speeds up or slows down falls on both.

The requests are what a reader's browser sends from a lesson (htmx
headers, a session, the CSRF token):

- hello: the hello-world view (COURSEWARE_BENCH);
- POST: a Ninja Gold move, with a new Idempotency-Key, every 15th a New
  game so the game never ends, as in bench/clicks.py;
- click: that POST and the GET its redirect names, with the cookies the
  POST set (the inspector's trace cookie among them).

CPU is the process's (time.process_time) per request. It leaves out what
gunicorn does around each request (parsing, the access log, the socket),
which bench/clicks.py measures: a change to the size of what is sent
shows there, not here.

    .venv/bin/python bench/inprocess.py                  # HEAD (A) against this tree (B)
    .venv/bin/python bench/inprocess.py --against main~3 --rounds 40
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import PYTHON, ROOT, production_env, reference_tree

NINJA = "/sandbox/ninja-gold/"
STAGE = "demo-ninja-gold-1-stage"
HOST = "127.0.0.1"  # production_env's only allowed host
KINDS = ("hello", "POST", "click")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", default="HEAD", metavar="REF")
    parser.add_argument("--rounds", type=int, default=24)
    parser.add_argument(
        "--requests", type=int, default=300, help="requests per turn and kind"
    )
    parser.add_argument("--visitor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.visitor:
        visitor()
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        reference_tree(args.against, Path(tmp) / "ref") as ref_tree,
    ):
        trees = {"A": ref_tree, "B": ROOT}
        processes = {
            name: start(tree, Path(tmp) / name) for name, tree in trees.items()
        }
        try:
            compare(processes, args)
        finally:
            for process in processes.values():
                process.stdin.close()
                process.wait(timeout=30)


def start(tree: Path, folder: Path) -> subprocess.Popen:
    """A process that serves ``tree`` in-process and answers measuring orders."""
    folder.mkdir()
    env = production_env(
        str(folder),
        COURSEWARE_BENCH="1",
        COURSEWARE_INSPECTOR="1",
        COURSEWARE_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="courseware.settings",
    )
    return subprocess.Popen(
        [PYTHON, str(Path(__file__).resolve()), "--visitor"],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def compare(processes: dict, args) -> None:
    print(f"Preparing A ({args.against}) and B (this tree) ...", flush=True)
    for process in processes.values():
        # Each says "ready" once its database is migrated and a visitor has a session.
        if process.stdout.readline().strip() != "ready":
            sys.exit("A visitor process failed to start; see its error above.")
    ms = {name: {kind: [] for kind in KINDS} for name in processes}
    for number in range(args.rounds):
        order = list(processes) if number % 2 == 0 else list(processes)[::-1]
        for kind in KINDS:
            for name in order:
                ms[name][kind].append(measure(processes[name], kind, args.requests))
        print(f"round {number + 1} of {args.rounds}", end="\r", flush=True)

    print(
        f"\nA is {args.against}, B this tree; {args.rounds} rounds of {args.requests}"
        " requests of each kind, in one process per tree.\nms is CPU per request"
        " (per POST+GET pair for a click), the median over the rounds; B/A is the"
        " median of the rounds' ratios,\nwith the middle half of them in brackets.\n"
    )
    print(
        f"| {'figure':<15} | {'A':>7} | {'B':>7} | {'B/A':>6} | {'middle half':>13} |"
    )
    print(f"|{'-' * 17}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 15}|")
    figures = {f"{kind} ms": (lambda data, kind=kind: data[kind]) for kind in KINDS}
    for kind in ("POST", "click"):
        figures[f"{kind} / hello"] = lambda data, kind=kind: [
            value / hello
            for value, hello in zip(data[kind], data["hello"], strict=True)
        ]
    for figure, values in figures.items():
        a, b = values(ms["A"]), values(ms["B"])
        ratios = sorted(y / x for x, y in zip(a, b, strict=True))
        quarter = len(ratios) // 4
        print(
            f"| {figure:<15} | {statistics.median(a):>7.3f} | {statistics.median(b):>7.3f}"
            f" | {statistics.median(ratios):>6.3f} |"
            f" {ratios[quarter]:>5.3f}-{ratios[-1 - quarter]:<5.3f} |"
        )


def measure(process, kind: str, count: int) -> float:
    process.stdin.write(f"{kind} {count}\n")
    process.stdin.flush()
    return float(process.stdout.readline())


# --- Inside each tree's process -------------------------------------------------


def visitor():
    """Prepare this tree's site, then run the orders read from stdin, one per line."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    browser = Browser(get_wsgi_application())
    browser.start_a_game()
    run = {"hello": browser.hello, "POST": browser.post, "click": browser.click}
    # Warm: the first requests compile templates and fill caches.
    for action in run.values():
        for _ in range(100):
            action()
    print("ready", flush=True)
    for line in sys.stdin:
        kind, count = line.split()
        started = time.process_time()
        for _ in range(int(count)):
            run[kind]()
        print((time.process_time() - started) / int(count) * 1000, flush=True)


class Browser:
    """One visitor of a lesson's Ninja Gold demo, talking to the WSGI app directly."""

    def __init__(self, app):
        self.app = app
        self.cookies: dict[str, str] = {}
        self.moves = 0

    def request(self, method: str, path: str, headers=None, body: bytes = b""):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": HOST,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = response_headers

        b"".join(self.app(environ, start_response))
        for name, value in answer["headers"]:
            if name == "Set-Cookie":
                self.remember(value)
        return answer["status"]

    def remember(self, header: str) -> None:
        pair, _, attributes = header.strip().partition(";")
        name, _, value = pair.partition("=")
        if "max-age=0" in attributes.lower():
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def start_a_game(self) -> None:
        self.request("GET", NINJA)  # the CSRF cookie
        self.expect(302, self.request("POST", NINJA + "reset/", self.form_headers()))

    def form_headers(self) -> dict:
        return {
            "HTTP_X_CSRFTOKEN": self.cookies["csrftoken"],
            "HTTP_ORIGIN": f"http://{HOST}",
            "HTTP_HX_REQUEST": "true",
            "HTTP_HX_TARGET": STAGE,
            "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        }

    def hello(self) -> None:
        self.expect(200, self.request("GET", "/bench/hello/"))

    def post(self) -> None:
        self.moves += 1
        path = "reset/" if self.moves % 15 == 0 else "process_money/"
        status = self.request("POST", NINJA + path, self.form_headers(), b"place=farm")
        self.expect(302, status)

    def click(self) -> None:
        self.post()
        headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": STAGE}
        self.expect(200, self.request("GET", NINJA, headers))

    @staticmethod
    def expect(wanted: int, status: int) -> None:
        if status != wanted:
            raise SystemExit(
                f"Expected {wanted}, got {status}: the benchmark would mislead."
            )


if __name__ == "__main__":
    main()
