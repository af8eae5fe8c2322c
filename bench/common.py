"""What the benchmark scripts share: a production-like environment, a
prepared throwaway database, and reading wrk's report."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# The start of a wrk script that gives each thread one visitor: a session
# cookie and its CSRF token, from a Lua table formatted in as %(sessions)s.
# Scripts are %-formatted, hence the doubled %% in Lua's modulo.
SESSIONS_LUA = """local sessions = {%(sessions)s}
local counter = 0

function setup(thread)
  counter = counter + 1
  local session = sessions[((counter - 1) %% #sessions) + 1]
  thread:set("cookie", session[1])
  thread:set("token", session[2])
end
"""


def require_wrk():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk).")


def production_env(tmp: str, **extra: str) -> dict:
    """Settings as in production, but on a database and static folder in ``tmp``."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "COURSEWARE_SQLITE_PATH": str(Path(tmp) / "bench.sqlite3"),
        # Collected files go to the temporary folder: WhiteNoise would keep
        # serving stale copies from the project's staticfiles/ to later runs.
        "COURSEWARE_STATIC_ROOT": str(Path(tmp) / "static"),
        "COURSEWARE_LOG_LEVEL": "WARNING",
        # As on a server: compiled modules are kept, so a restarted worker
        # does not compile every module again.
        "PYTHONDONTWRITEBYTECODE": "",
        **extra,
    }


def manage(env: dict, *commands: list[str], root: Path = ROOT) -> None:
    """Run manage.py commands in the source tree ``root`` (this one by default)."""
    for command in commands:
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer at {url}")


def run_wrk(arguments: list[str]) -> tuple[float, float, float, int]:
    """Requests/s, p50 ms, p99 ms and non-2xx/3xx count of one wrk run."""
    output = subprocess.run(
        ["wrk", "--latency", *arguments], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = latency(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    p99 = latency(re.search(r"99%\s+([\d.]+\w+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


def latency(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def start_gunicorn(
    env: dict, port: int, workers: int, root: Path = ROOT, shipped_config: bool = False
) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers on 127.0.0.1:``port``, no access log,
    serving the source tree ``root`` (this one by default).

    With ``shipped_config``, the tree's deploy/gunicorn.conf.py as well: its
    workers warm up before their first request and prepare as production's do.
    """
    config = ["-c", str(root / "deploy" / "gunicorn.conf.py")] if shipped_config else []
    return subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", *config, "courseware.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--no-control-socket",
            "--access-logfile", "/dev/null",
        ],
        cwd=root,
        env=env,
    )  # fmt: skip


# Copies of the real lessons, re-titled and re-numbered, indexed as a save
# would (lessons.search.index_lesson), without rendering Markdown 500 times.
GROW = """
from lessons.models import Lesson
from lessons.search import index_lesson
originals = list(Lesson.objects.order_by("order"))
wanted = {size} - len(originals)
copies = []
for number in range(wanted):
    source = originals[number % len(originals)]
    copies.append(Lesson(
        slug=f"{{source.slug}}-copy-{{number}}", title=f"{{source.title}} (copy {{number}})",
        summary=source.summary, order=1000 + number, body=source.body, html=source.html,
        headings=source.headings, demos=source.demos, sources=source.sources,
        slides=source.slides, renderer_version=source.renderer_version,
    ))
for lesson in Lesson.objects.bulk_create(copies):
    index_lesson(lesson)
print(Lesson.objects.count(), "lessons")
"""


def grow_course(env: dict, size: int) -> None:
    """Make the course ``size`` lessons long with copies of the real ones."""
    manage(env, ["shell", "-c", GROW.format(size=size)])


def load_course(env: dict, size: int = 0) -> None:
    """A database and static files for the course: migrate, collectstatic,
    sync_content, and copies up to ``size`` lessons when that is more."""
    manage(
        env,
        ["migrate", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
        ["sync_content"],
    )
    if size > 13:
        grow_course(env, size)


@contextlib.contextmanager
def gunicorn(env: dict, port: int, workers: int = 2, size: int = 0):
    """Serve the course with gunicorn on ``port`` until the block ends.

    The course is loaded first (migrate, collectstatic, sync_content, and
    copies up to ``size`` lessons when asked); the block starts once the
    hello view answers.
    """
    load_course(env, size)
    server = start_gunicorn(env, port, workers)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/bench/hello/", timeout=120)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@contextlib.contextmanager
def reference_tree(ref: str, folder: Path):
    """A checkout of git ``ref`` in ``folder``, for an A/B run; removed afterwards."""
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "--detach", "--quiet", str(folder), ref], check=True)
    try:
        # The exercises' runtime is built, not committed; pages that
        # name its files need them to exist for collectstatic's manifest.
        built = ROOT / "static" / "exercises" / "build"
        if built.exists() and not (folder / built.relative_to(ROOT)).exists():
            (folder / built.relative_to(ROOT)).symlink_to(built)
        yield folder
    finally:
        subprocess.run([*git, "remove", "--force", str(folder)], check=True)
