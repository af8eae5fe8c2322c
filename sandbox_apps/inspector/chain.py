"""Redirect chains: a POST's hop waits for the GET that follows its redirect.

A click that posts a form answers 302, and the browser asks for the page
the redirect names at once. The panel shows both requests as one chain, so
the POST's hop is kept until that GET arrives, for a few seconds at most.

It is kept in its own table (``RedirectTrace``), never in the visitor's
session. Writing to the session would make Django save the whole session
back when the GET ends, with whatever it read when the GET began: a click
that finished in between would be undone. A row is keyed by a digest of the
session key and the placeholder that asked, so two demos on one page, or
two visitors, never take each other's hops, and the GET after a redirect
finds it whichever worker process or app server answers.

Why the database and not a cache: every worker already holds a connection
to it, and one short statement costs a click far less than the file cache
that was used before (writing a file and renaming it over the last one,
which the file system may flush to disk) and needs no Redis. The rows are
read and written with plain SQL (``courseware.sql``), one statement each,
outside any transaction and outside the session's row: SQLite's write lock
is held for that one statement, and on PostgreSQL the table is unlogged
(migration 0002). Losing a row costs only the chain's first hop, never the
click.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import DatabaseError, connections, router
from django.utils import timezone

from courseware import sql
from sandbox_apps.models import RedirectTrace

from .recording import Hop

logger = logging.getLogger("sandbox_apps.inspector")

# Long enough for a browser to follow a redirect on a slow connection;
# short enough that a chain never joins a request made much later.
PENDING_SECONDS = 30
# A redirect to a redirect keeps the chain growing, up to a point.
MAX_HOPS = 5
# Every so many traces kept, this process deletes the expired ones: those
# whose request never came (a closed tab), so the table stays small without
# a cron job.
SWEEP_EVERY = 100

_kept = 0


def _key(session_key: str, target: str) -> str:
    # The session key is a credential: the table sees only its digest.
    return hashlib.sha256(f"{session_key}\0{target}".encode()).hexdigest()


def _follow_path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def remember(session, target: str, location: str, hops: list[Hop]) -> None:
    """Keep a redirect's hops until the request for ``location`` arrives.

    ``target`` names the placeholder that asked ("" for a demo's own page).
    """
    global _kept
    if session.session_key is None:
        # A first visit's session gets its key when it is saved, after this
        # middleware has finished. Save it now, as SessionMiddleware would
        # next, so the request after the redirect can find its chain; an
        # empty session is not saved and has no chain to join.
        if session.is_empty():
            return
        session.save()
    connection = _connection()
    now = timezone.now()
    try:
        # One statement that inserts or replaces: a second redirect before
        # the first was followed replaces the first's hops.
        sql.run(
            connection,
            _sql(connection, KEEP),
            [
                _key(session.session_key, target),
                _follow_path(location),
                pickle.dumps(hops[-MAX_HOPS:], pickle.HIGHEST_PROTOCOL),
                _moment(connection, now + timedelta(seconds=PENDING_SECONDS)),
            ],
        )
        _kept += 1
        if _kept % SWEEP_EVERY == 0:
            sql.run(connection, _sql(connection, SWEEP), [_moment(connection, now)])
    except DatabaseError:  # a failed write costs one hop, never the click
        logger.warning("Could not keep a redirect's trace", exc_info=True)


def take(session, target: str, full_path: str) -> list[Hop]:
    """The hops that redirected to ``full_path``, removed from the table.

    The session itself is neither read nor changed: only its key is used.
    """
    if session is None or not session.session_key:
        return []
    connection = _connection()
    key = _key(session.session_key, target)
    try:
        # Only the request that redirect named finds the row; any other
        # leaves it for that one. Reading first keeps every other demo
        # request from taking the database's write lock.
        row = sql.fetchone(
            connection,
            _sql(connection, FIND),
            [key, full_path, _moment(connection, timezone.now())],
        )
        if row is None:
            return []
        sql.run(connection, _sql(connection, TAKE), [key])
        hops = pickle.loads(row[0])
    except Exception:  # noqa: BLE001 - a database that failed, or a row an older release wrote
        logger.warning("Could not read a redirect's trace", exc_info=True)
        return []
    if not isinstance(hops, list):
        return []
    return [hop for hop in hops if isinstance(hop, Hop)]


KEEP = (
    "INSERT INTO {table} ({key}, {follow}, {hops}, {expires_at}) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT ({key}) DO UPDATE SET {follow} = excluded.{follow},"
    " {hops} = excluded.{hops}, {expires_at} = excluded.{expires_at}"
)
SWEEP = "DELETE FROM {table} WHERE {expires_at} <= %s"
FIND = (
    "SELECT {hops} FROM {table}"
    " WHERE {key} = %s AND {follow} = %s AND {expires_at} > %s"
)
TAKE = "DELETE FROM {table} WHERE {key} = %s"


def _connection():
    return connections[router.db_for_write(RedirectTrace)]


def _sql(connection, template: str) -> sql.Statement:
    return sql.statement(connection, RedirectTrace, template)


def _moment(connection, when):
    return connection.ops.adapt_datetimefield_value(when)
