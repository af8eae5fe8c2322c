"""Disappearing Ninjas: the lookup alone, the routes, the pictures, and hostile URLs."""

import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import resolve, reverse

from . import ninjas, views

URL = "/sandbox/disappearing-ninjas/"
STATIC = Path(__file__).parent / "static" / "disappearing_ninjas"

COLOURS = {
    "blue": "Leonardo",
    "orange": "Michelangelo",
    "red": "Raphael",
    "purple": "Donatello",
}


# --- The lookup, without HTTP ----------------------------------------------------


@pytest.mark.parametrize(("color", "name"), COLOURS.items())
def test_each_colour_finds_its_ninja_in_any_case(color, name):
    for spelling in [color, color.upper(), color.capitalize(), color.swapcase()]:
        assert ninjas.find(spelling).name == name


@pytest.mark.parametrize(
    "color",
    [
        "",
        "black",
        "blu",
        "blue ",
        " blue",
        "bleu",
        "ｂｌｕｅ",
        "blué",
        "leonardo",
        "blue/red",
    ],
)
def test_anything_else_finds_no_ninja(color):
    assert ninjas.find(color) is None


# --- Routes ----------------------------------------------------------------------


def test_one_route_with_a_str_converter_serves_every_colour():
    for color in ["blue", "BLUE", "black", "anything-at-all"]:
        match = resolve(reverse("disappearing_ninjas:ninja", args=[color]))
        assert match.func is views.ninja and match.kwargs == {"color": color}
    assert reverse("disappearing_ninjas:ninja", args=["red"]) == URL + "ninjas/red/"
    assert reverse("disappearing_ninjas:all") == URL + "ninjas/"
    assert reverse("disappearing_ninjas:index") == URL


@pytest.mark.django_db
def test_the_start_page_has_no_ninjas_and_links_to_them(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "No ninjas here" in html
    assert f'href="{URL}ninjas/"' in html
    for color in COLOURS:
        assert f'href="{URL}ninjas/{color}/"' in html
    for name in COLOURS.values():
        assert f"<figcaption>{name}" not in html
    assert 'src="/static/disappearing_ninjas/empty-dojo.svg"' in html


@pytest.mark.django_db
def test_the_ninjas_page_shows_all_four(client):
    html = client.get(URL + "ninjas/").content.decode()
    for color, name in COLOURS.items():
        assert f"<figcaption>{name} <span" in html
        assert f'src="/static/disappearing_ninjas/{name.lower()}.svg"' in html
        assert f"{color} mask" in html  # the alt text
    assert "April" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["lower", "upper", "capitalize"])
@pytest.mark.parametrize(("color", "name"), COLOURS.items())
def test_a_colour_shows_its_ninja_whatever_the_case(client, color, name, spelling):
    asked = getattr(color, spelling)()
    response = client.get(f"{URL}ninjas/{asked}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h2>{name}</h2>" in html
    assert f'src="/static/disappearing_ninjas/{name.lower()}.svg"' in html
    assert "not a ninja" not in html
    assert html.count("<figure") == 1


@pytest.mark.django_db
def test_any_other_value_shows_april_and_says_it_is_not_a_ninja(client):
    html = client.get(URL + "ninjas/black/").content.decode()
    assert "That&#x27;s not a ninja" in html or "That's not a ninja" in html
    assert "April O&#x27;Neil" in html
    assert '<code class="ninja-asked">black</code>' in html
    assert 'src="/static/disappearing_ninjas/april.svg"' in html
    assert "Leonardo</h2>" not in html


@pytest.mark.django_db
def test_htmx_request_gets_only_the_fragment_with_the_right_headers(htmx_client):
    for path in [URL, URL + "ninjas/", URL + "ninjas/blue/", URL + "ninjas/pink/"]:
        response = htmx_client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="disappearing-ninjas"' in html and "<html" not in html
        assert response["HX-Push-Url"] == "false"
        assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_the_full_pages_vary_on_hx_request_and_push_nothing(client):
    response = client.get(URL + "ninjas/blue/")
    assert "HX-Request" in response["Vary"] and "HX-Push-Url" not in response


@pytest.mark.django_db
def test_the_current_page_is_marked_in_the_links(client):
    html = client.get(URL + "ninjas/red/").content.decode()
    assert f'href="{URL}ninjas/red/" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


# --- Hostile values in the URL ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path_part", "shown"),
    [
        (
            "%3Cscript%3Ealert(1)%3C%5Cscript%3E",
            "&lt;script&gt;alert(1)&lt;\\script&gt;",
        ),
        (
            "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        ),
        ("%27%3B--", "&#x27;;--"),
        ("%E9%9D%92", "青"),
        ("%F0%9F%90%A2", "🐢"),
        ("%E2%80%AEeulb", "\u202eeulb"),
    ],
)
def test_an_unknown_value_is_echoed_escaped(client, path_part, shown):
    response = client.get(f"{URL}ninjas/{path_part}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert shown in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "April O&#x27;Neil" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path_part", ["%00", "blue%00", "%00%00%00", "%FF%FE", "%C0%AF"]
)
def test_nul_bytes_and_broken_utf8_never_cause_a_500(client, path_part):
    response = client.get(f"{URL}ninjas/{path_part}/")
    assert response.status_code in (200, 404)
    if "00" in path_part:
        assert (
            response.status_code == 200 and "not a ninja" in response.content.decode()
        )


@pytest.mark.django_db
def test_a_very_long_value_is_shown_shortened(client):
    response = client.get(f"{URL}ninjas/{'x' * 10_000}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "x" * 79 + "…" in html and "x" * 81 not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["ninjas/blue/extra/", "ninjas//", "ninja/blue/", "ninjas/%3Cscript%3E%2F/"]
)
def test_addresses_outside_the_three_routes_are_404(client, path):
    assert client.get(URL + path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_only_get_is_allowed(client, method):
    for path in [URL, URL + "ninjas/", URL + "ninjas/blue/"]:
        assert getattr(client, method)(path).status_code == 405


# --- The pictures ------------------------------------------------------------------


CHARACTERS = [*ninjas.NINJAS.values(), ninjas.APRIL, ninjas.NO_NINJAS]


@pytest.mark.parametrize("character", CHARACTERS, ids=lambda c: c.name)
def test_every_picture_is_a_static_file_with_alt_text(character):
    assert finders.find(character.image), character.image
    assert len(character.alt) > 20
    if character is not ninjas.NO_NINJAS:
        assert character.alt.startswith(character.name)


@pytest.mark.parametrize("path", sorted(STATIC.glob("*.svg")), ids=lambda p: p.name)
def test_every_svg_is_self_contained_and_safe(path):
    text = path.read_text()
    root = etree.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
    # Drawn here from shapes: no scripts, no embedded or linked images, no fetches.
    for forbidden in ["<script", "<image", "href", "<foreignObject", "url(", "on"]:
        if forbidden == "on":
            assert not any(
                name.startswith("on")
                for element in root.iter()
                for name in element.attrib
            )
        else:
            assert forbidden not in text
    assert len(text) < 10_000


def test_the_code_lessons_show_resolves():
    from sandbox_apps import sources
    from sandbox_apps.registry import get_demo

    for path in get_demo("disappearing-ninjas").source_files:
        assert sources.excerpt(path).code
    assert "<str:color>" in sources.excerpt("disappearing_ninjas/urls.py").code
