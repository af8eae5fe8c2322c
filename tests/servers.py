"""Real servers for tests that need them: a throwaway PostgreSQL cluster.

``postgres_url`` starts a PostgreSQL server of its own (initdb into a
temporary folder, listening on a free loopback port, trusting local
connections) once per test session, creates an empty database in it, and
yields its DATABASE_URL. PostgreSQL refuses to run as root, so when the
tests run as root (CI, containers) its commands run as the "postgres" user
through runuser.

When PostgreSQL's programs are not installed, the tests that use it are
skipped, naming what is missing. ./dev test and CI install them (Debian:
apt-get install postgresql).

Use it from a conftest or a test module with
``from tests.servers import postgres_url  # noqa: F401``.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

DATABASE = "courseware"


def find_postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, or Debian's versioned folder."""
    on_path = shutil.which("initdb")
    if on_path:
        # Resolved: a link on PATH may point into the folder that has the rest.
        folder = Path(on_path).resolve().parent
        if (folder / "pg_ctl").exists() and (folder / "createdb").exists():
            return folder
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    """A DATABASE_URL for an empty database on a private PostgreSQL server."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL is not installed: initdb and pg_ctl were not found on PATH "
            "or in /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)."
        )
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="courseware-postgres-"))
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip(
                "Running as root needs runuser to start PostgreSQL as another user."
            )
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("Running as root needs a 'postgres' user to start PostgreSQL.")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = free_port()

    def run(*command: str) -> None:
        done = subprocess.run(
            [*as_user, *command], capture_output=True, text=True, cwd=folder
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr[-2000:]}")

    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
        "--no-sync", "-E", "UTF8")  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -F "
        "-c max_connections=200 -c shared_buffers=32MB"
    )
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
        str(folder / "server.log"), "-w", "start")  # fmt: skip
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
            "-U", "postgres", DATABASE)  # fmt: skip
        yield f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        subprocess.run(
            [
                *as_user,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            capture_output=True,
            cwd=folder,
        )
        shutil.rmtree(folder, ignore_errors=True)
