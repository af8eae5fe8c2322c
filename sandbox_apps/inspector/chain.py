"""Redirect chains: a POST's hop rides along to the GET that follows its redirect.

A click that posts a form answers 302, and the browser asks for the page
the redirect names at once. The panel shows both requests as one chain, so
the POST's hop must reach that GET, which another worker process or another
app server may answer.

The hop travels with the browser, in a cookie the redirect sets:

- one cookie per placeholder that asked (``cw_trace_demo-ninja-gold-1``;
  ``cw_trace`` for a demo's own page), sent only to that demo's URLs, so
  two demos on one page never take each other's hops;
- it lasts ``PENDING_SECONDS``. The request the redirect names takes the
  hops and deletes the cookie; any other request leaves it for that one.

What the cookie holds depends on the POST:

- **In the session.** Most demo clicks change the session (a move, a
  count, a login), so the response saves it anyway. The packed hops
  (``recording.pack``) then go into that same save, under
  ``SESSION_ENTRY`` (as JSON text, so its length is known before it is
  stored), and the cookie carries only a random id that names them.
  Signing a kilobyte of hops, sending it to the browser and checking it
  when it came back cost a whole click (the POST and its GET) 4% of its
  time; the session's own save already signs and stores what it holds,
  and the GET has loaded the session anyway. The GET leaves the entry
  where it is (saving the session only to remove it would cost the GET a
  write): its cookie is gone, so nothing shows the hops again, and the
  next click's hops replace them. A GET that saves the session anyway
  (the session counter counts visits) takes the entry out.
- **In the cookie itself**, when the POST leaves the session as it was
  (a database demo, a move after the game ended): its value is the packed
  hops with the path of the request that may take them, signed with the
  site's secret and dated. The visitor can read their own practice data
  in it (the hop's secrets are already masked), but cannot make the panel
  show anything the server did not record, nor an old hop again.

Why not a table: it costs a click no database statement at all. The hops
used to wait in a table, which cost every click an INSERT on its POST (a
ninth of the POST's time) and a SELECT and a DELETE on its GET, each a write
that every other visitor's clicks queued behind on SQLite.

Hops too large for either (a request that ran many long SQL statements)
still wait in the ``RedirectTrace`` table, under a digest of a random id
that the cookie carries instead of the hops. The rows are read and written
with plain SQL (``courseware.sql``), one statement each, outside any
transaction; on PostgreSQL the table is unlogged (migration 0002). Losing a
hop, from a cookie the browser dropped or a table that failed, costs only
the chain's first hop, never the click.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections, router
from django.utils import timezone

from courseware import signatures, sql
from sandbox_apps.middleware import http_date_at
from sandbox_apps.models import RedirectTrace

from .recording import Hop, pack, unpack

logger = logging.getLogger("sandbox_apps.inspector")

# Long enough for a browser to follow a redirect on a slow connection;
# short enough that a chain never joins a request made much later.
PENDING_SECONDS = 30
# A redirect to a redirect keeps the chain growing, up to a point.
MAX_HOPS = 5
COOKIE = "cw_trace"
SALT = "sandbox_apps.inspector.chain"
# Browsers keep a cookie of up to 4,096 bytes, name and attributes included.
# The session is held to the same bound: every request of the visitor's
# reads its entry until the next click replaces it.
MAX_COOKIE_VALUE = 3500
# Where a click's hops wait in its session: an entry no app uses, which the
# inspector never shows (it shows only the demo's own key).
SESSION_ENTRY = "_inspector_trace"
# Starts a cookie value that names hops in the session. A signed value
# never starts with it (it starts with base64), and neither does a table id.
IN_SESSION = "~"
# Every so many hops kept in the table, this process deletes the expired
# rows: those whose request never came (a closed tab), so the table stays
# small without a cron job.
SWEEP_EVERY = 100

_kept = 0


def cookie_name(target: str) -> str:
    """The cookie for ``target``, the placeholder that asked ("" for a demo's own page)."""
    return f"{COOKIE}_{target}" if target else COOKIE


def remember(request, response, cookie_path: str, target: str, hops: list[Hop]) -> None:
    """Send a redirect's hops along to the request its Location names.

    ``cookie_path`` is the demo's URL prefix: only its requests carry the cookie.
    """
    follow = _follow_path(response["Location"])
    packed = pack(hops[-MAX_HOPS:])
    value = _keep_in_session(getattr(request, "session", None), follow, packed)
    if value is None:
        value = _signed(follow, packed)
    if value is None:
        return
    response.set_cookie(
        cookie_name(target),
        value,
        max_age=PENDING_SECONDS,
        # What Django would work out from max_age, from the dates kept.
        expires=http_date_at(int(time.time()) + PENDING_SECONDS),
        path=cookie_path,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
        samesite="Lax",
    )


def _keep_in_session(session, follow: str, packed: list) -> str | None:
    """Put the packed hops into a session this response saves anyway; the cookie's value.

    None if it does not save the session (nothing changed in it, or it was
    emptied: a logout), or if the hops are too long to carry in it.
    """
    if session is None or not session.modified or session.is_empty():
        return None
    text = signatures.compact_json(packed)
    if len(text) > MAX_COOKIE_VALUE:
        return None
    name = secrets.token_urlsafe(9)
    session[SESSION_ENTRY] = {
        "name": name,
        "follow": follow,
        "at": int(time.time()),
        "hops": text,
    }
    return IN_SESSION + name


def _signed(follow: str, packed: list) -> str | None:
    """The signed cookie value that carries the packed hops, or names their table row."""
    trace = {"follow": follow, "hops": packed}
    value = _sign(trace)
    if len(value) > MAX_COOKIE_VALUE:
        # Compressing costs more than the rest; only a long trace needs it.
        value = _sign(trace, compress=True)
    if len(value) > MAX_COOKIE_VALUE:
        row = _keep_in_table(follow, trace["hops"])
        if row is None:
            return None
        value = _sign({"follow": follow, "row": row})
    return value


def take(request, response, cookie_path: str, target: str) -> list[Hop]:
    """The hops of the redirect that named this request, if it was one.

    Taken once: the cookie is deleted (and the row, if the hops were in the
    table), so a reload does not show the POST again.
    """
    name = cookie_name(target)
    value = request.COOKIES.get(name)
    if not value:
        return []
    in_session = value.startswith(IN_SESSION)
    if in_session:
        trace = _from_session(getattr(request, "session", None), value)
    else:
        trace = _unsigned(value)
    if trace is None:
        # Expired, signed with a secret this site no longer knows, not
        # signed here at all, or replaced in the session by a later click:
        # it joins nothing.
        response.delete_cookie(name, path=cookie_path, samesite="Lax")
        return []
    if trace.get("follow") != request.get_full_path():
        # Meant for another request: it stays for that one.
        return []
    response.delete_cookie(name, path=cookie_path, samesite="Lax")
    if in_session and request.session.modified:
        # This response saves the session anyway: the entry goes with it.
        del request.session[SESSION_ENTRY]
    packed = trace.get("hops")
    if "row" in trace:
        packed = _take_from_table(trace["row"], trace["follow"])
    try:
        return unpack(packed) if packed is not None else []
    except (ValueError, TypeError):
        # Packed by an older release, whose records had other fields.
        logger.warning("Could not read a redirect's trace", exc_info=True)
        return []


def _from_session(session, value: str) -> dict | None:
    """The session entry the cookie's ``value`` names, with its hops unpacked to lists."""
    entry = session.get(SESSION_ENTRY) if session is not None else None
    if (
        not isinstance(entry, dict)
        or entry.get("name") != value.removeprefix(IN_SESSION)
        or not isinstance(entry.get("at"), int)
        # As a signed cookie's max_age: the age is checked when it is read.
        or time.time() - entry["at"] > PENDING_SECONDS
        or not isinstance(entry.get("hops"), str)
    ):
        return None
    try:
        return {"follow": entry.get("follow"), "hops": json.loads(entry["hops"])}
    except ValueError:
        return None


def _unsigned(value: str) -> dict | None:
    try:
        trace = signing.TimestampSigner(salt=SALT).unsign_object(
            value, max_age=PENDING_SECONDS
        )
    except signing.BadSignature:
        return None
    return trace if isinstance(trace, dict) else None


def _sign(trace: dict, compress: bool = False) -> str:
    if compress:
        return signing.TimestampSigner(salt=SALT).sign_object(trace, compress=True)
    # What the line above makes without compress, at a fraction of the cost.
    return signatures.sign_object(SALT, trace)


def _follow_path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Hops too large for a cookie -------------------------------------------


def _keep_in_table(follow: str, packed: list) -> str | None:
    """Store packed hops in the table; the random id that finds them, or None."""
    global _kept
    row = secrets.token_urlsafe(18)
    connection = _connection()
    now = timezone.now()
    try:
        sql.run(
            connection,
            _sql(connection, KEEP),
            [
                _key(row),
                follow,
                signing.JSONSerializer().dumps(packed),
                _moment(connection, now + timedelta(seconds=PENDING_SECONDS)),
            ],
        )
        _kept += 1
        if _kept % SWEEP_EVERY == 0:
            sql.run(connection, _sql(connection, SWEEP), [_moment(connection, now)])
    except DatabaseError:  # a failed write costs one hop, never the click
        logger.warning("Could not keep a redirect's trace", exc_info=True)
        return None
    return row


def _take_from_table(row, follow: str) -> list | None:
    if not isinstance(row, str):
        return None
    connection = _connection()
    key = _key(row)
    try:
        found = sql.fetchone(
            connection,
            _sql(connection, FIND),
            [key, follow, _moment(connection, timezone.now())],
        )
        if found is None:
            return None
        sql.run(connection, _sql(connection, TAKE), [key])
        return signing.JSONSerializer().loads(bytes(found[0]))
    except Exception:  # noqa: BLE001 - a database that failed, or a row an older release wrote
        logger.warning("Could not read a redirect's trace", exc_info=True)
        return None


def _key(row: str) -> str:
    # The id is what lets a request take the hops: the table sees only its digest.
    return hashlib.sha256(row.encode()).hexdigest()


KEEP = "INSERT INTO {table} ({key}, {follow}, {hops}, {expires_at}) VALUES (%s, %s, %s, %s)"
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
