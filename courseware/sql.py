"""Plain SQL for the few hot paths that skip the ORM.

The session store (courseware/sessions.py) and the inspector's redirect
traces (sandbox_apps/inspector/chain.py) run a statement or two on every
demo click. They still take their table and column names from the model, so
the SQL cannot drift from a renamed column or a custom ``db_table``.

Django's own cursor wraps every statement in several layers: it builds a
wrapper object, checks the thread and the transaction, runs any execute
wrappers, and on SQLite rewrites the statement's ``%s`` placeholders with a
regular expression. For these one-row statements those layers cost more
than the database's own work. So ``fetchone`` and ``run`` hand the
statement to the database driver's cursor directly, with the placeholders
it wants, and still turn the driver's errors into Django's
(``DatabaseError`` and its kin), as Django's cursor would.

Whenever something watches the SQL, ``fetchone`` and ``run`` go through
Django's cursor instead, so the watcher sees every statement as before: an
execute wrapper (the inspector's recording of a view's queries, a test that
makes a statement fail) or the query log (DEBUG, or a test counting
queries).

On SQLite, ``run``'s writes also take turns on a lock of their own
(``_WriteTurns``) before they ask SQLite for its write lock. SQLite has one
write lock for the whole database, and a writer that finds it taken does
not wait for it: it sleeps and tries again, 1 ms the first time, then 2,
then 5 (its busy handler). A demo click's one write holds that lock for
about 50 microseconds, yet with two workers clicking, one write in 25
found it taken and slept a whole millisecond: a twentieth of the clicks
took a millisecond longer, which is their slowest percent. A process
waiting for an fcntl lock is woken by the kernel the moment it is free.
A write inside a transaction does not take a turn: its transaction may
already hold SQLite's lock, which the holder of the turn could be
waiting for.
"""

from __future__ import annotations

import fcntl
import string
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import NamedTuple

from courseware import lockfiles


class Statement(NamedTuple):
    """One statement, written once for Django's cursor and once for the driver's."""

    django: str  # with %s placeholders, as Django's cursors take them
    driver: str  # with the placeholders the database driver itself takes


def statement(connection, model, template: str) -> Statement:
    """``template`` with the model's names quoted for ``connection``.

    In the template, ``{table}`` is the model's table and ``{name}`` the
    column of its field ``name``; values are ``%s``, as in Django's SQL::

        statement(connection, Session, "SELECT {session_data} FROM {table} WHERE {session_key} = %s")
    """
    # Made once per database vendor: quoting and placeholders depend on nothing else.
    key = (connection.vendor, model, template)
    made = _made.get(key)
    if made is None:
        made = _made[key] = _make(connection, model, template)
    return made


_made: dict[tuple, Statement] = {}


def _make(connection, model, template: str) -> Statement:
    quote = connection.ops.quote_name
    names = {"table": quote(model._meta.db_table)}
    for _, name, _, _ in string.Formatter().parse(template):
        if name and name != "table":
            names[name] = quote(model._meta.get_field(name).column)
    django = template.format(**names)
    # SQLite's driver takes "?" (its "qmark" style); psycopg takes "%s".
    driver = django.replace("%s", "?") if connection.vendor == "sqlite" else django
    return Statement(django, driver)


def fetchone(connection, sql: Statement, params: Sequence) -> tuple | None:
    """The first row the statement returns, or None."""
    with _executed(connection, sql, params) as cursor:
        return cursor.fetchone()


def run(connection, sql: Statement, params: Sequence) -> int:
    """Run a statement that returns no rows; how many rows it changed."""
    with _write_turn(connection), _executed(connection, sql, params) as cursor:
        return cursor.rowcount


@contextmanager
def _executed(connection, sql: Statement, params: Sequence) -> Iterator:
    if connection.execute_wrappers or connection.queries_logged:
        # Someone watches the SQL: Django's cursor shows it to them.
        with connection.cursor() as cursor:
            cursor.execute(sql.django, params)
            yield cursor
        return
    # What Django's cursor checks first: a connection that is open and
    # healthy, and no transaction that an earlier error left broken.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql.driver, params)
            yield cursor
        finally:
            cursor.close()


# --- SQLite: writers take turns without sleeping --------------------------------


def _write_turn(connection):
    """The turn a write on ``connection`` takes (a context manager; it may take none)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return nullcontext()
    name = connection.settings_dict["NAME"]
    turns = _TURNS.get(name)
    if turns is None:
        with _TURNS_MUTEX:
            turns = _TURNS.setdefault(name, _WriteTurns.for_database(connection))
    return turns or nullcontext()


class _WriteTurns:
    """One lock for a database's writers, across threads and processes."""

    def __init__(self, path: str):
        self.path = path
        self._threads = threading.Lock()

    @classmethod
    def for_database(cls, connection) -> _WriteTurns | bool:
        if connection.is_in_memory_db():
            # One process: SQLite's own lock, shared by its threads, is enough.
            return False
        return cls(f"{connection.settings_dict['NAME']}.write-turns")

    def __enter__(self) -> None:
        # fcntl locks belong to the process: its threads take turns first.
        self._threads.acquire()
        try:
            fcntl.lockf(lockfiles.descriptor(self.path), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(self, *exc_info) -> None:
        try:
            fcntl.lockf(lockfiles.descriptor(self.path), fcntl.LOCK_UN)
        finally:
            self._threads.release()


# By database file; False for an in-memory database.
_TURNS: dict[str, _WriteTurns | bool] = {}
_TURNS_MUTEX = threading.Lock()
