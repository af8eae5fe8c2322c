"""A class you can see (issue 14.2): follower count, heartbeat and auto-end,
slides followed by id across an edit, reveal steps and blackout, and the
admin's list of live sessions."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from lessons import following
from lessons.models import Follower, Lesson, Presentation
from lessons.presenter import create_presentation

BODY = """Opening words.

## Sessions

What a session is.

## Points

/// reveal
- one
- two
- three
///

## Recap

Done.
"""

pytestmark = pytest.mark.usefixtures("quick_passwords")

DEVICE_A = "a" * 22
DEVICE_B = "B-_" + "b" * 19


@pytest.fixture(autouse=True)
def fresh_cache():
    # The throttle lives in the cache; a test must not inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lesson(db):
    lesson = Lesson(slug="class-test", title="Class test", summary="S.", body=BODY)
    lesson.save()
    return lesson


@pytest.fixture
def staff(db):
    return User.objects.create_user("teacher", password="x-teacher-pass", is_staff=True)


@pytest.fixture
def presentation(lesson, staff):
    return create_presentation(lesson, staff, 1)


@pytest.fixture
def presenter(client, staff):
    client.force_login(staff)
    return client


def poll(client, presentation, device=None, **headers):
    if device is not None:
        headers["HTTP_X_COURSEWARE_DEVICE"] = device
    return client.get(f"/f/{presentation.code}/state/", **headers)


def beat(client, presentation, **data):
    return client.post(f"/f/{presentation.code}/beat/", data)


def move(client, presentation, **data):
    return client.post(f"/f/{presentation.code}/move/", data)


def edit(lesson, body):
    lesson.body = body
    lesson.save()


# --- Follower count ---------------------------------------------------------------


def test_the_presenter_counts_distinct_following_devices(
    client, presentation, presenter
):
    assert beat(presenter, presentation).json() == {
        "live": True,
        "deck": presentation.lesson.deck_digest,
        "followers": 0,
    }
    for device in (DEVICE_A, DEVICE_B, DEVICE_A):
        assert poll(client, presentation, device).status_code == 200
    assert beat(presenter, presentation).json()["followers"] == 2


@pytest.mark.parametrize(
    "device", ["", "short", "x" * 65, "has space in it here", "ünïcödé" * 4]
)
def test_a_poll_with_no_usable_device_id_is_answered_but_not_counted(
    client, presentation, presenter, device
):
    assert poll(client, presentation, device).status_code == 200
    assert not Follower.objects.exists()
    assert beat(presenter, presentation).json()["followers"] == 0


def test_a_device_that_stopped_polling_drops_out_of_the_count(
    client, presentation, presenter
):
    poll(client, presentation, DEVICE_A)
    poll(client, presentation, DEVICE_B)
    Follower.objects.filter(device=DEVICE_B).update(
        seen_at=timezone.now() - following.SEEN_WINDOW - timedelta(seconds=1)
    )
    assert beat(presenter, presentation).json()["followers"] == 1


def test_polls_write_each_device_at_most_once_per_interval(
    client, presentation, django_assert_num_queries
):
    etag = poll(client, presentation)["ETag"]
    # A device's first poll: read the session, update (no row), count, insert.
    with django_assert_num_queries(4):
        assert (
            poll(client, presentation, DEVICE_A, HTTP_IF_NONE_MATCH=etag).status_code
            == 304
        )
    # Every poll after it, until WRITE_EVERY passes: the one read.
    with django_assert_num_queries(1):
        assert (
            poll(client, presentation, DEVICE_A, HTTP_IF_NONE_MATCH=etag).status_code
            == 304
        )
    # Past the interval (the cache forgot the device): one UPDATE, no insert.
    cache.clear()
    with django_assert_num_queries(2):
        poll(client, presentation, DEVICE_A, HTTP_IF_NONE_MATCH=etag)
    assert Follower.objects.count() == 1


def test_made_up_devices_cannot_grow_the_table_past_the_cap(
    client, presentation, monkeypatch
):
    monkeypatch.setattr(following, "MAX_DEVICES", 2)
    for letter in "cdef":
        poll(client, presentation, letter * 20)
    assert Follower.objects.count() == 2


def test_a_finished_session_counts_nobody_and_keeps_no_rows(
    client, presentation, presenter
):
    poll(client, presentation, DEVICE_A)
    presenter.post(f"/f/{presentation.code}/end/")
    assert not Follower.objects.exists()
    assert poll(client, presentation, DEVICE_B).status_code == 286
    assert not Follower.objects.exists()


# --- Heartbeat and auto-end ---------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "student", "other staff"])
def test_only_the_presenter_can_beat(client, presentation, who):
    before = presentation.presenter_seen_at
    if who == "student":
        client.force_login(User.objects.create_user("student", password="x-pass-1"))
    elif who == "other staff":
        client.force_login(
            User.objects.create_user("other", password="x-pass-2", is_staff=True)
        )
    response = beat(client, presentation, closing="1")
    assert response.status_code in (302, 403)
    presentation.refresh_from_db()
    assert presentation.presenter_seen_at == before


def test_a_beat_needs_post(presenter, presentation):
    assert presenter.get(f"/f/{presentation.code}/beat/").status_code == 405


def test_heartbeats_keep_a_session_live(presenter, presentation):
    Presentation.objects.filter(pk=presentation.pk).update(
        presenter_seen_at=timezone.now() - Presentation.ABSENT_LIMIT / 2
    )
    assert beat(presenter, presentation).json()["live"] is True
    presentation.refresh_from_db()
    assert timezone.now() - presentation.presenter_seen_at < timedelta(seconds=5)


def test_a_presenter_gone_quiet_ends_the_session_and_followers_stop(
    client, presenter, presentation
):
    Presentation.objects.filter(pk=presentation.pk).update(
        presenter_seen_at=timezone.now()
        - Presentation.ABSENT_LIMIT
        - timedelta(seconds=1)
    )
    assert poll(client, presentation).status_code == 286
    # Coming back does not revive it: the students' pages stopped asking.
    assert beat(presenter, presentation).json() == {
        "live": False,
        "deck": presentation.lesson.deck_digest,
    }
    assert poll(client, presentation).status_code == 286
    assert not Presentation.objects.live().exists()


def test_the_nightly_clean_up_ends_lapsed_sessions_and_drops_their_followers(
    client, lesson, staff, presentation
):
    live = create_presentation(lesson, staff, 1)
    poll(client, presentation, DEVICE_A)
    poll(client, live, DEVICE_A)
    Presentation.objects.filter(pk=presentation.pk).update(
        presenter_seen_at=timezone.now()
        - Presentation.ABSENT_LIMIT
        - timedelta(seconds=1)
    )
    out = StringIO()
    call_command("end_lapsed_classes", "--dry-run", stdout=out)
    assert out.getvalue().startswith("1 lapsed session(s) would be ended; 1 follower")
    assert Follower.objects.count() == 2

    call_command("end_lapsed_classes", stdout=StringIO())
    presentation.refresh_from_db()
    assert presentation.ended_at is not None
    assert list(Follower.objects.values_list("presentation", flat=True)) == [live.pk]
    # The live class is untouched, and its students still count.
    assert Presentation.objects.live().get() == live
    assert following.follower_count(live) == 1


def test_closing_the_presenter_page_ends_the_session_after_the_grace(
    client, presenter, presentation
):
    assert beat(presenter, presentation, closing="1").json()["live"] is True
    presentation.refresh_from_db()
    assert presentation.is_live
    assert poll(client, presentation).status_code == 200
    # The grace passes with no presenter page beating.
    Presentation.objects.filter(pk=presentation.pk).update(
        presenter_seen_at=presentation.presenter_seen_at
        - Presentation.CLOSED_GRACE
        - timedelta(seconds=1)
    )
    assert poll(client, presentation).status_code == 286


def test_a_reload_beats_again_and_cancels_the_close(presenter, presentation):
    beat(presenter, presentation, closing="1")
    beat(presenter, presentation)
    presentation.refresh_from_db()
    assert presentation.presenter_seen_at > timezone.now() - timedelta(seconds=5)


def test_a_session_left_unmoved_ends_even_with_its_page_open(
    client, presenter, presentation
):
    Presentation.objects.filter(pk=presentation.pk).update(
        moved_at=timezone.now() - Presentation.IDLE_LIMIT - timedelta(seconds=1)
    )
    assert beat(presenter, presentation).json()["live"] is False
    assert poll(client, presentation).status_code == 286


# --- Reveal steps and blackout ---------------------------------------------------------


def test_a_move_carries_the_step_and_the_blackout_to_followers(
    client, presenter, presentation
):
    assert (
        move(presenter, presentation, slide="3", step="2", blackout="0").status_code
        == 204
    )
    html = poll(client, presentation).content.decode()
    assert 'data-live-slide="3"' in html and 'data-step="2"' in html
    assert "data-blackout" not in html and "Live: the presenter is on slide 3" in html
    assert (
        move(presenter, presentation, slide="3", step="2", blackout="1").status_code
        == 204
    )
    html = poll(client, presentation).content.decode()
    assert "data-blackout" in html and "Paused" in html


@pytest.mark.parametrize(
    "data",
    [
        {"slide": "2", "step": "-1"},
        {"slide": "2", "step": "two"},
        {"slide": "2", "step": "501"},
        {"slide": "2", "step": "١"},
        {"slide": "2", "blackout": "yes"},
        {"slide": "2", "blackout": ""},
    ],
)
def test_a_bad_step_or_blackout_is_refused_and_changes_nothing(
    presenter, presentation, data
):
    response = move(presenter, presentation, **data)
    assert response.status_code == 400
    assert "step=N" in response.content.decode()
    presentation.refresh_from_db()
    assert (presentation.slide, presentation.step, presentation.blackout) == (
        1,
        0,
        False,
    )


def test_returning_to_the_presenter_page_resumes_the_class_state(
    presenter, presentation
):
    move(presenter, presentation, slide="3", step="1", blackout="1")
    html = presenter.get("/lessons/class-test/present/").content.decode()
    assert 'data-live-slide="3"' in html
    assert 'data-live-step="1"' in html and "data-live-blackout" in html


# --- The deck changes during class ---------------------------------------------------------


def test_an_edit_tells_followers_and_keeps_the_class_on_the_same_slide(
    client, presenter, presentation, lesson
):
    move(presenter, presentation, slide="4", deck=lesson.deck_digest, key="recap")
    old_deck = lesson.deck_digest
    etag = poll(client, presentation)["ETag"]
    # A new slide goes in before "Recap": it is now the fifth.
    edit(lesson, BODY.replace("## Recap", "## Inserted\n\nNew.\n\n## Recap"))
    assert lesson.deck_digest != old_deck
    response = poll(client, presentation, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-live-slide="5"' in html and 'data-live-key="recap"' in html
    assert f'data-deck="{lesson.deck_digest}"' in html
    # A follower who reloads lands on the same slide, by its new number.
    assert client.get(f"/f/{presentation.code}/live/")["Location"].endswith("#slide-5")
    page = client.get(f"/f/{presentation.code}/").content.decode()
    assert f'data-deck-digest="{lesson.deck_digest}"' in page
    assert 'data-slide-id="recap"' in page
    # So does the presenter.
    page = presenter.get("/lessons/class-test/present/").content.decode()
    assert 'data-live-slide="5"' in page
    assert beat(presenter, presentation).json()["deck"] == lesson.deck_digest


def test_a_move_from_a_page_loaded_before_the_edit_follows_the_slide_id(
    presenter, presentation, lesson
):
    old_deck = lesson.deck_digest
    edit(lesson, BODY.replace("## Sessions", "## Inserted\n\nNew.\n\n## Sessions"))
    # The old page thinks "Points" is slide 3; it is now slide 4.
    response = move(presenter, presentation, slide="3", key="points", deck=old_deck)
    assert response.status_code == 204
    presentation.refresh_from_db()
    assert (presentation.slide, presentation.slide_key) == (4, "points")
    assert presentation.deck_digest == lesson.deck_digest


def test_a_move_to_a_slide_the_edit_removed_asks_for_a_reload(
    presenter, presentation, lesson
):
    old_deck = lesson.deck_digest
    version = presentation.version
    edit(lesson, BODY.replace("## Recap\n\nDone.\n", ""))
    response = move(presenter, presentation, slide="4", key="recap", deck=old_deck)
    assert response.status_code == 409
    assert "reload" in response.content.decode()
    presentation.refresh_from_db()
    assert (presentation.slide, presentation.version) == (1, version)


def test_a_removed_slide_leaves_the_class_at_its_old_number(
    client, presenter, presentation, lesson
):
    move(presenter, presentation, slide="4", key="recap", deck=lesson.deck_digest)
    edit(lesson, BODY.replace("## Recap\n\nDone.\n", "## Summary\n\nDone.\n"))
    html = poll(client, presentation).content.decode()
    assert 'data-live-slide="4"' in html and 'data-live-key="summary"' in html


def test_retitling_the_lesson_changes_the_deck_digest(lesson):
    before = lesson.deck_digest
    lesson.title = "Another title"
    assert lesson.deck_digest != before


# --- The admin lists live sessions --------------------------------------------------------


def test_the_admin_lists_live_sessions_and_ends_them(
    admin_client, presentation, lesson, staff
):
    lapsed = create_presentation(lesson, staff, 1)
    Presentation.objects.filter(pk=lapsed.pk).update(
        presenter_seen_at=timezone.now() - Presentation.ABSENT_LIMIT * 2
    )
    url = "/admin/lessons/presentation/"
    live_page = admin_client.get(url + "?state=live").content.decode()
    assert presentation.code in live_page and lapsed.code not in live_page
    over_page = admin_client.get(url + "?state=over").content.decode()
    assert lapsed.code in over_page and presentation.code not in over_page

    Follower.objects.create(
        presentation=presentation, device=DEVICE_A, seen_at=timezone.now()
    )
    response = admin_client.post(
        url,
        {"action": "end_sessions", "_selected_action": [presentation.pk]},
        follow=True,
    )
    assert "Ended 1 session" in response.content.decode()
    presentation.refresh_from_db()
    assert presentation.ended_at is not None and not presentation.is_live
    assert not Follower.objects.exists()
    assert (
        presentation.code not in admin_client.get(url + "?state=live").content.decode()
    )
