"""Benchmark: how close reader pages come to a hello-world view and to a static file.

Starts gunicorn with the shipped config (deploy/gunicorn.conf.py) and
production settings on a throwaway SQLite database, drives it with wrk, and
reports, in the same run:

- through Django alone: the course home, a lesson page and a static file
  next to a hello-world Django view (goal: lesson >= 1.0x hello);
- through the shipped nginx config (deploy/nginx.conf): the lesson page next
  to nginx serving a static copy of the same HTML (goal: >= 0.5x);
- walking every lesson page in turn, with the real course and with copies
  up to --lessons (goal: >= 0.9x the small course's speed), then each
  worker's memory after at least 10,000 requests (goal: < 100 MB).

Ratios, not absolute numbers, are what to compare between machines.

    ./dev bench                   # 2 workers, 16 connections, 10 s per URL, 500 lessons
    ./dev bench --duration 30     # longer runs, steadier numbers

Needs wrk (Debian: apt-get install wrk) and nginx for the proxy rows.
"""

import argparse
import json
import re
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from cluster import Gunicorn, Nginx, missing
from common import grow_course, manage, production_env, require_wrk, run_wrk

URLS = {
    "hello world (baseline)": "/bench/hello/",
    "course home": "/",
    "lesson page": "/lessons/sessions/",
    "static file (WhiteNoise)": "/static/css/site.css",
}

WALK = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lessons", type=int, default=500, help="0: no growth run")
    args = parser.parse_args()
    require_wrk()

    print(
        f"\n{args.workers} gunicorn workers, {args.connections} connections, {args.duration} s per URL"
    )
    small = measure(13, args, proxy="nginx" not in missing())
    rows = [(label, *small[label]) for label in URLS]
    rows += [(label, *small[label]) for label in small if label.startswith("proxy")]
    print_table(rows, small["hello world (baseline)"][0])
    if "proxy: lesson page" in small:
        ratio = small["proxy: lesson page"][0] / small["proxy: static copy (nginx)"][0]
        print(
            f"\nThrough the shipped proxy, lesson page / nginx static copy: {ratio:.2f}x"
        )
    print(
        f"\nWalking all {small['size']} lessons: {small['walk'][0]:.0f} req/s; "
        f"worker memory {fmt_mb(small['memory'])}"
    )
    if args.lessons > 13:
        big = measure(args.lessons, args, proxy=False)
        print(
            f"Walking all {big['size']} lessons: {big['walk'][0]:.0f} req/s "
            f"({big['walk'][0] / small['walk'][0]:.2f}x the {small['size']}-lesson walk); "
            f"after {big['requests']} requests, worker memory {fmt_mb(big['memory'])}"
        )


def measure(size: int, args, proxy: bool) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(tmp, COURSEWARE_BENCH="1")
        manage(env, ["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"])
        manage(env, ["sync_content"])
        if size > 13:
            grow_course(env, size)
        env["GUNICORN_ACCESS_LOG"] = ""
        server = Gunicorn(env, workers=args.workers, log=subprocess.DEVNULL).start()
        base = f"http://127.0.0.1:{server.port}"
        try:
            paths = lesson_paths(base)
            results["size"] = len(paths)
            requests = 0
            if size <= 13:
                for label, path in URLS.items():
                    results[label] = wrk(base + path, args)
                    requests += results[label][0] * args.duration
            if proxy:
                results.update(through_proxy(tmp, server, base, args))
            script = Path(tmp) / "walk.lua"
            script.write_text(WALK % ", ".join(f'"{p}"' for p in paths))
            walk_seconds = max(args.duration, 10)
            # First every worker meets every page (a cache miss each): each
            # page is asked for three times per worker, so that the measured
            # walk is the steady state of a busy course.
            for path in paths * (3 * args.workers):
                urllib.request.urlopen(base + path).read()
            requests += len(paths) * 3 * args.workers
            results["walk"] = run_wrk(
                [
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{walk_seconds}s",
                    "-s",
                    str(script),
                    base,
                ]
            )
            requests += results["walk"][0] * walk_seconds
            # At least 10,000 requests before memory is read.
            while requests < 10_000:
                extra = run_wrk(
                    ["-t2", f"-c{args.connections}", "-d5s", "-s", str(script), base]
                )
                requests += extra[0] * 5
            results["requests"] = int(requests)
            results["memory"] = worker_memory(server.process.pid)
        finally:
            server.stop()
    return results


def through_proxy(tmp: str, server, base: str, args) -> dict:
    """The lesson page through the shipped nginx config, and nginx's static copy."""
    static_root = Path(tmp) / "static"
    with urllib.request.urlopen(base + URLS["lesson page"]) as response:
        (static_root / "lesson-copy.html").write_bytes(response.read())
    nginx = Nginx(tmp, [server.port], static_root).start()
    try:
        front = f"http://127.0.0.1:{nginx.port}"
        return {
            "proxy: lesson page": wrk(front + URLS["lesson page"], args),
            "proxy: static copy (nginx)": wrk(front + "/static/lesson-copy.html", args),
        }
    finally:
        nginx.stop()


def lesson_paths(base: str) -> list[str]:
    with urllib.request.urlopen(base + "/bench/lessons/") as response:
        return json.load(response)


def wrk(url: str, args):
    return run_wrk(["-t2", f"-c{args.connections}", f"-d{args.duration}s", url])


def print_table(rows, baseline_rate):
    print(
        f"\n| {'URL':<30} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'vs hello':>8} |"
    )
    print(f"|{'-' * 32}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 10}|")
    for label, rate, p50, p99, errors in rows:
        note = f"  ({errors} errors)" if errors else ""
        print(
            f"| {label:<30} | {rate:>9.0f} | {p50:>7.2f} | {p99:>7.2f} | {rate / baseline_rate:>7.2f}x |{note}"
        )


def worker_memory(master_pid: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.MULTILINE):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
            if rss:
                sizes.append(int(rss.group(1)) / 1024)
    return sizes


def fmt_mb(sizes: list[float]) -> str:
    return ", ".join(f"{size:.0f} MB" for size in sizes) or "unknown"


if __name__ == "__main__":
    main()
