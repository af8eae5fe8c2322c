"""gunicorn settings for Courseware: ``gunicorn -c deploy/gunicorn.conf.py courseware.wsgi``.

gunicorn's sync workers handle one request at a time each, so three slow
clients that trickle a request in byte by byte (slowloris) can hold every
worker. That is why gunicorn must only ever be reached through a buffering
proxy (nginx, deploy/nginx.conf), which reads whole requests before it
passes them on and takes answers at once, whatever the client's speed.
Safe by default: this file binds to the loopback interface only. Set
GUNICORN_BIND to a unix socket or another loopback port, never to a public
address. See deploy/README.md.
"""

import gc
import multiprocessing
import os

# Loopback only: the proxy is the one client.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Two per core plus one is gunicorn's rule of thumb; each worker holds
# about 60-90 MB (the page cache is capped by COURSEWARE_PAGE_CACHE_MB).
workers = int(
    os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
)
worker_class = "sync"

# A request that takes longer than this is stuck: the worker is replaced.
timeout = 30
# On HUP or TERM, requests in flight get this long to finish.
graceful_timeout = 30
# The proxy keeps no idle connections to sync workers.
keepalive = 2

# Not preloaded: on HUP each new worker imports the new code, which is what
# makes `systemctl reload courseware` a rollout (deploy/README.md).
preload_app = False

# The heartbeat file on a memory file system: a slow disk cannot make the
# master think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only the local proxy may say which scheme the client used.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Several instances run side by side (two app servers on one machine, the
# tests): none needs gunicorn's control socket.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"


def post_worker_init(worker):
    # After the app is loaded, before the worker accepts its first request.
    from courseware.warmup import warm_up

    # A warm-up slower than `timeout` (a loaded machine, a cold disk) must
    # not look like a hung worker to the master.
    answered = warm_up(worker.wsgi, between=worker.notify)
    worker.log.info("Warmed up: %s", ", ".join(f"{p} {s}" for p, s in answered))
    set_aside_from_garbage_collection()
    retire_old_workers(worker)


def set_aside_from_garbage_collection():
    # What is loaded by now (Django, the URL patterns, the compiled
    # templates, the warm pages) lives as long as the worker. Python's
    # cycle collector would still walk all of it, about 80,000 objects, in
    # every full collection: a pause of about 0.1 s (measured in process at
    # load 8) in which the worker answers nobody, once every two thousand
    # sandbox clicks or so. Frozen, those objects are skipped, and a full
    # collection walks only what requests made. The collect first frees the
    # warm-up's own garbage instead of keeping it for good; reference
    # counting still frees frozen objects as usual.
    gc.collect()
    gc.freeze()


# --- A reload (HUP) without a gap ---------------------------------------
#
# On HUP gunicorn forks new workers and stops the old ones at once, so
# until a new worker has imported the new code and warmed up, nobody takes
# requests: they wait in the socket's queue (half a minute on a loaded
# machine, long enough for nginx to give up on them). Instead, the old
# workers are set aside when the reload starts and keep serving; each new
# worker, once warm, stops its share of them (SIGTERM: finish the request
# in hand, then exit). Capacity never drops, and no request waits for a
# start-up. The hooks below run in the master, except post_worker_init.


def on_reload(server):
    # Runs in the master after the new configuration is read, before the
    # new workers are forked. Workers outside server.WORKERS are neither
    # stopped nor counted by gunicorn, which still reaps them when they exit.
    retiring = _retiring(server)
    for pid in list(server.WORKERS):
        retiring["workers"][pid] = server.WORKERS.pop(pid)
        retiring["unassigned"].append(pid)
    retiring["to_fork"] = server.cfg.workers


def pre_fork(server, worker):
    # Give the worker about to be forked its share of the old workers. A
    # replacement forked later (a new worker that crashed before it was
    # warm, see child_exit) takes whatever is left.
    retiring = _retiring(server)
    _forget_exited(retiring)
    pool = retiring["unassigned"]
    forks_left = retiring["to_fork"]
    share = len(pool) if forks_left <= 1 else -(-len(pool) // forks_left)
    worker.retires = pool[:share]
    del pool[:share]
    retiring["to_fork"] = max(0, forks_left - 1)


def post_fork(server, worker):
    # In the new worker: the old workers' heartbeat files are the master's.
    for old in _retiring(server)["workers"].values():
        old.tmp.close()


def child_exit(server, worker):
    # A new worker that died before it was warm stopped none of its share:
    # hand the old workers still running to the next one forked.
    pool = _retiring(server)["unassigned"]
    pool.extend(pid for pid in getattr(worker, "retires", []) if _alive(pid))


def on_exit(server):
    # gunicorn stopped its own workers; the set-aside ones are not its own.
    for pid in _retiring(server)["workers"]:
        _stop(pid)


def retire_old_workers(worker):
    for pid in getattr(worker, "retires", []):
        # Only a worker of this same master: the pid may have been reused.
        if _parent_of(pid) == worker.ppid:
            _stop(pid)


def _retiring(server) -> dict:
    if not hasattr(server, "courseware_retiring"):
        server.courseware_retiring = {"workers": {}, "unassigned": [], "to_fork": 0}
    return server.courseware_retiring


def _forget_exited(retiring: dict) -> None:
    for pid in [pid for pid in retiring["workers"] if not _alive(pid)]:
        retiring["workers"].pop(pid).tmp.close()
        if pid in retiring["unassigned"]:
            retiring["unassigned"].remove(pid)


def _alive(pid: int) -> bool:
    return _parent_of(pid) is not None


def _parent_of(pid: int) -> int | None:
    """The parent of a running process, None if it has exited (or is a zombie)."""
    if not os.path.isdir("/proc"):
        # Not Linux: no parent to check; a signal 0 says whether it runs.
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return os.getppid() if os.getpid() != pid else None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # "pid (name) state ppid ...": the name may contain spaces.
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[1])


def _stop(pid: int) -> None:
    import contextlib
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
