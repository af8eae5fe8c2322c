"""The trace of each request the learner's app answers: the inspector's hop.

``TraceMiddleware`` goes last in the learner's middleware (the runtime adds
it; the learner's settings do not change), so it sees the session before
and after the view, and records the view's queries and templates with the
inspector's own recording code. Each finished hop goes to whoever is
listening: the preview's request, or the check that is running.
"""

from __future__ import annotations

from pathlib import Path

from . import recorder as inspector
from .checking import describe_error

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

    def __call__(self, request):
        if not _listeners:
            return self.get_response(request)
        session = getattr(request, "session", None)
        before = learner_session(session)
        before_key = getattr(session, "session_key", None)
        run = inspector.Recording(session=session, code_root=_root)
        # Until process_view says otherwise: CSRF may refuse before the view.
        run.view_called = False
        request._exercise_recording = run
        # The view's exception never escapes (Django turns it into a 500
        # inside this call); process_exception below hands it to the run.
        with run:
            response = self.get_response(request)
        hop = run.hop(request, response).as_dict()
        hop["view_file"] = hop["view_spec"].split(":")[0]
        hop["session"] = session_diff(session, before, before_key, response)
        hop["error"] = (
            describe_error(run.exception, _root)
            if run.exception is not None and _root is not None
            else None
        )
        for hops in _listeners:
            hops.append(hop)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Last in line: reaching here means no middleware (CSRF) refused first.
        request._exercise_recording.view_called = True

    def process_exception(self, request, exception):
        request._exercise_recording.failed(exception)
        return None


def learner_session(session) -> dict:
    """The learner's session keys (not Django's own "_" ones), frozen as they are now."""
    if session is None:
        return {}
    return inspector.snapshot(
        {
            key: value
            for key, value in session.items()
            if not key.startswith(PRIVATE_PREFIX)
        }
    )


def session_diff(session, before: dict, before_key, response) -> dict | None:
    """The whole session's change, in the inspector's shape (key "": every key).

    A demo keeps all its state under one key; a learner's app may use
    several (gold, moves, log), so every key is compared.
    """
    if session is None:
        return None
    after_key = getattr(session, "session_key", None)
    changes = inspector.session_changes(before, learner_session(session))
    return {
        "key": "",
        "changes": [change._asdict() for change in changes],
        "saved": response.status_code < 500,
        "rotated": bool(before_key and after_key and before_key != after_key),
    }


def first_difference(mine: list[dict], reference: list[dict]) -> dict | None:
    """Where the learner's requests first went another way than the solution's.

    Compares hop by hop: whether a request was made at all, then its status,
    redirect target, route, view, templates and which session keys changed.
    Timings, queries and form data are left out: they differ between two
    runs of the same correct code (Ninja Gold draws its gold at random).
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
