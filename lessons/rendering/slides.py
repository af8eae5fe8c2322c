"""Cutting a lesson into slides, and its speaker notes out of the page.

Runs on sanitized HTML. A slide starts at every top-level ``<h2>`` and
``<hr>`` (``##`` and ``---`` in the Markdown); ``/// notes`` blocks, which
reach here as marker divs, move from the page to the slide they are on.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.text import slugify

from .errors import AuthoringError

# Elements that never have an end tag, as nh3 writes them.
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}


@dataclass
class Piece:
    title: str = ""
    html: str = ""
    notes_html: str = ""


def slide_ids(titles: list[str]) -> list[str]:
    """A stable id for each slide, from its title: ``the-counter``, ``the-counter-2``.

    A presentation follows the slide's id, not its number, so when the lesson
    is edited during class (a slide added before this one, say) the class
    stays on the same slide. Only retitling a slide, or adding one with the
    same title before it, changes an id. The opening slide, with no heading
    of its own, is ``opening``.
    """
    ids: list[str] = []
    for number, title in enumerate(titles, start=1):
        base = slugify(title, allow_unicode=True)[:80].strip("-")
        if not base:
            base = "opening" if number == 1 else "slide"
        candidate, occurrence = base, 1
        # "Step 2" after two "Step" slides must not take the second one's id.
        while candidate in ids:
            occurrence += 1
            candidate = f"{base}-{occurrence}"
        ids.append(candidate)
    return ids


class _SlideCutter(HTMLParser):
    """Finds, in sanitized HTML, where slides start and where notes are.

    nh3's output is well formed (every element closed, attributes quoted),
    so counting start and end tags gives each element's depth; only
    top-level ``h2`` and ``hr`` elements cut, so a heading inside a tab or an
    admonition stays where it is.
    """

    def __init__(self, text: str, token: str, live_keys: set[str]):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.token = token
        self.live_keys = live_keys
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.depth = 0
        # (start, end) of each cut; an hr's tag is dropped from the slide.
        self.cuts: list[tuple[int, int]] = []
        # (outer start, inner start, inner end, outer end) of each notes block.
        self.notes: list[tuple[int, int, int, int]] = []
        self.problems: list[str] = []
        self._notes_open: tuple[int, int] | None = None
        # Heading text per cut offset: the title of the slide that starts there.
        self.titles: dict[int, tuple[str, str]] = {}
        self._heading: tuple[int, str, list[str]] | None = None
        self._skip_depth: int | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        attributes = dict(attrs)
        if self.depth == 0 and tag in ("h2", "hr"):
            self.cuts.append((start, end if tag == "hr" else start))
        if self.depth == 0 and tag in ("h2", "h3") and self._notes_open is None:
            self._heading = (start, tag, [])
        if tag == "a" and "headerlink" in (attributes.get("class") or "").split():
            self._skip_depth = self.depth
        if tag == "div" and attributes.get("data-cw-notes") == self.token:
            if self.depth == 0:
                self._notes_open = (start, end)
            else:
                self.problems.append(
                    "A notes block must be at the top level of the lesson, not inside another block."
                )
        if (
            self._notes_open is not None
            and attributes.get("data-cw-slot") in self.live_keys
        ):
            self.problems.append(
                "A notes block cannot contain a demo: the speaker view never runs demos."
            )
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        self.depth -= 1
        if self._skip_depth is not None and self.depth == self._skip_depth:
            self._skip_depth = None
        if self.depth == 0 and self._heading is not None and tag in ("h2", "h3"):
            start, heading_tag, words = self._heading
            self.titles[start] = (heading_tag, " ".join("".join(words).split()))
            self._heading = None
        if self.depth == 0 and self._notes_open is not None and tag == "div":
            start = self._offset()
            end = self.text.index(">", start) + 1
            outer_start, inner_start = self._notes_open
            self.notes.append((outer_start, inner_start, start, end))
            self._notes_open = None

    def handle_data(self, data):
        if self._heading is not None and self._skip_depth is None:
            self._heading[2].append(data)


def split_slides(
    clean: str, token: str, *, live_keys: set[str] | None = None
) -> tuple[str, list[Piece]]:
    """The reader's HTML without notes, and the slides with their notes.

    ``clean`` is sanitized HTML in which this conversion's notes blocks are
    ``<div data-cw-notes="token">`` markers. An empty slide is dropped (two
    cuts in a row); notes on it go to the slide before.
    """
    cutter = _SlideCutter(clean, token, live_keys or set())
    cutter.feed(clean)
    cutter.close()
    if cutter.problems:
        raise AuthoringError(sorted(set(cutter.problems)))

    def without_notes(start: int, end: int) -> tuple[str, str]:
        body, notes, position = [], [], start
        for outer_start, inner_start, inner_end, outer_end in cutter.notes:
            if outer_start < start or outer_end > end:
                continue
            body.append(clean[position:outer_start])
            notes.append(clean[inner_start:inner_end].strip())
            position = outer_end
        body.append(clean[position:end])
        return "".join(body).strip(), "\n".join(note for note in notes if note)

    reader, _ = without_notes(0, len(clean))
    starts = [0] + [cut_start for cut_start, _ in cutter.cuts]
    content_starts = [0] + [cut_end for _, cut_end in cutter.cuts]
    pieces: list[Piece] = []
    section = ""
    for index, content_start in enumerate(content_starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(clean)
        inside = [
            (tag, text)
            for offset, (tag, text) in sorted(cutter.titles.items())
            if starts[index] <= offset < end
        ]
        if inside and inside[0][0] == "h2":
            section = inside[0][1]
        # A slide made by --- keeps the title of the section it continues,
        # unless it has a heading of its own.
        title = inside[0][1] if inside else section
        body, notes = without_notes(content_start, end)
        if not body and pieces:
            if notes:
                last = pieces[-1]
                last.notes_html = "\n".join(
                    part for part in (last.notes_html, notes) if part
                )
            continue
        pieces.append(Piece(title=title, html=body, notes_html=notes))
    return reader, pieces
