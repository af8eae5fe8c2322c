"""Benchmark: CPU time to render the worst lesson bodies at the size cap.

Python-Markdown has inputs whose cost grows much faster than their length.
This renders a set of such bodies, each as long as the cap allows, plus the
real course's text repeated up to the cap, through the same function that
saving a lesson and the admin preview use, and prints the CPU seconds the
forked renderer used and the verdict. The goal: every body renders or is
refused within the CPU limit, and real text at the cap renders.

    .venv/bin/python bench/render.py                     # the site's cap and limit
    .venv/bin/python bench/render.py --chars 200000 --cpu-seconds 30   # the old cap, unlimited
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

# Repeated patterns, each filled up to the cap. Most are unclosed or nested
# constructs that make Python-Markdown's inline or block parsers backtrack.
PATTERNS = {
    "brackets [": ("[", ""),
    "nested lists": ("- ", "x"),
    "nested ordered lists": ("1. ", "x"),
    "nested quotes": ("> ", "x"),
    "nested blocks ///": ("/// note\n", ""),
    "stars *": ("*", ""),
    "emphasis opened *a": ("*a ", ""),
    "strong opened **a": ("**a ", ""),
    "backticks `": ("`", ""),
    "inline code opened `a": ("`a ", ""),
    "less-than <": ("<", ""),
    "tags opened <a": ("<a ", ""),
    "divs <div>": ("<div>", ""),
    "comments <!--": ("<!--", ""),
    "autolinks opened <http://": ("<http://", ""),
    "images opened ![": ("![", ""),
    "links opened [](": ("[](", ""),
    "reference links [a][b]": ("[a][b] ", ""),
    "ampersands &": ("&", ""),
    "backslashes \\": ("\\", ""),
    "pipes |": ("|", ""),
    "table rows": ("| a | b |\n|---|---|\n", ""),
    "footnote references": ("x[^1] ", ""),
    "abbreviation definitions": ("*[A]: x\n", ""),
    "fences ```": ("```\n", ""),
    "definition lists": ("t\n: d\n", ""),
    "headings": ("## x\n", ""),
}


def bodies(chars: int) -> dict[str, str]:
    found = {}
    for name, (pattern, suffix) in PATTERNS.items():
        count = (chars - len(suffix)) // len(pattern)
        found[name] = pattern * count + suffix
    lessons = "\n\n".join(
        path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for path in sorted((ROOT / "content").glob("*.md"))
    )
    found["the real course, repeated"] = (lessons * (chars // len(lessons) + 1))[:chars]
    return found


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    from lessons.rendering import AuthoringError, render

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chars", type=int, default=settings.COURSEWARE_MAX_LESSON_CHARS
    )
    parser.add_argument(
        "--cpu-seconds", type=float, default=settings.COURSEWARE_RENDER_CPU_SECONDS or 1
    )
    options = parser.parse_args()
    print(
        f"{len(PATTERNS) + 1} bodies of {options.chars:,} characters, "
        f"CPU limit {options.cpu_seconds:g} s; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'body':32} {'CPU s':>6} {'wall s':>7}  verdict")
    worst = 0.0
    for name, text in bodies(options.chars).items():
        cpu, wall = children_cpu(), time.perf_counter()
        try:
            render(text, max_chars=options.chars, cpu_seconds=options.cpu_seconds)
            verdict = "rendered"
        except AuthoringError as error:
            verdict = "refused: " + error.problems[0][:60]
        cpu, wall = children_cpu() - cpu, time.perf_counter() - wall
        worst = max(worst, cpu)
        print(f"{name:32} {cpu:6.2f} {wall:7.2f}  {verdict}", flush=True)
    print(f"worst CPU: {worst:.2f} s")


if __name__ == "__main__":
    main()
