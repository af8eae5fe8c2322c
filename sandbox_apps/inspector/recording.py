"""Collecting what one sandbox request did, and hiding what must never show.

A ``Recorder`` is active only while a sandbox view runs (a context variable,
so concurrent requests in threads or tasks never see each other's). While it
is active it receives every SQL statement (``connection.execute_wrapper``)
and every template render (a hook on Django's ``Template._render``, which
returns at once when no recorder is active).

Everything a hop keeps is plain data (strings, numbers, lists, dicts): a
redirect's hop waits in the cache for the request that follows it.
"""

from __future__ import annotations

import copy
import functools
import json
import linecache
import re
import threading
import traceback
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from pathlib import Path
from time import perf_counter

import django
from django.db import connections
from django.template.loader_tags import ExtendsNode

from sandbox_apps.registry import SANDBOX_ROOT

# How much of a request a hop keeps: enough to teach, never a memory problem.
MAX_QUERIES = 50
MAX_SQL_CHARS = 2000
MAX_VALUE_CHARS = 80
MAX_FIELDS = 40
MAX_TEMPLATES = 30

# Django's own templates (form widgets and the like) are counted, not listed.
DJANGO_ROOT = Path(django.__file__).resolve().parent

# Form fields whose values never show: anything that looks like a password,
# the CSRF token, and other obvious secrets.
SECRET_FIELD = re.compile(r"pass(word|wd)|secret|csrf|token", re.IGNORECASE)
# A value Django's password hashers made ("argon2$argon2id$v=19$..."): it is
# not the password, but it is none of the panel's business either.
PASSWORD_HASH = re.compile(
    r"^(argon2|pbkdf2_sha256|pbkdf2_sha1|scrypt|bcrypt_sha256|bcrypt|sha1|md5|crypt|unsalted_\w+)\$"
)

_active: ContextVar[Recorder | None] = ContextVar(
    "courseware_inspector_recorder", default=None
)
_hook_lock = threading.Lock()


