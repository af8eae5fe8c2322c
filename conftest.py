"""Fixtures shared by every test in the project."""

import pytest
from django.conf import settings
from django.db import transaction

from lessons.content import sync


@pytest.fixture(autouse=True, scope="session")
def _render_without_limits():
    """Lessons render in the test process, with no CPU limit.

    The limits are tested where they are the subject
    (lessons/tests/test_rendering.py passes ``cpu_seconds`` itself); other
    tests must not depend on how fast this machine is.
    """
    settings.COURSEWARE_RENDER_CPU_SECONDS = 0


@pytest.fixture(autouse=True, scope="session")
def _static_root(tmp_path_factory):
    """An existing, empty STATIC_ROOT, as after collectstatic with no files.

    Tests never run collectstatic, and WhiteNoise warns once per request
    handler when the folder is missing (hundreds of warnings per run).
    """
    settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")


@pytest.fixture(scope="session")
def course_rows(_render_without_limits, django_db_setup, django_db_blocker):
    """The real course rendered once per test session: its rows and sync's report.

    The sync runs in a transaction that is rolled back, so the session's
    database stays empty; ``course`` copies the rows into each test.
    """
    from lessons.models import Lesson

    with django_db_blocker.unblock(), transaction.atomic():
        report = sync(settings.COURSEWARE_CONTENT_DIR)
        rows = list(Lesson.objects.values())
        transaction.set_rollback(True)
    assert not report.errors, report.errors
    return rows, report


@pytest.fixture
def course(db, course_rows):
    """The real course from content/, loaded as the site would load it.

    Rendered once per session (``course_rows``) and inserted for each test,
    so a test may change lessons freely.
    """
    from django.core.cache import cache

    from lessons.models import Lesson
    from lessons.search import index_lesson

    rows, report = course_rows
    # bulk_create sends no post_save either: index each lesson for search.
    for lesson in Lesson.objects.bulk_create(Lesson(**row) for row in rows):
        index_lesson(lesson)
    # bulk_create sends no post_save: forget any page cached before it.
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
