"""Benchmark: sync_content with a large course, fresh and unchanged.

Generates a course of N lessons (the real lessons' text, repeated under new
names) in a temporary folder, then times ``sync`` into an empty database,
again with nothing changed, and once more after one lesson file changed.
Rendering runs as in production: forked children under the CPU limit.

    .venv/bin/python bench/sync.py             # 500 lessons
    .venv/bin/python bench/sync.py --lessons 100
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, production_env


def generate(folder: Path, count: int) -> None:
    sources = sorted((ROOT / "content").glob("*.md"))
    for number in range(count):
        text = sources[number % len(sources)].read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        (folder / f"{number:03d}-lesson-{number}.md").write_text(
            f"---\ntitle: Lesson {number}\nsummary: Generated lesson {number}.\n"
            f"order: {number}\n---\n{body}",
            encoding="utf-8",
        )


def cpu_seconds() -> float:
    """CPU time of this process and of the renderers it forked: on a busy
    machine wall time says more about the neighbours than about sync."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return sum(u.ru_utime + u.ru_stime for u in (own, children))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=500)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="courseware-sync-") as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        # The lessons' exercise blocks name exercises under content/exercises/.
        (content / "exercises").symlink_to(ROOT / "content" / "exercises")
        generate(content, options.lessons)
        os.environ.update(production_env(tmp, COURSEWARE_CONTENT_DIR=str(content)))
        sys.path.insert(0, str(ROOT))
        os.environ["DJANGO_SETTINGS_MODULE"] = "courseware.settings"
        import django

        django.setup()
        from django.core.management import call_command

        from lessons.content import sync

        call_command("migrate", verbosity=0)
        print(
            f"{options.lessons} lessons, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for label, change in [
            ("fresh sync", None),
            ("unchanged re-sync", None),
            ("re-sync, one file changed", content / "000-lesson-0.md"),
        ]:
            if change is not None:
                change.write_text(change.read_text() + "\nOne more line.\n")
            started, cpu = time.perf_counter(), cpu_seconds()
            report = sync(content)
            seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            assert not report.errors, report.errors
            print(
                f"{label:28} {seconds:7.2f} s wall, {cpu:7.2f} s CPU  created {len(report.created)}, "
                f"updated {len(report.updated)}, re-rendered {len(report.rerendered)}, "
                f"unchanged {len(report.unchanged)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
