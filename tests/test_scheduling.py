"""./dev test hands the longest test files to its workers first.

pytest-xdist (``--dist loadfile``) keeps each file on one worker. Left to
itself it starts the files with the most tests first, so a one-test drill
that takes a minute started last and ran alone at the end. conftest.py
puts the long files first, and ./dev tells xdist to keep that order.
"""

from pathlib import Path
from types import SimpleNamespace

from conftest import START_FIRST, pytest_collection_modifyitems

ROOT = Path(__file__).resolve().parent.parent


def order(*paths: str) -> list[str]:
    items = [SimpleNamespace(path=ROOT / path, name=path) for path in paths]
    pytest_collection_modifyitems(SimpleNamespace(rootpath=ROOT), items)
    return [item.name for item in items]


def test_long_files_come_first_then_browser_tests_then_the_rest():
    assert order(
        "lessons/tests/test_views.py",
        "tests/browser/test_pages.py",
        "tests/test_slides.py",
        "tests/test_setup.py",
        "tests/browser/test_admin.py",
        "tests/test_scaleout.py",
    ) == [
        "tests/test_scaleout.py",
        "tests/test_setup.py",
        "tests/browser/test_pages.py",
        "tests/browser/test_admin.py",
        "lessons/tests/test_views.py",
        "tests/test_slides.py",
    ]


def test_every_long_file_named_exists():
    missing = [path for path in START_FIRST if not (ROOT / path).exists()]
    assert not missing, f"START_FIRST names files that are gone: {missing}"


def test_dev_test_keeps_the_order_conftest_chose():
    script = (ROOT / "dev").read_text()
    command = script[script.index('-m pytest -n "${COURSEWARE_TEST_WORKERS') :]
    assert "--dist loadfile" in command
    # Without it, xdist sorts files by their number of tests.
    assert "--no-loadscope-reorder" in command.split('"$@"')[0]
