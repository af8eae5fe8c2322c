"""The renderer's public API: ``render(markdown) -> Rendered``.

Sync, the admin preview and the tests all call ``render``; views never do
(lessons are rendered once, when saved). Given the same text and the same
sandbox source files it returns the same result, and it touches no request
and no database.
"""

from __future__ import annotations

import functools
import html
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings

from sandbox_apps import sources

from . import limits
from .blocks import Conversion
from .errors import AuthoringError
from .markdown_config import make_markdown
from .sanitize import sanitize
from .slides import split_slides

# Bump when the HTML this package produces changes, so stored lessons are
# rendered again by ``sync_content``.
RENDERER_VERSION = 4

# Real lessons are 5-15 KB. Python-Markdown needs 0.3-0.5 s of CPU for
# 20,000 characters of ordinary lesson text (more on a loaded machine,
# where cores share caches), so text at the cap renders within the CPU
# limit; bench/render.py measures it.
DEFAULT_MAX_CHARS = 20_000
# CPU seconds one lesson may take to render: the longest real lesson
# takes about a quarter of it. Text that takes longer is refused, never
# rendered on a busy server and refused on a quiet one.
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

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "html": self.html, "notes_html": self.notes_html}


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
    _load_extensions()
    return limits.run_limited(convert, text, cpu_seconds=cpu_seconds)


def render_lesson(text: str) -> Rendered:
    """``render`` with the site's limits from settings: what saving a lesson runs."""
    return render(
        text,
        max_chars=settings.COURSEWARE_MAX_LESSON_CHARS,
        cpu_seconds=settings.COURSEWARE_RENDER_CPU_SECONDS,
    )


@functools.cache
def _load_extensions() -> None:
    """Import every extension once, in the parent, before the first fork.

    A child forked while another thread holds an import lock would wait for
    it forever; done here, on first use, rather than at import time.
    """
    make_markdown(Conversion(token="warmup")).convert("warm *up*\n\n```python\nx\n```")


def convert(text: str) -> Rendered:
    """The whole pipeline, in this process: Markdown, sanitizing, slides, slots."""
    conversion = Conversion(token=secrets.token_hex(8))
    md = make_markdown(conversion)
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
    slides = tuple(
        Slide(piece.title, finish(piece.html), finish(piece.notes_html))
        for piece in pieces
    )
    # Headings written inside notes are not on the reader's page.
    headings = tuple(h for h in _flatten(md.toc_tokens) if f' id="{h.id}"' in filled)  # type: ignore[attr-defined]
    return Rendered(
        html=filled,
        headings=headings,
        used={name: tuple(values) for name, values in conversion.used.items()},
        slides=slides,
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
