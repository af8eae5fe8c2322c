"""Focus and scroll in every embedded demo, used from the keyboard and the mouse.

After each kind of swap, focus is on the control the reader used, or on
something visible and announced (never the stage itself, never lost to the
page), the page does not jump, and no intended answer (the form again with
its errors) logs an error in the console.
"""

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson

SLUGS = (
    "session-counter",
    "ninja-gold",
    "disappearing-ninjas",
    "email-validation",
    "login-registration",
)
BODY = "\n\n".join(f"## {slug}\n\n/// demo | {slug}\n///" for slug in SLUGS)


@pytest.fixture
def lesson(site):
    Lesson.objects.create(
        slug="all-demos", title="All demos", summary="Every demo.", order=999, body=BODY
    )
    return site + "/lessons/all-demos/"


# Chromium itself reports every 4xx answer to a script's request as an
# error ("Failed to load resource"). A form filled in wrongly is answered
# 200 (sandbox_apps/README.md), so no line is allowed here: any console
# error, the browser's or a script's, fails the test.


@pytest.fixture
def console_errors(page):
    errors = []

    def keep(message):
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def stage(page, slug):
    found = page.locator(f'.demo-stage[data-demo="{slug}"]')
    found.scroll_into_view_if_needed()
    expect(found.locator(".sandbox").first).to_be_visible()
    return found


def swap(page, stage, action):
    """Do ``action`` and wait until htmx has settled the answer in ``stage``."""
    # Wrapped in an object: Playwright would wait for a bare promise here.
    settled = stage.evaluate_handle(
        """stage => ({ swapped: new Promise((done, fail) => {
        stage.addEventListener('htmx:afterSettle', () => done(true), {once: true});
        setTimeout(() => fail(new Error('the demo did not answer')), 20000);
        }) })"""
    )
    action()
    settled.evaluate("box => box.swapped")


def focus_report(page, stage):
    return stage.evaluate(
        """stage => {
        const active = document.activeElement;
        const box = active.getBoundingClientRect();
        return {
          inside: stage.contains(active) && active !== stage,
          visible: box.width > 0 && box.bottom > 0 && box.top < window.innerHeight,
          text: (active.textContent || active.value || '').trim(),
          tag: active.tagName,
          id: active.id,
        };
        }"""
    )


def press(page, stage, control):
    control.focus()
    swap(page, stage, lambda: page.keyboard.press("Enter"))


def test_keyboard_focus_stays_on_the_control_in_ninja_gold(page, lesson):
    page.goto(lesson)
    gold = stage(page, "ninja-gold")
    farm = gold.get_by_role("button", name="Go to the farm")
    for _ in range(3):
        press(page, gold, farm)
        report = focus_report(page, gold)
        assert report["inside"] and report["visible"], report
        assert report["text"] == "Go to the farm", report
    # Tab order is the page's own after a swap: the next place's button.
    page.keyboard.press("Tab")
    expect(gold.get_by_role("button", name="Go to the cave")).to_be_focused()


def test_keyboard_focus_in_the_session_counter_and_after_an_error(
    page, lesson, console_errors
):
    page.goto(lesson)
    counter = stage(page, "session-counter")
    press(page, counter, counter.get_by_role("button", name="Add 2"))
    expect(counter.get_by_role("button", name="Add 2")).to_be_focused()
    press(page, counter, counter.get_by_role("button", name="Reset"))
    expect(counter.get_by_role("button", name="Reset")).to_be_focused()
    # The form again with its error: the field to fix gets focus, and
    # nothing is logged as an error.
    amount = counter.get_by_role("spinbutton")
    amount.fill("99999999")
    press(page, counter, counter.get_by_role("button", name="Add", exact=True))
    report = focus_report(page, counter)
    assert report["inside"] and report["visible"], report
    assert console_errors == []


def test_links_keep_focus_in_disappearing_ninjas(page, lesson):
    page.goto(lesson)
    ninjas = stage(page, "disappearing-ninjas")
    press(page, ninjas, ninjas.get_by_role("link", name="All four"))
    expect(ninjas.get_by_role("link", name="All four")).to_be_focused()


def test_an_invalid_address_focuses_the_field_without_console_errors(
    page, lesson, console_errors
):
    page.goto(lesson)
    email = stage(page, "email-validation")
    email.get_by_role("textbox").fill("not an address")
    press(page, email, email.get_by_role("button", name="Check and save"))
    expect(email.get_by_role("textbox")).to_be_focused()
    expect(email.get_by_role("textbox")).to_have_attribute("aria-invalid", "true")
    assert console_errors == []
    email.get_by_role("textbox").fill("reader@example.com")
    press(page, email, email.get_by_role("button", name="Check and save"))
    report = focus_report(page, email)
    assert report["inside"] and report["visible"], report


def test_logging_out_moves_focus_somewhere_announced(page, lesson, console_errors):
    page.goto(lesson)
    login = stage(page, "login-registration")
    register = login.locator('form[action$="/register/"]')
    for field, value in (
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
        ("email", "ada@example.com"),
        ("birthday", "1990-12-10"),
        ("password", "correct horse battery"),
        ("confirm_password", "correct horse battery"),
    ):
        register.locator(f'[name="{field}"]').fill(value)
    press(page, login, login.get_by_role("button", name="Register"))
    expect(login.get_by_role("button", name="Log out")).to_be_visible()
    report = focus_report(page, login)
    assert report["inside"] and report["visible"], report
    press(page, login, login.get_by_role("button", name="Log out"))
    report = focus_report(page, login)
    assert report["inside"] and report["visible"], report
    assert console_errors == []


def test_a_demos_first_click_does_not_move_the_page(page, lesson):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(lesson)
    # Every demo loaded first. One that loaded after the button was measured
    # would grow and push the button down, out of the window, and Playwright
    # would scroll to it to click: a move that is not the first click's doing.
    for slug in SLUGS:
        stage(page, slug)
    gold = stage(page, "ninja-gold")
    button = gold.get_by_role("button", name="Go to the cave")
    # The button in the middle of the window, as a reader scrolling by sees it.
    button.evaluate("button => button.scrollIntoView({ block: 'center' })")
    before = button.bounding_box()["y"]
    scrolled = page.evaluate("window.scrollY")
    # Inside the window, so the click itself has no reason to scroll.
    assert 0 < before < page.viewport_size["height"] - 50
    swap(page, gold, lambda: button.click())
    assert page.evaluate("window.scrollY") == scrolled
    assert abs(button.bounding_box()["y"] - before) < 2
