"""Plain SQL for the hot paths (courseware/sql.py): the driver's cursor when
nothing watches, Django's when something does, Django's errors either way."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, connections, transaction
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


# --- SQLite: writes take turns --------------------------------------------------

UPDATE = "UPDATE {table} SET {session_data} = %s WHERE {session_key} = %s"
# Holds the turns' lock from another process until told to let go.
HOLD_THE_TURN = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def turns_file() -> str:
    return str(connection.settings_dict["NAME"]) + ".write-turns"


def waiting_for(path: str) -> bool:
    """Whether the kernel lists a request blocked on a lock of ``path``."""
    inode = f":{os.stat(path).st_ino} "
    with open("/proc/locks") as locks:
        return any("->" in line and inode in line for line in locks)


@pytest.mark.skipif(
    not os.path.exists("/proc/locks"), reason="needs Linux's /proc/locks"
)
@pytest.mark.django_db(transaction=True)
def test_a_write_waits_for_the_turn_another_process_holds(stored):
    """The kernel wakes the waiting write when the turn is free: no sleeping
    and trying again, as SQLite's own busy handler does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_TURN, turns_file()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    written = threading.Event()

    def write():
        other = connections.create_connection("default")
        try:
            sql.run(other, sql.statement(other, Session, UPDATE), ["new", "k" * 32])
            written.set()
        finally:
            other.close()

    try:
        assert holder.stdout.readline() == "held\n"
        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 10
        while not waiting_for(turns_file()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert waiting_for(turns_file())
        assert not written.is_set()
        assert Session.objects.get().session_data == "data"
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    writer.join(timeout=10)
    assert written.is_set()
    assert Session.objects.get().session_data == "new"


@pytest.mark.django_db(transaction=True)
def test_only_writes_outside_a_transaction_take_a_turn(stored, monkeypatch):
    """Inside a transaction that may hold SQLite's lock already, waiting for
    a turn whose holder waits for that lock would deadlock."""
    turns = []
    real = sql._WriteTurns.__enter__

    def enter(self):
        turns.append(self.path)
        return real(self)

    monkeypatch.setattr(sql._WriteTurns, "__enter__", enter)
    update = sql.statement(connection, Session, UPDATE)
    sql.run(connection, update, ["once", "k" * 32])
    sql.fetchone(connection, sql.statement(connection, Session, FIND), ["k" * 32])
    with transaction.atomic():
        sql.run(connection, update, ["twice", "k" * 32])
    assert turns == [turns_file()]
    assert Session.objects.get().session_data == "twice"
