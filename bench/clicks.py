"""Benchmark: what a sandbox click costs, and whether logins stall others.

Starts gunicorn with production settings (2 sync workers by default, the
inspector on) on a throwaway SQLite database, or on the database named by
--database-url, and measures with wrk:

1. Clicks: a Ninja Gold POST as an embedded demo sends it (session and CSRF
   cookies, X-CSRFToken, HX-Request, HX-Target, a new Idempotency-Key per
   click), one session per wrk connection, every 14th POST a New game so
   the game never ends; against
   the hello-world view in the same run. Reports p99 latency and the
   server's CPU time per request (the workers' user+system time from /proc
   divided by the requests served). Goals: p99 <= 2x hello, CPU <= 3x.
2. A login flood: --flood connections post wrong passwords to the login
   demo without pause (each one hashes with Argon2; the throttles are
   raised so every try is hashed), while other visitors click Ninja Gold
   and read a lesson. Reports their p50/p99 quiet and during the flood.
3. A one-visitor flood: 64 connections click Ninja Gold on ONE session
   while other visitors read a lesson. Reports the lesson's p50/p99 quiet
   and during, and how the flood was answered: one request runs, one
   waits, the rest get a 429 at once (sandbox_apps/session_lock.py).
   Measured twice: straight to gunicorn (the app's rule alone), and
   through the shipped nginx config (deploy/nginx.conf: its per-session
   limit refuses the excess before gunicorn), if nginx is installed.

    .venv/bin/python bench/clicks.py
    .venv/bin/python bench/clicks.py --duration 20 --rounds 3
    .venv/bin/python bench/clicks.py --only flood --database-url postgres://...
    .venv/bin/python bench/clicks.py --only clicks --port 8200
    .venv/bin/python bench/clicks.py --against main --rounds 6 --duration 8
    .venv/bin/python bench/clicks.py --only clicks --no-inspector

A click is a POST and the GET its redirect leads to; the POST row is the
goal's measure, the "click" row (each connection alternating a POST and
its GET) says what a whole click costs: CPU per POST+GET pair.

Ratios, not absolute numbers, are what to compare between machines.
Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from common import (
    ROOT,
    SESSIONS_LUA,
    manage,
    production_env,
    reference_tree,
    require_wrk,
    run_wrk,
    start_gunicorn,
    wait_until_up,
)

PORT = 8110
NGINX_PORT = 8111
NINJA = "/sandbox/ninja-gold/"
STAGE = "demo-ninja-gold-1-stage"
LOGIN = "/sandbox/login-registration/"
LESSON = "/lessons/sessions/"

# Ninja Gold moves, every 15th a New game, so the game never ends. Each
# POST carries a new Idempotency-Key of 32 random hex digits, as a demo's
# (static/js/retry.js): the server keeps the last 20 in the session.
MOVES_LUA = """
local moves = 0

local function new_key()
  local parts = {}
  for i = 1, 4 do
    parts[i] = string.format("%%08x", math.random(0, 0x7fffffff))
  end
  return table.concat(parts)
end

function request()
  moves = moves + 1
  if %(follow)s and moves %% 2 == 0 then
    -- The GET the browser sends when it follows the POST's redirect.
    return wrk.format("GET", "%(path)s")
  end
  -- wrk.format sends only the headers it is given: copy the visitor's.
  local headers = {["Idempotency-Key"] = new_key()}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  if moves %% 15 == 0 then
    return wrk.format("POST", "%(path)sreset/", headers, "")
  end
  return wrk.format("POST", "%(path)sprocess_money/", headers, "place=farm")
end
"""

# One session per connection (wrk gives each thread its connections; the
# benchmark runs one connection per thread), handed over in setup().
CLICK_SCRIPT = (
    SESSIONS_LUA
    + """
function init(args)
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRFToken"] = token
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["HX-Request"] = "true"
  wrk.headers["HX-Target"] = "%(stage)s"
