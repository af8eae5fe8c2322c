"""Fixtures shared by every test in the project."""

import pytest
from django.conf import settings

from lessons.content import sync


@pytest.fixture
def course(db):
    """The real course from content/, loaded as the site would load it."""
    report = sync(settings.COURSEWARE_CONTENT_DIR)
    assert not report.errors, report.errors
    return report


@pytest.fixture(autouse=True, scope="session")
def _render_without_limits():
    """Lessons render in the test process, with no CPU limit.

    The limits are tested where they are the subject
    (lessons/tests/test_rendering.py passes ``cpu_seconds`` itself); other
    tests must not depend on how fast this machine is.
    """
    settings.COURSEWARE_RENDER_CPU_SECONDS = 0


@pytest.fixture
def htmx_client(client):
    """A test client whose requests look like htmx's (HX-Request: true)."""
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached pages must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
