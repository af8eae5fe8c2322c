"""One lock per visitor's session, so that visitor's requests take turns.

Django reads a session when a request first touches it and writes it back
whole when the response leaves: the last write wins. Two overlapping clicks
both read "3 moves" and both write "4 moves", and one move is lost without
any error. ``SessionWriteLockMiddleware`` (middleware.py) holds the lock
named after the session key around the session's load, the view and the
save, so the second click reads what the first one saved.

Why not a database transaction around the request: on SQLite a write
transaction locks the whole database, so every visitor would queue behind
every other one, and a slow view (Argon2 hashing at login) would stall the
site. The lock here is outside the database's transactions. It is taken in
two steps:

1. Inside one process, a ``threading.Lock`` per session key: threads of
   one worker queue on it without touching the database.
2. Across processes, a lock only this session's requests contend for:
   - PostgreSQL: an advisory lock (``pg_advisory_lock``), a named lock in
     the database server that locks no row and no table; other visitors
     never see it. It belongs to the database connection, not to a
     transaction, so the view runs in autocommit as usual.
   - SQLite (one machine by nature): an OS lock (``fcntl.lockf``) on one
     byte of a file beside the database, at an offset taken from a hash of
     the session key. Different sessions lock different bytes and never
     wait for each other. The lock is tied to the process and the kernel
     drops it if the process dies, so a crashed worker leaves nothing
     stuck.

Waiting is bounded: at most ``COURSEWARE_SESSION_LOCK_WAIT`` seconds, and
at most ``COURSEWARE_SESSION_LOCK_QUEUE`` requests of one session waiting
in one process. Past either, ``Busy`` is raised and the middleware answers
429 at once, so one visitor's flood cannot hold every worker.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, transaction


class Busy(Exception):
    """The session stayed locked too long, or too many requests wait for it."""


def lock_number(session_key: str) -> int:
    """A stable 62-bit number for a session key: a file offset or an advisory lock id."""
    digest = hashlib.blake2b(session_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2


@dataclass
class _Queue:
    lock: threading.Lock
    users: int = 0


class _LocalQueues:
    """Per-process: one threading.Lock per session key, alive while in use."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._queues: dict[str, _Queue] = {}

    def acquire(self, key: str, deadline: float, limit: int) -> None:
        with self._mutex:
            queue = self._queues.get(key)
            if queue is None:
                queue = self._queues[key] = _Queue(threading.Lock())
            if queue.users > limit:
                raise Busy(f"{queue.users} requests already wait for this session")
            queue.users += 1
        if not queue.lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            self._leave(key, queue)
            raise Busy("the session stayed locked too long")

    def release(self, key: str) -> None:
        with self._mutex:
            queue = self._queues[key]
        queue.lock.release()
        self._leave(key, queue)

    def _leave(self, key: str, queue: _Queue) -> None:
        with self._mutex:
            queue.users -= 1
            if queue.users == 0:
                del self._queues[key]


class _FileLocks:
    """Cross-process locks for SQLite: one byte of a shared file per session."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None
        self._pid = 0
        self._mutex = threading.Lock()

    def _file(self) -> int:
        # One descriptor per process, never closed: closing any descriptor
        # of a file drops every fcntl lock the process holds on it. Opened
        # after gunicorn forks, because fcntl locks are not inherited.
        with self._mutex:
            if self._fd is None or self._pid != os.getpid():
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            return self._fd

    def acquire(self, key: str, deadline: float) -> None:
        fd, offset = self._file(), lock_number(key)
        pause = 0.001
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
                return
            except (BlockingIOError, PermissionError):
                # Held by another worker process (EAGAIN or EACCES). fcntl has no timed wait, so
                # this polls, with short pauses that grow to 20 ms; only two
                # processes serving the same visitor at once ever get here.
                if time.monotonic() >= deadline:
                    raise Busy("the session stayed locked too long") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.02)

    def release(self, key: str) -> None:
        fcntl.lockf(self._file(), fcntl.LOCK_UN, 1, lock_number(key))


class _AdvisoryLocks:
    """Cross-process locks for PostgreSQL: session-level advisory locks."""

    def __init__(self, alias: str):
        self.alias = alias

    def acquire(self, key: str, deadline: float) -> None:
        connection = connections[self.alias]
        number = lock_number(key)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [number])
            if cursor.fetchone()[0]:
                return
        wait_ms = max(1, int((deadline - time.monotonic()) * 1000))
        try:
            # lock_timeout bounds the wait; SET LOCAL (is_local=true) ends
            # with this short transaction. The advisory lock itself is held
            # by the connection and outlives the transaction.
            with transaction.atomic(using=self.alias), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true)", [f"{wait_ms}ms"]
                )
                cursor.execute("SELECT pg_advisory_lock(%s)", [number])
        except DatabaseError as error:
            raise Busy("the session stayed locked too long") from error

    def release(self, key: str) -> None:
        connection = connections[self.alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_number(key)])
        except DatabaseError:
            # A broken connection is closed by Django, and closing it is what
            # releases the lock: nothing is left held.
            connection.close()


class _OneProcess:
    """An in-memory SQLite database lives in one process: the local lock is all."""

    def acquire(self, key: str, deadline: float) -> None:
        pass

    def release(self, key: str) -> None:
        pass


# One of each per process, however many middleware instances there are
# (Django's test client builds a new one per client): the locks belong to
# the process.
_LOCAL_QUEUES = _LocalQueues()
_FILES: dict[str, _FileLocks] = {}
_FILES_MUTEX = threading.Lock()


def _file_locks(path: str) -> _FileLocks:
    with _FILES_MUTEX:
        if path not in _FILES:
            _FILES[path] = _FileLocks(path)
        return _FILES[path]


class SessionLocks:
    """The two-step lock for one database (the one sessions are saved in)."""

    def __init__(self, alias: str):
        connection = connections[alias]
        self.local = _LOCAL_QUEUES
        if connection.vendor == "postgresql":
            self.shared = _AdvisoryLocks(alias)
        elif connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if connection.is_in_memory_db():
                self.shared = _OneProcess()
            else:
                self.shared = _file_locks(name + ".session-locks")
        else:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"No per-session lock for the {connection.vendor!r} database."
            )

    def acquire(self, session_key: str) -> None:
        """Wait for this session's turn; raise Busy past the configured bounds."""
        wait = settings.COURSEWARE_SESSION_LOCK_WAIT
        deadline = time.monotonic() + wait
        self.local.acquire(
            session_key, deadline, settings.COURSEWARE_SESSION_LOCK_QUEUE
        )
        try:
            self.shared.acquire(session_key, deadline)
        except BaseException:
            self.local.release(session_key)
            raise

    def release(self, session_key: str) -> None:
        try:
            self.shared.release(session_key)
        finally:
            self.local.release(session_key)
