"""A click whose answer is lost (a server dies, a deploy restarts it), or that
is refused because too many were sent at once (429), is shown inside the demo
with the board still there, and retrying it applies it once."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError
from playwright.sync_api import expect

from courseware.sessions import SessionStore
from lessons.models import Lesson
from sandbox_apps import session_lock

from .conftest import assert_accessible, hold_requests

BAD_GATEWAY = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"


@pytest.fixture
def lesson(site):
    Lesson.objects.create(
        slug="lost-clicks",
        title="Lost clicks",
        summary="A lesson made for the browser tests.",
        order=999,
        body="## Play\n\n/// demo | ninja-gold\nClick a place.\n///\n",
    )
    return site + "/lessons/lost-clicks/"


def gold_stage(page):
    stage = page.locator('.demo-stage[data-demo="ninja-gold"]')
    stage.scroll_into_view_if_needed()
    expect(stage.locator("#ninja-gold")).to_be_visible()
    return stage


def lose_next_answer(page, *, applied: bool):
    """The next POST fails as through a proxy whose app server died.

    ``applied``: the server got the request and saved the move before the
    answer was lost; otherwise the request never reached it.
    """
    seen = []

    def handler(route):
        seen.append(route.request.headers.get("idempotency-key"))
        if applied:
            route.fetch()
        route.fulfill(status=502, content_type="text/html", body=BAD_GATEWAY)
        page.unroute("**/process_money/", handler)

    page.route("**/process_money/", handler)
    return seen


@pytest.mark.parametrize("applied", [True, False], ids=["saved", "never-arrived"])
def test_a_lost_click_is_shown_and_a_retry_counts_it_once(page, lesson, applied):
    page.goto(lesson)
    stage = gold_stage(page)
    stage.get_by_role("button", name="Go to the farm").click()
    expect(stage.locator(".gold-moves")).to_have_text("1")

    keys = lose_next_answer(page, applied=applied)
    stage.get_by_role("button", name="Go to the farm").click()
    alert = stage.get_by_role("alert")
    expect(alert).to_contain_text("may not have counted")
    # The board is still there, not the proxy's error page.
    expect(stage.locator(".gold-moves")).to_have_text("1")
    expect(stage).not_to_contain_text("Bad Gateway")
    retry = stage.get_by_role("button", name="Try again")
    expect(retry).to_be_focused()
    assert_accessible(page, "a lost click", within="figure.demo")

    with page.expect_request("**/process_money/") as sent:
        retry.click()
    assert sent.value.headers["idempotency-key"] == keys[0]
    expect(stage.locator(".gold-moves")).to_have_text("2")
    expect(stage.get_by_role("alert")).to_have_count(0)

    # Later clicks are new clicks.
    stage.get_by_role("button", name="Go to the farm").click()
    expect(stage.locator(".gold-moves")).to_have_text("3")


TOO_MANY = "<html><body><h1>Too many clicks at once</h1></body></html>"


@pytest.mark.parametrize("refused_by", ["the session lock", "the proxy"])
def test_too_many_clicks_keep_the_board_and_a_retry_counts_once(
    page, lesson, settings, refused_by
):
    """A 429, from the app's session lock or from nginx's limit: nothing changed."""
    page.goto(lesson)
    stage = gold_stage(page)
    stage.get_by_role("button", name="Go to the farm").click()
    expect(stage.locator(".gold-moves")).to_have_text("1")

    keys = []
    if refused_by == "the session lock":
        # Another request of this visitor is running: this click may wait
        # only this long for it, then it is refused.
        settings.COURSEWARE_SESSION_LOCK_WAIT = 0.05
        key = next(
            c["value"] for c in page.context.cookies() if c["name"] == "sessionid"
        )
        locks = session_lock.SessionLocks("default")
        locks.acquire(key)
        try:
            with page.expect_response("**/process_money/") as answer:
                stage.get_by_role("button", name="Go to the farm").click()
            assert answer.value.status == 429
            keys.append(answer.value.request.headers["idempotency-key"])
            expect(stage.get_by_role("alert")).to_contain_text(
                "Too many clicks at once"
            )
        finally:
            locks.release(key)
    else:

        def handler(route):
            keys.append(route.request.headers.get("idempotency-key"))
            route.fulfill(status=429, content_type="text/html", body=TOO_MANY)
            page.unroute("**/process_money/", handler)

        page.route("**/process_money/", handler)
        stage.get_by_role("button", name="Go to the farm").click()
    alert = stage.get_by_role("alert")
    expect(alert).to_contain_text("Too many clicks at once: this one was not applied.")
    # The board is kept, the refusal's own page is not swapped in.
    expect(stage.locator(".gold-moves")).to_have_text("1")
    expect(stage.locator("#ninja-gold")).to_be_visible()
    retry = stage.get_by_role("button", name="Try again")
    expect(retry).to_be_focused()
    assert_accessible(page, f"a click refused by {refused_by}", within="figure.demo")

    with page.expect_request("**/process_money/") as sent:
        retry.click()
    assert sent.value.headers["idempotency-key"] == keys[0]
    expect(stage.locator(".gold-moves")).to_have_text("2")
    expect(stage.get_by_role("alert")).to_have_count(0)


def test_a_click_while_the_database_is_away_keeps_the_board(page, lesson, monkeypatch):
    """The site's 503: the session could not be saved, so nothing changed."""
    page.goto(lesson)
    stage = gold_stage(page)
    stage.get_by_role("button", name="Go to the farm").click()
    expect(stage.locator(".gold-moves")).to_have_text("1")

    save = SessionStore.save

    def database_gone(self, must_create=False):
        # Once: as if PostgreSQL stopped between this request's read and
        # write. The engine reports a failed UPDATE this way (courseware/sessions.py).
        monkeypatch.setattr(SessionStore, "save", save)
        lost = OperationalError("terminating connection due to administrator command")
        raise UpdateError from lost

    monkeypatch.setattr(SessionStore, "save", database_gone)
    with page.expect_response("**/process_money/") as answer:
        stage.get_by_role("button", name="Go to the farm").click()
    assert answer.value.status == 503
    alert = stage.get_by_role("alert")
    expect(alert).to_contain_text("the database is not answering")
    expect(stage.locator(".gold-moves")).to_have_text("1")
    retry = stage.get_by_role("button", name="Try again")
    expect(retry).to_be_focused()
    assert_accessible(page, "a click while the database is away", within="figure.demo")

    retry.click()
    expect(stage.locator(".gold-moves")).to_have_text("2")
    expect(stage.get_by_role("alert")).to_have_count(0)


