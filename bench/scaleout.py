"""Scale-out drill: the deployment of deploy/README.md, broken on purpose.

Starts PostgreSQL, Redis, two app servers (gunicorn with
deploy/gunicorn.conf.py) and nginx (deploy/nginx.conf) on loopback ports,
has visitors play Ninja Gold and readers read lessons through nginx, and
meanwhile:

1. kills one app server mid-game (SIGKILL, as a machine dies), restarts it;
2. rolls out by reloading both servers one after the other (gunicorn HUP);
3. restarts Redis from a snapshot taken minutes... well, seconds earlier;
4. hangs Redis (SIGSTOP) for a few seconds;
5. stops PostgreSQL for 10 s.

Then it prints what was lost. The goal: 0 moves lost (a click answered
as applied that is missing from the board), 0 moves applied twice, 0
failed lesson GETs, 0 refused POSTs (a 4xx the demo shows without a
retry), and every failed POST was one the visitor saw (a 502/503 the demo
shows with "Try again"; the retry sends the same Idempotency-Key). Finally, unless --quick, wrk measures the throughput of
two app servers against one for a lesson page and a sandbox POST.

    .venv/bin/python bench/scaleout.py           # the full drill, ~3 minutes
    .venv/bin/python bench/scaleout.py --quick   # the drills only (the test suite runs this)

Needs Debian's postgresql, redis-server and nginx (and wrk without --quick).
"""

import argparse
import http.client
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from cluster import (
    ROOT,
    Gunicorn,
    Nginx,
    Postgres,
    Redis,
    missing,
    wait_for,
    worker_pids,
)
from common import manage, production_env, run_wrk

LESSONS = ["/", "/lessons/sessions/", "/lessons/views/", "/lessons/welcome/"]
# The first of DJANGO_ALLOWED_HOSTS below: the host courseware/warmup.py asks for.
WARM_HOST = "127.0.0.1"
MOVES_PER_GAME = 12  # farm pays at most 20: 12 moves never reach the goal.


