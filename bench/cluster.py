"""Throwaway servers on loopback ports, as an operator runs the site.

PostgreSQL, Redis, gunicorn and nginx, each in a temporary folder, each
started and stopped by the scale-out script (bench/scaleout.py), the
benchmarks and the tests. Nothing here touches the machine's own services.
Binaries come from Debian's packages; ``missing()`` names any that are not
installed so a test can skip saying what to install.
"""

import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from glob import glob
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Ports this project's throwaway servers use; override for another range.
PORTS = os.environ.get("COURSEWARE_BENCH_PORTS", "8800-8899")


def missing() -> list[str]:
    """Debian packages whose servers are not installed."""
    absent = []
    if not glob("/usr/lib/postgresql/*/bin/initdb"):
        absent.append("postgresql")
    if not shutil.which("redis-server"):
        absent.append("redis-server")
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        absent.append("nginx")
    return absent


# Port -> the open lock file that reserves it for this process.
_reserved: dict[int, object] = {}
LOCKS = Path(tempfile.gettempdir(), "courseware-ports")


def free_port() -> int:
    """A port in PORTS that no other process is using or about to use.

    A port found free by binding to it is free only until someone binds it:
    two processes scanning at once (the scale-out drill and the reload test
    on two test workers, or two checkouts' runs) would both pick the first
    one, and the second server would fail to start. So a port is also
    reserved by an exclusive lock on a file named after it, held as long as
    this process lives and released by the system when it ends, even if it
    crashes.
    """
    low, high = (int(part) for part in PORTS.split("-"))
    LOCKS.mkdir(exist_ok=True)
    for port in range(low, high + 1):
        if port in _reserved:
            continue
        lock = open(LOCKS / str(port), "a")  # noqa: SIM115 - held until exit
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                lock.close()
                continue
        _reserved[port] = lock
        return port
    raise RuntimeError(f"no free port in {PORTS}")


def wait_for(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root.
    return (
        ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command
    )


class Postgres:
    def __init__(self, folder: Path):
        self.folder = Path(folder) / "pg"
        self.port = free_port()
        self.bin = Path(sorted(glob("/usr/lib/postgresql/*/bin"))[-1])
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/courseware"

    def start(self) -> "Postgres":
        if not self.folder.exists():
            self.folder.mkdir(parents=True)
            if os.getuid() == 0:
                shutil.chown(self.folder, "postgres")
                shutil.chown(self.folder.parent, "postgres")
            subprocess.run(
                as_postgres(
                    [str(self.bin / "initdb"), "-D", str(self.folder), "-A", "trust"]
                    + ["-U", "postgres", "--no-sync"]
                ),
                check=True,
                capture_output=True,
            )
            self.pg_ctl("start")
            subprocess.run(
                as_postgres(
                    [str(self.bin / "createdb"), "-h", "127.0.0.1"]
                    + ["-p", str(self.port), "-U", "postgres", "courseware"]
                ),
                check=True,
                capture_output=True,
            )
        else:
            self.pg_ctl("start")
        return self

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.folder), "-w", "-s"]
                + ["-l", str(self.folder / "log"), "-o", options, action, *extra]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if (self.folder / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "fast")


