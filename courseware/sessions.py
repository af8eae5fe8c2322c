"""Database sessions, read and written with one plain SQL statement each.

Django's ``db`` session engine goes through the ORM: every request that
touches a session builds a queryset to read one row, and every save builds
a model instance, opens a transaction and compiles an UPDATE. For a demo
click that work cost more than the demo's own view. This engine stores the
same rows in the same table (``django_session``) the same way, and only
reading a session and saving changes to an existing one skip the ORM:

- load: ``SELECT session_data, expire_date ... WHERE session_key = %s AND
  expire_date > %s``
- save: ``UPDATE ... SET session_data = %s, expire_date = %s WHERE session_key = %s``,
  a single statement, atomic without a transaction around it; the expiry
  is left out while it would move by less than 1% (``_moves_expiry``).

Both run through ``courseware.sql``, which hands them to the database
driver without Django's per-statement layers unless something watches the
SQL (the inspector recording a view's queries, a test counting them).

Creating a session (a first visit, or a new key at login) and deleting one
stay with Django's code, unchanged. Sessions made by either engine are read
by the other, so switching back is a settings change.

The session data is signed in Django's format (``django.core.signing``:
JSON, compressed when large (``COMPRESS_OVER``), base64, a timestamp and an
HMAC), but without Django's per-call work (``courseware.signatures``). A
value that the current secret did not sign (an old one in
``SECRET_KEY_FALLBACKS``, or a forged one) goes to Django's own ``decode``,
which tries the fallbacks and logs a forgery.

Its ``SessionMiddleware`` is Django's, but sends the session cookie again
only when the row's expiry moved (or Django's rules need a new cookie).

    SESSION_ENGINE = "courseware.sessions"
    MIDDLEWARE = [..., "courseware.sessions.SessionMiddleware", ...]
"""

import hmac
import time
import zlib
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions import middleware
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core import signing
from django.db import DatabaseError, connections, router
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from courseware import signatures, sql


class SessionStore(db.SessionStore):
    def encode(self, session_dict) -> str:
        """What Django's ``SessionBase.encode`` makes, readable by its ``decode``."""
        if self.serializer is signing.JSONSerializer:
            # Its dumps, without the new JSON encoder it builds on every call.
            data = signatures.compact_json(session_dict).encode("latin-1")
        else:
            data = self.serializer().dumps(session_dict)
        value = None
        if len(data) > COMPRESS_OVER:
            # zlib's fastest level: any level decompresses the same way.
            compressed = zlib.compress(data, 1)
            if len(compressed) < len(data) - 1:
                # The "." says "compressed", inside the signed part as in Django.
                value = "." + signatures.b64(compressed)
        if value is None:
            value = signatures.b64(data)
        value = f"{value}:{signing.b62_encode(int(time.time()))}"
        return f"{value}:{self._signature(value)}"

    def decode(self, session_data: str) -> dict:
        value, _, signature = session_data.rpartition(":")
        if not value or not hmac.compare_digest(
            signature.encode(), self._signature(value).encode()
        ):
            # Signed with an older secret, or not by this site: Django's own
            # code tries SECRET_KEY_FALLBACKS, and logs a forgery.
            return super().decode(session_data)
        try:
            # No age limit, as in Django: the row's expiry date is the limit.
            payload = value.rpartition(":")[0]
            compressed = payload.startswith(".")
            payload = payload.removeprefix(".")
            data = signing.b64_decode(payload.encode())
            if compressed:
                data = zlib.decompress(data)
            return self.serializer().loads(data)
        except Exception:  # noqa: BLE001 - signed but unreadable: a new session, as in Django
            return {}

    def _signature(self, value: str) -> str:
        return signatures.signature(self.key_salt, value)

    def load(self):
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        row = sql.fetchone(
            connection, self._sql(connection, LOAD), [self.session_key, now]
        )
        if row is None:
            # Unknown or expired: the visitor starts afresh, as with Django's engine.
            self._session_key = None
            return {}
        # As the driver gave it: read only if this session is saved (_moves_expiry).
        self._stored_expiry = row[1]
        return self.decode(row[0])

    def save(self, must_create=False):
        if self.session_key is None or must_create:
            # A new row (or a new key): its expiry is written with it.
            self._stored_expiry = None
            self.expiry_written = True
            return super().save(must_create=must_create)
        connection = connections[router.db_for_write(self.model)]
        data = self.encode(self._get_session())
        expiry = self.get_expiry_date()
        # Read by SessionMiddleware: the cookie's expiry follows the row's.
        self.expiry_written = self._moves_expiry(connection, expiry)
        if self.expiry_written:
            statement = self._sql(connection, SAVE)
            values = [
                data,
                connection.ops.adapt_datetimefield_value(expiry),
                self.session_key,
            ]
        else:
            statement = self._sql(connection, SAVE_DATA)
            values = [data, self.session_key]
        try:
            updated = sql.run(connection, statement, values)
        except DatabaseError as error:
            raise UpdateError from error
        if updated != 1:
            # The row is gone (the visitor logged out in another tab, or the
            # session was purged): Django answers this the same way.
            raise UpdateError

    def _moves_expiry(self, connection, expiry) -> bool:
        """Whether a save must write ``expiry``, or may leave the stored one.

        Django moves a session's expiry forward on every save. Each move
        also rewrites the row's entry in the expiry date's index: two thirds
        of the UPDATE's CPU time on SQLite. So an expiry that would move by
        less than a hundredth of the session's lifetime (three hours and a
        half of the fourteen days) stays as it is: the row expires at most
        that much earlier than the cookie says, never later. A shorter
        expiry (``set_expiry``) is always written.
        """
        stored = getattr(self, "_stored_expiry", None)
        if stored is None:
            return True
        convert = getattr(connection.ops, "convert_datetimefield_value", None)
        if convert is not None:
            # SQLite's driver gives text or a naive datetime; PostgreSQL's an aware one.
            stored = convert(stored, None, connection)
        if timezone.is_naive(stored):
            return True
        slack = timedelta(seconds=self.get_expiry_age() / 100)
        return not (expiry - slack <= stored <= expiry)

    def _sql(self, connection, template: str) -> sql.Statement:
        return sql.statement(connection, self.model, template)