end
"""
    + MOVES_LUA
)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs; the median counts"
    )
    parser.add_argument(
        "--flood", type=int, default=2, help="connections posting logins at once"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--only",
        choices=["clicks", "login", "flood"],
        action="append",
        help="run only these parts (repeatable); all three by default",
    )
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--no-inspector",
        action="store_true",
        help="serve without the inspector (COURSEWARE_INSPECTOR=0): what the "
        "rest of a click costs, the goal's measure being with it on",
    )
    parser.add_argument(
        "--against",
        metavar="REF",
        help="A/B: measure the clicks on git REF (A) and on this tree (B) in "
        "alternating rounds, each on its own server and database (port and "
        "port+1), and print B/A; only the clicks part runs",
    )
    args = parser.parse_args()
    parts = set(args.only or ["clicks", "login", "flood"])

    require_wrk()
    if args.against:
        if args.database_url:
            parser.error("--against makes its own SQLite databases")
        against(args)
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        click_server(tmp, args.port, args) as server,
    ):
        if "clicks" in parts:
            clicks(server, args)
        if "login" in parts:
            login_flood(server.base, server.click_script, args)
        if "flood" in parts:
            one_visitor_flood(server.base, tmp, args)


@contextlib.contextmanager
def click_server(tmp, port, args, root=ROOT):
    """gunicorn serving the source tree ``root`` on a fresh database in ``tmp``,
    with the wrk scripts of ``args.connections`` visitors who have a session."""
    extra = {
        "COURSEWARE_BENCH": "1",
        "COURSEWARE_INSPECTOR": "0" if args.no_inspector else "1",
        # The flood's 400s would fill the output with "Bad Request" lines.
        "COURSEWARE_LOG_LEVEL": "ERROR",
        # Every flood login must really hash: no throttle refuses it early.
        "COURSEWARE_LOGIN_FAILURES_PER_SANDBOX": "1000000000",
        "COURSEWARE_LOGIN_FAILURES_PER_ADDRESS": "1000000000",
    }
    if args.database_url:
        extra["DATABASE_URL"] = args.database_url
    env = production_env(tmp, **extra)
    manage(
        env,
        ["migrate", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
        ["sync_content"],
        root=root,
    )
    server = start_gunicorn(env, port, args.workers, root, shipped_config=True)
    base = f"http://127.0.0.1:{port}"
    try:
        # Workers warm their page cache before answering; a busy machine is slow.
        wait_until_up(base + "/bench/hello/", timeout=180)
        yield SimpleNamespace(
            base=base,
            pid=server.pid,
            click_script=write_click_script(tmp, base, args.connections),
            follow_script=write_click_script(
                tmp, base, args.connections, "follow.lua", follow=True
            ),
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# --- 1. Clicks against hello ----------------------------------------------------

HELLO, POST, CLICK = "hello", "Ninja Gold POST", "click (POST+GET)"


def clicks_round(server, args):
    """One wrk run of each kind of request: {label: (req/s, p50, p99, CPU ms, errors)}."""
    measured = {}
    for label in (HELLO, POST, CLICK):
        if label == HELLO:
            wrk_args = [server.base + "/bench/hello/"]
        elif label == POST:
            wrk_args = ["-s", server.click_script, server.base + NINJA]
        else:
            wrk_args = ["-s", server.follow_script, server.base + NINJA]
        cpu_before = server_cpu_seconds(server.pid)
        rate, p50, p99, errors = run_wrk(
            [f"-t{args.connections}", f"-c{args.connections}",
             f"-d{args.duration}s", *wrk_args]
        )  # fmt: skip
        cpu = server_cpu_seconds(server.pid) - cpu_before
        requests = rate * args.duration
        if label == CLICK:
            requests /= 2  # CPU per click: a POST and its GET
        measured[label] = (rate, p50, p99, cpu / requests * 1000, errors)
    return measured


def clicks(server, args):
    rounds = [clicks_round(server, args) for _ in range(args.rounds)]
    runs = {label: [measured[label] for measured in rounds] for label in rounds[0]}

    print(
        f"\nClicks: {args.workers} gunicorn workers, {args.connections} connections "
        f"(one session each), inspector {'off' if args.no_inspector else 'on'}, "
        f"{args.duration} s per run, "
        f"median of {args.rounds} rounds\n"
    )
    print(
        f"| {'request':<16} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'CPU ms':>10} |"
    )
    print(f"|{'-' * 18}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 12}|")
    medians = {}
    for label, measured in runs.items():
        rate, p50, p99, cpu = (median([m[i] for m in measured]) for i in range(4))
        errors = sum(m[4] for m in measured)
        medians[label] = (p99, cpu)
        note = f"  ({errors} unexpected statuses)" if errors else ""
        print(
            f"| {label:<16} | {rate:>7.0f} | {p50:>7.2f} | {p99:>7.2f} | {cpu:>10.2f} |{note}"
        )
    hello, post = medians[HELLO], medians[POST]
    click = medians[CLICK]
    print(
        f"\nCPU is per request, and per POST+GET pair on the click row; "
        f"load average {os.getloadavg()[0]:.1f}."
        f"\nNinja Gold POST vs hello: p99 {post[0] / hello[0]:.2f}x (goal <= 2x), "
        f"CPU {post[1] / hello[1]:.2f}x (goal <= 3x)"
        f"\nA whole click (POST + GET) vs hello: p99 {click[0] / hello[0]:.2f}x, "
        f"CPU {click[1] / hello[1]:.2f}x"
    )
    # The medians hide how far single rounds stray on a shared machine: the
    # spread says how much one run of this benchmark can be trusted.
    figures = dict(AB_FIGURES)
    for figure in ("POST p99 / hello", "POST CPU / hello"):
        print(
            f"{figure}, round by round: "
            + ", ".join(f"{figures[figure](measured):.2f}x" for measured in rounds)
        )


# What the A/B table compares, each figure taken from one round's
# measurements of one tree: (name, function of {label: measured}).
AB_FIGURES = [
    ("hello p99 ms", lambda m: m[HELLO][2]),
    ("hello CPU ms", lambda m: m[HELLO][3]),
    ("POST p99 ms", lambda m: m[POST][2]),
    ("POST CPU ms", lambda m: m[POST][3]),
    ("POST p99 / hello", lambda m: m[POST][2] / m[HELLO][2]),
    ("POST CPU / hello", lambda m: m[POST][3] / m[HELLO][3]),
    ("click p99 / hello", lambda m: m[CLICK][2] / m[HELLO][2]),
    ("click CPU / hello", lambda m: m[CLICK][3] / m[HELLO][3]),
]


def against(args):
    """A/B: the clicks on git ``args.against`` (A) and on this tree (B).

    Changes worth a few percent drown in a shared machine's noise between
    runs minutes apart, so both servers run at once and the rounds
    alternate (A B, B A, A B, ...): a load that comes and goes falls on
    both. Only one server is measured at a time; the other sits idle.
    """
    with (
        tempfile.TemporaryDirectory() as tmp,
        reference_tree(args.against, Path(tmp) / "ref") as ref_tree,
        contextlib.ExitStack() as stack,
    ):
        servers = {}
        for number, (name, root) in enumerate({"A": ref_tree, "B": ROOT}.items()):
            folder = Path(tmp) / name
            folder.mkdir()
            servers[name] = stack.enter_context(
                click_server(str(folder), args.port + number, args, root)
            )
        compare(servers, args)


def compare(servers, args):
    runs = {name: [] for name in servers}
    loads = []
    for round_number in range(args.rounds):
        order = list(servers) if round_number % 2 == 0 else list(servers)[::-1]
        for name in order:
            runs[name].append(clicks_round(servers[name], args))
        loads.append(os.getloadavg()[0])
        print(f"round {round_number + 1}, load average {loads[-1]:.1f}", flush=True)
        for name in servers:
            measured = runs[name][-1]
            errors = sum(m[4] for m in measured.values())
            print(
                f"  {name}: "
                + ", ".join(
                    f"{figure} {get(measured):.2f}" for figure, get in AB_FIGURES
                )
                + (f" ({errors} unexpected statuses)" if errors else ""),
                flush=True,
            )

    print(
        f"\nA/B: A is {args.against}, B this tree; {args.workers} gunicorn workers "
        f"each, {args.connections} connections, {args.duration} s per run, "
        f"{args.rounds} alternating rounds, load average "
        f"{min(loads):.1f}-{max(loads):.1f}.\nA and B are medians over the rounds; "
        f"B/A is the median of the rounds' B/A (each pair measured\nside by side, "
        f"so a load that drifts between rounds cancels out).\n"
    )
    print(f"| {'figure':<18} | {'A':>8} | {'B':>8} | {'B/A':>6} |")
    print(f"|{'-' * 20}|{'-' * 10}|{'-' * 10}|{'-' * 8}|")
    for figure, get in AB_FIGURES:
        a = [get(measured) for measured in runs["A"]]
        b = [get(measured) for measured in runs["B"]]
        ratio = median([y / x for x, y in zip(a, b, strict=True)])
        print(
            f"| {figure:<18} | {median(a):>8.2f} | {median(b):>8.2f} | {ratio:>6.3f} |"
        )


def server_cpu_seconds(master_pid):
    """User + system CPU time of the gunicorn master and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(stat.parent.name)
        # After ")": state, ppid, ... utime is field 14 of stat, stime 15.
        if pid == master_pid or int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# --- 2. Other visitors during a login flood ---------------------------------------


