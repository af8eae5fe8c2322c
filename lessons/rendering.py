"""Markdown in, HTML out: the one place lesson text becomes HTML.

Everything a lesson page shows was produced here when the lesson was saved
(never per request), and the admin preview calls the same ``render`` so
preview and page cannot differ. This module touches no request and no
database; given the same text and the same sandbox source files, it returns
the same result.

The trust boundary is here too. Author Markdown may contain raw HTML, so
the converted HTML goes through nh3 with an allowlist. Only afterwards are
the two custom blocks filled in with HTML this module builds itself: the
demo placeholder (which needs htmx attributes no author may write) and the
highlighted source of a sandbox file.
"""

from __future__ import annotations

import ast
import html
import multiprocessing
import re
import secrets
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from sandbox_apps.registry import SANDBOX_ROOT, get_demo

# Bump when the HTML this module produces changes, so stored lessons are
# rendered again by ``sync_content``.
RENDERER_VERSION = 3

DEFAULT_MAX_CHARS = 200_000
DEFAULT_TIMEOUT = 5.0

# How a `source` block picks its Pygments lexer. No guessing: an extension
# not listed here is shown as plain text.
SOURCE_LEXERS = {
    ".py": "python",
    ".html": "html+django",
    ".css": "css",
    ".js": "javascript",
    ".txt": "text",
}


class AuthoringError(ValueError):
    """The lesson text cannot be published; ``problems`` says why, for the author."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


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
    # Demo slugs and source specs used, in order of appearance.
    demos: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)
    # The same lesson cut into slides at top-level ``##`` headings and
    # ``---`` rules. The first slide is whatever comes before the first cut
    # (often nothing); the presenter shows it under the lesson's title.
    slides: tuple[Slide, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SourceExcerpt:
    path: str  # relative to sandbox_apps/
    symbol: str  # "" for a whole file
    first_line: int
    last_line: int
    code: str
    lexer: str


# --- Public API -------------------------------------------------------------


def render(
    text: str, *, max_chars: int = DEFAULT_MAX_CHARS, timeout: float = DEFAULT_TIMEOUT
) -> Rendered:
    """Render lesson Markdown, or raise AuthoringError saying what to fix.

    Python-Markdown has inputs a few kilobytes long that take seconds or
    overflow the stack, so the size is capped and the work runs in a forked
    child that is killed when it overruns ``timeout``. A timeout of 0 runs in
    this process (for platforms without fork).
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
    if timeout <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return _render_in_process(text)
    return _render_with_time_limit(text, timeout)


def render_prompt(text: str) -> str:
    """Render a short piece of Markdown (a demo's "try it" prompt) to safe HTML."""
    converted = markdown.markdown(
        text, extensions=["pymdownx.inlinehilite"], output_format="html"
    )
    return sanitize(converted)


def preview_html(text: str) -> str:
    """The admin's live preview: the page's HTML, or the problems to fix.

    django-markdownx calls this through MARKDOWNX_MARKDOWNIFY_FUNCTION.
    """
    from django.conf import settings

    try:
        result = render(
            text,
            max_chars=settings.COURSEWARE_MAX_LESSON_CHARS,
            timeout=settings.COURSEWARE_RENDER_TIMEOUT,
        )
    except AuthoringError as error:
        items = "".join(f"<li>{escape(problem)}</li>" for problem in error.problems)
        return f'<div class="authoring-error" role="alert"><p>This lesson cannot be published yet:</p><ul>{items}</ul></div>'
    # Readers never see notes, but the author should: list them after the page.
    notes = [
        f"<p><strong>{escape(slide.title or 'Opening slide')}</strong></p>{slide.notes_html}"
        for slide in result.slides
        if slide.notes_html
    ]
    if notes:
        return (
            result.html
            + '<aside class="preview-notes"><p>Speaker notes (only in the speaker view):</p>'
            + "".join(notes)
            + "</aside>"
        )
    return result.html


