"""Database sessions, read and written with one plain SQL statement each.

Django's ``db`` session engine goes through the ORM: every request that
touches a session builds a queryset to read one row, and every save builds
a model instance, opens a transaction and compiles an UPDATE. For a demo
click that work cost more than the demo's own view. This engine stores the
same rows in the same table (``django_session``) the same way, and only
reading a session and saving changes to an existing one skip the ORM:

- load: ``SELECT session_data ... WHERE session_key = %s AND expire_date > %s``
- save: ``UPDATE ... SET session_data = %s, expire_date = %s WHERE session_key = %s``,
  a single statement, atomic without a transaction around it.

Creating a session (a first visit, or a new key at login) and deleting one
stay with Django's code, unchanged. Sessions made by either engine are read
by the other, so switching back is a settings change.

    SESSION_ENGINE = "courseware.sessions"
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router
from django.utils import timezone

from courseware.sql import quoted_names


class SessionStore(db.SessionStore):
    def load(self):
        connection = connections[router.db_for_read(self.model)]
        table, key, data, expires = self._names(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",
                [
                    self.session_key,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                ],
            )
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: the visitor starts afresh, as with Django's engine.
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        connection = connections[router.db_for_write(self.model)]
        table, key, data, expires = self._names(connection)
        values = [
            self.encode(self._get_session()),
            connection.ops.adapt_datetimefield_value(self.get_expiry_date()),
            self.session_key,
        ]
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {data} = %s, {expires} = %s WHERE {key} = %s",
                    values,
                )
                updated = cursor.rowcount
        except DatabaseError as error:
            raise UpdateError from error
        if updated != 1:
            # The row is gone (the visitor logged out in another tab, or the
            # session was purged): Django answers this the same way.
            raise UpdateError

    def _names(self, connection) -> tuple[str, ...]:
        """The table and its three columns, quoted for this database."""
        return quoted_names(
            connection, self.model, "session_key", "session_data", "expire_date"
        )