class Redis:
    def __init__(self, folder: Path):
        self.folder = Path(folder) / "redis"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.folder), "--dbfilename", "dump.rdb"]
            + ["--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), "redis-server")
        return self

    def command(self, *words: str) -> str:
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *words],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def snapshot(self) -> None:
        self.command("SAVE")

    def crash(self) -> None:
        """Kill without a final save: a restart loads the last snapshot."""
        self.process.kill()
        self.process.wait()

    def hang(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


class Gunicorn:
    """One app server: gunicorn with the shipped config, on a loopback port."""

    def __init__(
        self, env: dict, workers: int = 2, name: str = "app", log=None, port=None
    ):
        """``log``: an open file for gunicorn's output (default: this console)."""
        self.log = log
        self.env = env
        self.workers = workers
        self.name = name
        self.port = port or free_port()
        self.process = None

    def start(self, wait: bool = True) -> "Gunicorn":
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_ACCESS_LOG": "",
        }
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
            + ["courseware.wsgi", "--no-control-socket"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_until_ready()
        return self

    def wait_until_ready(self) -> None:
        # Each worker warms up before it answers; on a machine loaded 15
        # times over its cores, that took 50 s.
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{self.port}/health/") == 200,
            f"gunicorn {self.name}",
            180,
        )

    def kill(self) -> None:
        """As a machine dies: the master and its workers, mid-request."""
        for pid in worker_pids(self.process.pid) + [self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def reload(self) -> None:
        """gunicorn's graceful reload: new workers, old ones finish their requests."""
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_pids(master: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == master:
                pids.append(int(status.parent.name))
    return pids


def http_status(url: str, host: str | None = None) -> int:
    # As nginx sends it: with SECURE_SSL_REDIRECT on, a request without it
    # would get a redirect to HTTPS.
    headers = {"X-Forwarded-Proto": "https", **({"Host": host} if host else {})}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Nginx:
    """nginx with the shipped site config (deploy/nginx.conf), ports swapped in."""

    def __init__(
        self,
        folder: Path,
        upstreams: list[int],
        static_root: Path,
        name: str = "nginx",
        demo_limits: bool = True,
    ):
        """``demo_limits=False`` drops the per-visitor limits on the demos: a
        benchmark's many requests from one address measure the app servers,
        not the limit on one client."""
        self.folder = Path(folder) / name
        (self.folder / "cache").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.upstreams = upstreams
        self.static_root = static_root
        self.demo_limits = demo_limits
        self.process = None

    def site_config(self) -> str:
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        servers = "".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;\n"
            for port in self.upstreams
        )
        replacements = {
            # The two app servers of the sample become this run's.
            "    server 127.0.0.1:8001 max_fails=1 fail_timeout=2s;\n"
            "    server 127.0.0.1:8002 max_fails=1 fail_timeout=2s;\n": servers,
            "/var/cache/nginx/courseware": str(self.folder / "cache"),
            "/srv/courseware/staticfiles/": f"{self.static_root}/",
            # Plain HTTP on one loopback port stands in for the TLS server;
            # the test sends X-Forwarded-Proto as a TLS front would.
            "listen 443 ssl;": f"listen 127.0.0.1:{self.port};",
            "listen [::]:443 ssl;": "",
            "proxy_set_header X-Forwarded-Proto $scheme;": (
                "proxy_set_header X-Forwarded-Proto https;"
            ),
            # Every visitor of the drill, and wrk's throughput runs, come
            # from 127.0.0.1: one address, whose request rate would be
            # limited like a whole class's. The per-session limits stay.
            "rate=60r/s;": "rate=100000r/s;",
            "limit_conn sandbox_per_client 32;": "limit_conn sandbox_per_client 1000;",
        }
        for old, new in replacements.items():
            if old not in text:
                raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}")
            text = text.replace(old, new)
        # Drop the port-80 redirect server and the certificate lines.
        text = (
            text.split("# --- HTTP: redirect to HTTPS")[0]
            + text.split("# --- end of the HTTP server")[1]
        )
        lines = [line for line in text.splitlines() if "ssl_certificate" not in line]
        if not self.demo_limits:
            limit = re.compile(r"\s*limit_(conn|req) ")
            lines = [line for line in lines if not limit.match(line)]
        return "\n".join(lines)

    def start(self) -> "Nginx":
        (self.folder / "site.conf").write_text(self.site_config())
        (self.folder / "nginx.conf").write_text(
            # As root, nginx's workers would run as "nobody", who cannot
            # write this run's temporary folders.
            ("user root;\n" if os.getuid() == 0 else "")
            + f"daemon off;\nworker_processes 1;\npid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/error.log;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "  include /etc/nginx/mime.types;\n"
            f"  access_log {self.folder}/access.log;\n"
            f"  client_body_temp_path {self.folder}/body;\n"
            f"  proxy_temp_path {self.folder}/proxy;\n"
            f"  fastcgi_temp_path {self.folder}/fastcgi;\n"
            f"  uwsgi_temp_path {self.folder}/uwsgi;\n"
            f"  scgi_temp_path {self.folder}/scgi;\n"
            f"  include {self.folder}/site.conf;\n"
            "}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-c", str(self.folder / "nginx.conf"), "-e", "stderr"],
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), "nginx")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
