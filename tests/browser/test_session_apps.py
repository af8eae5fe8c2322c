"""Ninja Gold and Disappearing Ninjas, played as a reader would: inline in a
lesson, on their own pages without JavaScript, and checked with axe.

The real course is written elsewhere, so these tests add a small lesson of
their own that embeds both demos.
"""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from sandbox_apps.ninja_gold import game

from .conftest import assert_accessible, screenshot

LESSON_BODY = """\
## Play Ninja Gold

/// demo | ninja-gold
Visit places until the game ends.
///

## Find the ninjas

/// demo | disappearing-ninjas
Follow the links, then try a colour of your own.
///
"""

NINJA_GOLD = "/sandbox/ninja-gold/"
NINJAS = "/sandbox/disappearing-ninjas/"
COLOURS = {
    "blue": "Leonardo",
    "orange": "Michelangelo",
    "red": "Raphael",
    "purple": "Donatello",
}


@pytest.fixture
def lesson(site):
    Lesson.objects.create(
        slug="playground",
        title="Playground",
        summary="A lesson made for the browser tests.",
        order=999,
        body=LESSON_BODY,
    )
    return site + "/lessons/playground/"


def gold_stage(page):
    stage = page.locator('.demo-stage[data-demo="ninja-gold"]')
    stage.scroll_into_view_if_needed()
    expect(stage.locator("#ninja-gold")).to_be_visible()
    return stage


def ninjas_stage(page):
    stage = page.locator('.demo-stage[data-demo="disappearing-ninjas"]')
    stage.scroll_into_view_if_needed()
    expect(stage.locator("#disappearing-ninjas")).to_be_visible()
    return stage


def board(stage):
    """Moves, gold and the log's amounts, as the page shows them."""
    moves = int(stage.locator(".gold-moves").inner_text())
    gold = int(stage.locator(".gold-number").inner_text())
    amounts = stage.locator(".gold-log li").evaluate_all(
        "items => items.map(item => Number(item.dataset.amount))"
    )
    return moves, gold, amounts


def always_pay(amount):
    def earn(place):
        return amount

    return earn


# --- Ninja Gold, inline ------------------------------------------------------------


def test_ninja_gold_plays_inline_to_a_loss_then_a_new_game(page, lesson, monkeypatch):
    # 15 farm visits at 15 gold: 225, short of the goal (farming alone can win).
    monkeypatch.setattr(game, "earn", always_pay(15))
    page.goto(lesson)
    stage = gold_stage(page)
    expect(stage.get_by_text("No moves yet")).to_be_visible()
    farm = stage.get_by_role("button", name="Go to the farm")
    for move in range(1, 16):
        farm.click()
        expect(stage.locator(".gold-moves")).to_have_text(str(move))
        assert page.url == lesson
    moves, gold, amounts = board(stage)
    assert moves == 15 and len(amounts) == 15 and gold == sum(amounts)
    assert gold == 225
    expect(stage.locator(".gold-outcome")).to_contain_text("Out of moves.")
    for place in game.PLACES:
        expect(stage.get_by_role("button", name=f"Go to the {place}")).to_be_disabled()
    new_game = stage.get_by_role("button", name="New game")
    # The clicked button was swapped away, so focus moves to New game.
    expect(new_game).to_be_focused()
    screenshot(page, "lesson-ninja-gold-lost")

    new_game.click()
    expect(stage.locator(".gold-moves")).to_have_text("0")
    expect(stage.locator(".gold-number")).to_have_text("0")
    expect(stage.locator(".gold-outcome")).to_have_count(0)
    expect(farm).to_be_enabled()
    assert page.url == lesson


def test_ninja_gold_plays_inline_to_a_win(page, lesson, monkeypatch):
    # The live server runs in this process: every casino visit pays +50.
    monkeypatch.setattr(game, "earn", always_pay(50))
    page.goto(lesson)
    stage = gold_stage(page)
    casino = stage.get_by_role("button", name="Go to the casino")
    for move in range(1, 6):
        casino.click()
        expect(stage.locator(".gold-moves")).to_have_text(str(move))
    expect(stage.locator(".gold-outcome")).to_contain_text(
        "You won! 250 gold in 5 moves."
    )
    expect(casino).to_be_disabled()
    expect(stage.locator(".gold-log li.gain")).to_have_count(5)
    assert page.url == lesson
    screenshot(page, "lesson-ninja-gold-won")
    stage.get_by_role("button", name="Reset").click()
    expect(stage.locator(".gold-moves")).to_have_text("0")


