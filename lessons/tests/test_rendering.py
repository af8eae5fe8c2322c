"""lessons.rendering: Markdown in, sanitized HTML out, authoring errors loud."""

import resource
import sys
import time

import pytest

from lessons.rendering import (
    AuthoringError,
    api,
    limits,
    pygments_css,
    render,
    resolve_source,
)
from sandbox_apps.registry import SANDBOX_ROOT


def test_headings_get_ids_permalinks_and_a_toc():
    result = render("## First part\n\ntext\n\n### Detail\n\n## Second part\n")
    assert '<h2 id="first-part">' in result.html
    assert 'class="headerlink" href="#first-part"' in result.html
    assert [(h.level, h.id, h.title) for h in result.headings] == [
        (2, "first-part", "First part"),
        (3, "detail", "Detail"),
        (2, "second-part", "Second part"),
    ]


def test_a_top_level_heading_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="only top-level heading"):
        render("# Title again\n\ntext")


def test_fenced_code_is_highlighted_with_classes_and_no_guessing():
    result = render(
        "```python\ndef f():\n    return 1\n```\n\n```\nplain = True\n```\n"
    )
    assert '<span class="k">def</span>' in result.html
    # No language named: shown as plain text, not guessed to be Python.
    assert '<span class="n">plain</span>' not in result.html
    assert "plain = True" in result.html
    assert "style=" not in result.html


def test_tables_admonitions_and_details_render():
    text = "| a | b |\n|---|--:|\n| 1 | 2 |\n\n/// note | Remember\nBody\n///\n\n/// details | Question?\nAnswer.\n///\n"
    html = render(text).html
    assert "<table>" in html and 'align="right"' in html
    assert 'class="admonition note"' in html and "Remember" in html
    assert "<details" in html and "<summary>Question?</summary>" in html


@pytest.mark.parametrize(
    ("dangerous", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
        ('<iframe src="https://example.com"></iframe>', "<iframe"),
        ('<p style="color:red">x</p>', "style="),
        ('<div hx-get="/admin/" hx-trigger="load">x</div>', "hx-get"),
        ('<a href="/x" hx-post="/sandbox/">x</a>', "hx-post"),
        ("<style>body{display:none}</style>", "<style"),
        ('<form action="/"><input name="q"></form>', "<form"),
        ('<object data="x.swf"></object>', "<object"),
    ],
)
def test_dangerous_html_is_removed(dangerous, forbidden):
    html = render(f"Intro\n\n{dangerous}\n\nOutro").html
    assert forbidden not in html
    assert "Intro" in html and "Outro" in html


def test_a_faked_demo_slot_in_raw_html_becomes_nothing():
    html = render('<div data-cw-slot="0000000000000000-0"></div>\n\ntext').html
    assert "data-cw-slot" not in html
    assert "hx-get" not in html


def test_demo_block_renders_a_placeholder_that_works_without_javascript():
    result = render("/// demo | session-counter\nPress **Add 2**.\n///\n")
    assert result.demos == ("session-counter",)
    html = result.html
    assert 'href="/sandbox/session-counter/"' in html  # the no-JavaScript link
    assert 'hx-get="/sandbox/session-counter/"' in html
    assert 'hx-trigger="revealed"' in html and 'hx-boost="true"' in html
    assert 'hx-sync="this:queue all"' in html
    assert "<strong>Add 2</strong>" in html


def test_demo_prompt_is_sanitized_too():
    html = render(
        '/// demo | session-counter\n<img src=x onerror="alert(1)"> go\n///\n'
    ).html
    assert "onerror" not in html


def test_unknown_demo_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="Unknown demo 'no-such-demo'"):
        render("/// demo | no-such-demo\n///\n")


def test_two_demos_on_one_page_get_distinct_ids():
    html = render(
        "/// demo | session-counter\n///\n\n/// demo | session-counter\n///\n"
    ).html
    assert (
        'id="demo-session-counter-1"' in html and 'id="demo-session-counter-2"' in html
    )


def test_source_block_shows_one_function_with_its_decorator_and_lines():
    result = render("/// source | session_counter/views.py:index\n///\n")
    assert result.sources == ("session_counter/views.py:index",)
    assert "sandbox_apps/session_counter/views.py" in result.html
    assert "require_GET" in result.html
    assert "def</span>" in result.html
    # Only that function: the add view is not part of the excerpt.
    assert "AddForm(request.POST)" not in result.html


