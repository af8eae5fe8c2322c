"""Benchmark: ``manage.py sync_content`` with a large course, fresh and unchanged.

Generates a course of N lessons (the real lessons' text, repeated under new
names) in a temporary folder, then runs the command as an operator would,
in a new process each time: into an empty database, again with nothing
changed (goal: <= 2 s), and once more after one lesson file changed. The
times include starting Django. Rendering runs as in production: forked
children under the CPU limit.

    .venv/bin/python bench/sync.py             # 500 lessons
    .venv/bin/python bench/sync.py --lessons 100

``./dev bench`` runs it too, after the page measurements.
"""

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from common import PYTHON, ROOT, manage, production_env


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


def children_cpu() -> float:
    """CPU time of the finished commands and of the renderers they forked:
    on a busy machine wall time says more about the neighbours than about
    sync."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure_sync(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="courseware-sync-") as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        # The lessons' exercise blocks name exercises under content/exercises/.
        (content / "exercises").symlink_to(ROOT / "content" / "exercises")
        generate(content, count)
        env = production_env(tmp, COURSEWARE_CONTENT_DIR=str(content))
        manage(env, ["migrate", "-v0"])
        print(
            f"\nsync_content, {count} lessons, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for label, change in [
            ("fresh sync", None),
            ("unchanged re-sync", None),
            ("re-sync, one file changed", content / "000-lesson-0.md"),
        ]:
            if change is not None:
                change.write_text(change.read_text() + "\nOne more line.\n")
            started, cpu = time.perf_counter(), children_cpu()
            done = subprocess.run(
                [PYTHON, "manage.py", "sync_content"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            seconds, cpu = time.perf_counter() - started, children_cpu() - cpu
            if done.returncode:
                raise SystemExit(done.stderr)
            # The command's own report: "500 created", "0 updated", ...
            counts = ", ".join(
                line.split(":")[0].replace(" (sources or renderer changed)", "")
                for line in done.stdout.splitlines()
                if line[:1].isdigit()
            )
            print(
                f"{label:26} {seconds:7.2f} s wall, {cpu:6.2f} s CPU   {counts}",
                flush=True,
            )
        print(f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=500)
    measure_sync(parser.parse_args().lessons)


if __name__ == "__main__":
    main()
