"""The trace of each request the learner's app answers: the inspector's hop.

``TraceMiddleware`` goes last in the learner's middleware (the runtime adds
it; the learner's settings do not change), so it sees the session before
and after the view, and records the view's queries and templates with the
inspector's own recording code. Each finished hop goes to whoever is
listening: the preview's request, or the check that is running.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from time import perf_counter

from . import recorder as inspector

# Session keys Django and the runtime keep for themselves: not the learner's data.
PRIVATE_PREFIX = "_"

_listeners: list[list[dict]] = []
_root: Path | None = None


def set_root(root: Path) -> None:
    global _root
    _root = root.resolve()


class listening:
    """Collect every hop finished while this block runs."""

    def __enter__(self) -> list[dict]:
        self.hops: list[dict] = []
        _listeners.append(self.hops)
        return self.hops

    def __exit__(self, *exc) -> None:
        _listeners.remove(self.hops)


class TraceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        inspector.install_template_hook()

    def __call__(self, request):
        if not _listeners:
            return self.get_response(request)
        request._exercise_view_called = False
        request._exercise_exception = None
        session = getattr(request, "session", None)
        before_key = session.session_key if session is not None else None
        before = learner_session(session)
        recorder = inspector.Recorder()
        started = perf_counter()
        with inspector.recording(recorder):
            response = self.get_response(request)
        elapsed = perf_counter() - started
        hop = build_hop(request, response, recorder, session, before, before_key)
        hop["ms"] = round(elapsed * 1000, 1)
        for hops in _listeners:
            hops.append(hop)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Last in line: reaching here means no middleware (CSRF) refused first.
        request._exercise_view_called = True

    def process_exception(self, request, exception):
        request._exercise_exception = exception
        return None


def learner_session(session) -> dict:
    if session is None:
        return {}
    return inspector.snapshot(
        {
            key: value
            for key, value in session.items()
            if not key.startswith(PRIVATE_PREFIX)
        }
    )


def build_hop(request, response, recorder, session, before, before_key) -> dict:
    from .checking import describe_error

    masked_values = {before_key, request.META.get("CSRF_COOKIE")}
    if session is not None:
        masked_values.add(session.session_key)
    masked_values |= inspector.secret_form_values(request)
    masked = frozenset(v for v in masked_values if isinstance(v, str) and v)

    status = response.status_code
    hop = {
        "method": request.method,
        "path": inspector.shorten(request.get_full_path(), 100),
        "status": status,
        "reason": response.reason_phrase,
        "location": response.get("Location", "") if 300 <= status < 400 else "",
        "route": "",
        "url_name": "",
        "arguments": [],
        "view": "",
        "view_file": "",
        "view_called": bool(getattr(request, "_exercise_view_called", False)),
        "data": inspector.form_data(request, masked),
        "queries": inspector.describe_queries(recorder, masked, ("django_session",)),
        "query_count": recorder.query_count,
        "templates": [
            {key: template[key] for key in ("name", "how", "by", "keys")}
            for template in recorder.templates
        ],
        "session": None,
        "error": None,
        "ms": 0.0,
    }
    match = getattr(request, "resolver_match", None)
    if match is not None:
        func = match.func
        captured = (
            match.captured_kwargs if match.captured_kwargs is not None else match.kwargs
        )
        hop.update(
            route=str(match.route),
            url_name=match.view_name or "",
            arguments=[
                {
                    "name": str(name),
                    "text": inspector.shorten(repr(value)),
                    "type": type(value).__name__,
                }
                for name, value in [*enumerate(match.args), *captured.items()]
            ],
            view=f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', getattr(func, '__name__', ''))}",
            # The decorators (@require_POST) wrap the view; the file is the view's own.
            view_file=_project_file(getattr(inspect.unwrap(func), "__code__", None)),
        )
    if session is not None:
        after = learner_session(session)
        hop["session"] = {
            "changes": inspector.session_changes(before, after),
            "rotated": bool(
                before_key and session.session_key and before_key != session.session_key
            ),
        }
    exception = getattr(request, "_exercise_exception", None)
    if exception is not None and _root is not None:
        hop["error"] = describe_error(exception, _root)
    return hop


def _project_file(code) -> str:
    if code is None or _root is None:
        return ""
    path = Path(code.co_filename).resolve()
    return path.relative_to(_root).as_posix() if path.is_relative_to(_root) else ""


# What may differ between two runs of the same correct code: timings, and the
# values Ninja Gold draws at random. Everything else is a real difference.
IGNORED = {"ms", "queries", "data"}


def first_difference(mine: list[dict], reference: list[dict]) -> dict | None:
    """Where the learner's requests first went another way than the solution's.

    Compares hop by hop: whether a request was made at all, then its status,
    redirect target, route, view, templates and which session keys changed.
    """
    for index, expected in enumerate(reference):
        if index >= len(mine):
            return _difference(index, "request", "(no request)", expected["path"])
        hop = mine[index]
        for field in ("method", "path", "status", "location", "route", "view"):
            if hop.get(field) != expected.get(field):
                return _difference(index, field, hop.get(field), expected.get(field))
        names = [template["name"] for template in hop.get("templates", [])]
        wanted = [template["name"] for template in expected.get("templates", [])]
        if names != wanted:
            return _difference(index, "templates", names, wanted)
        if _changed_keys(hop) != _changed_keys(expected):
            return _difference(
                index, "session", _changed_keys(hop), _changed_keys(expected)
            )
    return None


def _changed_keys(hop: dict) -> list[str]:
    session = hop.get("session") or {}
    return sorted(
        f"{change['kind']} {change['name']}" for change in session.get("changes", [])
    )


def _difference(index: int, field: str, mine, reference) -> dict:
    return {
        "hop": index,
        "field": field,
        "mine": _text(mine),
        "reference": _text(reference),
    }


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return "" if value is None else str(value)
