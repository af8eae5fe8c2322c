"""The course itself, checked: content/*.md must publish cleanly and hold together.

These tests read the real lesson files, so an authoring slip (an unknown
demo, a source block naming a function that was renamed, a link to a
lesson that does not exist) fails the test command instead of a reader.
"""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from lessons.content import parse_file
from lessons.models import Lesson
from lessons.rendering import resolve_source
from sandbox_apps.registry import all_demos

KNOWLEDGE_CHECKS = range(3, 6)
# The name of the inspector panel beside every demo, as readers see it.
TRACE_PANEL = "What happened on the server"
# Lessons that show a short version first and fold the demo's hardened code
# away (issue 12.7), as a details block of type "real-site".
FOLDED_HARDENING = ("models-and-validation", "login-and-registration")


def text(html: str) -> str:
    """The visible words of some HTML, with whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def knowledge_checks(html: str) -> list[str]:
    """The question of every knowledge check: a details block with no attributes.

    Folded code ("what a real site adds") is a details block with a class, and
    the inspector panel is a <details class="inspector-details">; neither counts.
    """
    return [
        text(question)
        for question in re.findall(r"<details>\s*<summary>(.*?)</summary>", html, re.S)
    ]


class _Links(HTMLParser):
    """Every internal URL in a piece of HTML (links and images), and every id."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            value = attributes.get(name)
            if value and value.startswith("/") and not value.startswith("//"):
                self.urls.append(value)


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def lesson_files():
    return sorted(settings.COURSEWARE_CONTENT_DIR.glob("*.md"))


@pytest.fixture
def lessons(course):
    return list(Lesson.objects.all())


def test_every_lesson_file_syncs_without_authoring_errors(course_rows):
    _, report = course_rows
    assert report.errors == {}
    assert len(report.created) == len(lesson_files())


def test_the_course_has_the_lessons_the_notes_ask_for(lessons):
    slugs = {lesson.slug for lesson in lessons}
    # The browser tests and other lessons link to these by slug.
    for slug in (
        "welcome",
        "first-project",
        "request-journey",
        "routes",
        "views",
        "templates",
        "sessions",
        "passing-data",
        "disappearing-ninjas-assignment",
        "ninja-gold-assignment",
        "email-validation-assignment",
        "login-registration-assignment",
    ):
        assert slug in slugs


def test_every_lesson_has_a_title_summary_and_unique_order(lessons):
    for lesson in lessons:
        assert lesson.title.strip(), lesson.slug
        assert lesson.summary.strip(), lesson.slug
    orders = [lesson.order for lesson in lessons]
    assert len(orders) == len(set(orders)), sorted(orders)


def test_file_name_prefix_matches_the_lesson_order():
    for path in lesson_files():
        lesson = parse_file(path)
        prefix = path.name.split("-", 1)[0]
        assert int(prefix) == lesson.order, path.name


def test_every_demo_block_names_a_registered_demo_and_has_a_prompt(lessons):
    demos = all_demos()
    for lesson in lessons:
        for slug in lesson.demos:
            assert slug in demos, f"{lesson.slug}: unknown demo {slug}"
        # Each demo tells the reader what to click and what to watch.
        assert lesson.html.count('class="demo-prompt"') == len(lesson.demos), (
            lesson.slug
        )


def test_every_source_block_resolves_to_real_code(lessons):
    for lesson in lessons:
        for spec in lesson.sources:
            excerpt = resolve_source(spec)
            assert excerpt.code.strip(), f"{lesson.slug}: {spec} is empty"
            assert f'data-source="{excerpt.path}"' in lesson.html


def test_every_registered_demo_is_embedded_by_some_lesson(lessons):
    embedded = {slug for lesson in lessons for slug in lesson.demos}
    missing = set(all_demos()) - embedded
    assert not missing, f"No lesson embeds {sorted(missing)}"


def test_every_lesson_has_three_to_five_knowledge_checks(lessons):
    for lesson in lessons:
        checks = len(knowledge_checks(lesson.html))
        assert checks in KNOWLEDGE_CHECKS, (
            f"{lesson.slug} has {checks} knowledge checks"
        )


def test_every_lesson_asks_the_reader_to_predict_a_trace(lessons):
    for lesson in lessons:
        questions = knowledge_checks(lesson.html)
        assert any(q.startswith("Predict the trace") for q in questions), (
            f"{lesson.slug}: no knowledge check starts with 'Predict the trace'"
        )


def test_no_knowledge_check_is_asked_twice_in_the_course(lessons):
    seen = {}
    for lesson in lessons:
        for question in knowledge_checks(lesson.html):
            assert question not in seen, (
                f"{lesson.slug} repeats a check from {seen[question]}: {question}"
            )
            seen[question] = lesson.slug


def test_every_demo_prompt_points_at_the_trace_panel(lessons):
    for lesson in lessons:
        prompts = re.findall(r'<div class="demo-prompt">(.*?)</div>', lesson.html, re.S)
        for prompt in prompts:
            assert TRACE_PANEL in text(prompt), (
                f"{lesson.slug}: a demo prompt never says what to look for in "
                f"'{TRACE_PANEL}': {text(prompt)[:80]}"
            )


def test_hardened_code_is_folded_away_after_a_short_version(lessons):
    by_slug = {lesson.slug: lesson for lesson in lessons}
    for slug in FOLDED_HARDENING:
        html = by_slug[slug].html
        fold = re.search(r'<details class="real-site">(.*?)</details>', html, re.S)
        assert fold, f"{slug} has no folded 'what a real site adds' block"
        assert "What a real site adds" in fold.group(1)
        # The demo's real code is inside the fold, and a short version comes first.
        assert 'class="source"' in fold.group(1), slug
        assert html.index("<pre") < fold.start(), slug


def test_every_lesson_ends_with_a_summary_section(lessons):
    for lesson in lessons:
        sections = [
            heading["title"] for heading in lesson.headings if heading["level"] == 2
        ]
        assert sections, lesson.slug
        assert sections[-1] == "Summary", f"{lesson.slug} ends with {sections[-1]!r}"


def test_no_lesson_uses_a_top_level_heading_or_pastes_sandbox_code():
    for path in lesson_files():
        body = parse_file(path).body
        in_fence = False
        for line in body.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            elif not in_fence:
                assert not re.match(r"#\s", line), (
                    f"{path.name}: '{line}' is a page-level heading"
                )
        # Sandbox code is shown with source blocks, never copied in.
        assert "from sandbox_apps" not in body, path.name


def test_no_internal_link_or_image_is_broken(lessons, client, settings):
    # Serve static files from the source folders, as the development server does.
    settings.WHITENOISE_USE_FINDERS = True
    pages: dict[str, _Links] = {}
    broken = []
    targets = {}
    for lesson in lessons:
        for url in parse(lesson.html).urls:
            targets.setdefault(url, lesson.slug)
    assert targets, "the course should link somewhere"
    for url, slug in sorted(targets.items()):
        parts = urlsplit(url)
        page = pages.get(parts.path)
        if page is None:
            response = client.get(parts.path)
            if response.status_code != 200:
                broken.append(f"{slug}: {url} answers {response.status_code}")
                continue
            body = (
                b"".join(response.streaming_content)
                if response.streaming
                else response.content
            )
            page = pages[parts.path] = parse(body.decode("utf-8", "replace"))
        if parts.fragment and parts.fragment not in page.ids:
            broken.append(f"{slug}: {url} has no #{parts.fragment} on the page")
    assert not broken, "\n".join(broken)
