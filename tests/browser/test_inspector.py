"""The inspector beside a demo, driven as a reader would."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, screenshot

LESSON_WITH_COUNTER = "/lessons/sessions/"


def panel_of(page, slug, number=1):
    return page.locator(f"#demo-{slug}-{number}-inspector")


def newest_chain(panel):
    return panel.locator(".inspector-chain").first


def test_add_two_shows_the_route_view_session_change_and_redirect(page, site):
    page.goto(site + LESSON_WITH_COUNTER)
    stage = page.locator("#demo-session-counter-1-stage")
    stage.scroll_into_view_if_needed()
    panel = panel_of(page, "session-counter")
    # The first load is a request too; on a wide screen the panel is open.
    expect(newest_chain(panel)).to_contain_text("GET /sandbox/session-counter/")
    expect(panel.locator("details.inspector-details")).to_have_attribute("open", "")

    stage.get_by_role("button", name="Add 2").click()
    expect(stage.locator(".counter-number")).to_have_text("3")

    chain = newest_chain(panel)
    hops = chain.locator(".inspector-hop")
    expect(hops).to_have_count(2)
    expect(hops.nth(0).locator(".hop-request")).to_contain_text(
        "POST /sandbox/session-counter/add/"
    )
    expect(hops.nth(0).locator(".hop-request")).to_contain_text("302 Found")
    expect(hops.nth(0).locator(".hop-redirect")).to_contain_text(
        "/sandbox/session-counter/"
    )
    expect(hops.nth(0)).to_contain_text("session_counter:add")
    expect(hops.nth(0)).to_contain_text("sandbox_apps.session_counter.views.add")
    expect(hops.nth(0).locator(".session-changed").first).to_contain_text(
        re.compile(r"visits:\s*1\s*→\s*to\s*3")
    )
    expect(hops.nth(1).locator(".hop-request")).to_contain_text(
        "GET /sandbox/session-counter/"
    )
    expect(hops.nth(1)).to_contain_text("sandbox_apps.session_counter.views.index")
    expect(panel.locator(".inspector-chain")).to_have_count(2)
    expect(panel.locator('[role="status"]')).to_have_text(
        "POST /sandbox/session-counter/add/ answered 302 Found, then GET /sandbox/session-counter/ answered 200 OK."
    )

    # The code a step names opens in place, highlighted like a lesson's source block.
    hops.nth(0).get_by_text("Show the view").click()
    view_code = hops.nth(0).locator(
        'figure.source[data-source="session_counter/views.py"]'
    )
    expect(view_code).to_be_visible()
    expect(view_code).to_contain_text("def add(request):")
    screenshot(page, "inspector-after-add-two")
    assert_accessible(page, "lesson with the inspector open", within="figure.demo")
    assert page.url == site + LESSON_WITH_COUNTER


def test_only_the_last_five_chains_are_kept_newest_first(page, site):
    page.goto(site + LESSON_WITH_COUNTER)
    stage = page.locator("#demo-session-counter-1-stage")
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    for total in range(3, 15, 2):
        stage.get_by_role("button", name="Add 2").click()
        expect(stage.locator(".counter-number")).to_have_text(str(total))
    chains = panel_of(page, "session-counter").locator(".inspector-chain")
    expect(chains).to_have_count(5)
    expect(chains.first.locator(".session-changed").first).to_contain_text(
        re.compile(r"11\s*→\s*to\s*13")
    )


def test_panel_is_collapsed_on_a_phone_and_opens_from_the_keyboard(phone_page, site):
    page = phone_page
    page.goto(site + LESSON_WITH_COUNTER)
    stage = page.locator("#demo-session-counter-1-stage")
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    panel = panel_of(page, "session-counter")
    details = panel.locator("details.inspector-details")
    expect(details).not_to_have_attribute("open", "")
    # Collapsed, the status line still says what the last request did.
    expect(panel.locator('[role="status"]')).to_have_text(
        "GET /sandbox/session-counter/ answered 200 OK."
    )
    expect(panel.locator('[role="status"]')).to_be_visible()

    summary = panel.locator("summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(newest_chain(panel)).to_be_visible()
    screenshot(page, "inspector-phone")
    assert_accessible(page, "phone, inspector open", within="figure.demo")


def test_standalone_page_shows_the_chain_under_the_app(page, site):
    page.goto(site + "/sandbox/session-counter/")
    page.get_by_role("button", name="Add 2").click()
    panel = page.get_by_role("region", name="What happened on the server")
    hops = panel.locator(".inspector-hop")
    expect(hops).to_have_count(2)
    expect(hops.nth(0)).to_contain_text("POST /sandbox/session-counter/add/")
    expect(hops.nth(1)).to_contain_text("GET /sandbox/session-counter/")
    screenshot(page, "inspector-standalone")
    assert_accessible(page, "standalone page with the inspector")


def test_ninja_gold_click_shows_route_view_gold_change_and_redirect(page, site):
    from lessons.models import Lesson

    lesson = next(item for item in Lesson.objects.all() if "ninja-gold" in item.demos)
    page.goto(site + lesson.get_absolute_url())
    stage = page.locator('.demo-stage[data-demo="ninja-gold"]').first
    stage.scroll_into_view_if_needed()
    panel = page.locator('section.inspector[id^="demo-ninja-gold-"]').first
    expect(newest_chain(panel)).to_contain_text("GET /sandbox/ninja-gold/")

    stage.get_by_role("button", name=re.compile("farm", re.IGNORECASE)).click()

    hops = newest_chain(panel).locator(".inspector-hop")
    expect(hops).to_have_count(2)
    expect(hops.nth(0)).to_contain_text("POST /sandbox/ninja-gold/process_money/")
    expect(hops.nth(0)).to_contain_text("ninja_gold:process_money")
    expect(hops.nth(0)).to_contain_text("sandbox_apps.ninja_gold.views.process_money")
    expect(hops.nth(0).locator(".hop-redirect")).to_contain_text("/sandbox/ninja-gold/")
    expect(
        hops.nth(0).locator("[class^='session-']", has_text="gold").first
    ).to_be_visible()
    expect(hops.nth(1)).to_contain_text("GET /sandbox/ninja-gold/")
    assert_accessible(page, "Ninja Gold with the inspector open", within="figure.demo")


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_marked_source_line_passes_contrast_in_both_themes(page, site, theme):
    """Also the axe check of a lesson's demo as it first loads, in both
    themes: opening a source line adds to the demo and hides nothing."""
    page.emulate_media(color_scheme=theme)
    page.goto(site + LESSON_WITH_COUNTER)
    stage = page.locator("#demo-session-counter-1-stage")
    stage.scroll_into_view_if_needed()
    panel = panel_of(page, "session-counter")
    expect(newest_chain(panel)).to_contain_text("GET /sandbox/session-counter/")

    newest_chain(panel).get_by_text("urls.py, line 8").click()
    marked = newest_chain(panel).locator(".highlight .hll")
    expect(marked).to_contain_text("views.index")
    assert_accessible(
        page, f"{theme} theme, a marked line of urls.py open", within="figure.demo"
    )