class SessionMiddleware(middleware.SessionMiddleware):
    """Django's, without sending visitors the session cookie they already hold.

    Django sets the session cookie again on every response that saved the
    session, so the cookie's expiry moves with the row's. A demo click saves
    the session every time, and the Set-Cookie header (an HTTP date and the
    cookie's attributes, formatted) cost it 6% of its time, to tell the
    browser what it knew. ``SessionStore`` moves the row's expiry only once
    it is 1% behind (``_moves_expiry``), and the cookie now moves with it:
    a save that leaves the expiry as it was sends no cookie. Anything else
    (a new session or a new key, an emptied one, a cookie that ends with
    the browser, a store that is not this module's) goes to Django's code.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if not self._holds_the_cookie(request, session, response):
            return super().process_response(request, response)
        try:
            session.save()
        except UpdateError as error:
            # Django's answer when the row was deleted in the meantime.
            raise SessionInterrupted(
                "The request's session was deleted before the request completed."
            ) from error
        if session.expiry_written:
            max_age = session.get_expiry_age()
            response.set_cookie(
                settings.SESSION_COOKIE_NAME,
                session.session_key,
                max_age=max_age,
                expires=http_date(time.time() + max_age),
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=settings.SESSION_COOKIE_HTTPONLY or None,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _holds_the_cookie(request, session, response) -> bool:
        """Whether this response saves a changed session whose cookie the browser sent."""
        return (
            isinstance(session, SessionStore)
            and session.modified
            and response.status_code < 500
            and not settings.SESSION_SAVE_EVERY_REQUEST
            and session.session_key is not None
            and request.COOKIES.get(settings.SESSION_COOKIE_NAME) == session.session_key
            and not session.is_empty()
            and not session.get_expire_at_browser_close()
        )


# Django compresses session data whenever that makes it shorter. A demo's
# session is a kilobyte or two (most of it digests of its last clicks'
# Idempotency-Keys, random letters that zlib shrinks by only about a
# fifth), and compressing it cost a click more time than signing, storing
# and reading the longer text: 5% of the click's CPU. A session larger than
# this is compressed, as Django would; a smaller one is stored plain, which
# both engines read.
COMPRESS_OVER = 8 * 1024

LOAD = (
    "SELECT {session_data}, {expire_date} FROM {table}"
    " WHERE {session_key} = %s AND {expire_date} > %s"
)
SAVE = "UPDATE {table} SET {session_data} = %s, {expire_date} = %s WHERE {session_key} = %s"
SAVE_DATA = "UPDATE {table} SET {session_data} = %s WHERE {session_key} = %s"
