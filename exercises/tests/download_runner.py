"""Run `python manage.py test` in many downloaded projects, paying Django's import once.

Reads a JSON list of project folders on stdin; prints a JSON list of
{"stdout", "stderr", "code"}, one per folder, in order.

Each project runs in its own forked process, exactly as `python manage.py
test` would run it there (its manage.py, its settings, its test database);
only the import of Django's modules, done here before any project's
settings exist, is shared. Projects share nothing else, so one runs per
CPU at a time. That keeps the comparison of every download with the
runtime affordable in CI. Linux and macOS only (fork).
"""

import json
import os
import runpy
import sys
import tempfile
from typing import IO

# What `manage.py test` imports on every run, none of it reading settings.
import django.core.management  # noqa: F401
import django.db.backends.sqlite3.base  # noqa: F401
import django.test.runner  # noqa: F401
import django.test.testcases  # noqa: F401


def start(project: str) -> tuple[int, IO[bytes], IO[bytes]]:
    """Fork a child that runs the project's `manage.py test`: (pid, stdout, stderr)."""
    # Closed by run_all once the child has exited and its output is read.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    err = tempfile.TemporaryFile()  # noqa: SIM115
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.chdir(project)
            # As when `python manage.py` starts: the project's folder
            # first on sys.path, nothing of this script's.
            sys.path[0] = project
            sys.argv = ["manage.py", "test"]
            runpy.run_path("manage.py", run_name="__main__")
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid, out, err


def run_all(projects: list[str]) -> list[dict]:
    """Each project's output, in the order given, with at most one child per CPU."""
    results: list[dict | None] = [None] * len(projects)
    running: dict[int, tuple[int, IO[bytes], IO[bytes]]] = {}
    waiting = list(enumerate(projects))
    at_once = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2
    while waiting or running:
        while waiting and len(running) < at_once:
            index, project = waiting.pop(0)
            pid, out, err = start(project)
            running[pid] = (index, out, err)
        pid, status = os.wait()
        index, out, err = running.pop(pid)
        with out, err:
            out.seek(0)
            err.seek(0)
            results[index] = {
                "stdout": out.read().decode(),
                "stderr": err.read().decode(),
                "code": os.waitstatus_to_exitcode(status),
            }
    return results


if __name__ == "__main__":
    json.dump(run_all(json.load(sys.stdin)), sys.stdout)