@pytest.fixture
def three_demos(site):
    Lesson.objects.create(
        slug="three-demos",
        title="Three demos",
        summary="A lesson whose demos all load at once.",
        order=998,
        body=(
            "## Play\n\n"
            "/// demo | session-counter\n///\n\n"
            "/// demo | ninja-gold\n///\n\n"
            "/// demo | email-validation\n///\n"
        ),
    )
    return site + "/lessons/three-demos/"


def test_demos_that_load_together_are_sent_one_at_a_time(page, three_demos):
    """The server runs one of a visitor's requests at a time, so the page
    sends them that way: a second one would only wait in a worker, and be
    refused if the first is slow (demos.js, keepToTheServersLimit)."""
    # Counted in the page, from send to loadend: the browser's own view of
    # what is in flight (Playwright's network events can arrive out of order).
    page.add_init_script(
        """
        window.demoRequests = { now: 0, most: 0, sent: 0 };
        const counts = window.demoRequests;
        const open = XMLHttpRequest.prototype.open;
        const send = XMLHttpRequest.prototype.send;
        // Listening from open(), before htmx's own listeners: the count
        // drops before anything the end of one request sets off.
        XMLHttpRequest.prototype.open = function (...args) {
          this.addEventListener("loadend", () => { counts.now -= 1; });
          return open.apply(this, args);
        };
        XMLHttpRequest.prototype.send = function (body) {
          counts.now += 1;
          counts.sent += 1;
          counts.most = Math.max(counts.most, counts.now);
          return send.call(this, body);
        };
        """
    )
    page.set_viewport_size({"width": 1280, "height": 4000})
    page.goto(three_demos)
    for slug in ("session-counter", "ninja-gold", "email-validation"):
        expect(
            page.locator(f'.demo-stage[data-demo="{slug}"] .sandbox').first
        ).to_be_visible()
    counts = page.evaluate("window.demoRequests")
    assert counts["sent"] == 3
    assert counts["most"] == 1, counts


def test_a_first_load_refused_as_busy_loads_by_itself(page, lesson, settings):
    """The visitor's other tab holds the session: the demo waits its turn
    and loads, with no alert and no click from the reader."""
    page.goto(lesson)
    stage = gold_stage(page)
    stage.get_by_role("button", name="Go to the farm").click()
    expect(stage.locator(".gold-moves")).to_have_text("1")
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")

    settings.COURSEWARE_SESSION_LOCK_WAIT = 0.05
    locks = session_lock.SessionLocks("default")
    locks.acquire(key)
    try:
        with page.expect_response(
            lambda r: "/sandbox/ninja-gold/" in r.url and r.status == 429
        ):
            page.reload()
    finally:
        locks.release(key)
    stage = gold_stage(page)
    expect(stage.locator(".gold-moves")).to_have_text("1")
    expect(stage.get_by_role("alert")).to_have_count(0)


@pytest.fixture
def gold_then_ninjas(site):
    Lesson.objects.create(
        slug="gold-then-ninjas",
        title="Gold then ninjas",
        summary="A lesson whose second demo loads while the first is played.",
        order=997,
        body=(
            "## Play\n\n"
            "/// demo | ninja-gold\n///\n\n"
            "/// demo | disappearing-ninjas\n///\n"
        ),
    )
    return site + "/lessons/gold-then-ninjas/"