def test_source_block_can_show_a_whole_file_and_a_method():
    whole = resolve_source("session_counter/urls.py")
    assert whole.first_line == 1 and "urlpatterns" in whole.code
    # The caption counts the file's lines, not the newline at its end.
    lines = (
        (SANDBOX_ROOT / "session_counter" / "urls.py")
        .read_text()
        .rstrip("\n")
        .splitlines()
    )
    assert whole.last_line == len(lines)
    method = resolve_source("session_counter/apps.py:SessionCounterConfig")
    assert method.code.startswith("class SessionCounterConfig")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("../courseware/settings.py", "relative path inside sandbox_apps"),
        ("/etc/passwd", "relative path inside sandbox_apps"),
        (
            "session_counter/../../courseware/settings.py",
            "relative path inside sandbox_apps",
        ),
        ("session_counter/missing.py", "does not exist"),
        ("session_counter/views.py:no_such_view", "has no function or class"),
        (
            "session_counter/templates/session_counter/page.html:block",
            "Only Python files",
        ),
        ("session_counter/__pycache__", "does not exist"),
    ],
)
def test_bad_source_blocks_are_authoring_errors(spec, message):
    with pytest.raises(AuthoringError, match=message):
        render(f"/// source | {spec}\n///\n")


def test_source_block_must_be_empty():
    with pytest.raises(AuthoringError, match="must be empty"):
        render("/// source | session_counter/urls.py\nsome text\n///\n")


def test_every_problem_is_reported_at_once():
    with pytest.raises(AuthoringError) as caught:
        render("/// demo | nope\n///\n\n/// source | nope.py\n///\n")
    assert len(caught.value.problems) == 2


def test_oversized_body_is_refused_before_any_work():
    with pytest.raises(AuthoringError, match="limit is 100"):
        render("x" * 101, max_chars=100)


# Each of these takes Python-Markdown more than a second of CPU
# (bench/render.py measures a larger set).
PATHOLOGICAL = {
    "brackets": "[" * 30_000,
    "opened images": "![" * 15_000,
    "opened tags": "<a " * 10_000,
}


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("body", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_bodies_are_refused_within_the_cpu_limit(body):
    before = child_cpu_seconds()
    with pytest.raises(AuthoringError, match="CPU time"):
        render(body, max_chars=len(body), cpu_seconds=0.3)
    used = child_cpu_seconds() - before
    # The child is stopped at the limit, not when the input runs out: the
    # slack is for starting the child and the signal's delivery.
    assert used < 0.3 + 0.3, f"the renderer used {used:.2f} s of CPU"


def spin(text: str) -> str:
    while True:
        pass


def sleep_then_answer(text: str) -> str:
    # Wall time passes, CPU time does not: a busy machine looks like this.
    time.sleep(0.6)
    return text


def test_the_limit_counts_cpu_time_not_wall_time():
    with pytest.raises(AuthoringError, match="more than 0.2 s of CPU time"):
        limits.run_limited(spin, "", cpu_seconds=0.2)
    assert limits.run_limited(sleep_then_answer, "kept", cpu_seconds=0.2) == "kept"


def allocate(text: str) -> str:
    hoard = bytearray(int(text))
    return str(len(hoard))


def test_the_child_cannot_take_more_memory_than_its_cap():
    mib = 1024 * 1024
    with pytest.raises(AuthoringError, match="too much memory"):
        limits.run_limited(
            allocate, str(256 * mib), cpu_seconds=5, memory_bytes=64 * mib
        )
    # Under the cap the same work succeeds: the cap, not the work, refused it.
    assert limits.run_limited(
        allocate, str(16 * mib), cpu_seconds=5, memory_bytes=64 * mib
    ) == str(16 * mib)


def test_nul_characters_are_refused():
    with pytest.raises(AuthoringError, match="NUL"):
        render("a\x00b")


def test_rendering_in_process_gives_the_same_html_as_the_forked_child():
    text = "## A\n\n/// source | session_counter/urls.py\n///\n"
    forked = render(text)
    inline = render(text, cpu_seconds=0)
    # Only the random slot token differs between runs, and it never reaches the HTML.
    assert forked.html == inline.html


def test_pygments_css_has_a_light_and_a_dark_theme_that_follow_the_system():
    css = pygments_css()
    assert ".highlight .k" in css
    assert ":root[data-theme='dark'] .highlight" in css
    assert "@media (prefers-color-scheme: dark)" in css


def test_the_committed_pygments_css_matches_the_generator(settings):
    committed = (settings.BASE_DIR / "static" / "css" / "pygments.css").read_text()
    assert committed == pygments_css(), "Run: python manage.py pygments_css"


def modules_imported_by_rendering(text: str) -> list[str]:
    before = set(sys.modules)
    api.convert(text)
    return sorted(set(sys.modules) - before)


def test_forked_renders_inherit_the_warm_up_instead_of_importing_again():
    """A child's CPU time must measure the lesson, not the first render's imports."""
    api.warm_up()
    lesson = (
        "## Code\n\n```python\nx = 1\n```\n\n"
        "/// demo | session-counter\n///\n\n/// source | session_counter/views.py\n///\n"
    )
    imported = limits.run_limited(modules_imported_by_rendering, lesson, cpu_seconds=5)
    assert imported == []
