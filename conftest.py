"""Fixtures shared by every test in the project."""

import fcntl
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from lessons.content import sync

# What pytest_configure made for this test process, removed at the end.
_own_folder: list[Path] = []


def pytest_configure(config):
    """Give this test process its own folders and its own test database.

    Several test processes share the machine: ``./dev test`` spreads the
    suite over pytest-xdist workers, and a developer may run a second suite
    in the same checkout. Without this they would share ``media/`` and the
    SQLite test database, and fail each other at random. The folders go into
    the environment as well, so servers a test starts use them too.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if worker != "main":
        _own_bench_ports(int(worker.removeprefix("gw")))
    root = Path(tempfile.mkdtemp(prefix=f"courseware-tests-{worker}-"))
    _own_folder.append(root)
    media, static = root / "media", root / "staticfiles"
    # STATIC_ROOT exists and is empty, as after collectstatic with no files:
    # WhiteNoise warns once per request handler when the folder is missing.
    static.mkdir()
    os.environ["COURSEWARE_MEDIA_ROOT"] = str(media)
    os.environ["COURSEWARE_STATIC_ROOT"] = str(static)
    # override_settings, not assignment: it tells Django's storage handlers
    # to forget anything they built from the old values.
    override_settings(MEDIA_ROOT=media, STATIC_ROOT=static).enable()
    database = settings.DATABASES["default"]
    if (
        database["ENGINE"].endswith("sqlite3")
        and "COURSEWARE_SQLITE_TEST_PATH" not in os.environ
    ):
        # Changed in place, as pytest-django does when it adds xdist's _gw0
        # suffix: Django's connections hold this same dictionary.
        database["TEST"]["NAME"] = str(root / "tests.sqlite3")


def _own_bench_ports(index: int) -> None:
    """This worker's share of the loopback ports bench/cluster.py hands out.

    cluster.free_port() takes the first free port of its range, so two
    workers starting a server at the same moment would both pick the first
    one. Each worker gets a slice of the range instead; so do the drills it
    runs, which inherit the environment.
    """
    low, high = map(
        int, os.environ.get("COURSEWARE_BENCH_PORTS", "8800-8899").split("-")
    )
    size = (high - low + 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    start = low + index * size
    os.environ["COURSEWARE_BENCH_PORTS"] = f"{start}-{start + size - 1}"


# Files that take minutes because they start servers or build environments.
# ./dev test hands whole files to xdist workers in collection order
# (--no-loadscope-reorder), so these go first, then the browser tests (a
# minute or more per file), then the many small files that fill in at the
# end. Started last, one long file alone would keep the run going long after
# every other file has finished. A file missing here is only slower.
START_FIRST = (
    "tests/test_scaleout.py",
    "tests/test_setup.py",
    "exercises/tests/test_checks.py",
    "tests/test_session_write_lock.py",
    "tests/test_gunicorn_reload.py",
    "courseware/tests/test_media.py",
    "tests/test_course_facts.py",
)
BROWSER_TESTS = "tests/browser/"


def pytest_ignore_collect(collection_path, config):
    """With ``-m "not browser"``, tests/browser/ is not even imported.

    Every test in it is marked ``browser`` (its conftest.py), so that
    expression would deselect all of them anyway, after each test process
    had imported Playwright and every browser test module: about a second
    of CPU per process.
    """
    if config.option.markexpr.strip() != "not browser":
        return None
    if collection_path == Path(config.rootpath, BROWSER_TESTS):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    root = Path(config.rootpath)

    def place(item):
        path = Path(item.path).relative_to(root).as_posix()
        if path in START_FIRST:
            return START_FIRST.index(path)
        return len(START_FIRST) + (0 if path.startswith(BROWSER_TESTS) else 1)

    items.sort(key=place)  # stable: within each group, pytest's order


def pytest_unconfigure(config):
    for folder in _own_folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and a quicker reset after each test.

    A test that uses the live server (every browser test) or
    ``transactional_db`` commits for real, so pytest-django empties every
    table after it with Django's ``flush``. Django then sends post_migrate
    again, whose handlers look up every app's content types and permissions
    and insert them anew: nine tenths of the reset's time (0.19 of 0.21 s,
    more on a busy machine), after every one of those tests. The rows they
    make are the ones migrate made when the database was created, so they
    are copied now and put back as they were instead, same ids included.
    tests/test_database_reset.py checks that nothing is missing.
    """
    from django.core.management.commands import flush

    with django_db_blocker.unblock():
        made_by_migrate = _rows_made_by_migrate()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            flush,
            "emit_post_migrate_signal",
            lambda verbosity, interactive, db, **kwargs: _put_back(made_by_migrate, db),
        )
        yield