def shorten(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_secret_field(name: str) -> bool:
    return bool(SECRET_FIELD.search(name))


class Recorder:
    """What one request ran: its SQL and its templates, in order."""

    def __init__(self):
        self.queries: list[tuple[str, object, bool, float]] = []
        self.query_count = 0
        self.query_seconds = 0.0
        self.templates: list[dict] = []
        self.builtin_templates = 0
        self._stack: list[tuple[str, bool]] = []
        # Set when the view raised: what renders next is Django's error page.
        self.stopped = False

    # --- SQL ---------------------------------------------------------------

    def execute(self, execute, sql, params, many, context):
        if self.stopped:
            return execute(sql, params, many, context)
        start = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = perf_counter() - start
            self.query_count += 1
            self.query_seconds += elapsed
            if len(self.queries) < MAX_QUERIES:
                self.queries.append((sql, params, many, elapsed))

    # --- Templates -----------------------------------------------------------

    def render_template(self, template, context, render):
        origin = getattr(template, "origin", None)
        filename = getattr(origin, "name", None)
        if isinstance(filename, str) and _is_django_template(filename):
            self.builtin_templates += 1
            return render(template, context)
        name = (
            template.name
            or getattr(origin, "template_name", None)
            or "(a template made from a string)"
        )
        if not self._stack:
            how, keys = "rendered", view_context_keys(context)
        elif self._stack[-1][1]:
            # A template that extends another renders nothing itself but its
            # parent; its blocks run later, inside the parent's render.
            how, keys = "extended", []
        else:
            how, keys = "included", []
        if self.stopped:
            return render(template, context)
        if len(self.templates) < MAX_TEMPLATES:
            self.templates.append(
                {
                    "name": str(name),
                    "how": how,
                    "by": self._stack[-1][0] if how == "extended" else "",
                    "keys": keys,
                    "file": filename if isinstance(filename, str) else "",
                }
            )
        extends = any(isinstance(node, ExtendsNode) for node in template.nodelist)
        self._stack.append((str(name), extends))
        try:
            return render(template, context)
        finally:
            self._stack.pop()


def view_context_keys(context) -> list[str]:
    """The names the view passed to the template, without the context processors' ones."""
    dicts = context.dicts
    if hasattr(context, "_processors_index"):
        # RequestContext: builtins, then the processors' dict, then the view's.
        passed = dicts[context._processors_index + 1 :]
    else:
        passed = dicts[1:]
    keys: list[str] = []
    for layer in passed:
        for key in layer:
            if isinstance(key, str) and key not in keys:
                keys.append(key)
    return keys


def install_template_hook() -> None:
    """Let an active Recorder see every template render, once per process.

    Wraps whatever ``Template._render`` is at the time: Django's own, or the
    test runner's instrumented one (which the test client relies on).
    """
    from django.template.base import Template

    with _hook_lock:
        inner = Template._render
        if getattr(inner, "courseware_inspector", False):
            return

        def _render(self, context):
            recorder = _active.get()
            if recorder is None:
                return inner(self, context)
            return recorder.render_template(self, context, inner)

        _render.courseware_inspector = True
        Template._render = _render


@contextmanager
def recording(recorder: Recorder):
    """Make ``recorder`` see this request's SQL and templates, and nothing after."""
    token = _active.set(recorder)
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(
                    connections[alias].execute_wrapper(recorder.execute)
                )
            yield recorder
    finally:
        _active.reset(token)


# --- Turning what was recorded into plain, safe data -----------------------


def describe_value(value, secrets: frozenset[str]) -> dict:
    """One SQL parameter or form value, masked if it is a secret."""
    if isinstance(value, str) and (value in secrets or PASSWORD_HASH.match(value)):
        return {"masked": True, "text": ""}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"masked": False, "text": f"<{len(value)} bytes>"}
    if isinstance(value, str):
        return {"masked": False, "text": shorten(repr(value))}
    return {
        "masked": False,
        "text": shorten(
            repr(value) if not hasattr(value, "isoformat") else value.isoformat()
        ),
    }


def describe_queries(
    recorder: Recorder, secrets: frozenset[str], hidden_tables: tuple[str, ...]
) -> list[dict]:
    queries = []
    for sql, params, many, elapsed in recorder.queries:
        sql = str(sql)
        # Statements on the session table carry the session key and every
        # app's session data (the sandbox token included): hide all values.
        hide_all = any(table in sql for table in hidden_tables)
        rows = 0
        if many:
            params = list(params or [])
            rows = len(params)
            params = params[0] if params else []
        if isinstance(params, dict):
            values = list(params.values())
        else:
            values = list(params or [])
        described = [
            {"masked": True, "text": ""} if hide_all else describe_value(value, secrets)
            for value in values
        ]
        queries.append(
            {
                "sql": shorten(sql, MAX_SQL_CHARS),
                "params": described,
                "rows": rows,
                "ms": round(elapsed * 1000, 2),
            }
        )
    return queries


def form_data(request, secrets: frozenset[str]) -> list[dict]:
    """The query string and form fields the request carried, secrets masked."""
    entries: list[dict] = []
    sources = [("query", request.GET)]
    if request.method == "POST":
        try:
            sources.append(("form", request.POST))
            files = request.FILES
        except Exception:  # noqa: BLE001 - a body Django refuses to parse is not the panel's problem
            entries.append(
                {
                    "where": "form",
                    "name": "",
                    "masked": False,
                    "text": "(the request body could not be read)",
                }
            )
            files = {}
    else:
        files = {}
    for where, data in sources:
        for name, values in data.lists():
            for value in values:
                if len(entries) >= MAX_FIELDS:
                    return entries
                if is_secret_field(name) or value in secrets:
                    entries.append(
                        {
                            "where": where,
                            "name": shorten(name),
                            "masked": True,
                            "text": "",
                        }
                    )
                else:
                    entries.append(
                        {
                            "where": where,
                            "name": shorten(name),
                            "masked": False,
                            "text": shorten(value),
                        }
                    )
    for name, upload in files.items():
        entries.append(
            {
                "where": "file",
                "name": shorten(name),
                "masked": False,
                "text": f"{shorten(str(upload.name))} ({upload.size} bytes)",
            }
        )
    return entries[:MAX_FIELDS]


