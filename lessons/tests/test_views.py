"""Reader pages: one row read, no Markdown work, the same bytes for everyone."""

import gzip
import re
from unittest import mock

import pytest
from django.conf import settings

from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons():
    first = Lesson.objects.create(
        slug="first",
        title="First",
        summary="The first one.",
        order=1,
        body="## One\n\nHello <b>there</b>.",
    )
    second = Lesson.objects.create(
        slug="second",
        title="Second",
        summary="The second one.",
        order=2,
        body="## Two\n\nBye.",
    )
    return first, second


def test_home_lists_lessons_in_order_with_summaries(client, lessons):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("First") < html.index("Second")
    assert "The first one." in html and "The second one." in html


def test_lesson_page_has_toc_prev_next_and_meta_description(client, lessons):
    html = client.get("/lessons/second/").content.decode()
    assert '<meta name="description" content="The second one.">' in html
    assert '<a href="#two">Two</a>' in html
    assert 'rel="prev" href="/lessons/first/"' in html
    assert 'rel="next"' not in html
    assert 'class="skip-link" href="#main"' in html
    assert 'rel="icon"' in html


def test_no_markdown_is_rendered_on_a_public_request(client, lessons):
    with mock.patch(
        "lessons.rendering.api.render",
        side_effect=AssertionError("rendered per request"),
    ):
        assert client.get("/lessons/first/").status_code == 200
        assert client.get("/").status_code == 200


def test_lesson_pages_are_identical_for_every_visitor(
    client, django_user_model, lessons
):
    first = client.get("/lessons/first/").content
    other = client.__class__().get("/lessons/first/").content
    assert first == other
    assert b"csrfmiddlewaretoken" not in first and b"nonce=" not in first
    assert "Cookie" not in client.get("/lessons/first/").get("Vary", "")


def test_lesson_pages_carry_the_security_headers(client, lessons):
    response = client.get("/lessons/first/")
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp
        and "unsafe-eval" not in csp
    )
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_htmx_is_configured_safely(client, lessons):
    Lesson.objects.create(
        slug="with-demo",
        title="With a demo",
        summary="Plays.",
        order=3,
        body="## Play\n\n/// demo | ninja-gold\n///",
    )
    html = client.get("/lessons/with-demo/").content.decode()
    for setting in [
        '"allowEval":false',
        '"allowScriptTags":false',
        '"selfRequestsOnly":true',
        '"includeIndicatorStyles":false',
        '"historyRestoreAsHxRequest":false',
        # A demo's first click must not scroll the page to the demo's top.
        '"scrollIntoViewOnBoost":false',
        # A new board's forms work at once: no window for a plain submit.
        '"defaultSettleDelay":0',
    ]:
        assert setting in html
    assert "demos.css" in html
    # htmx comes later, when a demo is near: listed in a template, which
    # never runs, and added by lesson-demos.js.
    waiting = html.split("<template data-demo-scripts>", 1)[1].split("</template>")[0]
    assert "htmx-2.min.js" in waiting
    assert "htmx-2.min.js" not in html.replace(waiting, "")
    assert "lesson-demos.js" in html


def test_every_page_preloads_exactly_the_modules_site_js_imports(client, lessons):
    """The preload links save a round trip only while they match site.js."""
    site_js = (settings.BASE_DIR / "static" / "js" / "site.js").read_text()
    imported = set(re.findall(r'^import .* from "\./([\w-]+)\.js";$', site_js, re.M))
    html = client.get("/").content.decode()
    preloaded = set(
        re.findall(r'<link rel="modulepreload" href="[^"]*/js/([\w-]+)\.js">', html)
    )
    assert imported and preloaded == imported


def test_the_offline_worker_keeps_every_module_a_reader_page_can_load(client, lessons):
    """A module left out of lessons.views.SITE_MODULES is missing offline.

    Followed from the three scripts pages name (imports and import()
    calls alike), so a new module is caught however it is loaded.
    """
    folder = settings.BASE_DIR / "static" / "js"
    found, waiting = set(), ["site", "demo-page", "lesson-demos"]
    while waiting:
        name = waiting.pop()
        if name not in found:
            found.add(name)
            text = (folder / f"{name}.js").read_text()
            waiting += re.findall(r'(?:from |import\()"\./([\w-]+)\.js"', text)
    worker = client.get("/sw.js").content.decode()
    kept = set(re.findall(r"/js/([\w-]+)\.js", worker))
    assert len(found) > 10 and found <= kept, sorted(found - kept)


def test_pages_load_only_the_scripts_and_styles_they_use(client, lessons):
    """htmx only where a demo runs, code colours only where code shows."""
    Lesson.objects.create(
        slug="with-code",
        title="With code",
        summary="Shows code.",
        order=3,
        body="## Code\n\n```python\nx = 1\n```",
    )
    plain = client.get("/lessons/first/").content.decode()
    home = client.get("/").content.decode()
    code = client.get("/lessons/with-code/").content.decode()
    search = client.get("/search/?q=code").content.decode()
    for html in (plain, home, search):
        assert "htmx" not in html and "demo-page.js" not in html
        assert "demos.css" not in html
        assert "pygments.css" not in html
    assert "pygments.css" in code and "htmx" not in code
    # Print styles live in site.css (@media print): no extra request.
    assert "print.css" not in plain


