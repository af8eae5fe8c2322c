"""A lesson loads htmx and the demo scripts only when a demo comes near.

Until then each demo is its plain link; once near, the demo behaves as on a
page that loads htmx at once (static/js/lesson-demos.js).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, hold_requests

# Enough text to put the demo several phone screens below the top.
LONG_TEXT = "\n\n".join(
    f"Paragraph {n}: a session keeps what one visitor did between requests."
    for n in range(60)
)
SVG = Path(__file__).resolve().parents[2] / "static" / "img" / "request-journey.svg"
DEMO_SCRIPTS = re.compile(r"htmx|retry\.|demo-page\.")


def lesson_url(site, slug, body):
    """A lesson with this body, added to the course; its address."""
    from lessons.models import Lesson

    Lesson.objects.create(
        slug=slug, title=slug.replace("-", " "), summary="A test.", order=97, body=body
    )
    return f"{site}/lessons/{slug}/"


@pytest.fixture
def far_demo(site):
    return lesson_url(
        site,
        "far-demo",
        f"## Read first\n\n{LONG_TEXT}\n\n## Play\n\n/// demo | session-counter\n///\n",
    )


def fetched(page):
    """The URLs the page asks for from now on."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_a_lesson_loads_htmx_only_once_a_demo_comes_near(phone_page, far_demo):
    page = phone_page
    urls = fetched(page)
    page.goto(far_demo)
    # Set once the page has looked and found no demo near.
    expect(page.locator("html")).to_have_attribute("data-demo-scripts", "waiting")
    assert not [url for url in urls if DEMO_SCRIPTS.search(url)]
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    assert_accessible(page, "a lesson before its demo loads")

    stage = page.locator(".demo-stage[data-demo='session-counter']")
    stage.scroll_into_view_if_needed()
    expect(stage.locator(".counter-number")).to_have_text("1")
    expect(page.locator("html")).to_have_attribute("data-demo-scripts", "loaded")
    assert len([url for url in urls if "htmx-2" in url]) == 1
    # Boosted as before: the answer lands in the box, the address stays.
    stage.get_by_role("button", name="Add 2").click()
    expect(stage.locator(".counter-number")).to_have_text("3")
    assert page.url == far_demo


def test_a_demo_in_the_first_screen_loads_without_scrolling(page, site):
    page.goto(lesson_url(site, "demo-first", "/// demo | session-counter\n///\n"))
    stage = page.locator(".demo-stage[data-demo='session-counter']")
    expect(stage.locator(".counter-number")).to_have_text("1")
    # Played from the keyboard: the first Tab stop in the demo is its button.
    stage.get_by_role("button", name="Add 2").focus()
    page.keyboard.press("Enter")
    expect(stage.locator(".counter-number")).to_have_text("3")
    expect(stage.get_by_role("button", name="Add 2")).to_be_focused()


def test_a_lesson_that_cannot_fetch_htmx_keeps_its_demo_links(phone_page, far_demo):
    page = phone_page
    page.route(re.compile(r"htmx-2"), lambda route: route.abort())
    page.goto(far_demo)
    stage = page.locator(".demo-stage[data-demo='session-counter']")
    stage.scroll_into_view_if_needed()
    expect(page.locator("html")).to_have_attribute("data-demo-scripts", "failed")
    link = stage.get_by_role("link", name="Play the Session counter demo")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/sandbox/session-counter/$"))


def test_demos_near_a_page_still_loading_start_once_it_has_loaded(page, site):
    """htmx added between DOMContentLoaded and load would never start."""
    # The image after the demo keeps the page loading while it is held.
    url = lesson_url(
        site,
        "still-loading",
        "/// demo | session-counter\n///\n\n![A diagram](/held-image.svg)\n",
    )
    held = []
    page.route("**/held-image.svg", lambda route: held.append(route))
    page.goto(url, wait_until="domcontentloaded")
    # The demo is near at once, and the image still keeps the page loading.
    expect(page.locator("html")).to_have_attribute("data-demo-scripts", "loading")
    while not held:
        page.wait_for_timeout(20)
    held[0].fulfill(path=SVG, content_type="image/svg+xml")
    stage = page.locator(".demo-stage[data-demo='session-counter']")
    expect(stage.locator(".counter-number")).to_have_text("1")


def test_a_demo_a_little_below_the_window_loads_without_a_scroll(page, site):
    """CI saw a reader scroll to a demo, then the demo above it load and
    grow, pushing it below the window before htmx looked (htmx's "revealed"
    looks again only on a scroll): it never loaded. Demos within a screen of
    the window load, wherever the layout moves them."""
    hold_requests(page, "/sandbox/ninja-gold/")
    between = "\n\n".join(f"Paragraph {n} between the demos." for n in range(12))
    page.goto(
        lesson_url(
            site,
            "below-the-window",
            f"/// demo | ninja-gold\n///\n\n{between}\n\n/// demo | disappearing-ninjas\n///\n",
        )
    )
    # The first demo's load is on its way (and held), the second one is
    # below the window, within a screen of it, and nobody scrolls.
    expect(page.locator("html")).to_have_attribute("data-held", "1")
    ninjas = page.locator(".demo-stage[data-demo='disappearing-ninjas']")
    height = page.viewport_size["height"]
    assert height < ninjas.bounding_box()["y"] < 2 * height
    page.evaluate("window.letTheHeldGo()")
    expect(
        page.locator(".demo-stage[data-demo='ninja-gold'] #ninja-gold")
    ).to_be_visible()
    expect(ninjas.locator("#disappearing-ninjas")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
