"""Where in the code each step of a hop is written.

A hop names its view, URL pattern and templates as specs relative to a
*code root* ("ninja_gold/views.py:index", a urls.py and a line): on the
site the root is sandbox_apps/ and the panel links each spec to
``sandbox_apps.sources``; in an exercise it is the learner's project.
Anything outside the root gets no spec. Pure: only the standard library.
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
from pathlib import Path
from typing import NamedTuple


@functools.lru_cache(maxsize=1024)
def relative_path(filename: str | None, root: Path) -> str:
    """``filename`` relative to ``root``, or "" when it lies outside."""
    if not filename:
        return ""
    try:
        path = Path(filename).resolve()
        root = root.resolve()
    except (OSError, ValueError):
        return ""
    if not path.is_relative_to(root):
        return ""
    return path.relative_to(root).as_posix()


@functools.lru_cache(maxsize=256)
def view_spec(func, root: Path) -> str:
    """A spec for a view ("app/views.py:name"), or "" if it is not under ``root``.

    Kept per view: finding a function's file asks the file system, and a
    view's file does not move while the process runs.
    """
    func = getattr(func, "view_class", func)
    func = inspect.unwrap(func)
    try:
        path = relative_path(inspect.getsourcefile(func), root)
    except TypeError:
        return ""
    qualname = getattr(func, "__qualname__", "")
    if not path or not qualname or "<" in qualname:
        return path
    return f"{path}:{qualname}"


def view_file(func) -> str | None:
    try:
        return inspect.getsourcefile(inspect.unwrap(getattr(func, "view_class", func)))
    except TypeError:
        return None


@functools.lru_cache(maxsize=256)
def view_path(func) -> str:
    """The view as module.name, the way a reader would import it."""
    func = inspect.unwrap(getattr(func, "view_class", func))
    module = getattr(func, "__module__", "") or ""
    name = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}.{name}" if module else name


class UrlLine(NamedTuple):
    """A path() call in a urls.py: the file (a spec), its line and its code."""

    spec: str
    line: int
    code: str


def url_line(
    urls_file: str | None,
    route: str,
    url_name: str | None,
    root: Path,
    watch: bool = True,
) -> UrlLine | None:
    """Where in the app's urls.py the matched pattern is written.

    ``route`` is the whole matched route ("sandbox/ninja-gold/process_money/"):
    the app's own pattern is the longest one it ends with, or else the one
    named ``url_name``. Found by reading the file: a URL pattern object does
    not know its line. With ``watch`` the file is read again when it changes
    (an exercise's learner edits theirs while the process runs); without,
    once per process (the site's own code changes only with a restart).
    """
    path = relative_path(urls_file, root)
    if not path:
        return None
    filename = _joined(root, path)
    version = 0
    if watch:
        try:
            version = os.stat(filename).st_mtime_ns
        except OSError:
            return None
    return _find_url_line(filename, version, path, route, url_name)


@functools.lru_cache(maxsize=256)
def _joined(root: Path, path: str) -> str:
    return str(root / path)


@functools.lru_cache(maxsize=256)
def _find_url_line(
    filename: str, version: int, path: str, route: str, url_name: str | None
) -> UrlLine | None:
    calls = _url_calls(filename, version)
    # The app's pattern follows the prefix its include() was mounted under.
    by_route = [
        call
        for call in calls
        if call[0] and (route == call[0] or route.endswith("/" + call[0]))
    ]
    if by_route:
        found = max(by_route, key=lambda call: len(call[0] or ""))
        return UrlLine(path, found[2], found[3])
    for call in calls:
        if url_name and call[1] == url_name:
            return UrlLine(path, call[2], call[3])
    return None


@functools.lru_cache(maxsize=64)
def _url_calls(
    filename: str, version: int
) -> tuple[tuple[str | None, str | None, int, str], ...]:
    """Every path()/re_path() call in a urls.py: (route, name, line, source)."""
    try:
        text = Path(filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ()
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = (
            node.func.id
            if isinstance(node.func, ast.Name)
            else getattr(node.func, "attr", "")
        )
        if callee not in {"path", "re_path"} or not node.args:
            continue
        route = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
        name = next(
            (
                kw.value.value
                for kw in node.keywords
                if kw.arg == "name" and isinstance(kw.value, ast.Constant)
            ),
            None,
        )
        found.append(
            (route, name, node.lineno, ast.get_source_segment(text, node) or "")
        )
    found.sort(key=lambda call: call[2])
    return tuple(found)