def test_unknown_lesson_is_a_styled_404(client, lessons):
    response = client.get("/lessons/nope/")
    assert response.status_code == 404
    assert b"There is no page here" in response.content


def test_reader_pages_refuse_unsafe_methods(client, lessons):
    assert client.post("/lessons/first/").status_code == 405
    assert client.delete("/").status_code == 405


def test_server_error_page_and_fragment(rf):
    from courseware.views import server_error

    page = server_error(rf.get("/x"))
    assert (
        page.status_code == 500
        and b"The server failed" in page.content
        and b"<html" in page.content
    )
    fragment = server_error(rf.get("/x", HTTP_HX_REQUEST="true"))
    assert fragment.status_code == 500 and b"<html" not in fragment.content


def test_lesson_pages_are_cached_until_any_lesson_changes(
    client, lessons, django_assert_max_num_queries
):
    first, second = lessons
    client.get("/lessons/first/")
    with django_assert_max_num_queries(0):
        cached = client.get("/lessons/first/")
    assert b"Hello" in cached.content
    second.title = "Renamed second"
    second.save()
    # The outline and the next link name the renamed lesson at once.
    assert b"Renamed second" in client.get("/lessons/first/").content


def test_deleting_a_lesson_updates_the_cached_outline(client, lessons):
    first, second = lessons
    assert b"Second" in client.get("/").content
    second.delete()
    assert b"Second" not in client.get("/").content
    assert b'rel="next"' not in client.get("/lessons/first/").content


def test_lesson_pages_answer_conditional_requests(client, lessons):
    response = client.get("/lessons/first/")
    assert "public" in response["Cache-Control"]
    again = client.get("/lessons/first/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/", "/lessons/first/", "/search/?q=hello"])
def test_reader_pages_are_compressed_without_a_proxy(client, lessons, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"csrfmiddlewaretoken" not in gzip.decompress(response.content)


def test_sandbox_fragments_are_compressed_with_a_fresh_token_each_time(client, lessons):
    """Compressed like pages; the CSRF token never repeats, so BREACH has nothing to match."""
    tokens = set()
    for _ in range(2):
        response = client.get(
            "/sandbox/ninja-gold/", HTTP_ACCEPT_ENCODING="gzip", HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        html = gzip.decompress(response.content).decode()
        tokens |= set(re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', html))
    assert len(tokens) == 2


def test_a_long_course_lists_only_nearby_lessons_beside_a_lesson(client):
    """The page's size must not grow with the course: home lists them all."""
    Lesson.objects.bulk_create(
        Lesson(slug=f"l{n}", title=f"Lesson {n}", summary="s", order=n, body="x")
        for n in range(1, 41)
    )
    html = client.get("/lessons/l20/").content.decode()
    listed = set(re.findall(r'data-lesson-link="(l\d+)"', html))
    assert listed == {f"l{n}" for n in range(13, 28)}
    assert "Lesson 20 of 40" in html and "All 40 lessons" in html
    assert 'data-total="40"' in html
    first = client.get("/lessons/l1/").content.decode()
    assert len(re.findall(r"data-lesson-link=", first)) == 8
    home = client.get("/").content.decode()
    assert len(re.findall(r"data-lesson-link=", home)) == 40


def test_the_sidebar_window_follows_the_course_order_through_ties(client):
    """Lessons with the same order number fall back to their creation order."""
    Lesson.objects.bulk_create(
        Lesson(slug=f"l{n}", title=f"Lesson {n}", summary="s", order=n // 2, body="x")
        for n in range(1, 41)
    )
    html = client.get("/lessons/l20/").content.decode()
    listed = re.findall(r'<li value="(\d+)"><a [^>]*data-lesson-link="(l\d+)"', html)
    assert listed == [(str(n), f"l{n}") for n in range(13, 28)]
    assert re.search(r'rel="prev" href="/lessons/l19/"', html)
    assert re.search(r'rel="next" href="/lessons/l21/"', html)
    assert "Lesson 20 of 40" in html
    last = client.get("/lessons/l40/").content.decode()
    assert "Lesson 40 of 40" in last and 'rel="next"' not in last
    assert re.findall(r'data-lesson-link="(l\d+)"', last)[0] == "l33"


def dark_rules(css: str, prefix: str) -> dict[str, list[str]]:
    """Selector -> sorted declarations, for the rules whose selectors start with ``prefix``."""
    rules = {}
    for selectors, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", css):
        names = [name.strip() for name in selectors.split(",")]
        if all(name.startswith(prefix) for name in names):
            for name in names:
                rules[name.removeprefix(prefix)] = sorted(
                    part.strip() for part in body.split(";") if part.strip()
                )
    return rules


def test_the_dark_theme_is_the_same_chosen_or_from_the_system():
    """site.css writes the dark palette twice: for a reader who chose it, and
    for one whose system prefers it (a media query cannot share a rule with
    a selector). The two copies must not drift apart."""
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    # Each media block's rules: rules inside braces, one level deep.
    blocks = re.findall(
        r"@media \(prefers-color-scheme: dark\) \{((?:[^{}]*\{[^{}]*\})*[^{}]*)\}", css
    )
    from_system = {}
    for block in blocks:
        from_system |= dark_rules(block, ':root:not([data-theme="light"])')
    chosen = dark_rules(css, ':root[data-theme="dark"]')
    assert from_system and {name: chosen.get(name) for name in from_system} == (
        from_system
    )
