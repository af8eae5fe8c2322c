"""Presenter, speaker and follow-along views (lessons/presenter.py)."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from lessons.models import Lesson, Presentation
from lessons.presenter import create_presentation

BODY = """Opening words.

## Sessions

What a session is.

/// notes
SECRET-NOTE: ask who cleared cookies today.
///

## Try it

/// demo | session-counter
Press **Add 2**.
///
"""

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def lesson(db):
    lesson = Lesson(
        slug="deck-test",
        title="Deck test",
        summary="A lesson for presenter tests.",
        order=1,
        body=BODY,
    )
    lesson.save()
    return lesson


@pytest.fixture
def staff(db):
    return User.objects.create_user("teacher", password="x-teacher-pass", is_staff=True)


@pytest.fixture
def other_staff(db):
    return User.objects.create_user(
        "colleague", password="x-colleague-pass", is_staff=True
    )


@pytest.fixture
def student(db):
    return User.objects.create_user("student", password="x-student-pass")


@pytest.fixture
def presentation(lesson, staff):
    return create_presentation(lesson, staff, 1)


def test_saving_a_lesson_stores_its_slides(lesson):
    assert [slide["title"] for slide in lesson.slides] == ["", "Sessions", "Try it"]
    assert "SECRET-NOTE" in lesson.slides[1]["notes_html"]
    assert "SECRET-NOTE" not in lesson.html


def test_reader_page_never_shows_notes(client, lesson):
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    assert b"SECRET-NOTE" not in response.content


def test_presenter_page_shows_every_slide_without_notes(client, lesson):
    response = client.get("/lessons/deck-test/present/")
    assert response.status_code == 200
    html = response.content.decode()
    for number in (1, 2, 3):
        assert f'id="slide-{number}"' in html
    assert "SECRET-NOTE" not in html
    assert 'hx-get="/sandbox/session-counter/"' in html
    assert "no-store" in response["Cache-Control"]


def test_presenter_page_hides_staff_controls_from_visitors(client, lesson):
    html = client.get("/lessons/deck-test/present/").content.decode()
    assert "Speaker view" not in html
    assert "Start follow-along" not in html


def test_staff_see_the_speaker_link_and_the_follow_along_form(client, lesson, staff):
    client.force_login(staff)
    html = client.get("/lessons/deck-test/present/").content.decode()
    assert "/lessons/deck-test/present/speaker/" in html
    assert "Start follow-along" in html


def test_presenter_page_for_an_unknown_lesson_is_404(client, db):
    assert client.get("/lessons/nope/present/").status_code == 404


def test_a_lesson_saved_by_an_older_renderer_gets_its_slides_on_first_present(
    client, lesson
):
    Lesson.objects.filter(pk=lesson.pk).update(slides=[], renderer_version=1)
    response = client.get("/lessons/deck-test/present/")
    assert 'id="slide-3"' in response.content.decode()
    assert len(Lesson.objects.get(pk=lesson.pk).slides) == 3


def test_speaker_view_shows_notes_to_staff(client, lesson, staff):
    client.force_login(staff)
    response = client.get("/lessons/deck-test/present/speaker/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SECRET-NOTE" in html
    # The speaker view must never run a demo itself.
    assert "htmx" not in html
    assert "site.js" not in html


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_speaker_view_is_closed_to_everyone_else(client, lesson, student, who):
    if who == "student":
        client.force_login(student)
    response = client.get("/lessons/deck-test/present/speaker/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_start_a_follow_along_session(client, lesson, staff):
    client.force_login(staff)
    response = client.post("/lessons/deck-test/present/follow/", {"slide": "2"})
    presentation = Presentation.objects.get()
    assert presentation.presenter == staff
    assert presentation.slide == 2
    assert response.status_code == 302
    assert response["Location"] == "/lessons/deck-test/present/?panel=follow#slide-2"
    # Reloaded by the plain form, the page keeps the panel open on the news.
    page = client.get(response["Location"]).content.decode()
    assert "data-follow-panel data-open" in page
    assert "End follow-along" in page
    assert "data-open" not in client.get("/lessons/deck-test/present/").content.decode()


def test_starting_again_returns_the_same_live_session(client, lesson, staff):
    client.force_login(staff)
    client.post("/lessons/deck-test/present/follow/")
    client.post("/lessons/deck-test/present/follow/")
    assert Presentation.objects.count() == 1


def test_htmx_start_answers_the_panel_with_link_and_qr_code(client, lesson, staff):
    client.force_login(staff)
    response = client.post("/lessons/deck-test/present/follow/", HTTP_HX_REQUEST="true")
    code = Presentation.objects.get().code
    html = response.content.decode()
    assert f"http://testserver/f/{code}/" in html
    assert '<svg role="img" aria-label="QR code for the follow-along link"' in html
    assert "<html" not in html


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_only_staff_can_start_a_session(client, lesson, student, who):
    if who == "student":
        client.force_login(student)
    response = client.post("/lessons/deck-test/present/follow/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Presentation.objects.exists()


def test_the_presenter_moves_the_class(client, presentation, staff):
    client.force_login(staff)
    response = client.post(f"/f/{presentation.code}/move/", {"slide": "3"})
    assert response.status_code == 204
    presentation.refresh_from_db()
    assert presentation.slide == 3
    assert presentation.version == 2


def test_codes_are_read_in_any_case(client, presentation, staff):
    client.force_login(staff)
    assert (
        client.post(f"/f/{presentation.code.lower()}/move/", {"slide": "2"}).status_code
        == 204
    )


@pytest.mark.parametrize("slide", ["0", "4", "two", "", "-1"])
def test_a_move_to_a_slide_that_does_not_exist_is_refused(
    client, presentation, staff, slide
):
    client.force_login(staff)
    response = client.post(f"/f/{presentation.code}/move/", {"slide": slide})
    assert response.status_code == 400
    presentation.refresh_from_db()
    assert presentation.slide == 1


def test_a_student_cannot_move_the_class(client, presentation, student):
    client.force_login(student)
    response = client.post(f"/f/{presentation.code}/move/", {"slide": "3"})
    assert response.status_code == 403
    presentation.refresh_from_db()
    assert (presentation.slide, presentation.version) == (1, 1)


def test_another_staff_user_cannot_move_someone_elses_class(
    client, presentation, other_staff
):
    client.force_login(other_staff)
    assert (
        client.post(f"/f/{presentation.code}/move/", {"slide": "3"}).status_code == 403
    )
    presentation.refresh_from_db()
    assert presentation.slide == 1


def test_an_anonymous_visitor_cannot_move_the_class(client, presentation):
    response = client.post(f"/f/{presentation.code}/move/", {"slide": "3"})
    assert response.status_code == 302
    presentation.refresh_from_db()
    assert presentation.slide == 1


def test_moves_need_the_csrf_token(presentation, staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(f"/f/{presentation.code}/move/", {"slide": "3"})
    assert response.status_code == 403
    presentation.refresh_from_db()
    assert presentation.slide == 1


def test_moving_by_get_is_not_allowed(client, presentation, staff):
    client.force_login(staff)
    assert client.get(f"/f/{presentation.code}/move/?slide=3").status_code == 405


@pytest.mark.parametrize("who", ["anonymous", "student", "other"])
def test_only_the_presenter_can_end_the_session(
    client, presentation, student, other_staff, who
):
    if who == "student":
        client.force_login(student)
    elif who == "other":
        client.force_login(other_staff)
    response = client.post(f"/f/{presentation.code}/end/")
    assert response.status_code in (302, 403)
    presentation.refresh_from_db()
    assert presentation.ended_at is None


def test_a_session_ended_by_the_plain_form_reopens_the_panel(
    client, presentation, staff
):
    client.force_login(staff)
    response = client.post(f"/f/{presentation.code}/end/")
    assert response["Location"] == "/lessons/deck-test/present/?panel=follow"
    page = client.get(response["Location"]).content.decode()
    assert "data-follow-panel data-open" in page
    assert "Start follow-along" in page


def test_the_presenter_ends_the_session(client, presentation, staff):
    client.force_login(staff)
    response = client.post(f"/f/{presentation.code}/end/", HTTP_HX_REQUEST="true")
    assert "Start follow-along" in response.content.decode()
    presentation.refresh_from_db()
    assert presentation.ended_at is not None
    assert (
        client.post(f"/f/{presentation.code}/move/", {"slide": "2"}).status_code == 409
    )


def test_follower_page_shows_slides_and_polls_without_notes(client, presentation):
    response = client.get(f"/f/{presentation.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="slide-3"' in html
    assert "SECRET-NOTE" not in html
    # static/js/present.js polls it every second.
    assert f'data-state-url="/f/{presentation.code}/state/"' in html


def test_the_deck_marks_the_slide_it_opens_on(client, presentation, staff):
    """The one slide laid out before present.js starts (css/present.css)."""
    presentation.move_to(2)

    def marked(html):
        return [
            line.split('id="')[1].split('"')[0]
            for line in html.splitlines()
            if "data-deck-start" in line and 'class="slide' in line
        ]

    follower = client.get(f"/f/{presentation.code}/").content.decode()
    assert marked(follower) == ["slide-2"]
    visitor = client.get("/lessons/deck-test/present/").content.decode()
    assert marked(visitor) == ["slide-1"]
    client.force_login(staff)
    own_session = client.get("/lessons/deck-test/present/").content.decode()
    assert marked(own_session) == ["slide-2"]
    presentation.end()
    client.logout()
    ended = client.get(f"/f/{presentation.code}/").content.decode()
    assert marked(ended) == ["slide-1"]


def test_follower_page_for_an_unknown_code_is_404(client, db):
    assert client.get("/f/ZZZZZZ/").status_code == 404


def test_state_says_which_slide_is_live(client, presentation):
    presentation.move_to(2)
    response = client.get(f"/f/{presentation.code}/state/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-live-slide="2"' in response.content.decode()
    assert response["ETag"] == presentation.etag_for(presentation.lesson.deck_digest)


def test_state_is_304_while_nothing_changed(client, presentation):
    etag = client.get(f"/f/{presentation.code}/state/")["ETag"]
    response = client.get(f"/f/{presentation.code}/state/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_state_changes_after_a_move(client, presentation, staff):
    etag = client.get(f"/f/{presentation.code}/state/")["ETag"]
    presentation.move_to(3)
    response = client.get(f"/f/{presentation.code}/state/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert 'data-live-slide="3"' in response.content.decode()


def test_state_is_read_from_the_database_not_from_memory(client, presentation):
    """Another app server moved the class: only the shared database knows."""
    client.get(f"/f/{presentation.code}/state/")
    Presentation.objects.filter(pk=presentation.pk).update(slide=3, version=7)
    assert (
        'data-live-slide="3"'
        in client.get(f"/f/{presentation.code}/state/").content.decode()
    )


def test_state_of_an_ended_session_stops_polling_with_286(client, presentation):
    presentation.end()
    response = client.get(f"/f/{presentation.code}/state/")
    assert response.status_code == 286
    assert "hx-get" not in response.content.decode()
    assert "ended" in response.content.decode()


def test_a_session_left_idle_ends_by_itself(client, presentation):
    Presentation.objects.filter(pk=presentation.pk).update(
        moved_at=timezone.now() - Presentation.IDLE_LIMIT * 2
    )
    assert client.get(f"/f/{presentation.code}/state/").status_code == 286


def test_state_of_an_unknown_code_stops_polling(client, db):
    assert client.get("/f/ZZZZZZ/state/").status_code == 286


def test_state_polling_touches_no_session(
    client, presentation, django_assert_num_queries
):
    # A changed state also reads the live poll's stamp (lessons/polls.py);
    # the usual answer, 304, reads the one row.
    with django_assert_num_queries(2):
        response = client.get(f"/f/{presentation.code}/state/")
    assert "Cookie" not in response.get("Vary", "")
    assert "sessionid" not in response.cookies
    with django_assert_num_queries(1):
        unchanged = client.get(
            f"/f/{presentation.code}/state/", HTTP_IF_NONE_MATCH=response["ETag"]
        )
    assert unchanged.status_code == 304


def test_back_to_live_without_javascript_links_to_the_live_slide(client, presentation):
    presentation.move_to(3)
    response = client.get(f"/f/{presentation.code}/live/")
    assert response.status_code == 302
    assert response["Location"] == f"/f/{presentation.code}/#slide-3"


# --- The speaker view as a remote (static/js/remote.js) ------------------------------


def test_the_speaker_view_is_a_remote_for_the_presenters_own_session(
    client, presentation, staff
):
    client.force_login(staff)
    html = client.get("/lessons/deck-test/present/speaker/").content.decode()
    assert f'data-remote-move-url="/f/{presentation.code}/move/"' in html
    assert f'data-remote-state-url="/f/{presentation.code}/state/"' in html
    assert f"/f/{presentation.code}/polls/" in html


def test_another_staff_user_gets_notes_but_no_remote(client, presentation, other_staff):
    client.force_login(other_staff)
    response = client.get("/lessons/deck-test/present/speaker/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SECRET-NOTE" in html
    assert "data-remote-move-url" not in html
    assert presentation.code not in html
    # And the server refuses the move all the same.
    move = client.post(f"/f/{presentation.code}/move/", {"slide": "2"})
    assert move.status_code == 403
    presentation.refresh_from_db()
    assert presentation.slide == 1


def test_the_remote_needs_a_login(client, presentation, student):
    response = client.get("/lessons/deck-test/present/speaker/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(student)
    response = client.get("/lessons/deck-test/present/speaker/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    move = client.post(f"/f/{presentation.code}/move/", {"slide": "2"})
    assert move.status_code == 403


def test_an_ended_session_is_no_remote(client, presentation, staff):
    presentation.end()
    client.force_login(staff)
    html = client.get("/lessons/deck-test/present/speaker/").content.decode()
    assert "data-remote-move-url" not in html


def test_the_presenter_page_follows_the_state_url(client, presentation, staff):
    client.force_login(staff)
    html = client.get("/lessons/deck-test/present/").content.decode()
    assert f'data-state-url="/f/{presentation.code}/state/"' in html