def secret_form_values(request) -> set[str]:
    """Values typed into secret fields: they must not show elsewhere either (SQL, session)."""
    found: set[str] = set()
    for data in (request.GET, getattr(request, "_post", None)):
        if data is None:
            continue
        for name, values in data.lists():
            if is_secret_field(name):
                found.update(
                    value for value in values if isinstance(value, str) and value
                )
    return found


# --- The session -------------------------------------------------------------

MISSING = object()


def snapshot(value):
    """A frozen copy of a session value, so later changes to it do not change it."""
    if value is MISSING:
        return MISSING
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return copy.deepcopy(value)


def show(value) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return shorten(text)


def session_changes(before, after) -> list[dict]:
    """Added, changed and removed entries of one app's session value.

    A dict is compared key by key (the usual shape: one dict per app);
    anything else is compared as a whole.
    """
    if before is MISSING and after is MISSING:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key, value in after.items():
            if key not in before:
                changes.append(
                    {
                        "kind": "added",
                        "name": str(key),
                        "before": "",
                        "after": show(value),
                    }
                )
            elif before[key] != value:
                changes.append(
                    {
                        "kind": "changed",
                        "name": str(key),
                        "before": show(before[key]),
                        "after": show(value),
                    }
                )
        for key, value in before.items():
            if key not in after:
                changes.append(
                    {
                        "kind": "removed",
                        "name": str(key),
                        "before": show(value),
                        "after": "",
                    }
                )
        return changes
    if before is MISSING:
        return [{"kind": "added", "name": "", "before": "", "after": show(after)}]
    if after is MISSING:
        return [{"kind": "removed", "name": "", "before": show(before), "after": ""}]
    if before != after:
        return [
            {
                "kind": "changed",
                "name": "",
                "before": show(before),
                "after": show(after),
            }
        ]
    return []


# --- Errors ----------------------------------------------------------------------


def error_details(exception: BaseException, view_file: str | None = None) -> dict:
    """Where a sandbox view failed: the exception's type and message, the line.

    The line is the last frame inside sandbox_apps/ (the app's own code, not
    Django's), which is where a reader should look; failing that, the last
    frame in the view's own file.
    """
    root = SANDBOX_ROOT.resolve()
    inspector = Path(__file__).resolve().parent
    view_file = str(Path(view_file).resolve()) if view_file else None
    where = None
    for frame, line in traceback.walk_tb(exception.__traceback__):
        filename = frame.f_code.co_filename
        if _is_inside(filename, root) and not _is_inside(filename, inspector):
            path = Path(filename).resolve().relative_to(root).as_posix()
            where = (
                path,
                f"sandbox_apps/{path}",
                line,
                frame.f_code.co_qualname,
                filename,
            )
        elif (
            (where is None or not where[0])
            and view_file
            and str(Path(filename).resolve()) == view_file
        ):
            where = ("", Path(filename).name, line, frame.f_code.co_qualname, filename)
    details = {
        "type": type(exception).__qualname__,
        "message": shorten(str(exception), 300),
        "file": "",
        "shown_file": "",
        "line": 0,
        "function": "",
        "code": "",
    }
    if where:
        path, shown, line, function, filename = where
        details.update(
            file=path,
            shown_file=shown,
            line=line,
            function=function,
            code=shorten(linecache.getline(filename, line).strip()),
        )
    return details


@functools.lru_cache(maxsize=1024)
def _is_django_template(filename: str) -> bool:
    return _is_inside(filename, DJANGO_ROOT)


def _is_inside(filename: str, root: Path) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False
