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
site. The lock here is outside the database's transactions.

One holder, one waiter, everyone else refused at once
------------------------------------------------------

A request that waits for its turn holds a worker while it waits: a sync
gunicorn worker serves one request at a time, so a visitor who sends 64
requests at once (a script, a stuck key) would fill every worker with
requests that only wait, and other visitors' lesson pages would queue
behind them. A per-process limit cannot stop that, because with sync
workers each process only ever sees one request. So the rule is kept
across every process and every app server that shares the database:

- at most one request of a session runs (it holds the session's *lock*);
- at most ``COURSEWARE_SESSION_LOCK_WAITERS`` more wait for it (each holds
  one of the session's *waiter slots*), and not longer than
  ``COURSEWARE_SESSION_LOCK_WAIT`` seconds;
- any further request is refused at once with a 429 ("too many clicks at
  once, try again"), before the session is read: nothing changed.

A request first tries the lock. If it is taken, the request tries for a
waiter slot, waits in it for the lock, and gives the slot back once it
holds the lock (or gives up). A free lock goes to whoever asks first: a
request that arrives just as the running one ends is not refused because
the waiter has not woken up yet. One waiter is enough for a reader: a
page sends its demo requests one at a time (demos.js,
keepToTheServersLimit), even when all its demos load at the same moment,
so the slot is there for a second tab.

Each lock and each waiter slot is taken in two steps:

1. Inside one process, a ``threading.Lock``: threads of one worker take
   turns without touching the database (and fcntl locks, below, belong to
   the process, so they cannot tell its threads apart).
2. Across processes, a lock only this session's requests contend for:
   - PostgreSQL: an advisory lock (``pg_advisory_lock``), a named lock in
     the database server that locks no row and no table; other visitors
     never see it. It belongs to the database connection, not to a
     transaction, so the view runs in autocommit as usual. Waiter slots
     are advisory locks too, with their own numbers.
   - SQLite (one machine by nature): an OS lock (``fcntl.lockf``) on one
     byte of a file beside the database, at an offset taken from a hash of
     the session key; a waiter slot is another byte. Different sessions
     lock different bytes and never wait for each other. The lock is tied
     to the process and the kernel drops it if the process dies, so a
     crashed worker leaves nothing stuck.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, transaction

from courseware import lockfiles


class Busy(Exception):
    """The session is taken and so is every waiter slot, or the wait ran out."""


# Each request asks for its session's number twice (taking and giving
# back the lock); a visitor's clicks ask again and again.
@functools.lru_cache(maxsize=1024)
def lock_number(session_key: str) -> int:
    """A stable 62-bit number for a session key: a file offset or an advisory lock id."""
    digest = hashlib.blake2b(session_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2


def slot_number(session_key: str, slot: int) -> int:
    """The number of one of a session's waiter slots, unrelated to its lock's."""
    # Session keys are lowercase letters and digits: "/" cannot occur in
    # one, so no session's lock shares a number with another's slot.
    return lock_number(f"{session_key}/waiter/{slot}")


@dataclass
class _Entry:
    lock: threading.Lock
    users: int = 0


class _LocalLocks:
    """Per process: one threading.Lock per lock number, alive while in use."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._entries: dict[int, _Entry] = {}

    def acquire(self, number: int, deadline: float | None) -> bool:
        """Take the lock; wait until ``deadline`` (monotonic), or not at all if None."""
        with self._mutex:
            entry = self._entries.get(number)
            if entry is None:
                entry = self._entries[number] = _Entry(threading.Lock())
            entry.users += 1
        if deadline is None:
            taken = entry.lock.acquire(blocking=False)
        else:
            taken = entry.lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
        if not taken:
            self._leave(number, entry)
        return taken

    def release(self, number: int) -> None:
        with self._mutex:
            entry = self._entries[number]
        entry.lock.release()
        self._leave(number, entry)

    def _leave(self, number: int, entry: _Entry) -> None:
        with self._mutex:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[number]


class _FileLocks:
    """Cross-process locks for SQLite: one byte of a shared file per lock."""

    # The longest pause between two tries while waiting: how late, at most,
    # a waiter notices that the lock is free.
    LONGEST_PAUSE = 0.01

    def __init__(self, path: str):
        self.path = path

    def acquire(self, number: int, deadline: float | None) -> bool:
        fd = lockfiles.descriptor(self.path)
        pause = 0.001
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, number)
                return True
            except (BlockingIOError, PermissionError):
                # Held by another worker process (EAGAIN or EACCES). fcntl
                # has no timed wait, so this polls, with short pauses that
                # grow to LONGEST_PAUSE; only the one request allowed to
                # wait for a session ever gets here.
                if deadline is None or time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, self.LONGEST_PAUSE)

    def release(self, number: int) -> None:
        fcntl.lockf(lockfiles.descriptor(self.path), fcntl.LOCK_UN, 1, number)


class _AdvisoryLocks:
    """Cross-process locks for PostgreSQL: session-level advisory locks."""

    def __init__(self, alias: str):
        self.alias = alias

    def acquire(self, number: int, deadline: float | None) -> bool:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [number])
            if cursor.fetchone()[0]:
                return True
        if deadline is None:
            return False
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
        except DatabaseError:
            return False
        return True

    def release(self, number: int) -> None:
        connection = connections[self.alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [number])
        except DatabaseError:
            # A broken connection is closed by Django, and closing it is what
            # releases the lock: nothing is left held.
            connection.close()


class _OneProcess:
    """An in-memory SQLite database lives in one process: the local lock is all."""

    def acquire(self, number: int, deadline: float | None) -> bool:
        return True

    def release(self, number: int) -> None:
        pass


# One of each per process, however many middleware instances there are
# (Django's test client builds a new one per client): the locks belong to
# the process.
_LOCAL = _LocalLocks()
_FILES: dict[str, _FileLocks] = {}
_FILES_MUTEX = threading.Lock()


def _file_locks(path: str) -> _FileLocks:
    with _FILES_MUTEX:
        if path not in _FILES:
            _FILES[path] = _FileLocks(path)
        return _FILES[path]


class SessionLocks:
    """The session locks and waiter slots of one database (the one sessions are saved in)."""

    def __init__(self, alias: str):
        connection = connections[alias]
        self.local = _LOCAL
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
        """Take this session's lock, waiting in a free waiter slot; raise Busy if none is free."""
        number = lock_number(session_key)
        waiters = settings.COURSEWARE_SESSION_LOCK_WAITERS
        if waiters <= 0:
            # No one may wait: the lock now, or a 429.
            if not self._take(number, None):
                raise Busy("this session is busy")
            return
        if self._take(number, None):
            return
        slot = self._take_a_slot(session_key, waiters)
        if slot is None:
            raise Busy("this session is busy and a request already waits for it")
        try:
            deadline = time.monotonic() + settings.COURSEWARE_SESSION_LOCK_WAIT
            if not self._take(number, deadline):
                raise Busy("the session stayed locked too long")
        finally:
            # Holding the lock (or giving up), this request waits no more:
            # the slot is free for the next one.
            self._give_back(slot)

    def release(self, session_key: str) -> None:
        self._give_back(lock_number(session_key))

    def _take_a_slot(self, session_key: str, waiters: int) -> int | None:
        for slot in range(waiters):
            number = slot_number(session_key, slot)
            if self._take(number, None):
                return number
        return None

    def _take(self, number: int, deadline: float | None) -> bool:
        if not self.local.acquire(number, deadline):
            return False
        try:
            taken = self.shared.acquire(number, deadline)
        except BaseException:
            self.local.release(number)
            raise
        if not taken:
            self.local.release(number)
        return taken

    def _give_back(self, number: int) -> None:
        try:
            self.shared.release(number)
        finally:
            self.local.release(number)