class Visitor:
    """A browser, reduced to what the drill needs: cookies and htmx headers."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None, headers=None):
        body = urlencode(form) if form is not None else None
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "HX-Request": "true",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
        # Long enough for any answer the proxy would still give: a request
        # that times out here counts as failed.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            return 0, repr(error).encode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, data


@dataclass
class Tally:
    clicks: int = 0
    posts: int = 0
    failed_posts: int = 0
    refused_posts: int = 0
    moves_lost: int = 0
    moves_doubled: int = 0
    games: int = 0
    lesson_gets: int = 0
    slowest_get: float = 0.0
    refused: list = field(default_factory=list)
    failed_by_phase: dict = field(default_factory=dict)
    slowest_by_phase: dict = field(default_factory=dict)
    failed_gets: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts):
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def moves_on_board(visitor: Visitor) -> int | None:
    status, body = visitor.request("GET", "/sandbox/ninja-gold/")
    match = re.search(rb'class="gold-moves"[^>]*>\s*(\d+)', body)
    return int(match.group(1)) if status == 200 and match else None


def send_until_applied(
    visitor: Visitor, path: str, form: dict, tally: Tally, phase: list
) -> bool:
    """POST, and on a failure do what the demo offers: try again, same key.

    True once the click is reported applied (the redirect to the board);
    False if it was refused (a 4xx other than 429: the demo says why and
    offers no retry, so the visitor knows it did not count).
    """
    key = uuid.uuid4().hex
    while True:
        status, body = visitor.request("POST", path, form, {"Idempotency-Key": key})
        tally.add(posts=1)
        if status == 302:
            return True
        if 400 <= status < 500 and status != 429:
            tally.add(refused_posts=1)
            with tally.lock:
                tally.refused.append(f"{phase[0]}: {path} {status} {body[:120]!r}")
            return False
        # 0 (connection lost), 502 (nginx: server died), 500/503 (the
        # database is away), 429 (the session stayed busy too long under
        # load; nothing changed): the demo says so and offers "Try again".
        tally.add(failed_posts=1)
        with tally.lock:
            tally.failed_by_phase[phase[0]] = tally.failed_by_phase.get(phase[0], 0) + 1
        time.sleep(0.3)


def player(port: int, tally: Tally, stop: threading.Event, phase: list) -> None:
    visitor = Visitor(port)
    while moves_on_board(visitor) is None and not stop.is_set():
        time.sleep(0.3)
    while not stop.is_set():
        send_until_applied(visitor, "/sandbox/ninja-gold/reset/", {}, tally, phase)
        applied = 0
        for _ in range(MOVES_PER_GAME):
            applied += send_until_applied(
                visitor,
                "/sandbox/ninja-gold/process_money/",
                {"place": "farm"},
                tally,
                phase,
            )
            tally.add(clicks=1)
            time.sleep(random.uniform(0.05, 0.25))
        board = None
        while board is None:
            board = moves_on_board(visitor)
            if board is None:
                time.sleep(0.3)
        # Lost: reported applied, missing from the board. Doubled: on the
        # board more often than reported (a retry applied twice, or a
        # refused click that was applied after all).
        tally.add(
            games=1,
            moves_lost=max(0, applied - board),
            moves_doubled=max(0, board - applied),
        )


def reader(port: int, tally: Tally, stop: threading.Event, phase: list) -> None:
    visitor = Visitor(port)
    while not stop.is_set():
        path = random.choice(LESSONS)
        started = time.monotonic()
        status, body = visitor.request("GET", path, headers={"HX-Request": "false"})
        took = time.monotonic() - started
        tally.add(lesson_gets=1)
        with tally.lock:
            tally.slowest_get = max(tally.slowest_get, took)
            slowest = tally.slowest_by_phase
            slowest[phase[0]] = round(max(slowest.get(phase[0], 0), took), 2)
        if status != 200:
            with tally.lock:
                tally.failed_gets.append((phase[0], path, status, body[:80]))
        time.sleep(0.02)


def direct_lesson_gets(servers, seconds: float, rounds: int = 1) -> tuple[int, list]:
    """Lesson GETs straight to each app server (no nginx cache): (ok, failures).

    For ``seconds``, and at least ``rounds`` GETs to each server however
    slow the machine is. The lessons are asked for in turn, so
    ``rounds=len(LESSONS)`` asks each server for every one.
    """
    ok, failed = 0, []
    deadline = time.monotonic() + seconds
    done = 0
    while done < rounds or time.monotonic() < deadline:
        path = LESSONS[done % len(LESSONS)]
        done += 1
        for server in servers:
            status, _ = Visitor(server.port).request(
                "GET",
                path,
                # As every browser asks (and nginx passes on): the copy
                # each worker keeps, and warms up, is the gzipped one. The
                # site's own name, as the proxy passes it on: each worker
                # filed these pages under it while warming up, before its
                # first request, so every worker has them whoever served
                # the GETs before the outage.
                headers={
                    "Host": WARM_HOST,
                    "HX-Request": "false",
                    "X-Forwarded-Proto": "https",
                    "Accept-Encoding": "gzip",
                },
            )
            if status == 200:
                ok += 1
            else:
                failed.append((server.name, path, status))
        time.sleep(0.05)
    return ok, failed


def drill(args) -> dict:
    tmp = tempfile.mkdtemp(prefix="scaleout-", dir=args.tmp)
    postgres, redis = Postgres(tmp), Redis(tmp)
    env = production_env(
        tmp,
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        DJANGO_ALLOWED_HOSTS=f"{WARM_HOST},localhost",
        # On, as in production: the proxy's X-Forwarded-Proto must keep
        # Django from redirecting (a loop on 301 if it did not).
        DJANGO_SECURE_SSL_REDIRECT="1",
        COURSEWARE_INSPECTOR="1",
    )
    servers, nginx, threads = [], None, []
    stop = threading.Event()
    tally = Tally()
    phase = ["start"]
    report = {}
    started = time.monotonic()

    def say(text):
        print(f"  {time.monotonic() - started:5.1f} s  {text}", flush=True)

    def pause(seconds):
        """Hold the current state for a while, and until visitors used it.

        The drill proves something about each state (a server dead, Redis
        hung, ...) only if clicks and lesson GETs happened in it: every
        player sends a click and the readers ask for two lessons, however
        slowly a loaded machine lets them, before the drill moves on.
        """
        posts, gets = tally.posts, tally.lesson_gets
        time.sleep(seconds * args.pace)
        wait_for(
            lambda: (
                tally.posts >= posts + args.players and tally.lesson_gets >= gets + 2
            ),
            f"clicks and reads while {phase[0]}",
            120,
        )

    # collectstatic needs no database: it runs while PostgreSQL starts and
    # the schema and lessons are made, so the two overlap. The exercises'
    # runtime (tens of megabytes to compress) is left out: no visitor of the
    # drill opens an exercise. With --short no visitor asks for a static
    # file at all, so nothing is compressed either (bench/uncompressed_static.py).
    collect_env = env
    if args.short:
        collect_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "uncompressed_static",
            "PYTHONPATH": str(Path(__file__).resolve().parent),
        }
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
        + ["--ignore", "exercises/build/*"],
        cwd=ROOT,
        env=collect_env,
    )
    try:
        postgres.start()
        redis.start()
        manage(env, ["migrate", "-v0"], ["sync_content", "-v0"])
        if collect.wait() != 0:
            raise RuntimeError("collectstatic failed")
        say("database, lessons and static files ready")
        log = open(Path(tmp) / "gunicorn.log", "w")  # noqa: SIM115
        servers = [
            Gunicorn(env, workers=args.workers, name=name, log=log).start(wait=False)
            for name in ("A", "B")
        ]
        for server in servers:
            server.wait_until_ready()
        nginx = Nginx(tmp, [s.port for s in servers], Path(tmp) / "static").start()
        for _ in range(args.players):
            threads.append(
                threading.Thread(target=player, args=(nginx.port, tally, stop, phase))
            )
        for _ in range(2):
            threads.append(
                threading.Thread(target=reader, args=(nginx.port, tally, stop, phase))
            )
        for thread in threads:
            thread.start()
        report["proxy checks"] = proxy_checks(nginx.port)

        say("servers up, visitors playing")

        def step(name, seconds):
            phase[0] = name
            say(name)
            pause(seconds)

        step("playing", 3)
        redis.snapshot()
        step("after the Redis snapshot", 3)

        phase[0] = "server A killed"
        say("server A killed mid-game")
        servers[0].kill()
        pause(3)
        servers[0] = Gunicorn(
            env, workers=args.workers, name="A", log=log, port=nginx.upstreams[0]
        ).start()
        step("server A back", 2)

        phase[0] = "rolling reload"
        say("rolling reload: HUP A, then B")
        first, second = servers
        old = set(worker_pids(first.process.pid))
        first.reload()
        pause(4)
        # B reloads only once A's new workers have taken over, as a rollout
        # does: on a loaded machine a fixed pause let the two overlap.
        wait_for(lambda: reloaded(first, old), "the reload of A", 180)
        old = set(worker_pids(second.process.pid))
        second.reload()
        pause(4)
        # And the rollout is over only when B's new workers have taken over:
        # on a loaded machine their warm-up took 20 s, long enough to run
        # into the Redis and PostgreSQL faults below, two faults at once.
        wait_for(lambda: reloaded(second, old), "the reload of B", 180)

        phase[0] = "Redis restarted from its snapshot"
        say("Redis killed and restarted from its snapshot")
        redis.crash()
        redis.start()
        step("after the Redis restart", 3)

        phase[0] = "Redis hung"
        say("Redis hung (SIGSTOP)")
        hung = time.monotonic()
        redis.hang()
        pause(4)
        redis.resume()
        say(f"(Redis was hung for {time.monotonic() - hung:.1f} s)")
        step("Redis resumed", 2)

        phase[0] = "PostgreSQL down"
        say(f"PostgreSQL stopped for at least {args.outage} s")
        # Every worker filed these pages while warming up; these GETs show
        # they answer before the outage.
        direct_lesson_gets(servers, 3 * args.pace, rounds=len(LESSONS))
        postgres.stop()
        posts = tally.posts
        ok, failed = direct_lesson_gets(servers, args.outage, rounds=len(LESSONS))
        # Clicks sent while the database was away, each to be retried.
        wait_for(lambda: tally.posts >= posts + args.players, "clicks while down", 120)
        postgres.start()
        report["direct lesson GETs while PostgreSQL was down"] = {
            "ok": ok,
            "failed": len(failed),
            "failures": failed[:5],
        }
        step("PostgreSQL back", 4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        report.update(
            {
                "games finished": tally.games,
                "clicks": tally.clicks,
                "moves lost": tally.moves_lost,
                "moves applied twice": tally.moves_doubled,
                "failed POSTs (shown in the demo, retried)": tally.failed_posts,
                "failed POSTs by phase": tally.failed_by_phase,
                "refused POSTs (4xx)": tally.refused_posts,
                "first refused POSTs": tally.refused[:5],
                "lesson GETs through nginx": tally.lesson_gets,
                "failed lesson GETs": len(tally.failed_gets),
                "slowest lesson GET (s)": round(tally.slowest_get, 2),
                "slowest lesson GET by phase (s)": tally.slowest_by_phase,
                "failed lesson GETs by phase": phase_counts(tally.failed_gets),
                "first failed lesson GETs": [
                    f"{p} {path} {status} {body!r}"
                    for p, path, status, body in tally.failed_gets[:5]
                ],
            }
        )
        if args.throughput and nginx:
            report["throughput"] = throughput(env, servers, nginx, tmp)
        if collect.poll() is None:
            collect.kill()
        if nginx:
            nginx.stop()
        for server in servers:
            server.stop()
        redis.stop()
        postgres.stop()
        if args.keep:
            print(f"Logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return report


def reloaded(server: Gunicorn, old: set[int]) -> bool:
    """All the server's workers are new ones: none of ``old`` is left."""
    workers = set(worker_pids(server.process.pid))
    return len(workers) == server.workers and not workers & old


