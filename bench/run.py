"""Benchmark: how close reader pages come to a hello-world view and to a static file.

Starts gunicorn with the shipped config (deploy/gunicorn.conf.py) and
production settings on a throwaway SQLite database, drives it with wrk, and
reports, in the same run (each measure in --rounds interleaved rounds, the
median of the rounds' ratios):

- through Django alone: the course home, a lesson page and a static file
  next to a hello-world Django view (goal: lesson >= 1.0x hello);
- through the shipped nginx config (deploy/nginx.conf): the lesson page next
  to nginx serving a static copy of the same HTML (goal: >= 0.5x);
- walking every lesson page in turn, with the real course and with copies
  up to --lessons, both served at once and walked in alternating rounds
  (goal: >= 0.9x the small course's speed), then each worker's memory
  after at least 10,000 requests (goal: < 100 MB).

Ratios, not absolute numbers, are what to compare between machines.

    ./dev bench                   # 2 workers, 16 connections, 10 s per URL, 500 lessons
    ./dev bench --duration 30     # longer runs, steadier numbers

Needs wrk (Debian: apt-get install wrk) and nginx for the proxy rows.
"""

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from cluster import Gunicorn, Nginx, missing
from common import load_course, production_env, require_wrk, run_wrk
from sync import measure_sync

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
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the URLs and of the walks"
    )
    parser.add_argument(
        "--sync-lessons", type=int, default=500, help="0: no sync_content run"
    )
    args = parser.parse_args()
    require_wrk()

    print(
        f"\n{args.workers} gunicorn workers, {args.connections} connections, "
        f"{args.duration} s per URL, load average {os.getloadavg()[0]:.1f}"
    )
    with contextlib.ExitStack() as stack:
        small = stack.enter_context(Course(13, args))
        # Every URL once per round, the rounds back to back: each ratio is
        # taken within one round, so a change in load between rounds
        # moves both sides of it.
        runs: dict[str, list[tuple]] = {}
        for _ in range(args.rounds):
            found = {
                label: wrk(small.base + path, args) for label, path in URLS.items()
            }
            if "nginx" not in missing():
                found.update(through_proxy(small, args))
            for label, result in found.items():
                runs.setdefault(label, []).append(result)
        print_table(runs, "hello world (baseline)")
        if "proxy: lesson page" in runs:
            ratios = round_ratios(
                runs, "proxy: lesson page", "proxy: static copy (nginx)"
            )
            print(
                "\nThrough the shipped proxy, lesson page / nginx static copy: "
                f"{', '.join(f'{r:.2f}x' for r in ratios)}, "
                f"median {statistics.median(ratios):.2f}x"
            )
        courses = [small]
        if args.lessons > 13:
            courses.append(stack.enter_context(Course(args.lessons, args)))
        walk(courses, args)
        print(f"load average {os.getloadavg()[0]:.1f}")
    if args.sync_lessons:
        measure_sync(args.sync_lessons)


class Course:
    """A course of ``size`` lessons on its own database, served by gunicorn."""

    def __init__(self, size: int, args):
        self.size, self.args = size, args
        self.requests = 0

    def __enter__(self) -> "Course":
        self.tmp = tempfile.TemporaryDirectory()
        env = production_env(self.tmp.name, COURSEWARE_BENCH="1")
        load_course(env, self.size)
        self.server = Gunicorn(
            env, workers=self.args.workers, log=subprocess.DEVNULL
        ).start()
        self.base = f"http://127.0.0.1:{self.server.port}"
        self.paths = lesson_paths(self.base)
        self.script = Path(self.tmp.name) / "walk.lua"
        self.script.write_text(WALK % ", ".join(f'"{p}"' for p in self.paths))
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()
        self.tmp.cleanup()

    def warm(self) -> None:
        """Every worker meets every page (a cache miss each) before the walk
        is timed: each page three times per worker, so that the walk
        measures the steady state of a busy course."""
        for path in self.paths * (3 * self.args.workers):
            urllib.request.urlopen(self.base + path).read()
        self.requests += len(self.paths) * 3 * self.args.workers

    def walk(self, seconds: int) -> tuple:
        result = run_wrk(
            ["-t2", f"-c{self.args.connections}", f"-d{seconds}s", "-s"]
            + [str(self.script), self.base]
        )
        self.requests += result[0] * seconds
        return result


def walk(courses: list[Course], args) -> None:
    """Walk every lesson of each course, in alternating rounds.

    The machine's load changes from one minute to the next, so the large
    course is compared with the small one round by round, each pair run
    back to back, and the median of the rounds' ratios is reported.
    """
    seconds = max(args.duration, 10)
    for course in courses:
        course.warm()
    rates: dict[int, list[float]] = {course.size: [] for course in courses}
    for _ in range(args.rounds):
        for course in courses:
            rates[course.size].append(course.walk(seconds)[0])
    small = courses[0]
    for course in courses:
        line = f"\nWalking all {len(course.paths)} lessons: " + ", ".join(
            f"{rate:.0f}" for rate in rates[course.size]
        )
        line += " req/s"
        if course is not small:
            ratios = [
                big / base
                for big, base in zip(rates[course.size], rates[small.size], strict=True)
            ]
            line += (
                f"; round by round {', '.join(f'{r:.2f}x' for r in ratios)} "
                f"the {len(small.paths)}-lesson walk, median {statistics.median(ratios):.2f}x"
            )
        print(line)
        # At least 10,000 requests before memory is read.
        while course.requests < 10_000:
            course.walk(5)
        print(
            f"  after {int(course.requests)} requests, worker memory "
            f"{fmt_mb(worker_memory(course.server.process.pid))}"
        )


def through_proxy(course: Course, args) -> dict:
    """The lesson page through the shipped nginx config, and nginx's static copy."""
    static_root = Path(course.tmp.name) / "static"
    with urllib.request.urlopen(course.base + URLS["lesson page"]) as response:
        (static_root / "lesson-copy.html").write_bytes(response.read())
    nginx = Nginx(course.tmp.name, [course.server.port], static_root).start()
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


def round_ratios(runs: dict, label: str, baseline: str) -> list[float]:
    return [
        run[0] / base[0] for run, base in zip(runs[label], runs[baseline], strict=True)
    ]


def print_table(runs: dict, baseline: str) -> None:
    """Medians over the rounds; "vs hello" is the median of each round's ratio."""
    print(
        f"\n| {'URL':<30} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'vs hello':>8} |"
    )
    print(f"|{'-' * 32}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 10}|")
    for label, results in runs.items():
        rate, p50, p99 = (
            statistics.median(result[column] for result in results)
            for column in range(3)
        )
        ratio = statistics.median(round_ratios(runs, label, baseline))
        errors = sum(result[3] for result in results)
        note = f"  ({errors} errors)" if errors else ""
        print(
            f"| {label:<30} | {rate:>9.0f} | {p50:>7.2f} | {p99:>7.2f} | {ratio:>7.2f}x |{note}"
        )
    print(
        "lesson page / hello, round by round: "
        + ", ".join(f"{r:.2f}x" for r in round_ratios(runs, "lesson page", baseline))
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
