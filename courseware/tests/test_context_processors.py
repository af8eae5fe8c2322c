"""The CSP nonce bridge: only a nonce a view asked for reaches {% htmx_script %}."""

from csp.middleware import CSPMiddleware
from django.template import Context, Template
from django.test import RequestFactory

from courseware.context_processors import csp_nonce


def request_through_csp():
    request = RequestFactory().get("/")
    CSPMiddleware(lambda r: None).process_request(request)
    return request


def test_pages_that_never_ask_get_no_nonce():
    request = request_through_csp()
    assert csp_nonce(request) == {"csp_nonce": None}
    html = Template("{% load django_htmx %}{% htmx_script %}").render(
        Context(csp_nonce(request))
    )
    assert "nonce=" not in html
    # Reading the context did not create a nonce either.
    assert getattr(request, "_csp_nonce", None) is None


def test_a_view_that_asked_for_a_nonce_gets_it_on_the_htmx_script():
    request = request_through_csp()
    value = str(request.csp_nonce)
    html = Template("{% load django_htmx %}{% htmx_script %}").render(
        Context(csp_nonce(request))
    )
    assert f'nonce="{value}"' in html