def proxy_checks(port: int) -> dict:
    """What the shipped nginx config must get right, seen from a browser."""
    visitor = Visitor(port)
    home, _ = visitor.request("GET", "/", headers={"HX-Request": "false"})
    visitor.request("GET", "/sandbox/session-counter/")
    # A form POST whose Origin is the address the browser used: CSRF passes.
    post, _ = visitor.request("POST", "/sandbox/session-counter/add/", {"amount": "1"})
    # 4 MB: over client_max_body_size, refused by nginx before any worker.
    big, _ = visitor.request(
        "POST", "/sandbox/email-validation/", {"x": "a" * 4_000_000}
    )
    return {
        "home through HTTPS proxy (200, no redirect loop)": home,
        "POST with the browser's Origin (302, not 403)": post,
        "4 MB POST (413)": big,
    }


def phase_counts(failures) -> dict:
    counts = {}
    for name, *_ in failures:
        counts[name] = counts.get(name, 0) + 1
    return counts


GET_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  -- A new query string each time: nginx's page cache cannot answer it, so
  -- every request reaches an app server.
  return wrk.format("GET", "/lessons/sessions/?n=" .. counter, {["Host"] = "127.0.0.1:%d"})
end
"""

POST_SCRIPT = """
sessions = {%s}
counter = 0
request = function()
  counter = counter + 1
  local s = sessions[(counter %% #sessions) + 1]
  return wrk.format("POST", "/sandbox/session-counter/add/", {
    ["Host"] = "127.0.0.1:%d",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=" .. s[1] .. "; csrftoken=" .. s[2],
    ["X-CSRFToken"] = s[2],
    ["Origin"] = "https://127.0.0.1:%d",
    ["HX-Request"] = "true",
  }, "amount=1")
end
"""


def throughput(env, servers, drill_nginx, tmp) -> dict:
    """wrk through nginx with two app servers, then with one.

    Through a second nginx with the same config minus the per-visitor
    limits on the demos: wrk's connections all come from one address, and
    the shipped limit (60 demo requests a second per address) would be
    measured instead of the app servers.
    """
    nginx = Nginx(
        tmp, drill_nginx.upstreams, drill_nginx.static_root, "nginx-wrk", False
    ).start()
    try:
        return measure_throughput(servers, nginx, tmp)
    finally:
        nginx.stop()


def measure_throughput(servers, nginx, tmp) -> dict:
    results = {}
    for count in (2, 1):
        if count == 1:
            servers[1].stop()
        time.sleep(2)
        visitors = []
        for _ in range(32):
            visitor = Visitor(nginx.port)
            visitor.request("GET", "/sandbox/session-counter/")
            visitors.append(visitor)
        rows = ", ".join(
            f'{{"{v.cookies["sessionid"]}", "{v.cookies["csrftoken"]}"}}'
            for v in visitors
        )
        script = Path(tmp) / "post.lua"
        script.write_text(POST_SCRIPT % (rows, nginx.port, nginx.port))
        get_script = Path(tmp) / "get.lua"
        get_script.write_text(GET_SCRIPT % nginx.port)
        base = f"http://127.0.0.1:{nginx.port}"
        lesson = run_wrk(["-t2", "-c16", "-d8s", "-s", str(get_script), base])
        post = run_wrk(["-t2", "-c16", "-d8s", "-s", str(script), base])
        results[f"{count} app server(s)"] = {
            "lesson page req/s (through Django)": round(lesson[0]),
            "sandbox POST req/s": round(post[0]),
            "errors": lesson[3] + post[3],
        }
    two, one = results["2 app server(s)"], results["1 app server(s)"]
    results["2 vs 1"] = {
        "lesson page": round(
            two["lesson page req/s (through Django)"]
            / max(1, one["lesson page req/s (through Django)"]),
            2,
        ),
        "sandbox POST": round(
            two["sandbox POST req/s"] / max(1, one["sandbox POST req/s"]), 2
        ),
    }
    return results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="drills only, no wrk")
    parser.add_argument("--players", type=int, default=6)
    parser.add_argument(
        "--short",
        action="store_true",
        help="the test suite's version: drills only, each state held until "
        "visitors used it, 2 s outage",
    )
    parser.add_argument("--tmp", default=None, help="folder for the servers' data")
    parser.add_argument("--keep", action="store_true", help="keep data and logs")
    args = parser.parse_args()
    args.quick = args.quick or args.short
    args.throughput = not args.quick
    # --short holds each state only until every player clicked in it (pause).
    args.pace = 0.1 if args.short else 1.0
    args.outage = 2 if args.short else 10
    # Each worker start (Django's import and the warm-up) costs 2-3 s of
    # CPU, and the drill starts every worker three times (start, restart
    # after the kill, rolling reload). --short runs one worker per server:
    # every fault still meets two app servers behind nginx, and how a
    # reload shares the retiring of several workers among the new ones is
    # tested with two workers in tests/test_gunicorn_reload.py.
    args.workers = 2
    if args.short:
        args.players = min(args.players, 4)
        args.workers = 1
    absent = missing() + ([] if args.quick or shutil.which("wrk") else ["wrk"])
    if absent:
        sys.exit(f"Needs Debian's {', '.join(absent)}.")
    report = drill(args)
    print(json.dumps(report, indent=2))
    ok = (
        report["moves lost"] == 0
        and report["moves applied twice"] == 0
        and report["failed lesson GETs"] == 0
        and report["refused POSTs (4xx)"] == 0
        and report["direct lesson GETs while PostgreSQL was down"]["failed"] == 0
        and report["games finished"] > 0
        and list(report["proxy checks"].values()) == [200, 302, 413]
    )
    print("PASS: nothing lost" if ok else "FAIL: see above")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
