"""The renderer's public API: ``render(markdown) -> Rendered``.

Sync, the admin preview and the tests all call ``render``; views never do
(lessons are rendered once, when saved). Given the same text and the same
sandbox source files it returns the same result, and it touches no request
and no database.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings

from exercises import registry
from sandbox_apps import sources

from . import limits
from .blocks import Conversion
from .errors import AuthoringError
from .markdown_config import make_markdown
from .sanitize import sanitize
from .slides import split_slides

# Bump when the HTML this package produces changes, so stored lessons are
# rendered again by ``sync_content``.
RENDERER_VERSION = 6

# Real lessons are 5-15 KB. Ordinary lesson text costs Python-Markdown
# about 0.1 s of CPU per 12,000 characters (0.42 s for 50,000 on a loaded
# machine), so any real lesson at the cap renders with room to spare,
# while the inputs that grow much faster than their length are refused at
# the CPU limit. bench/render.py measures both.
DEFAULT_MAX_CHARS = 40_000
# CPU seconds one lesson may take to render. Text that takes longer is
# refused, and refused on a quiet server as on a busy one.
DEFAULT_CPU_SECONDS = 1.0


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Slide:
    # The section's heading text; "" for an opening slide with no heading.
    title: str
    html: str
    # Speaker notes for this slide, never part of ``Rendered.html``.
    notes_html: str = ""
    # The ``/// check`` blocks on this slide, in order, as the live poll
    # needs them: {"id", "question_html", "choices": [{"html", "why_html"}],
    # "right", "explanation_html"}.
    checks: tuple[dict, ...] = ()

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "html": self.html,
            "notes_html": self.notes_html,
            "checks": list(self.checks),
        }


@dataclass(frozen=True)
class Rendered:
    # The reader's page: everything except speaker notes.
    html: str
    # The h2/h3 headings in order, for the table of contents.
    headings: tuple[Heading, ...]
    # Block name -> what its uses named, in order of appearance:
    # {"demo": ("ninja-gold",), "source": ("ninja_gold/views.py:index",)}.
    used: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The same lesson cut into slides at top-level ``##`` headings and
    # ``---`` rules. The first slide is whatever comes before the first cut
    # (often nothing); the presenter shows it under the lesson's title.
    slides: tuple[Slide, ...] = field(default_factory=tuple)

    @property
    def demos(self) -> tuple[str, ...]:
        return self.used.get("demo", ())

    @property
    def sources(self) -> tuple[str, ...]:
        return self.used.get("source", ())


def render(
    text: str,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    cpu_seconds: float = DEFAULT_CPU_SECONDS,
) -> Rendered:
    """Render lesson Markdown, or raise AuthoringError saying what to fix.

    The work runs in a forked child limited to ``cpu_seconds`` of CPU time
    (``limits``); 0 runs it in this process, without limits (for platforms
    without fork, and for tests that do not test the limits).
    """
    if not isinstance(text, str):
        raise AuthoringError(["The lesson body must be text."])
    if len(text) > max_chars:
        raise AuthoringError(
            [
                f"The lesson is {len(text):,} characters long; the limit is {max_chars:,}."
            ]
        )
    if "\x00" in text:
        raise AuthoringError(["The lesson contains a NUL character."])
    if cpu_seconds <= 0 or not limits.can_fork():
        return convert(text)
    warm_up()
    return limits.run_limited(convert, text, cpu_seconds=cpu_seconds)


def render_lesson(text: str) -> Rendered:
    """``render`` with the site's limits from settings: what saving a lesson runs."""
    return render(
        text,
        max_chars=settings.COURSEWARE_MAX_LESSON_CHARS,
        cpu_seconds=settings.COURSEWARE_RENDER_CPU_SECONDS,
    )


# Fenced-code languages loaded before the first fork; others still work,
# each loaded in the child at a small cost to its CPU time.
WARM_LANGUAGES = (
    "python",
    "html+django",
    "django",
    "html",
    "console",
    "text",
    "css",
    "javascript",
)


@functools.cache
def warm_up() -> None:
    """Do, once per process, the work every first render does, before any fork.

    The first render in a process imports Markdown extensions and Pygments
    lexers, loads the URL configuration (a demo's URL) and compiles
    templates: about 1.7 s of CPU against 0.1 s for the lesson itself. Done
    here in the parent, forked children inherit it, so a child's CPU time
    measures the lesson alone. It also means no child is forked while
    another thread holds an import lock it would then wait on forever.
    Called on first use, never at import.
    """
    from exercises.registry import ExerciseError, all_exercises
    from sandbox_apps.registry import all_demos

    fences = "".join(f"```{language}\nx = 1\n```\n\n" for language in WARM_LANGUAGES)
    blocks = "".join(
        f"/// demo | {demo.slug}\n///\n\n/// source | {demo.source_files[0]}\n///\n\n"
        for demo in list(all_demos().values())[:1]
        if demo.source_files
    )
    # A demo whose file went missing is the lesson's problem, reported
    # when a lesson shows it; warming up did its work all the same.
    with contextlib.suppress(AuthoringError):
        convert(f"## Warm *up*\n\n{fences}{blocks}/// notes\nNotes.\n///\n")
    # Exercise blocks put each exercise's version (a hash of its files) in
    # the page: read and hash them all here, once, not in every child.
    with contextlib.suppress(ExerciseError):
        for exercise in all_exercises():
            exercise.version  # noqa: B018 (computed and kept on the object)


def convert(text: str) -> Rendered:
    """The whole pipeline, in this process: Markdown, sanitizing, slides, slots."""
    conversion = Conversion(token=secrets.token_hex(8))
    md = make_markdown(conversion)
    with registry.looked_at_once():
        converted = md.convert(text)
    problems = list(conversion.problems)
    if re.search(r"<h1[\s>]", converted):
        problems.append(
            "Use ## for sections: the lesson title is the page's only top-level heading."
        )
    if problems:
        raise AuthoringError(problems)
    clean = sanitize(converted)
    reader_html, pieces = split_slides(
        clean, conversion.token, live_keys=conversion.live_keys
    )

    def fill(match: re.Match[str]) -> str:
        # Only markers made in this conversion carry the token; anything an
        # author typed to look like one becomes nothing.
        return conversion.filled.get(match.group(1), "")

    def finish(part: str) -> str:
        part = re.sub(r'<div data-cw-slot="([0-9a-f]+-[0-9]+)"></div>', fill, part)
        # A notes marker an author typed (not this conversion's) is just a div.
        part = re.sub(r' data-cw-notes="[^"]*"', "", part)
        return sources.scrollable(part)

    filled = finish(reader_html)
    slides = []
    for piece in pieces:
        slide_html = finish(piece.html)
        checks = tuple(
            check
            for check_id, check in conversion.checks.items()
            if f'data-check="{check_id}"' in slide_html
        )
        slides.append(Slide(piece.title, slide_html, finish(piece.notes_html), checks))
    # Headings written inside notes are not on the reader's page.
    headings = tuple(h for h in _flatten(md.toc_tokens) if f' id="{h.id}"' in filled)  # type: ignore[attr-defined]
    return Rendered(
        html=filled,
        headings=headings,
        used={name: tuple(values) for name, values in conversion.used.items()},
        slides=tuple(slides),
    )


def _flatten(tokens) -> list[Heading]:
    found: list[Heading] = []
    for token in tokens:
        found.append(
            Heading(
                level=token["level"], id=token["id"], title=html.unescape(token["name"])
            )
        )
        found.extend(_flatten(token["children"]))
    return found
