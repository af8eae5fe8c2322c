"""Benchmark: no slow first requests after a restart.

Restarts gunicorn (deploy/gunicorn.conf.py, production settings) again and
again; right after each start, as soon as it answers at all, wrk loads one
URL for the first seconds of the new server's life: a lesson page in one
start, the hello-world view in the next. Each pair gives the ratio of their
p99 latencies. Goal: lesson p99 <= 1.5x hello's in every pair, because each
worker warms up (URL patterns, templates, the first pages) before its first
request (courseware/warmup.py).

    .venv/bin/python bench/restart.py              # 10 pairs, 10 s each
    .venv/bin/python bench/restart.py --rounds 3

Needs wrk.
"""

import argparse
import subprocess
import tempfile

from cluster import Gunicorn, http_status, wait_for
from common import manage, production_env, require_wrk, run_wrk

TARGETS = {"lesson": "/lessons/sessions/", "hello": "/bench/hello/"}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    require_wrk()

    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(tmp, COURSEWARE_BENCH="1", GUNICORN_ACCESS_LOG="")
        manage(env, ["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"])
        manage(env, ["sync_content"])
        print("\n| round | lesson p99 ms | hello p99 ms | lesson / hello |")
        print("|-------|---------------|--------------|----------------|")
        within = 0
        for number in range(1, args.rounds + 1):
            p99 = {
                name: first_seconds(env, path, args) for name, path in TARGETS.items()
            }
            ratio = p99["lesson"] / p99["hello"]
            within += ratio <= 1.5
            print(
                f"| {number:>5} | {p99['lesson']:>13.2f} | {p99['hello']:>12.2f} | {ratio:>13.2f}x |",
                flush=True,
            )
        print(f"\n{within} of {args.rounds} restarts within 1.5x")


def first_seconds(env: dict, path: str, args) -> float:
    """p99 of ``path`` in the first seconds after a fresh start."""
    server = Gunicorn(env, workers=args.workers, log=subprocess.DEVNULL).start(
        wait=False
    )
    try:
        base = f"http://127.0.0.1:{server.port}"
        # From the first answer on: before it, no worker exists to be slow.
        wait_for(lambda: http_status(base + "/bench/hello/") == 200, "gunicorn", 120)
        _rate, _p50, p99, _errors = run_wrk(
            ["-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s"]
            # As browsers ask, and nginx passes on: the lesson copy each
            # worker warms up is the gzipped one.
            + ["-H", "Accept-Encoding: gzip", base + path]
        )
        return p99
    finally:
        server.stop()


if __name__ == "__main__":
    main()