def resolve_source(spec: str) -> SourceExcerpt:
    """Find the code a `source` block names: "app/file.py" or "app/file.py:Name.method"."""
    path_part, _, symbol = spec.strip().partition(":")
    path_part = path_part.strip()
    symbol = symbol.strip()
    if not re.fullmatch(
        r"[A-Za-z0-9_][A-Za-z0-9_./-]*", path_part
    ) or ".." in path_part.split("/"):
        raise AuthoringError(
            [f"Source path {path_part!r} must be a relative path inside sandbox_apps/."]
        )
    root = SANDBOX_ROOT.resolve()
    target = (root / path_part).resolve()
    if not target.is_relative_to(root):
        raise AuthoringError([f"Source path {path_part!r} is outside sandbox_apps/."])
    if not target.is_file():
        raise AuthoringError([f"Source file sandbox_apps/{path_part} does not exist."])
    if target.suffix not in SOURCE_LEXERS:
        raise AuthoringError(
            [
                f"Source file sandbox_apps/{path_part} is not a kind of file lessons show."
            ]
        )
    text = target.read_text(encoding="utf-8")
    lexer = SOURCE_LEXERS[target.suffix]
    relative = target.relative_to(root).as_posix()
    if not symbol:
        code = text.rstrip("\n")
        return SourceExcerpt(relative, "", 1, code.count("\n") + 1, code, lexer)
    if target.suffix != ".py":
        raise AuthoringError(
            [f"Only Python files can be cut to one function or class ({spec!r})."]
        )
    first, last = _find_symbol(text, symbol, relative)
    lines = text.splitlines()[first - 1 : last]
    return SourceExcerpt(relative, symbol, first, last, "\n".join(lines), lexer)


# --- The custom blocks --------------------------------------------------------


@dataclass
class _Slots:
    """What the custom blocks found during one conversion."""

    token: str
    problems: list[str] = field(default_factory=list)
    filled: dict[str, str] = field(default_factory=dict)
    demos: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    demo_keys: set[str] = field(default_factory=set)
    notes: int = 0

    def add(self, element: etree.Element) -> str:
        key = f"{self.token}-{len(self.filled)}"
        self.filled[key] = ""
        element.set("data-cw-slot", key)
        return key


class _SlotBlock(Block):
    """A block whose HTML is built after sanitizing, in place of a marker div."""

    ARGUMENT = True

    def on_markdown(self) -> str:
        return "raw"

    def on_create(self, parent: etree.Element) -> etree.Element:
        element = etree.SubElement(parent, "div")
        self.key = self.config["slots"].add(element)
        return element

    def on_end(self, block: etree.Element) -> None:
        body = (block.text or "").strip()
        block.text = None
        slots: _Slots = self.config["slots"]
        try:
            slots.filled[self.key] = self.fill(self.argument.strip(), body, slots)
        except AuthoringError as error:
            slots.problems.extend(error.problems)

    def fill(self, argument: str, body: str, slots: _Slots) -> str:  # pragma: no cover
        raise NotImplementedError


class DemoBlock(_SlotBlock):
    """``/// demo | ninja-gold`` embeds a sandbox app; the body is the "try it" prompt."""

    NAME = "demo"

    def on_create(self, parent: etree.Element) -> etree.Element:
        element = super().on_create(parent)
        self.config["slots"].demo_keys.add(self.key)
        return element

    def fill(self, argument: str, body: str, slots: _Slots) -> str:
        demo = get_demo(argument)
        if demo is None:
            raise AuthoringError([f"Unknown demo {argument!r}."])
        slots.demos.append(demo.slug)
        context = {
            "demo": demo,
            "index": len(slots.demos),
            # Sanitized by render_prompt before it is marked safe.
            "prompt": mark_safe(render_prompt(body)) if body else "",
        }
        return render_to_string("sandbox_apps/_placeholder.html", context)


class SourceBlock(_SlotBlock):
    """``/// source | ninja_gold/views.py:process_money`` shows the real code."""

    NAME = "source"

    def fill(self, argument: str, body: str, slots: _Slots) -> str:
        if body:
            raise AuthoringError(
                [
                    f"The source block for {argument!r} must be empty; write the explanation around it."
                ]
            )
        excerpt = resolve_source(argument)
        slots.sources.append(argument)
        return render_source(excerpt)


def render_source(excerpt: SourceExcerpt, highlight_lines: tuple[int, ...] = ()) -> str:
    """Highlighted code with a caption naming the file and lines.

    ``highlight_lines`` are line numbers in the file to mark (the inspector
    marks the matched line of a urls.py, or the line that raised).
    """
    marked = [
        line - excerpt.first_line + 1
        for line in highlight_lines
        if excerpt.first_line <= line <= excerpt.last_line
    ]
    formatter = HtmlFormatter(
        cssclass="highlight",
        linenos="inline",
        linenostart=excerpt.first_line,
        wrapcode=True,
        hl_lines=marked,
    )
    code = highlight(excerpt.code, get_lexer_by_name(excerpt.lexer), formatter)
    name = f"sandbox_apps/{excerpt.path}"
    what = f"<code>{escape(excerpt.symbol)}</code> in " if excerpt.symbol else ""
    lines = f"lines {excerpt.first_line}–{excerpt.last_line}"
    return (
        f'<figure class="source" data-source="{escape(excerpt.path)}">'
        f'<figcaption>{what}<code class="source-path">{escape(name)}</code>, {lines}</figcaption>'
        f"{code}</figure>"
    )


