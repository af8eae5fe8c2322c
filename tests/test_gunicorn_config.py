"""What the shipped gunicorn config does in a worker before its first request.

The reload hooks are run for real, with gunicorn, in test_gunicorn_reload.py.
"""

import gc
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_a_warm_worker_sets_what_it_loaded_aside_from_garbage_collection(
    monkeypatch, unfrozen
):
    monkeypatch.setattr("courseware.warmup.warm_up", lambda app, between: [])
    config = runpy.run_path(str(CONFIG))
    worker = SimpleNamespace(
        wsgi=None, notify=lambda: None, log=logging.getLogger("gunicorn"), ppid=0
    )
    assert gc.get_freeze_count() == 0

    config["post_worker_init"](worker)

    # A full collection now walks only objects made after the warm-up.
    assert gc.get_freeze_count() > 10_000
    assert len(gc.get_objects()) < gc.get_freeze_count() / 10
