"""A new worker answers the home and the first lessons before its first visitor."""

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from courseware.warmup import warm_up
from exercises import registry
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_test_connection():
    # As Django's test client does: a real handler closes the database
    # connection after each request, which would end the test transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_warm_up_answers_the_home_and_the_first_lessons(settings):
    settings.COURSEWARE_WARM_PAGES = 2
    for order in range(3):
        Lesson.objects.create(
            slug=f"l{order}", title=f"L{order}", summary=".", order=order, body="Hi."
        )
    answered = warm_up(WSGIHandler())
    first_exercise = registry.all_exercises()[0].slug
    assert answered == [
        ("/", "200 OK"),
        ("/lessons/l0/", "200 OK"),
        ("/lessons/l1/", "200 OK"),
        # Exercise tasks are rendered when first shown: one builds the
        # highlighter for them all.
        (f"/exercises/{first_exercise}/", "200 OK"),
    ]


def test_a_broken_exercise_folder_does_not_stop_the_lessons_warming(settings, tmp_path):
    settings.COURSEWARE_WARM_PAGES = 1
    settings.COURSEWARE_CONTENT_DIR = tmp_path
    (tmp_path / "exercises" / "broken").mkdir(parents=True)
    (tmp_path / "exercises" / "broken" / "exercise.toml").write_text("not = [toml")
    Lesson.objects.create(slug="l0", title="L0", summary=".", order=0, body="Hi.")
    assert warm_up(WSGIHandler()) == [("/", "200 OK"), ("/lessons/l0/", "200 OK")]


def test_warm_up_never_stops_a_worker_from_starting(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr("courseware.warmup.warm_paths", broken)
    assert warm_up(WSGIHandler()) == []


def test_warm_up_beats_the_heartbeat_after_each_step(settings):
    # gunicorn kills a worker whose heartbeat stops for `timeout` seconds;
    # a warm-up on a loaded machine can take longer than that.
    settings.COURSEWARE_WARM_PAGES = 2
    for order in range(2):
        Lesson.objects.create(
            slug=f"l{order}", title=f"L{order}", summary=".", order=order, body="Hi."
        )
    beats = []
    answered = warm_up(WSGIHandler(), between=lambda: beats.append(len(beats)))
    # The templates, then the home, each lesson and an exercise.
    assert len(answered) == 4 and len(beats) == 5
