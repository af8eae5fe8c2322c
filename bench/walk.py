"""Benchmark: CPU time per lesson page while walking a short and a long course.

``./dev bench`` walks the courses with wrk, whose requests per second on
a shared machine follow the neighbours' load. CPU time per request does
not: this serves every page of each course through Django's WSGI handler
in one process (the middleware, the page cache and the views, as
gunicorn runs them; no sockets), until each course has answered at least
--requests pages, and compares the CPU per page. Each course is walked in
its own process, alternately, --rounds times. Goal: the long course's page
at >= 0.9x the short one's speed.

    .venv/bin/python bench/walk.py                  # 15 against 500 lessons
    .venv/bin/python bench/walk.py --lessons 1000
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from common import PYTHON, ROOT, load_course, production_env


def walk(requests: int) -> None:
    """In a fresh process: time the walk and print its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "courseware.settings"
    import django

    django.setup()
    from django.test import Client

    from lessons.models import Lesson

    paths = [
        f"/lessons/{slug}/" for slug in Lesson.objects.values_list("slug", flat=True)
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    # First every page once (a render each), so the walk measures the
    # steady state of a busy course.
    for path in paths:
        client.get(path)
    answered, started = 0, time.process_time()
    while answered < requests:
        for path in paths:
            assert client.get(path).status_code == 200
        answered += len(paths)
    cpu = time.process_time() - started
    print(json.dumps({"lessons": len(paths), "ms": cpu / answered * 1000}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=500)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    # Set for the child processes that do the walking.
    parser.add_argument("--walk", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.walk is not None:
        return walk(options.requests)
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as big:
        envs = {}
        for size, tmp in [(0, small), (options.lessons, big)]:
            env = production_env(tmp, COURSEWARE_BENCH="1")
            load_course(env, size)
            envs[size] = env
        print(f"load average {os.getloadavg()[0]:.1f}")
        times: dict[int, list[float]] = {size: [] for size in envs}
        counts = {}
        for _ in range(options.rounds):
            for size, env in envs.items():
                output = subprocess.run(
                    [PYTHON, __file__, "--walk", str(size)]
                    + ["--requests", str(options.requests)],
                    cwd=ROOT / "bench",
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if output.returncode:
                    raise SystemExit(output.stderr)
                figures = json.loads(output.stdout.strip().splitlines()[-1])
                counts[size] = figures["lessons"]
                times[size].append(figures["ms"])
        short, long = times[0], times[options.lessons]
        for size, label in [(0, "short"), (options.lessons, "long")]:
            print(
                f"{label} course, {counts[size]} lessons: CPU per page "
                + ", ".join(f"{ms:.3f}" for ms in times[size])
                + " ms"
            )
        ratio = statistics.median(short) / statistics.median(long)
        print(
            f"long course's speed / short course's: {ratio:.2f}x (medians); "
            f"load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