def _rows_made_by_migrate() -> list:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    # Content types first: permissions point at them.
    return [
        (model, list(model.objects.values())) for model in (ContentType, Permission)
    ]


def _put_back(rows_by_model: list, database: str) -> None:
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic(using=database):
        for model, rows in rows_by_model:
            model.objects.using(database).bulk_create(model(**row) for row in rows)
    # As post_migrate's own handler does: a content type this process
    # looked up before the flush must be read again.
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True, scope="session")
def _render_without_limits():
    """Lessons render in the test process, with no CPU limit.

    The limits are tested where they are the subject
    (lessons/tests/test_rendering.py passes ``cpu_seconds`` itself); other
    tests must not depend on how fast this machine is.
    """
    settings.COURSEWARE_RENDER_CPU_SECONDS = 0


@pytest.fixture(scope="session")
def course_rows(
    _render_without_limits, django_db_setup, django_db_blocker, tmp_path_factory
):
    """The real course rendered once per test run: its rows and sync's report.

    ``(rows, report)``, where ``rows`` holds the lessons and their search
    sections. The sync runs in a transaction that is rolled back, so the
    session's database stays empty; ``course`` copies the rows into each
    test. Under pytest-xdist the first worker to get here renders and
    leaves the result in the run's own temporary folder; the others wait
    for it and read it, so the course is rendered once, not once per worker.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return _render_course(django_db_blocker)
    # The run's folder: each worker's basetemp is a folder inside it, and a
    # new run gets a new one, so nothing from an earlier run is read.
    shared = tmp_path_factory.getbasetemp().parent / "course-rows.pickle"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if shared.exists():
            return pickle.loads(shared.read_bytes())
        rendered = _render_course(django_db_blocker)
        partial = shared.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(rendered))
        partial.rename(shared)
        return rendered


def _render_course(django_db_blocker):
    from lessons.models import Lesson, LessonSection

    with django_db_blocker.unblock(), transaction.atomic():
        report = sync(settings.COURSEWARE_CONTENT_DIR)
        rows = {
            "lessons": list(Lesson.objects.values()),
            # Saved by sync's post_save; copied rather than cut from each
            # lesson's HTML again in every test.
            "sections": list(LessonSection.objects.values()),
        }
        transaction.set_rollback(True)
    assert not report.errors, report.errors
    assert rows["sections"], "sync made no search sections"
    return rows, report


@pytest.fixture
def course(db, course_rows):
    """The real course from content/, loaded as the site would load it.

    Rendered once per run (``course_rows``) and inserted for each test,
    search sections included, so a test may change lessons freely.
    """
    from django.core.cache import cache

    from lessons.models import Lesson, LessonSection

    rows, report = course_rows
    # bulk_create sends no post_save: the sections are inserted as well, and
    # the database's own triggers fill the full-text index from them.
    Lesson.objects.bulk_create(Lesson(**row) for row in rows["lessons"])
    LessonSection.objects.bulk_create(LessonSection(**row) for row in rows["sections"])
    # No post_save either to forget any page cached before the insert.
    cache.clear()
    return report


@pytest.fixture
def quick_passwords(settings):
    """A fast password hasher, for tests whose users only need to log in.

    The site's Argon2 takes a large share of a second per user on a busy
    machine; how passwords are hashed is tested where it is the subject.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def htmx_client(client):
    """A test client whose requests look like htmx's (HX-Request: true)."""
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches: cached pages must not leak between tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
