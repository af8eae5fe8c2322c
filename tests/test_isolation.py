"""Each test process keeps its files to itself (conftest.pytest_configure).

./dev test runs the suite in several pytest-xdist workers at once, and a
developer may run the site or a second suite from the same checkout: none
may write into another's media folder or share its test database.
"""

import os
from pathlib import Path

from django.conf import settings
from django.db import connection

CHECKOUT = Path(settings.BASE_DIR)


def own(path) -> bool:
    """Inside this process's own temporary folder, not the checkout."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return CHECKOUT not in Path(path).parents and any(
        part.startswith(f"courseware-tests-{worker}-") for part in Path(path).parts
    )


def test_media_and_static_files_are_this_processs_own():
    assert own(settings.MEDIA_ROOT)
    assert own(settings.STATIC_ROOT) and Path(settings.STATIC_ROOT).is_dir()


def test_servers_started_by_a_test_inherit_the_same_folders():
    assert os.environ["COURSEWARE_MEDIA_ROOT"] == str(settings.MEDIA_ROOT)
    assert os.environ["COURSEWARE_STATIC_ROOT"] == str(settings.STATIC_ROOT)


def test_the_test_database_is_this_processs_own(db):
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or "COURSEWARE_SQLITE_TEST_PATH" in os.environ:
        # Named by whoever runs the suite; xdist workers still add _gw<n>.
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        assert worker is None or str(name).endswith(f"_{worker}")
    else:
        assert own(name)
