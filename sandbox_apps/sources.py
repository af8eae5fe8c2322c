"""The real code of the sandbox apps, cut out and highlighted.

A lesson's ``source`` block and the inspector's "Open the code" both show
code through this module, so a reader sees it the same way in both and only
files under sandbox_apps/ of the kinds listed in ``LEXERS`` can ever be
shown. Pure: it reads files, never a request or the database.

    excerpt = sources.excerpt("ninja_gold/views.py:process_money")
    html = sources.highlight(excerpt, highlight_lines=(42,))
    html = sources.excerpt_html("ninja_gold/urls.py", (8,))  # "" if not showable

A *spec* is a path relative to sandbox_apps/, optionally followed by
``:Name`` or ``:Class.method`` to cut the file to one function or class
(decorators included).
"""

from __future__ import annotations

import ast
import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from sandbox_apps.registry import SANDBOX_ROOT

# How each kind of file is highlighted. No guessing: a file whose extension
# is not listed here cannot be shown at all.
LEXERS = {
    ".py": "python",
    ".html": "html+django",
    ".css": "css",
    ".js": "javascript",
    ".txt": "text",
}
SPEC_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")


class SourceError(ValueError):
    """A spec that names no code that can be shown; the message says why."""


@dataclass(frozen=True)
class SourceExcerpt:
    path: str  # relative to sandbox_apps/
    symbol: str  # "" for a whole file
    first_line: int
    last_line: int
    code: str
    lexer: str


def excerpt(spec: str) -> SourceExcerpt:
    """The code ``spec`` names, or SourceError saying what is wrong with it."""
    path_part, _, symbol = spec.strip().partition(":")
    symbol = symbol.strip()
    target = _file(path_part.strip())
    root = SANDBOX_ROOT.resolve()
    text = target.read_text(encoding="utf-8")
    lexer = LEXERS[target.suffix]
    relative = target.relative_to(root).as_posix()
    if not symbol:
        code = text.rstrip("\n")
        return SourceExcerpt(relative, "", 1, code.count("\n") + 1, code, lexer)
    if target.suffix != ".py":
        raise SourceError(
            f"Only Python files can be cut to one function or class ({spec!r})."
        )
    first, last = _symbol_lines(text, symbol, relative)
    lines = text.splitlines()[first - 1 : last]
    return SourceExcerpt(relative, symbol, first, last, "\n".join(lines), lexer)


def highlight(excerpt: SourceExcerpt, highlight_lines: tuple[int, ...] = ()) -> str:
    """The excerpt as HTML: a figure with a caption naming the file and lines.

    ``highlight_lines`` are line numbers in the file to mark (the inspector
    marks the matched line of a urls.py, or the line that raised). Every
    value in the result is escaped: it is safe to mark safe.
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
    code = pygments_highlight(excerpt.code, get_lexer_by_name(excerpt.lexer), formatter)
    name = f"sandbox_apps/{excerpt.path}"
    what = f"<code>{html.escape(excerpt.symbol)}</code> in " if excerpt.symbol else ""
    lines = f"lines {excerpt.first_line}–{excerpt.last_line}"
    return (
        f'<figure class="source" data-source="{html.escape(excerpt.path)}">'
        f'<figcaption>{what}<code class="source-path">{html.escape(name)}</code>, {lines}</figcaption>'
        f"{scrollable(code)}</figure>"
    )


def scrollable(markup: str) -> str:
    """Let the keyboard reach every code block in ``markup``.

    Long lines scroll sideways, and a block that cannot take focus cannot be
    scrolled without a mouse.
    """
    return markup.replace("<pre>", '<pre tabindex="0">')


def excerpt_html(spec: str, highlight_lines: tuple[int, ...] = ()) -> str:
    """``highlight(excerpt(spec))``, or "" when ``spec`` names nothing showable.

    Highlighting is slow next to a request, so each result is kept per
    version of the file (its modification time) and made again when it
    changes.
    """
    try:
        version = _file(spec.strip().partition(":")[0].strip()).stat().st_mtime_ns
    except (SourceError, OSError):
        return ""
    return _cached_html(spec, tuple(highlight_lines), version)


@functools.lru_cache(maxsize=256)
def _cached_html(spec: str, highlight_lines: tuple[int, ...], version: int) -> str:
    try:
        return highlight(excerpt(spec), highlight_lines)
    except (SourceError, SyntaxError, OSError, UnicodeDecodeError):
        return ""


def _file(path: str) -> Path:
    """The file ``path`` names under sandbox_apps/, if it is one that may be shown."""
    if not SPEC_PATH.fullmatch(path) or ".." in path.split("/"):
        raise SourceError(
            f"Source path {path!r} must be a relative path inside sandbox_apps/."
        )
    root = SANDBOX_ROOT.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root):
        raise SourceError(f"Source path {path!r} is outside sandbox_apps/.")
    if not target.is_file():
        raise SourceError(f"Source file sandbox_apps/{path} does not exist.")
    if target.suffix not in LEXERS:
        raise SourceError(
            f"Source file sandbox_apps/{path} is not a kind of file lessons show."
        )
    return target


def _symbol_lines(text: str, symbol: str, path: str) -> tuple[int, int]:
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
            raise SourceError(
                f"sandbox_apps/{path} has no function or class {symbol!r}."
            )
        nodes = found.body
    assert found is not None and found.end_lineno is not None
    first = min(
        [found.lineno, *(decorator.lineno for decorator in found.decorator_list)]
    )
    return first, found.end_lineno
