"""Reader pages answered from memory: same bytes, no per-request work, never stale."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, override_settings

from courseware.pagecache import Page, PageStore
from lessons import stamp, views
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return Lesson.objects.create(
        slug="kept", title="Kept", summary="A kept page.", order=1, body="## One\n\nHi."
    )


@pytest.fixture
def rendered(monkeypatch):
    """Counts how often a reader view really makes its page."""
    calls = []
    real = views.cached_page

    def counting(request, name, *args):
        calls.append(name)
        return real(request, name, *args)

    monkeypatch.setattr(views, "cached_page", counting)
    return calls


def test_second_request_is_answered_without_the_view(client, lesson, rendered):
    first = client.get("/lessons/kept/")
    second = client.get("/lessons/kept/")
    assert rendered == ["lesson:kept"]
    assert second.content == first.content
    # The kept answer carries every header the other middleware added.
    for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Vary"):
        assert second.get(header) == first.get(header)


def test_without_redis_a_page_is_kept_once_per_worker(client, lesson):
    """The page cache holds it; a copy in the process' own cache would double it."""
    client.get("/lessons/kept/")
    assert cache.get(f"lessons:page:lesson:kept:{stamp.course_stamp()}") is None


def test_a_shared_cache_keeps_a_page_for_every_worker(client, lesson, tmp_path):
    shared = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    with override_settings(CACHES={"default": {**shared, "LOCATION": str(tmp_path)}}):
        client.get("/lessons/kept/")
        assert "Kept" in cache.get(f"lessons:page:lesson:kept:{stamp.course_stamp()}")


def test_pages_are_revalidated_every_time_never_kept_for_a_minute(client, lesson):
    response = client.get("/lessons/kept/")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "no-cache"}
    assert response["X-Accel-Expires"] == "1"
    assert list(response.headers).index("X-Accel-Expires") < list(
        response.headers
    ).index("Cache-Control")


def test_a_saved_edit_shows_on_the_next_request(client, lesson, rendered):
    old_etag = client.get("/lessons/kept/")["ETag"]
    lesson.title = "Kept and edited"
    lesson.save()
    response = client.get("/lessons/kept/", HTTP_IF_NONE_MATCH=old_etag)
    assert response.status_code == 200
    assert b"Kept and edited" in response.content
    assert rendered == ["lesson:kept", "lesson:kept"]


def test_a_kept_page_answers_conditional_and_head_requests(client, lesson, rendered):
    first = client.get("/lessons/kept/")
    again = client.get("/lessons/kept/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    head = client.head("/lessons/kept/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(first.content))
    assert rendered == ["lesson:kept"]


def test_query_strings_and_other_methods_always_reach_the_view(
    client, lesson, rendered
):
    client.get("/lessons/kept/")
    client.get("/lessons/kept/?utm=1")
    client.get("/lessons/kept/?utm=2")
    assert rendered == ["lesson:kept", "lesson:kept", "lesson:kept"]
    assert client.post("/lessons/kept/").status_code == 405


def test_pages_that_do_not_opt_in_are_never_kept(client, lesson):
    client.get("/sandbox/session-counter/")
    second = client.get("/sandbox/session-counter/")
    # The counter counts every visit: it was not answered from memory.
    assert b"2" in second.content
    assert "no-store" in second["Cache-Control"]


def test_cached_pages_are_served_while_the_database_is_away(client, lesson):
    first = client.get("/lessons/kept/")
    cache.delete(stamp.STAMP_KEY)
    with mock.patch.object(
        Lesson.objects, "aggregate", side_effect=OperationalError("server closed")
    ):
        during = client.get("/lessons/kept/")
    assert during.status_code == 200
    assert during.content == first.content


def test_a_worker_started_during_an_outage_serves_the_shared_cache(
    client, lesson, tmp_path, monkeypatch
):
    """A reload or a replaced worker while the database is away: no 503."""
    shared = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    with override_settings(CACHES={"default": {**shared, "LOCATION": str(tmp_path)}}):
        first = client.get("/lessons/kept/")
        # A new worker: its own memory holds no page and no stamp yet, and
        # the short-lived shared stamp has expired.
        monkeypatch.setattr(stamp, "_last_known", None)
        cache.delete(stamp.STAMP_KEY)
        away = OperationalError("connection refused")
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
            side_effect=away,
        ):
            during = Client().get("/lessons/kept/")
    assert during.status_code == 200
    assert during.content == first.content


def test_store_drops_least_recently_used_pages_beyond_its_size():
    store = PageStore(max_bytes=3000)

    def page(n):
        return Page(stamp="s", headers=(), body=b"x" * 900, etag=f'"{n}"')

    store.put("a", page(1))
    store.put("b", page(2))
    store.get("a")
    store.put("c", page(3))
    assert store.get("b") is None
    assert store.get("a") is not None and store.get("c") is not None
    assert store.size <= 3000
    store.put("huge", Page(stamp="s", headers=(), body=b"x" * 5000, etag='"h"'))
    assert store.get("huge") is None