class NotesBlock(Block):
    """``/// notes`` holds speaker notes: Markdown shown only in the speaker view.

    The block becomes a marker div carrying this conversion's token; after
    sanitizing, ``split_slides`` moves its content to the slide it belongs to
    and removes it from the reader's page.
    """

    NAME = "notes"
    ARGUMENT = False

    def on_markdown(self) -> str:
        return "block"

    def on_create(self, parent: etree.Element) -> etree.Element:
        slots: _Slots = self.config["slots"]
        slots.notes += 1
        return etree.SubElement(parent, "div", {"data-cw-notes": slots.token})


class _CoursewareBlocks(BlocksExtension):
    def __init__(self, slots: _Slots):
        super().__init__()
        self.slots = slots

    def extendMarkdownBlocks(self, md, block_mgr):
        block_mgr.register(DemoBlock, {"slots": self.slots})
        block_mgr.register(SourceBlock, {"slots": self.slots})
        block_mgr.register(NotesBlock, {"slots": self.slots})


# --- Conversion ----------------------------------------------------------------


def _make_markdown(slots: _Slots) -> markdown.Markdown:
    return markdown.Markdown(
        output_format="html",
        extensions=[
            "tables",
            "toc",
            "footnotes",
            "def_list",
            "abbr",
            "attr_list",
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
            "pymdownx.blocks.admonition",
            "pymdownx.blocks.details",
            "pymdownx.blocks.tab",
            "pymdownx.tasklist",
            "pymdownx.smartsymbols",
            _CoursewareBlocks(slots),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {
                "permalink": "#",
                "permalink_class": "headerlink",
                "permalink_title": "Link to this section",
                "toc_depth": "2-3",
            },
            "pymdownx.highlight": {
                "use_pygments": True,
                "guess_lang": False,
                "css_class": "highlight",
                "pygments_lang_class": True,
            },
            "pymdownx.blocks.admonition": {
                "types": ["note", "tip", "warning", "danger", "example"]
            },
            "pymdownx.blocks.tab": {"alternate_style": True},
            "pymdownx.tasklist": {"custom_checkbox": False},
        },
    )


def _render_in_process(text: str) -> Rendered:
    slots = _Slots(token=secrets.token_hex(8))
    md = _make_markdown(slots)
    converted = md.convert(text)
    problems = list(slots.problems)
    if re.search(r"<h1[\s>]", converted):
        problems.append(
            "Use ## for sections: the lesson title is the page's only top-level heading."
        )
    if problems:
        raise AuthoringError(problems)
    clean = sanitize(converted)
    reader_html, pieces = split_slides(clean, slots.token, demo_keys=slots.demo_keys)

    def fill(match: re.Match[str]) -> str:
        # Only markers made in this conversion carry the token; anything an
        # author typed to look like one becomes nothing.
        return slots.filled.get(match.group(1), "")

    def finish(part: str) -> str:
        part = re.sub(r'<div data-cw-slot="([0-9a-f]+-[0-9]+)"></div>', fill, part)
        # A notes marker an author typed (not this conversion's) is just a div.
        part = re.sub(r' data-cw-notes="[^"]*"', "", part)
        # Long lines scroll sideways; keyboard users need to be able to focus
        # the block to scroll it.
        return part.replace("<pre>", '<pre tabindex="0">')

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
        demos=tuple(slots.demos),
        sources=tuple(slots.sources),
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


def _find_symbol(text: str, symbol: str, path: str) -> tuple[int, int]:
    """First and last line of a (possibly dotted) def or class, decorators included."""
    nodes: list[ast.stmt] = ast.parse(text).body
    found = None
    for part in symbol.split("."):
        found = next(
            (
                node
                for node in nodes
                if isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                )
                and node.name == part
            ),
            None,
        )
        if found is None:
            raise AuthoringError(
                [f"sandbox_apps/{path} has no function or class {symbol!r}."]
            )
        nodes = found.body
    assert found is not None and found.end_lineno is not None
    first = min(
        [found.lineno, *(decorator.lineno for decorator in found.decorator_list)]
    )
    return first, found.end_lineno


# --- Slides ------------------------------------------------------------------------

# Elements that never have an end tag, as nh3 writes them.
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}


@dataclass
class _Piece:
    title: str = ""
    html: str = ""
    notes_html: str = ""


