"""Where in the sandbox apps' code each step of a hop is written.

A hop names its view, URL pattern and templates as ``sandbox_apps.sources``
specs ("ninja_gold/views.py:index", a urls.py and a line), so the panel can
link to the code the way a lesson's ``source`` block shows it. Anything
outside sandbox_apps/ gets no spec and no link.
"""

from __future__ import annotations

import ast
import functools
import inspect
from pathlib import Path

from sandbox_apps.registry import SANDBOX_ROOT


@functools.lru_cache(maxsize=1024)
def relative_path(filename: str | None) -> str:
    """``filename`` relative to sandbox_apps/, or "" when it lies outside."""
    if not filename:
        return ""
    try:
        path = Path(filename).resolve()
        root = SANDBOX_ROOT.resolve()
    except (OSError, ValueError):
        return ""
    if not path.is_relative_to(root):
        return ""
    return path.relative_to(root).as_posix()


def view_spec(func) -> str:
    """A ``source`` spec for a view ("app/views.py:name"), or "" if it is not sandbox code."""
    func = getattr(func, "view_class", func)
    func = inspect.unwrap(func)
    try:
        path = relative_path(inspect.getsourcefile(func))
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


def view_path(func) -> str:
    """The view as module.name, the way a reader would import it."""
    func = inspect.unwrap(getattr(func, "view_class", func))
    module = getattr(func, "__module__", "") or ""
    name = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}.{name}" if module else name


def url_line(urls_file: str | None, route: str, url_name: str | None) -> dict | None:
    """Where in the app's urls.py the matched pattern is written.

    ``route`` is the pattern as the app wrote it ("add/", "ninjas/<str:color>/").
    Found by reading the file: a URL pattern object does not know its line.
    """
    path = relative_path(urls_file)
    if not path:
        return None
    try:
        version = (SANDBOX_ROOT / path).stat().st_mtime_ns
    except OSError:
        return None
    calls = _url_calls(path, version)
    for wanted in (
        lambda call: call[0] == route,
        lambda call: url_name and call[1] == url_name,
    ):
        for call in calls:
            if wanted(call):
                return {"spec": path, "line": call[2], "code": call[3]}
    return None


@functools.lru_cache(maxsize=64)
def _url_calls(
    path: str, version: int
) -> tuple[tuple[str | None, str | None, int, str], ...]:
    """Every path()/re_path() call in a urls.py: (route, name, line, source)."""
    text = (SANDBOX_ROOT / path).read_text(encoding="utf-8")
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
