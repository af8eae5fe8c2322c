"""The site's own 400 answers: a page, and a fragment inside a demo."""

from django.test import Client


def test_a_bad_request_gets_the_sites_400_page(db):
    response = Client().get("/", headers={"host": "bad host name"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html and "That request could not be understood" in html
    assert 'href="/"' in html


def test_a_bad_request_inside_a_demo_gets_a_fragment(db):
    response = Client().get(
        "/sandbox/ninja-gold/",
        headers={"host": "bad host name", "HX-Request": "true"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="sandbox-refused" role="alert"' in html
    assert "Nothing you stored was changed." in html
