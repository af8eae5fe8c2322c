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

    answered = warm_up(worker.wsgi)
    worker.log.info("Warmed up: %s", ", ".join(f"{p} {s}" for p, s in answered))
