"""Benchmark: how close lesson pages come to a hello-world view.

Starts gunicorn with production settings on a throwaway SQLite database,
drives it with wrk, and reports requests per second for each page next to
a hello-world Django view measured in the same run. Ratios, not absolute
numbers, are what to compare between machines: this one is noisy.

    ./dev bench                 # default: 2 workers, 16 connections, 10 s per URL
    ./dev bench --duration 30   # longer runs, steadier numbers

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import re
import signal
import subprocess
import tempfile
from pathlib import Path

from common import (
    PYTHON,
    ROOT,
    manage,
    production_env,
    require_wrk,
    run_wrk,
    wait_until_up,
)

PORT = 8765

URLS = {
    "hello world (baseline)": "/bench/hello/",
    "course home": "/",
    "lesson page": "/lessons/sessions/",
    "static file (WhiteNoise)": "/static/css/site.css",
}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per URL"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    require_wrk()

    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(tmp, COURSEWARE_BENCH="1")
        manage(
            env,
            ["migrate", "-v0"],
            ["collectstatic", "--no-input", "-v0"],
            ["sync_content"],
        )
        server = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "courseware.wsgi",
                "--bind", f"127.0.0.1:{PORT}",
                "--workers", str(args.workers),
                "--no-control-socket",
                "--access-logfile", "/dev/null",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{PORT}/bench/hello/")
            results = {}
            for label, path in URLS.items():
                results[label] = wrk(f"http://127.0.0.1:{PORT}{path}", args)
            memory = worker_memory(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    baseline = results["hello world (baseline)"]
    print(
        f"\n{args.workers} gunicorn workers, {args.connections} connections, {args.duration} s per URL\n"
    )
    print(
        f"| {'URL':<28} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'vs hello':>8} |"
    )
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 10}|")
    for label, (rate, p50, p99, errors) in results.items():
        ratio = rate / baseline[0] if baseline[0] else 0
        note = f"  ({errors} errors)" if errors else ""
        print(
            f"| {label:<28} | {rate:>9.0f} | {p50:>7.2f} | {p99:>7.2f} | {ratio:>7.2f}x |{note}"
        )
    if memory:
        print(
            f"\nWorker memory after the run (RSS): {', '.join(f'{m:.0f} MB' for m in memory)}"
        )


def wrk(url, args):
    return run_wrk(["-t2", f"-c{args.connections}", f"-d{args.duration}s", url])


def worker_memory(master_pid):
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


if __name__ == "__main__":
    main()
