"""A graceful reload (HUP) of the shipped gunicorn config never leaves a gap.

gunicorn's own HUP stops the old workers as soon as it has forked the new
ones, so requests wait for the new workers' start-up and warm-up. The
hooks in deploy/gunicorn.conf.py keep the old workers serving until new
ones are warm. This runs the real thing: gunicorn with that config, a HUP,
and its log, which says in order which worker was warm and which exited.
"""

import re
import signal
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from cluster import Gunicorn, worker_pids  # noqa: E402
from common import production_env  # noqa: E402

WORKERS = 2


class Log:
    def __init__(self, path: Path):
        self.path = path

    def lines(self) -> list[str]:
        return self.path.read_text().splitlines()

    def pids(self, pattern: str) -> list[int]:
        """The logging process of each line matching ``pattern``, in order."""
        return [
            int(re.match(r"\[[^]]*\] \[(\d+)\]", line).group(1))
            for line in self.lines()
            if re.search(pattern, line)
        ]

    def wait_for(self, check, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}; log:\n" + self.path.read_text()[-4000:])
            time.sleep(0.05)


@pytest.fixture
def server(tmp_path):
    env = production_env(str(tmp_path), COURSEWARE_WARM_PAGES="2")
    path = tmp_path / "gunicorn.log"
    with open(path, "w") as output:
        app = Gunicorn(env, workers=WORKERS, log=output).start(wait=False)
        try:
            yield app, Log(path)
        finally:
            app.stop()


def test_old_workers_serve_until_the_new_ones_are_warm(server):
    app, log = server
    master = app.process.pid
    log.wait_for(
        lambda: len(log.pids("Warmed up")) == WORKERS, "the workers did not start"
    )
    old = sorted(worker_pids(master))
    assert len(old) == WORKERS

    app.process.send_signal(signal.SIGHUP)

    def replaced() -> bool:
        now = set(worker_pids(master))
        warm = set(log.pids("Warmed up")) & now
        return len(warm) == WORKERS and not now & set(old)

    log.wait_for(replaced, "the old workers were not replaced")
    lines = log.lines()

    def first(pattern: str) -> int:
        return next(i for i, line in enumerate(lines) if re.search(pattern, line))

    new = sorted(worker_pids(master))
    assert len(new) == WORKERS
    first_warm = min(first(rf"\[{pid}\] \[INFO\] Warmed up") for pid in new)
    for pid in old:
        # Stock gunicorn stops them before any new worker has even loaded
        # the application.
        assert first(rf"Worker exiting \(pid: {pid}\)") > first_warm, "\n".join(lines)

    # Stopped in the middle of the next reload, the master takes the
    # workers it set aside with it.
    app.process.send_signal(signal.SIGHUP)
    log.wait_for(
        lambda: len(log.pids("Booting worker")) == 3 * WORKERS,
        "no new workers were forked",
    )
    app.process.send_signal(signal.SIGTERM)
    app.process.wait(timeout=60)
    log.wait_for(
        lambda: not any(running(pid) for pid in new),
        "workers set aside outlived their master",
    )


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