def login_flood(base, click_script, args):
    lesson_args = [
        f"-t{args.connections}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
    ]
    quiet = {
        "Ninja Gold POST": run_wrk([*lesson_args, "-s", click_script, base + NINJA]),
        "lesson page": run_wrk([*lesson_args, base + LESSON]),
    }
    stop = threading.Event()
    counts = {}
    flooders = [
        threading.Thread(target=flood, args=(base, stop, counts, n))
        for n in range(args.flood)
    ]
    for thread in flooders:
        thread.start()
    try:
        busy = {
            "Ninja Gold POST": run_wrk(
                [*lesson_args, "-s", click_script, base + NINJA]
            ),
            "lesson page": run_wrk([*lesson_args, base + LESSON]),
        }
    finally:
        stop.set()
        for thread in flooders:
            thread.join(timeout=60)
    statuses = {}
    for per_thread in counts.values():
        for status, count in per_thread.items():
            statuses[status] = statuses.get(status, 0) + count

    print(
        f"\nLogin flood: {args.flood} connections posting wrong passwords "
        f"(answers: {dict(sorted(statuses.items()))}), "
        f"{args.connections} other connections, {args.duration} s per run\n"
    )
    print(
        f"| {'request':<16} | {'quiet p50':>9} | {'quiet p99':>9} | {'flood p50':>9} | {'flood p99':>9} | {'errors':>6} |"
    )
    print(f"|{'-' * 18}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 8}|")
    for label in quiet:
        q, b = quiet[label], busy[label]
        print(
            f"| {label:<16} | {q[1]:>9.2f} | {q[2]:>9.2f} | {b[1]:>9.2f} | {b[2]:>9.2f} | {b[3]:>6} |"
        )


