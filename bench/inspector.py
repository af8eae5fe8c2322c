"""Benchmark: what the inspector costs a sandbox request.

Starts gunicorn twice with production settings on a throwaway SQLite
database, once with the inspector (COURSEWARE_INSPECTOR=1) and once without
(=0), and drives each with wrk:

- an embedded demo's POST (session counter "Add 2": CSRF token, session,
  HX-Request and HX-Target headers, answered with a 302), sent by a Lua
  script; each wrk thread has its own session;
- the embedded demo's GET (the fragment, plus the panel out of band when
  the inspector is on).

It prints requests per second for each and the ratio off/on; the goal is
at most 1.2x. Ratios are what to compare between machines.

    .venv/bin/python bench/inspector.py
    .venv/bin/python bench/inspector.py --duration 20 --workers 2 --port 8200

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from common import (
    PYTHON,
    ROOT,
    SESSIONS_LUA,
    manage,
    production_env,
    require_wrk,
    run_wrk,
    wait_until_up,
)

PORT = 8766
COUNTER = "/sandbox/session-counter/"
STAGE = "demo-session-counter-1-stage"
REQUESTS = [
    ("POST add (302)", "POST", COUNTER + "add/"),
    ("GET fragment (200)", "GET", COUNTER),
]

# One session and CSRF token per wrk thread, handed over in setup(); every
# request is what an embedded demo sends: the POST of its "Add 2" button, or
# the GET of its fragment.
SCRIPT = (
    SESSIONS_LUA
    + """

function init(args)
  if "%(method)s" == "POST" then
    wrk.method = "POST"
    wrk.body = "amount=2"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["X-CSRFToken"] = token
  end
  wrk.headers["Cookie"] = cookie
  wrk.headers["HX-Request"] = "true"
  wrk.headers["HX-Target"] = "%(stage)s"
end
"""
)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per run"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--port", type=int, default=PORT, help="first of two loopback ports to use"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs; the best counts"
    )
    args = parser.parse_args()

    require_wrk()

    switches = {
        "inspector off": ("0", args.port),
        "inspector on": ("1", args.port + 1),
    }
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(tmp)
        manage(env, ["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"])
        # Both servers run at once and the runs alternate, so a busy moment
        # on a shared machine hurts both sides alike; the best round counts.
        servers = [
            start(env | {"COURSEWARE_INSPECTOR": switch}, port, args)
            for switch, port in switches.values()
        ]
        try:
            scripts = {}
            for label, (switch, port) in switches.items():
                base = f"http://127.0.0.1:{port}"
                # A busy shared machine can take a while to boot two servers.
                wait_until_up(base + COUNTER, timeout=120)
                check_inspector(base, switch == "1")
                sessions = [new_session(base) for _ in range(args.threads)]
                listed = ", ".join(
                    f'{{"{cookie}", "{token}"}}' for cookie, token in sessions
                )
                for method in ("POST", "GET"):
                    script = SCRIPT % {
                        "sessions": listed,
                        "stage": STAGE,
                        "method": method,
                    }
                    scripts[(label, method)] = write_script(
                        tmp, f"{port}-{method}.lua", script
                    )
            for _ in range(args.rounds):
                for request, method, path in REQUESTS:
                    for label, (_switch, port) in switches.items():
                        measured = wrk(
                            f"http://127.0.0.1:{port}{path}",
                            scripts[(label, method)],
                            args,
                        )
                        best = results.get((label, request))
                        if best is None or measured[0] > best[0]:
                            results[(label, request)] = measured
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=30)

    print(
        f"\n{args.workers} gunicorn workers, {args.threads} wrk threads, "
        f"{args.connections} connections, {args.duration} s per run, best of {args.rounds} rounds\n"
    )
    print(
        f"| {'request':<20} | {'off req/s':>9} | {'on req/s':>9} | {'off/on':>6} | {'on p50 ms':>9} |"
    )
    print(f"|{'-' * 22}|{'-' * 11}|{'-' * 11}|{'-' * 8}|{'-' * 11}|")
    for request, _method, _path in REQUESTS:
        off = results[("inspector off", request)]
        on = results[("inspector on", request)]
        ratio = off[0] / on[0] if on[0] else float("inf")
        errors = off[3] + on[3]
        note = f"  ({errors} unexpected statuses)" if errors else ""
        print(
            f"| {request:<20} | {off[0]:>9.0f} | {on[0]:>9.0f} | {ratio:>5.2f}x | {on[1]:>9.2f} |{note}"
        )
    print("\nGoal: off/on <= 1.20x.")


def start(env, port, args):
    return subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "courseware.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers),
            "--no-control-socket",
            "--access-logfile", "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip


def new_session(base):
    """A visitor's cookies and CSRF token, from one visit to the demo's page.

    The cookies are marked Secure (production settings), so they are read
    from the headers rather than through a cookie jar that would refuse them
    over plain HTTP.
    """
    with urllib.request.urlopen(base + COUNTER, timeout=5) as response:
        cookies = dict(
            header.split(";", 1)[0].split("=", 1)
            for header in response.headers.get_all("Set-Cookie")
        )
    return "; ".join(f"{name}={value}" for name, value in cookies.items()), cookies[
        "csrftoken"
    ]


def check_inspector(base, expected):
    """The switch really switched: the fragment carries the panel only when on."""
    request = urllib.request.Request(
        base + COUNTER, headers={"HX-Request": "true", "HX-Target": STAGE}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        has_panel = b"hx-swap-oob" in response.read()
    if has_panel != expected:
        sys.exit(
            f"Expected the inspector {'on' if expected else 'off'}, but it was not."
        )


def write_script(directory, name, text):
    path = Path(directory) / name
    path.write_text(text)
    return str(path)


def wrk(url, script, args):
    return run_wrk(
        [
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "-s",
            script,
            url,
        ]
    )


if __name__ == "__main__":
    main()