def test_clicks_made_while_another_demo_loads_all_count(page, gold_then_ninjas):
    """Clicks in one demo wait while another demo's load is on its way, and
    the first click's answer replaces the form the others came from: each
    is still sent, in order, once the load has come back (demos.js)."""
    hold_requests(page, "/sandbox/disappearing-ninjas/")
    page.set_viewport_size({"width": 1280, "height": 4000})
    page.goto(gold_then_ninjas)
    stage = gold_stage(page)
    expect(page.locator("html")).to_have_attribute("data-held", "1")
    farm = stage.get_by_role("button", name="Go to the farm")
    for _ in range(3):
        farm.click()
    page.evaluate("window.letTheHeldGo()")
    ninjas = page.locator('.demo-stage[data-demo="disappearing-ninjas"]')
    expect(ninjas.get_by_role("heading", name="No ninjas here")).to_be_visible()
    expect(stage.locator(".gold-moves")).to_have_text("3")
    # And the demo goes on as usual afterwards.
    farm.click()
    expect(stage.locator(".gold-moves")).to_have_text("4")


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def swap_the_board(stage):
    """Another answer replaces the board, as one arriving mid-click would."""
    stage.evaluate(
        """stage => new Promise((done) => {
        stage.addEventListener("htmx:afterSettle", () => done(), { once: true });
        htmx.ajax("GET", "/sandbox/ninja-gold/", { source: stage, target: stage, swap: "innerHTML" });
        })"""
    )


def test_a_click_the_moment_a_board_arrives_stays_in_the_lesson(page, lesson):
    """htmx wires up the forms of a board it swaps in when the swap settles.
    A click before that (a quick tap on a busy phone) submitted the form as
    a plain page: the move counted, but the reader left the lesson for the
    demo's own page."""
    page.goto(lesson)
    stage = gold_stage(page)
    stage.evaluate(
        """stage => {
        stage.addEventListener("htmx:afterSwap", () => {
            // As soon as the board is in, before anything else runs.
            queueMicrotask(() => stage.querySelector("button[value='farm']").click());
        }, { once: true });
        htmx.ajax("GET", "/sandbox/ninja-gold/", { source: stage, target: stage, swap: "innerHTML" });
        }"""
    )
    expect(stage.locator(".gold-moves")).to_have_text("1")
    assert page.url == lesson


def test_a_click_pressed_as_the_board_changes_still_counts(page, lesson):
    """An answer swaps the board between the press and the release of a
    click: the browser would drop it, as the pressed button has gone, but
    the release lands on the same button in the new board (focus.js)."""
    page.goto(lesson)
    stage = gold_stage(page)
    farm = stage.get_by_role("button", name="Go to the farm")
    pressed = farm.element_handle()
    page.mouse.move(*centre(farm))
    page.mouse.down()
    swap_the_board(stage)
    assert not pressed.evaluate("button => button.isConnected")
    page.mouse.up()
    expect(stage.locator(".gold-moves")).to_have_text("1")
    expect(stage.locator(".gold-log")).to_contain_text("farm")

    # Released on another button, it is no click, as anywhere else.
    page.mouse.move(*centre(farm))
    page.mouse.down()
    swap_the_board(stage)
    page.mouse.move(*centre(stage.get_by_role("button", name="Go to the cave")))
    page.mouse.up()
    farm.click()
    expect(stage.locator(".gold-moves")).to_have_text("2")
    expect(stage.locator(".gold-log")).not_to_contain_text("cave")


def test_a_click_whose_button_the_new_board_moved_still_counts(page, lesson):
    """The board that arrives between press and release has a message above
    the buttons (the session counter's first "Added 2."), so the button is
    no longer under the pointer that never moved. The reader made that
    click; a release after moving away is none (the test above)."""
    page.goto(lesson)
    stage = gold_stage(page)
    farm = stage.get_by_role("button", name="Go to the farm")
    page.mouse.move(*centre(farm))
    page.mouse.down()
    swap_the_board(stage)
    stage.evaluate(
        """stage => {
        const message = document.createElement("p");
        message.style.height = "120px";
        stage.querySelector("form").before(message);
        }"""
    )
    page.mouse.up()
    expect(stage.locator(".gold-moves")).to_have_text("1")
    expect(stage.locator(".gold-log")).to_contain_text("farm")


def test_clicks_held_behind_a_slow_answer_keep_focus_on_the_button(page, lesson):
    """Three fast clicks on one button: the first answer is slow, and the two
    clicks made meanwhile are sent from the demo once it has replaced their
    form. Focus stays on the button pressed (focus.js), not lost to the page."""
    hold_requests(page, "/process_money/")
    page.goto(lesson)
    stage = gold_stage(page)
    farm = stage.get_by_role("button", name="Go to the farm")
    for _ in range(3):
        farm.click()
    expect(page.locator("html")).to_have_attribute("data-held", "1")
    page.evaluate("window.letTheHeldGo()")
    expect(stage.locator(".gold-moves")).to_have_text("3")
    expect(farm).to_be_focused()
