"""Live polls (lessons/polls.py): the presenter asks a check, devices answer once."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from lessons import polls
from lessons.models import Lesson, Poll, PollAnswer, Presentation

BODY = """Opening words.

## Routes

/// check | Two patterns both match a path. Which view runs?
- [ ] The most specific one
- [x] The one listed first
- [ ] Both

Django stops at the first match.
///

## Templates

/// check | What does `{{ name }}` show for `<b>Bob</b>`?
- [x] The literal text
- [ ] Bold text
///
"""


@pytest.fixture
def lesson(db):
    lesson = Lesson(slug="poll-test", title="Poll test", summary="Polls.", body=BODY)
    lesson.save()
    return lesson


@pytest.fixture
def staff(db):
    return User.objects.create_user("teacher", is_staff=True)


@pytest.fixture
def presentation(lesson, staff):
    return Presentation.objects.create(lesson=lesson, presenter=staff, slide=2)


@pytest.fixture
def presenter(client, staff):
    client.force_login(staff)
    return client


def url(name, presentation, *args):
    from django.urls import reverse

    return reverse(f"lessons:{name}", args=[presentation.code, *args])


def ask(presenter, presentation, check="check-1", **headers):
    return presenter.post(url("poll_ask", presentation), {"check": check}, **headers)


def answer(client, presentation, poll, choice, **headers):
    return client.post(
        url("poll_answer", presentation),
        {"poll": str(poll.pk), "choice": str(choice)},
        **headers,
    )


HTMX = {"HTTP_HX_REQUEST": "true"}


# --- The presenter --------------------------------------------------------------------


def test_the_panel_offers_the_checks_of_the_class_slide(presenter, presentation):
    response = presenter.get(url("poll_manage", presentation), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    here, others = html.split("Checks on other slides")
    assert "Which view runs?" in here
    assert "<code>{{ name }}</code>" in others
    assert 'value="check-1"' in here


def test_the_panel_follows_the_slide_the_presenter_page_shows(presenter, presentation):
    response = presenter.get(url("poll_manage", presentation) + "?slide=3", **HTMX)
    here = response.content.decode().split("Checks on other slides")[0]
    assert "<code>{{ name }}</code>" in here
    assert "from slide 3, Templates" in here


def test_asking_copies_the_check_and_tells_the_followers(presenter, presentation):
    version = presentation.version
    response = ask(presenter, presentation, **HTMX)
    assert response.status_code == 200
    poll = Poll.objects.get()
    assert poll.check_id == "check-1"
    assert poll.right == 1
    assert poll.choices_html == [
        "The most specific one",
        "The one listed first",
        "Both",
    ]
    assert "first match" in poll.explanation_html
    assert "Reveal the answer" in response.content.decode()
    presentation.refresh_from_db()
    assert presentation.version == version + 1


def test_asking_again_closes_the_poll_before(presenter, presentation):
    ask(presenter, presentation)
    ask(presenter, presentation, check="check-2")
    assert [poll.state for poll in Poll.objects.order_by("pk")] == ["ended", "open"]
    assert polls.current_poll(presentation).check_id == "check-2"


@pytest.mark.parametrize("check", ["check-9", "", "<script>"])
def test_asking_an_unknown_check_is_refused(presenter, presentation, check):
    response = ask(presenter, presentation, check=check, **HTMX)
    assert response.status_code == 409
    assert "reload the page" in response.content.decode()
    assert not Poll.objects.exists()


def test_without_javascript_the_presenter_lands_on_the_poll_page(
    presenter, presentation
):
    response = ask(presenter, presentation)
    assert response.status_code == 302
    assert response["Location"] == url("poll_manage", presentation)
    page = presenter.get(response["Location"])
    assert page.status_code == 200
    assert b"<h1" in page.content
    assert b"Reveal the answer" in page.content


def test_the_chart_counts_answers_as_text(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    for choice in (1, 1, 0):
        answer(Client(), presentation, poll, choice)
    response = presenter.get(url("poll_results", presentation, poll.pk), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>3</strong> answers" in html
    assert "2 (67%)" in html
    assert "1 (33%)" in html
    assert "0 (0%)" in html
    # The room may be watching: the right answer is not marked yet.
    assert "Right answer" not in html
    assert 'hx-trigger="every 1s"' in html


def test_revealing_marks_the_right_answer_and_stops_the_chart_polling(
    presenter, presentation
):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    response = presenter.post(url("poll_reveal", presentation, poll.pk), **HTMX)
    assert response.status_code == 200
    assert "Right answer" in response.content.decode()
    poll.refresh_from_db()
    assert poll.state == "revealed"
    results = presenter.get(url("poll_results", presentation, poll.pk), **HTMX)
    assert results.status_code == 286
    assert "every 1s" not in results.content.decode()


def test_closing_takes_the_poll_off_screens(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    presenter.post(url("poll_close", presentation, poll.pk))
    poll.refresh_from_db()
    assert poll.state == "ended"
    assert polls.stamp(presentation) == ""
    again = presenter.post(url("poll_reveal", presentation, poll.pk), **HTMX)
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("poll_manage", "get"),
        ("poll_ask", "post"),
    ],
)
def test_only_the_presenter_runs_the_poll(client, presentation, name, method):
    anonymous = getattr(client, method)(url(name, presentation), {"check": "check-1"})
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    client.force_login(User.objects.create_user("colleague", is_staff=True))
    other = getattr(client, method)(url(name, presentation), {"check": "check-1"})
    assert other.status_code == 403
    assert not Poll.objects.exists()


def test_only_the_presenter_sees_results_or_reveals(client, presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    stranger = Client()
    for name in ("poll_results", "poll_reveal", "poll_close"):
        response = (stranger.get if name == "poll_results" else stranger.post)(
            url(name, presentation, poll.pk)
        )
        assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.state == "open"


def test_a_poll_of_another_session_is_not_found(presenter, presentation, lesson, staff):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    other = Presentation.objects.create(lesson=lesson, presenter=staff)
    response = presenter.post(url("poll_reveal", other, poll.pk))
    assert response.status_code == 404


# --- Students -------------------------------------------------------------------------


def test_followers_learn_of_a_new_poll_from_their_state_poll(
    client, presenter, presentation
):
    state_url = url("follow_state", presentation)
    first = Client().get(state_url)
    assert 'data-poll=""' in first.content.decode()
    unchanged = Client().get(state_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304
    ask(presenter, presentation)
    poll = Poll.objects.get()
    changed = Client().get(state_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert f'data-poll="{poll.pk}-open"' in changed.content.decode()


def test_a_student_answers_once_per_device_and_can_change_it(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    phone = Client()
    first = answer(phone, presentation, poll, 0, **HTMX)
    assert first.status_code == 200
    assert "you answered A" in first.content.decode()
    token = first.cookies[polls.COOKIE]
    assert token["httponly"]
    assert token["path"] == "/f/"
    second = answer(phone, presentation, poll, 1, **HTMX)
    assert "you answered B" in second.content.decode()
    assert polls.COOKIE not in second.cookies
    assert PollAnswer.objects.count() == 1
    assert PollAnswer.objects.get().choice == 1
    answer(Client(), presentation, poll, 2)
    assert polls.counts_for(poll) == [0, 1, 1]


def test_only_a_salted_hash_of_the_device_is_stored(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    response = answer(Client(), presentation, poll, 0)
    token = response.cookies[polls.COOKIE].value
    stored = PollAnswer.objects.get()
    assert token not in stored.device
    assert stored.device == polls.device_hash(poll, token)
    assert [f.name for f in PollAnswer._meta.get_fields()] == [
        "id",
        "poll",
        "device",
        "choice",
        "answered_at",
    ]


def test_without_javascript_an_answer_returns_to_the_follow_page(
    presenter, presentation
):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    phone = Client()
    response = answer(phone, presentation, poll, 2)
    assert response.status_code == 302
    assert response["Location"].endswith("#poll")
    page = phone.get(url("follow", presentation)).content.decode()
    assert "you answered C" in page
    assert 'value="2" required checked' in page


def test_the_follow_page_shows_the_open_poll(client, presenter, presentation):
    ask(presenter, presentation)
    html = client.get(url("follow", presentation)).content.decode()
    assert "Question from the presenter" in html
    assert "Send my answer" in html


def test_after_the_reveal_a_student_sees_the_right_answer_and_theirs(
    presenter, presentation
):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    phone = Client()
    answer(phone, presentation, poll, 0)
    presenter.post(url("poll_reveal", presentation, poll.pk))
    html = phone.get(url("poll_student", presentation), **HTMX).content.decode()
    right = html.index("Right answer")
    assert html.index("The one listed first") < right
    assert "Your answer" in html
    assert "first match" in html
    assert "<form" not in html


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"poll": "x", "choice": "0"}, 400, "Send the poll"),
        ({"choice": "0"}, 400, "Send the poll"),
        ({"poll": "99999", "choice": "0"}, 404, "no such poll"),
        ({"poll": "{poll}", "choice": "3"}, 400, "Choose one"),
        ({"poll": "{poll}", "choice": "-1"}, 400, "Choose one"),
        ({"poll": "{poll}", "choice": "١"}, 400, "Choose one"),
        ({"poll": "{poll}", "choice": "9" * 40}, 400, "Choose one"),
        ({"poll": "{poll}"}, 400, "Choose one"),
    ],
)
def test_bad_answers_are_refused_and_store_nothing(
    presenter, presentation, data, status, message
):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    data = {key: value.replace("{poll}", str(poll.pk)) for key, value in data.items()}
    for headers in ({}, HTMX):
        response = Client().post(url("poll_answer", presentation), data, **headers)
        assert response.status_code == status
        assert message in response.content.decode()
    assert not PollAnswer.objects.exists()


def test_a_revealed_or_closed_poll_takes_no_answers(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    presenter.post(url("poll_reveal", presentation, poll.pk))
    response = answer(Client(), presentation, poll, 1, **HTMX)
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    presenter.post(url("poll_close", presentation, poll.pk))
    assert answer(Client(), presentation, poll, 1).status_code == 409
    assert not PollAnswer.objects.exists()


def test_an_ended_session_takes_no_answers(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    presentation.end()
    assert answer(Client(), presentation, poll, 1).status_code == 409
    assert ask(presenter, presentation).status_code == 409
    assert not PollAnswer.objects.exists()


def test_a_forged_device_cookie_is_replaced(presenter, presentation):
    ask(presenter, presentation)
    poll = Poll.objects.get()
    phone = Client()
    phone.cookies[polls.COOKIE] = "short"
    response = answer(phone, presentation, poll, 0)
    assert response.cookies[polls.COOKIE].value != "short"
    assert PollAnswer.objects.count() == 1


def test_a_flood_of_new_devices_from_one_address_is_stopped(
    presenter, presentation, monkeypatch
):
    monkeypatch.setattr(polls, "MAX_NEW_DEVICES_PER_ADDRESS", 3)
    ask(presenter, presentation)
    poll = Poll.objects.get()
    statuses = [answer(Client(), presentation, poll, 0).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert PollAnswer.objects.count() == 3
    # A device that already answered may still change its answer.
    phone = Client()
    monkeypatch.setattr(polls, "MAX_NEW_DEVICES_PER_ADDRESS", 10)
    assert answer(phone, presentation, poll, 0).status_code == 302
    monkeypatch.setattr(polls, "MAX_NEW_DEVICES_PER_ADDRESS", 0)
    assert answer(phone, presentation, poll, 1).status_code == 302


def test_a_full_poll_takes_no_new_devices(presenter, presentation, monkeypatch):
    monkeypatch.setattr(polls, "MAX_ANSWERS", 2)
    ask(presenter, presentation)
    poll = Poll.objects.get()
    statuses = [answer(Client(), presentation, poll, 1).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert PollAnswer.objects.count() == 2


def test_the_student_poll_page_without_htmx_goes_to_the_follow_page(presentation):
    response = Client().get(url("poll_student", presentation))
    assert response.status_code == 302
    assert response["Location"].endswith("#poll")


def test_poll_pages_are_never_cached(presenter, presentation):
    ask(presenter, presentation)
    response = Client().get(url("poll_student", presentation), **HTMX)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_unknown_session_is_not_found(client, db):
    response = client.post("/f/ZZZZZZ/poll/answer/", {"poll": "1", "choice": "0"})
    assert response.status_code == 404


def test_polls_go_with_their_session(presenter, presentation):
    ask(presenter, presentation)
    answer(Client(), presentation, Poll.objects.get(), 0)
    presentation.delete()
    assert not Poll.objects.exists()
    assert not PollAnswer.objects.exists()
