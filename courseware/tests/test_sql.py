"""Plain SQL for the hot paths (courseware/sql.py): the driver's cursor when
nothing watches, Django's when something does, Django's errors either way."""

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from courseware import sql

pytestmark = pytest.mark.django_db

FIND = "SELECT {session_data} FROM {table} WHERE {session_key} = %s"


@pytest.fixture
def stored():
    return Session.objects.create(
        session_key="k" * 32, session_data="data", expire_date="2999-01-01T00:00Z"
    )


def test_a_statement_takes_its_names_from_the_model_quoted():
    made = sql.statement(connection, Session, FIND)

    assert made.django == (
        'SELECT "session_data" FROM "django_session" WHERE "session_key" = %s'
    )
    # SQLite's driver wants "?" where Django's cursors take "%s".
    assert made.driver == made.django.replace("%s", "?")


def test_with_nothing_watching_the_driver_runs_the_statement(stored, monkeypatch):
    def no_django_cursor():
        raise AssertionError("Django's cursor was used")

    monkeypatch.setattr(connection, "cursor", no_django_cursor)
    statement = sql.statement(connection, Session, FIND)

    assert sql.fetchone(connection, statement, [stored.session_key]) == ("data",)
    assert sql.fetchone(connection, statement, ["nobody"]) is None
    changed = sql.run(
        connection,
        sql.statement(connection, Session, "UPDATE {table} SET {session_data} = %s"),
        ["new"],
    )
    assert changed == 1


def test_a_watcher_sees_every_statement_as_django_writes_it(stored):
    seen = []

    def watch(execute, statement, params, many, context):
        seen.append(statement)
        return execute(statement, params, many, context)

    statement = sql.statement(connection, Session, FIND)
    with connection.execute_wrapper(watch):
        row = sql.fetchone(connection, statement, [stored.session_key])
    with CaptureQueriesContext(connection) as logged:
        sql.run(connection, statement, [stored.session_key])

    assert row == ("data",)
    assert seen == [statement.django]
    assert [query["sql"] for query in logged.captured_queries] == [
        f'SELECT "session_data" FROM "django_session" WHERE "session_key" = \'{stored.session_key}\''
    ]


def test_the_drivers_errors_arrive_as_djangos():
    missing = sql.Statement("SELECT 1 FROM nowhere", "SELECT 1 FROM nowhere")

    # Callers catch django.db's errors: the session store turns one into an
    # UpdateError, the inspector survives a trace it could not keep.
    with pytest.raises(DatabaseError, match="nowhere"):
        sql.fetchone(connection, missing, [])


def test_a_transaction_an_error_broke_runs_nothing_more(stored):
    statement = sql.statement(connection, Session, FIND)

    with transaction.atomic():
        # What Django marks when an error leaves the transaction unusable.
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            sql.fetchone(connection, statement, [stored.session_key])
