"""The Content-Security-Policy comes with every answer a browser shows."""

import pytest
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from courseware.csp import CSPMiddleware


def answer_with(response):
    request = RequestFactory().get("/")
    return CSPMiddleware(lambda request: response)(request)


def test_pages_and_errors_carry_the_policy():
    for response in (HttpResponse("<p>page</p>"), HttpResponse(status=404)):
        policy = answer_with(response)["Content-Security-Policy"]
        assert "script-src 'self'" in policy


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_address_carries_none(status):
    response = answer_with(HttpResponseRedirect("/next/", status=status))
    assert "Content-Security-Policy" not in response


def test_a_redirect_status_without_a_location_is_a_page_and_carries_it():
    response = answer_with(HttpResponse("<p>Moved, but where?</p>", status=302))
    assert "Content-Security-Policy" in response


def test_a_sandbox_click_redirects_without_and_its_page_has_it(client, db):
    client.get("/sandbox/ninja-gold/")
    post = client.post("/sandbox/ninja-gold/process_money/", {"place": "farm"})
    assert post.status_code == 302
    assert "Content-Security-Policy" not in post
    assert "Content-Security-Policy" in client.get(post["Location"])
