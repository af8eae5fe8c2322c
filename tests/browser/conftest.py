"""Real-browser tests: Playwright driving Chromium against a live server.

They use COURSEWARE_CHROMIUM, else Debian's chromium-headless-shell, else
its full Chromium, through executable_path, so no browser is downloaded;
``./dev test`` installs the headless shell if it can.
"""

import json
import os
import shutil
from pathlib import Path

# The live server runs Django in a thread while Playwright's sync API runs an
# event loop in this one; Django's async-safety check would stop every query.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from axe_playwright_python.base import AXE_SCRIPT, AxeResults  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

# CI runs two test processes, each with its browser and live servers, on a
# two-core machine: an answer that takes 50 ms here can take seconds there.
# A condition that comes true passes as soon as it does, so a longer limit
# costs nothing; only a failing test waits it out.
EXPECT_TIMEOUT = 15_000
expect.set_options(timeout=EXPECT_TIMEOUT)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def chromium_path():
    for candidate in (
        os.environ.get("COURSEWARE_CHROMIUM"),
        # Headless only, as Playwright's own headless runs use: the full
        # browser cost twice the CPU for the same tests (see ./dev).
        "/usr/bin/chromium-headless-shell",
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {
        **browser_type_launch_args,
        # This machine has no outside network: without these Chromium keeps
        # trying to reach Google's services at start.
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-gpu",
        ],
    }
    path = chromium_path()
    if path:
        args["executable_path"] = path
    return args


@pytest.fixture(scope="session")
def browser(browser):
    """pytest-playwright's browser, whose new contexts have no service worker.

    Every page of the site registers one once it has loaded (offline.js),
    and the worker's install fetches every lesson from the live server: a
    dozen whole pages rendered, for each test that loaded a page. It also
    answered requests in place of the page while it was active, and
    page.route() does not see a service worker's requests: a test that
    refused htmx got it anyway whenever the worker had claimed its page in
    time. Offline reading is tested where it is the subject, with
    ``service_workers="allow"`` (test_reading.py).
    """
    new_context = browser.new_context

    def without_service_workers(**options):
        options.setdefault("service_workers", "block")
        return new_context(**options)

    browser.new_context = without_service_workers
    return browser


@pytest.fixture
def site(live_server, transactional_db, course):
    """The live server's base URL, with the real course loaded."""
    return live_server.url


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page, label="", within=None):
    """axe-core finds no violations on the page as it is now.

    ``within`` (a CSS selector) checks only the elements inside it, for a
    test that changed one part of a page (a demo played, a dialog opened)
    whose whole page is checked elsewhere: test_pages.py checks every page
    type whole, in both themes. Contrast is still measured against what is
    drawn around the part. A whole lesson page took axe 6-10 s on a busy
    machine, nearly all its contrast rule going through every highlighted
    token; a demo takes a second. A selector that matches nothing fails.
    """
    # axe-core is half a megabyte of script, and parsing it took most of a
    # second on a busy machine: a page checked twice (light, then dark)
    # gets it once. A new document has no axe, so every page is checked by
    # an axe of its own, never by one a page before it left behind.
    if not page.evaluate("'axe' in window"):
        page.evaluate(AXE_SCRIPT)
    # A demo waiting on the server is drawn faded on purpose (site.css), and
    # a faded control fails contrast: judge the page once nothing is in
    # flight, as a reader sees it between clicks.
    # A locator, not wait_for_function: Playwright evaluates a function's
    # text with eval in the page, which the site's Content Security Policy
    # forbids as soon as the wait has to poll.
    expect(page.locator(".htmx-request")).to_have_count(0)
    found = page.evaluate(
        "within => axe.run(within ?? document, {resultTypes: ['violations']})",
        within,
    )
    results = AxeResults(found)
    assert results.violations_count == 0, f"{label}\n{results.generate_report()}"


def screenshot(page, name):
    """Keep a picture of what the test saw, to look at by eye (screenshots/).

    Only with COURSEWARE_SCREENSHOTS=1: no test reads the pictures, and a
    full-page picture of a long lesson took seconds of a loaded machine's
    time, forty-four times a run.
    """
    if os.environ.get("COURSEWARE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


HOLD_REQUESTS = """
window.held = [];
const open = XMLHttpRequest.prototype.open;
const send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.open = function (method, url, ...rest) {
  this.heldUrl = String(url);
  return open.call(this, method, url, ...rest);
};
XMLHttpRequest.prototype.send = function (body) {
  if (this.heldUrl.endsWith(path) && !window.heldLetGo) {
    window.held.push(() => send.call(this, body));
    document.documentElement.dataset.held = window.held.length;
    return;
  }
  return send.call(this, body);
};
window.letTheHeldGo = () => {
  window.heldLetGo = true;
  window.held.splice(0).forEach((go) => go());
};
"""


def hold_requests(page, path):
    """From the next page on, requests whose address ends with ``path`` wait
    in the page until ``window.letTheHeldGo()``: a slow server, without any
    timing. <html data-held> says how many wait (a page with a Content
    Security Policy cannot run page.wait_for_function's polling)."""
    page.add_init_script("(path => {" + HOLD_REQUESTS + "})(" + json.dumps(path) + ")")
