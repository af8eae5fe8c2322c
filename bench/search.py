"""Benchmark: search latency next to a lesson page, with 13 and 500 lessons.

For each course size it starts gunicorn with production settings on a
throwaway SQLite database (the course from content/, then, for the large
run, copies of its lessons up to 500, each indexed as a save would index
it), and drives with wrk, in the same run:

- the hello-world view (the yardstick),
- a lesson page,
- a search with many matches ("session") and one with few ("makemigrations"),
  each answered as the live box asks for it (HX-Request: true).

Search answers are not cached on the server, so every request queries the
full-text index. Compare the p99 ratios between sizes, not absolute numbers.

    .venv/bin/python bench/search.py
    .venv/bin/python bench/search.py --duration 10 --sizes 13 500

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import tempfile

from common import gunicorn, production_env, require_wrk, run_wrk

PORT = 8767

URLS = {
    "hello world (baseline)": ("/bench/hello/", False),
    "lesson page": ("/lessons/sessions/", False),
    "search 'session' (many hits)": ("/search/?q=session", True),
    "search 'makemigrations'": ("/search/?q=makemigrations", True),
}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[13, 500])
    args = parser.parse_args()
    require_wrk()

    table = {}
    for size in args.sizes:
        table[size] = measure(size, args)

    print(
        f"\n{args.workers} gunicorn workers, {args.connections} connections, "
        f"{args.duration} s per URL; p99 in ms, and p99 / hello's p99\n"
    )
    header = " | ".join(f"{size} lessons: p99 (x hello)" for size in args.sizes)
    print(f"| {'URL':<30} | {header} |")
    print(f"|{'-' * 32}|" + "|".join("-" * 27 for _ in args.sizes) + "|")
    for label in URLS:
        cells = []
        for size in args.sizes:
            rate, _p50, p99, errors = table[size][label]
            hello_p99 = table[size]["hello world (baseline)"][2]
            note = f" {errors} errors" if errors else ""
            cells.append(f"{p99:>7.2f} ms ({p99 / hello_p99:>5.2f}x){note}".ljust(25))
        print(f"| {label:<30} | " + " | ".join(cells) + " |")


def measure(size, args):
    with tempfile.TemporaryDirectory() as tmp:
        # No render time limit: a busy machine must not fail the set-up.
        env = production_env(tmp, COURSEWARE_BENCH="1", COURSEWARE_RENDER_TIMEOUT="0")
        results = {}
        with gunicorn(env, PORT, args.workers, size=size if size > 13 else 0):
            for label, (path, live) in URLS.items():
                header = ["-H", "HX-Request: true"] if live else []
                results[label] = run_wrk(
                    [
                        "-t2",
                        f"-c{args.connections}",
                        f"-d{args.duration}s",
                        *header,
                        f"http://127.0.0.1:{PORT}{path}",
                    ]
                )
    return results


if __name__ == "__main__":
    main()
