"""Run `python manage.py test` in many downloaded projects, paying Django's import once.

Reads a JSON list of project folders on stdin; prints a JSON list of
{"stdout", "stderr", "code"}, one per folder, in order.

Each project runs in its own forked process, exactly as `python manage.py
test` would run it there (its manage.py, its settings, its test database);
only the import of Django's modules, done here before any project's
settings exist, is shared. That keeps the comparison of every download
with the runtime affordable in CI. Linux and macOS only (fork).
"""

import json
import os
import runpy
import sys
import tempfile

# What `manage.py test` imports on every run, none of it reading settings.
import django.core.management  # noqa: F401
import django.db.backends.sqlite3.base  # noqa: F401
import django.test.runner  # noqa: F401
import django.test.testcases  # noqa: F401


def run(project: str) -> dict:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
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
        __, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return {
            "stdout": out.read().decode(),
            "stderr": err.read().decode(),
            "code": os.waitstatus_to_exitcode(status),
        }


if __name__ == "__main__":
    json.dump([run(project) for project in json.load(sys.stdin)], sys.stdout)
