"""assert_accessible, the axe check every browser test leans on, can fail.

axe-core is put into a page once and reused for later checks of the same
page, so a second check must still see what changed since the first. A
check of one part of a page must still judge it as drawn on the page, and
must not pass by checking nothing.
"""

from urllib.parse import quote

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .conftest import EXPECT_TIMEOUT, assert_accessible

PAGE = """<!doctype html><html lang="en"><head><title>A page</title></head>
<body><main><h1>A page</h1><p id="text">Some text.</p></main></body></html>"""


def open_page(page, html):
    # A navigation, not set_content: that rewrites the document but keeps
    # its window, and with it the axe of the page before.
    page.goto("data:text/html," + quote(html))


def test_a_violation_added_after_a_first_check_is_found(page):
    open_page(page, PAGE)
    assert_accessible(page, "the page as written")
    page.evaluate(
        "document.querySelector('main').append(Object.assign("
        "document.createElement('img'), {src: 'data:,'}))"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "an image without a text alternative")


def test_a_new_page_gets_its_own_check(page):
    open_page(page, PAGE)
    assert_accessible(page, "the first page")
    open_page(page, PAGE.replace(' lang="en"', ""))
    with pytest.raises(AssertionError, match="html-has-lang"):
        assert_accessible(page, "a page without a language")


def test_a_check_of_one_part_measures_contrast_against_the_page_around_it(page):
    # The text sets no background: its contrast depends on the body's.
    open_page(
        page,
        PAGE.replace("<body>", '<body style="background: #222">').replace(
            '<p id="text">', '<p id="text" style="color: #333">'
        ),
    )
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_accessible(page, "dark text on a dark page", within="#text")


def test_a_part_that_is_not_on_the_page_fails_the_check(page):
    open_page(page, PAGE)
    with pytest.raises(PlaywrightError, match="No elements found"):
        assert_accessible(page, "a part that is not there", within=".no-such-part")


def test_a_page_is_not_judged_while_a_request_is_in_flight(page):
    # As on the site: a policy that forbids eval, and a control drawn too
    # faint for contrast while its request is out. The request never
    # answers, so the check must wait for it (and give up waiting), never
    # judge the faded page nor fail on the policy.
    open_page(
        page,
        PAGE.replace(
            "<head>",
            "<head><meta http-equiv='Content-Security-Policy' "
            "content=\"script-src 'none'\">"
            "<style>.htmx-request { color: #ddd }</style>",
        ).replace('<p id="text">', '<p id="text" class="htmx-request">'),
    )
    expect.set_options(timeout=1_000)
    try:
        with pytest.raises(AssertionError, match="expected to have count"):
            assert_accessible(page, "a page still waiting on the server")
    finally:
        expect.set_options(timeout=EXPECT_TIMEOUT)