class _SlideCutter(HTMLParser):
    """Finds, in sanitized HTML, where slides start and where notes are.

    nh3's output is well formed (every element closed, attributes quoted),
    so counting start and end tags gives each element's depth; only
    top-level ``h2`` and ``hr`` elements cut, so a heading inside a tab or an
    admonition stays where it is.
    """

    def __init__(self, text: str, token: str, demo_keys: set[str]):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.token = token
        self.demo_keys = demo_keys
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
            and attributes.get("data-cw-slot") in self.demo_keys
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
    clean: str, token: str, *, demo_keys: set[str] | None = None
) -> tuple[str, list[_Piece]]:
    """The reader's HTML without notes, and the slides with their notes.

    ``clean`` is sanitized HTML in which this conversion's notes blocks are
    ``<div data-cw-notes="token">`` markers. An empty slide is dropped (two
    cuts in a row); notes on it go to the slide before.
    """
    cutter = _SlideCutter(clean, token, demo_keys or set())
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
    pieces: list[_Piece] = []
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
        pieces.append(_Piece(title=title, html=body, notes_html=notes))
    return reader, pieces


# --- Sanitizing ------------------------------------------------------------------

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
    "label", "li", "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "details": {"open"},
    "label": {"for"},
    "input": {"name", "checked", "disabled"},
    "div": {"data-cw-slot", "data-cw-notes"},
}
# Tabs and task lists are the only inputs, and only of these harmless types.
ALLOWED_ATTRIBUTE_VALUES = {"input": {"type": {"radio", "checkbox"}}}


def sanitize(converted: str) -> str:
    """Strip everything not on the allowlist: scripts, on* handlers, styles,
    iframes, hx-* attributes, and URLs other than http(s), mailto and relative."""
    return nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# --- The time limit ----------------------------------------------------------------


def _render_with_time_limit(text: str, timeout: float) -> Rendered:
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_render_in_child, args=(writer, text), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise AuthoringError(
                [
                    f"Rendering took longer than {timeout:g} seconds. Look for deeply nested lists, brackets or quotes."
                ]
            )
        outcome, value = reader.recv()
    except EOFError:
        raise AuthoringError(
            ["Rendering failed: the renderer stopped without an answer."]
        ) from None
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "error":
        raise AuthoringError(value)
    return value


def _render_in_child(writer, text: str) -> None:
    try:
        import resource

        # A runaway conversion should fail here, not push the server into swap.
        # The limit is 1 GiB on top of what the forked process already
        # reserves: a threaded parent (gunicorn threads, a live test server)
        # can reserve more than 1 GiB of address space it never uses.
        with open("/proc/self/statm") as statm:
            reserved = int(statm.read().split()[0]) * resource.getpagesize()
        limit = reserved + 1024 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    try:
        outcome = ("ok", _render_in_process(text))
    except AuthoringError as error:
        outcome = ("error", error.problems)
    except RecursionError:
        outcome = (
            "error",
            [
                "The Markdown is nested too deeply to render (lists, quotes or brackets)."
            ],
        )
    except MemoryError:
        outcome = ("error", ["Rendering needed too much memory."])
    except Exception as error:  # noqa: BLE001 - every failure becomes a message for the author
        outcome = ("error", [f"Rendering failed: {type(error).__name__}: {error}"])
    writer.send(outcome)
    writer.close()


# Import every extension once here, in the parent: a child forked while
# another thread holds the import lock would otherwise wait forever.
_make_markdown(_Slots(token="warmup")).convert("warm *up*")


def _scoped_style(style: str, scope: str) -> str:
    """Token and background colours under ``scope`` only.

    Pygments' full get_style_defs() also emits unscoped line-number rules,
    so the dark theme's would paint over the light one; the site styles
    line numbers itself (.highlight .linenos in site.css).
    """
    formatter = HtmlFormatter(style=style)
    return "\n".join(
        [
            *formatter.get_background_style_defs(scope),
            *formatter.get_token_style_defs(scope),
        ]
    )


LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"


def pygments_css() -> str:
    """The stylesheet for highlighted code in both themes (static/css/pygments.css).

    Dark applies when the reader chose it, or when the system prefers it and
    the reader did not choose light, so it also works with JavaScript off.
    """
    light = _scoped_style(LIGHT_STYLE, ".highlight")
    chosen = _scoped_style(DARK_STYLE, ":root[data-theme='dark'] .highlight")
    system = _scoped_style(DARK_STYLE, ":root:not([data-theme='light']) .highlight")
    return (
        "/* Generated by lessons.rendering.pygments_css(); regenerate with manage.py pygments_css. */\n"
        f"{light}\n{chosen}\n@media (prefers-color-scheme: dark) {{\n{system}\n}}\n"
    )