def test_twenty_fast_clicks_lose_no_move(page, lesson, monkeypatch):
    # Short of the goal whatever happens, so the game ends at move 15.
    monkeypatch.setattr(game, "earn", always_pay(15))
    page.goto(lesson)
    stage = gold_stage(page)
    farm = stage.get_by_role("button", name="Go to the farm")
    # Twelve clicks as fast as Playwright can make them, without waiting for answers.
    for _ in range(12):
        farm.click()
    expect(stage.locator(".gold-moves")).to_have_text("12")
    moves, gold, amounts = board(stage)
    assert moves == 12 and len(amounts) == 12 and gold == sum(amounts)
    # Eight more in one go, past the end of the game: three count, five find it over.
    page.evaluate(
        """() => {
            const button = document.querySelector('.demo-stage[data-demo="ninja-gold"] button[value="farm"]');
            for (let i = 0; i < 8; i++) button.click();
        }"""
    )
    expect(stage.locator(".gold-moves")).to_have_text("15")
    expect(stage.locator(".gold-outcome")).to_contain_text("Out of moves.")
    page.wait_for_load_state("networkidle")
    moves, gold, amounts = board(stage)
    assert moves == 15 and len(amounts) == 15 and gold == sum(amounts)
    assert page.url == lesson


def test_a_tampered_place_is_explained_inside_the_demo(page, lesson):
    page.goto(lesson)
    stage = gold_stage(page)
    page.evaluate(
        """() => document.querySelector('#ninja-gold button[value="cave"]').value = "bank" """
    )
    stage.get_by_role("button", name="Go to the cave").click()
    expect(stage.get_by_role("alert")).to_contain_text(
        "Choose one of the places: farm, cave, house, casino."
    )
    stage.get_by_role("link", name="Back to the demo").click()
    expect(stage.locator(".gold-moves")).to_have_text("0")
    assert page.url == lesson


# --- Disappearing Ninjas, inline ------------------------------------------------------


def test_every_ninja_colour_and_a_stranger_inline(page, lesson):
    page.goto(lesson)
    stage = ninjas_stage(page)
    expect(stage.get_by_role("heading", name="No ninjas here")).to_be_visible()

    stage.get_by_role("link", name="All four").click()
    expect(stage.get_by_role("heading", name="All four ninjas")).to_be_visible()
    expect(stage.locator("figure img")).to_have_count(4)
    # Every picture really loads from the static files.
    page.wait_for_function(
        """() => [...document.querySelectorAll('#disappearing-ninjas figure img')]
            .every(image => image.complete && image.naturalWidth > 0)"""
    )

    for color, name in COLOURS.items():
        stage.get_by_role("link", name=f"ninjas/{color}/", exact=True).click()
        expect(stage.get_by_role("heading", name=name)).to_be_visible()
        expect(
            stage.get_by_role(
                "img", name=re.compile(f"^{name}, a turtle ninja in an? {color} mask")
            )
        ).to_be_visible()
        assert page.url == lesson

    stage.get_by_role("link", name="ninjas/BLUE/", exact=True).click()
    expect(stage.get_by_role("heading", name="Leonardo")).to_be_visible()

    stage.get_by_role("link", name="ninjas/black/", exact=True).click()
    expect(stage.get_by_role("heading", name="That's not a ninja")).to_be_visible()
    expect(stage.locator(".ninja-asked")).to_have_text("black")
    expect(stage.get_by_role("img", name=re.compile("^April O'Neil"))).to_be_visible()
    assert page.url == lesson
    screenshot(page, "lesson-disappearing-ninjas-april")


def test_a_script_in_the_address_is_shown_as_text(page, site):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    payload = "<img src=x onerror=alert(1)>"
    page.goto(site + NINJAS + "ninjas/" + payload + "/")
    expect(page.locator(".ninja-asked")).to_have_text(payload)
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []


# --- Without JavaScript, on their own pages ---------------------------------------------


