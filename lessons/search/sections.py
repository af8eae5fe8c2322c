"""A lesson's stored HTML cut into the sections a search result links to.

A section runs from one ``h2``/``h3`` heading to the next, so a result can
point at the heading's anchor rather than at the top of a long lesson.
Prose and code are kept apart because they rank differently: a word in a
paragraph says more about the section than the same word in a code sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Private-use characters that mark a match in a snippet. The database puts
# them around matched words; the view escapes the snippet and only then
# turns them into <mark>, so lesson text can never inject markup. They are
# removed from indexed text so a lesson cannot forge them either.
MATCH_START = "\ue000"
MATCH_END = "\ue001"
# Stand-ins for "<" and ">" while PostgreSQL builds a snippet (it drops tags).
TAG_START = "\ue002"
TAG_END = "\ue003"

SECTION_LEVELS = {"h2", "h3"}
# Parts of a lesson page that are not the lesson's words: the heading's "#"
# permalink, source line numbers, text for screen readers that repeats what
# is beside it, and a demo's frame (its badge, title bar, placeholder and
# inspector; the demo's "Try it" prompt stays).
SKIPPED_CLASSES = {
    "headerlink",
    "linenos",
    "visually-hidden",
    "demo-head",
    "demo-stage",
    "demo-loading",
    "inspector",
}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col"}
BLOCK_TAGS = {"p", "li", "tr", "td", "th", "dt", "dd", "div", "figcaption", "br"}


@dataclass
class Section:
    anchor: str  # "" for the words before the first heading
    heading: str
    text: str = ""
    code: str = ""
    _text: list[str] = field(default_factory=list, repr=False)
    _code: list[str] = field(default_factory=list, repr=False)


def clean(words: str) -> str:
    for private in (MATCH_START, MATCH_END, TAG_START, TAG_END):
        words = words.replace(private, "")
    return re.sub(r"\s+", " ", words).strip()


class _Splitter(HTMLParser):
    def __init__(self, lesson_title: str):
        super().__init__(convert_charrefs=True)
        self.sections = [Section(anchor="", heading=lesson_title)]
        self.heading: list[str] | None = None
        self.skip_depth = 0  # >0 inside an element whose words are not the lesson's
        self.pre_depth = 0
        self.open: list[tuple[str, bool]] = []  # (tag, started a skip)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        skipping = bool(classes & SKIPPED_CLASSES)
        if tag not in VOID_TAGS:
            self.open.append((tag, skipping))
        if skipping:
            self.skip_depth += 1
        if tag == "pre":
            self.pre_depth += 1
        if tag in SECTION_LEVELS and attributes.get("id"):
            self.sections.append(Section(anchor=attributes["id"], heading=""))
            self.heading = []
        if tag in BLOCK_TAGS:
            self._words(" ")

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        # Sanitized HTML is well formed, but close up to the matching tag anyway.
        while self.open:
            name, skipping = self.open.pop()
            if skipping:
                self.skip_depth -= 1
            if name == "pre":
                self.pre_depth -= 1
            if name in SECTION_LEVELS and self.heading is not None:
                self.sections[-1].heading = clean("".join(self.heading))
                self.heading = None
            if name == tag:
                break
        if tag in BLOCK_TAGS:
            self._words(" ")

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.heading is not None:
            self.heading.append(data)
        else:
            self._words(data)

    def _words(self, data):
        section = self.sections[-1]
        if self.pre_depth:
            section._code.append(data)
        else:
            section._text.append(data)


def split_sections(html: str, lesson_title: str) -> list[Section]:
    """The lesson's sections in page order, each with its prose and its code."""
    splitter = _Splitter(lesson_title)
    splitter.feed(html)
    splitter.close()
    sections = []
    for section in splitter.sections:
        section.text = clean("".join(section._text))
        section.code = clean("".join(section._code))
        section._text.clear()
        section._code.clear()
        # An empty introduction (the lesson starts with a heading) is no result.
        if section.anchor or section.text or section.code:
            sections.append(section)
    return sections