# One session's wrk connections, counting the answers by status (wrk
# itself only counts "non-2xx or 3xx"). Printed by done() as one line.
FLOOD_SCRIPT = (
    """
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["Cookie"] = "%(cookie)s"
  wrk.headers["X-CSRFToken"] = "%(token)s"
  wrk.headers["Origin"] = "%(origin)s"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["HX-Request"] = "true"
  wrk.headers["HX-Target"] = "%(stage)s"
  statuses = {}
end

"""
    + MOVES_LUA
    + """
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, status .. "=" .. count)
  end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\\n")
end
"""
)

# A new query string each time: nginx's one-second page cache cannot
# answer it, so every lesson request reaches Django, as it does without nginx.
LESSON_SCRIPT = """
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("GET", "%(path)s?n=" .. counter)
end
"""


def one_visitor_flood(base, tmp, args):
    rows = [("gunicorn, straight", base)]
    nginx = start_nginx(tmp, args.port) if shutil.which("nginx") else None
    if nginx:
        rows.append(("through nginx", f"http://127.0.0.1:{nginx.port}"))
    lesson_script = Path(tmp) / "lesson.lua"
    lesson_script.write_text(LESSON_SCRIPT % {"path": LESSON})
    print(
        f"\nOne-visitor flood: 64 connections clicking Ninja Gold on one session, "
        f"{args.connections} other connections reading a lesson, "
        f"{args.duration} s per run, load average {os.getloadavg()[0]:.1f}\n"
    )
    print(
        f"| {'path':<18} | {'quiet req/s':>11} | {'quiet p50':>9} | {'quiet p99':>9} "
        f"| {'flood req/s':>11} | {'flood p50':>9} | {'flood p99':>9} "
        f"| {'p99 ratio':>9} | flood answers |"
    )
    print(
        f"|{'-' * 20}|{'-' * 13}|{'-' * 11}|{'-' * 11}|{'-' * 13}|{'-' * 11}"
        f"|{'-' * 11}|{'-' * 11}|---|"
    )
    try:
        for label, url in rows:
            lesson_args = [
                f"-t{args.connections}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "-s",
                str(lesson_script),
                url,
            ]
            quiet = run_wrk(lesson_args)
            cookie, token = new_session(url, NINJA, secure=url != base)
            script = Path(tmp) / "one-visitor.lua"
            script.write_text(
                FLOOD_SCRIPT
                % {
                    "cookie": cookie,
                    "token": token,
                    # Through nginx the request counts as HTTPS (it sends
                    # X-Forwarded-Proto), and Django then checks the Origin.
                    "origin": url.replace("http://", "https://")
                    if url != base
                    else url,
                    "stage": STAGE,
                    "path": NINJA,
                    # Each flood connection posts without pause, as a stuck key would.
                    "follow": "false",
                }
            )
            flooding = subprocess.Popen(
                ["wrk", "-t4", "-c64", f"-d{args.duration + 4}s", "-s", str(script),
                 url + NINJA],
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            try:
                busy = run_wrk(lesson_args)
            finally:
                report = flooding.communicate(timeout=args.duration + 60)[0]
            answers = re.search(r"statuses: (.*)", report)
            if quiet[3] or busy[3]:
                print(
                    f"  ({label}: lesson answers not 2xx/3xx: {quiet[3]} quiet, {busy[3]} flood)"
                )
            # Lesson requests/s matter as much as latency: wrk leaves out
            # of its percentiles the requests it gave up on (after 2 s).
            print(
                f"| {label:<18} | {quiet[0]:>11.0f} | {quiet[1]:>9.2f} | {quiet[2]:>9.2f} "
                f"| {busy[0]:>11.0f} | {busy[1]:>9.2f} | {busy[2]:>9.2f} "
                f"| {busy[2] / quiet[2] if quiet[2] else 0:>8.1f}x "
                f"| {answers[1] if answers else '?'} |"
            )
    finally:
        if nginx:
            nginx.stop()


def start_nginx(tmp, port=PORT):
    """The shipped nginx config in front of the benchmark's gunicorn on ``port``."""
    from cluster import Nginx

    nginx = Nginx(tmp, [port], Path(tmp) / "static")
    nginx.port = port + (NGINX_PORT - PORT)
    return nginx.start()


def flood(base, stop, counts, index):
    """Post wrong passwords from one fresh visitor, as fast as answers come."""
    cookie, token = new_session(base, LOGIN)
    body = b"email=zoe%40example.com&password=wrong+horse"
    counts[index] = {}
    while not stop.is_set():
        request = urllib.request.Request(
            base + LOGIN + "login/",
            data=body,
            headers={
                "Cookie": cookie,
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        counts[index][status] = counts[index].get(status, 0) + 1


# --- Helpers -------------------------------------------------------------------------


def new_session(base, path, secure=False):
    """A visitor's cookies and CSRF token: a visit to a demo's page, then its Reset.

    The Reset (a POST) gives the visitor a stored session, as a real
    visitor's has. Production cookies are marked Secure, so they are read
    from the headers rather than through a cookie jar that would refuse them
    over plain HTTP.
    """
    cookies = {}
    remember(cookies, fetch(base, "GET", path, {}))
    headers = {"Cookie": header(cookies), "X-CSRFToken": cookies["csrftoken"]}
    if secure:
        # Through nginx the request counts as HTTPS, and Django then
        # checks that the Origin is this site.
        headers["Origin"] = base.replace("http://", "https://")
    remember(cookies, fetch(base, "POST", path + "reset/", headers))
    if "sessionid" not in cookies:
        raise SystemExit(f"No session cookie from {path}reset/")
    return header(cookies), cookies["csrftoken"]


def fetch(base, method, path, headers):
    """One request, redirects not followed (their Set-Cookie matters here)."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    connection.request(
        method, path, body=b"" if method == "POST" else None, headers=headers
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def remember(cookies, response):
    for line in response.headers.get_all("Set-Cookie") or []:
        name, value = line.split(";", 1)[0].split("=", 1)
        cookies[name] = value


def header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def write_click_script(tmp, base, count, name="clicks.lua", follow=False):
    sessions = []
    for _ in range(count):
        cookie, token = new_session(base, NINJA)
        sessions.append(f'{{"{cookie}", "{token}"}}')
    script = CLICK_SCRIPT % {
        "sessions": ", ".join(sessions),
        "stage": STAGE,
        "path": NINJA,
        "follow": "true" if follow else "false",
    }
    path = Path(tmp) / name
    path.write_text(script)
    return str(path)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


if __name__ == "__main__":
    main()