def test_ninja_gold_works_without_javascript(no_js_page, site):
    page = no_js_page
    page.goto(site + NINJA_GOLD)
    for place in game.PLACES:
        page.get_by_role("button", name=f"Go to the {place}").click()
        assert page.url == site + NINJA_GOLD  # redirected back after the POST
    moves, gold, amounts = board(page.locator("#ninja-gold"))
    assert moves == 4 and len(amounts) == 4 and gold == sum(amounts)
    screenshot(page, "ninja-gold-no-js")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".gold-moves")).to_have_text("0")


def test_ninja_gold_without_javascript_reaches_the_end_and_a_new_game(no_js_page, site):
    page = no_js_page
    page.goto(site + NINJA_GOLD)
    for move in range(1, 16):
        page.get_by_role("button", name="Go to the house").click()
        expect(page.locator(".gold-moves")).to_have_text(str(move))
    expect(page.locator(".gold-outcome")).to_contain_text("Out of moves.")
    expect(page.get_by_role("button", name="Go to the house")).to_be_disabled()
    page.get_by_role("button", name="New game").click()
    expect(page.locator(".gold-moves")).to_have_text("0")


def test_disappearing_ninjas_work_without_javascript(no_js_page, site):
    page = no_js_page
    page.goto(site + NINJAS)
    expect(page.get_by_role("heading", name="No ninjas here")).to_be_visible()
    page.get_by_role("link", name="All four").click()
    assert page.url == site + NINJAS + "ninjas/"
    expect(page.locator("figure img")).to_have_count(4)
    for color, name in COLOURS.items():
        page.get_by_role("link", name=f"ninjas/{color}/", exact=True).click()
        assert page.url == site + NINJAS + f"ninjas/{color}/"
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.goto(site + NINJAS + "ninjas/PuRpLe/")
    expect(page.get_by_role("heading", name="Donatello")).to_be_visible()
    page.get_by_role("link", name="ninjas/black/", exact=True).click()
    expect(page.get_by_role("heading", name="That's not a ninja")).to_be_visible()
    screenshot(page, "disappearing-ninjas-no-js")


# --- Accessibility and small screens ---------------------------------------------------


def test_ninja_gold_pages_are_accessible(page, site, monkeypatch):
    amounts = iter([30, -20, 0] + [20] * 12)
    monkeypatch.setattr(game, "earn", lambda place: next(amounts))
    page.goto(site + NINJA_GOLD)
    assert_accessible(page, "Ninja Gold, new game")
    for place in ["casino", "casino", "casino"]:
        page.get_by_role("button", name=f"Go to the {place}").click()
    expect(page.locator(".gold-log li")).to_have_count(3)
    assert_accessible(page, "Ninja Gold with a gain, a loss and a draw")
    for _ in range(12):
        page.get_by_role("button", name="Go to the farm").click()
    expect(page.locator(".gold-outcome")).to_be_visible()
    assert_accessible(page, "Ninja Gold, game over")


def test_disappearing_ninjas_pages_are_accessible(page, site):
    for path in ["", "ninjas/", "ninjas/red/", "ninjas/black/"]:
        page.goto(site + NINJAS + path)
        assert_accessible(page, f"Disappearing Ninjas {path or 'start'}")


def test_the_lesson_with_both_demos_is_accessible(page, lesson):
    page.goto(lesson)
    gold_stage(page).get_by_role("button", name="Go to the house").click()
    expect(gold_stage(page).locator(".gold-moves")).to_have_text("1")
    ninjas_stage(page).get_by_role("link", name="All four").click()
    expect(ninjas_stage(page).locator("figure img")).to_have_count(4)
    assert_accessible(
        page, "lesson with Ninja Gold and Disappearing Ninjas", within="figure.demo"
    )
    screenshot(page, "lesson-session-apps")


@pytest.mark.parametrize(
    "path", [NINJA_GOLD, NINJAS + "ninjas/", NINJAS + "ninjas/" + "x" * 300 + "/"]
)
def test_the_apps_fit_a_phone_screen(phone_page, site, path):
    page = phone_page
    page.goto(site + path)
    if path == NINJA_GOLD:
        page.get_by_role("button", name="Go to the casino").click()
        expect(page.locator(".gold-log li")).to_have_count(1)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, "phone" + re.sub(r"[^a-z]+", "-", path[:40]).rstrip("-"))
