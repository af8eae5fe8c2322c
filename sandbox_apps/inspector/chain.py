"""Redirect chains: a POST's hop waits for the GET that follows its redirect.

A click that posts a form answers 302, and the browser asks for the page
the redirect names at once. The panel shows both requests as one chain, so
the POST's hop is kept until that GET arrives, for a few seconds at most.

It is kept in the visitor's own session, under a key no app uses, keyed by
the placeholder that asked, so two demos on one page never take each
other's hops. The POST saves the session anyway (that is where its move
goes), so keeping the hop costs it nothing more than a few hundred bytes in
the same UPDATE; the GET that takes the hop saves the session once more.
The session is in the database, which every worker process and every app
server shares, whichever of them answers the GET.

Saving the session on a GET is safe only because every demo request of one
session runs under that session's lock (sandbox_apps/session_lock.py): no
click can finish between the GET's load and its save and be undone by it.
Losing an entry (a damaged or outdated one) costs only the chain's first
hop, never the click.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from .locations import UrlLine
from .recording import (
    Argument,
    Failure,
    Field,
    Hop,
    Query,
    SessionChange,
    SessionDiff,
    Template,
    Value,
)

logger = logging.getLogger("sandbox_apps.inspector")

# The session entry: {placeholder: {"follow": path, "hops": [...], "at": time}}.
SESSION_KEY = "_inspector_chains"
# Long enough for a browser to follow a redirect on a slow connection;
# short enough that a chain never joins a request made much later.
PENDING_SECONDS = 30
# A redirect to a redirect keeps the chain growing, up to a point.
MAX_HOPS = 5


def _follow_path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pending(session) -> dict:
    """This session's waiting chains that are still fresh, as a new dict."""
    entries = session.get(SESSION_KEY)
    if not isinstance(entries, dict):
        return {}
    oldest = time.time() - PENDING_SECONDS
    return {
        target: entry
        for target, entry in entries.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("at"), int | float)
        and entry["at"] >= oldest
    }


def remember(session, target: str, location: str, hops: list[Hop]) -> None:
    """Keep a redirect's hops until the request for ``location`` arrives.

    ``target`` names the placeholder that asked ("" for a demo's own page).
    SessionMiddleware saves them with the rest of the session.
    """
    pending = _pending(session)
    pending[target] = {
        "follow": _follow_path(location),
        "hops": [hop.as_dict() for hop in hops[-MAX_HOPS:]],
        "at": time.time(),
    }
    session[SESSION_KEY] = pending


def take(session, target: str, full_path: str) -> list[Hop]:
    """The hops that redirected to ``full_path``, removed from the session."""
    if session is None or not session.session_key:
        # No stored session yet: nothing can be waiting in it.
        return []
    entries = session.get(SESSION_KEY)
    if not isinstance(entries, dict) or target not in entries:
        return []
    pending = _pending(session)
    entry = pending.pop(target, None)
    if entry is not None and entry.get("follow") != full_path:
        # Not the request that redirect named: leave the entry for it.
        return []
    if pending:
        session[SESSION_KEY] = pending
    else:
        del session[SESSION_KEY]
    if entry is None:
        return []  # too old: dropped above
    try:
        return [hop_from_dict(hop) for hop in entry.get("hops", [])]
    except (TypeError, KeyError, AttributeError):
        logger.warning("Could not read a redirect's trace from the session")
        return []


def hop_from_dict(data: dict) -> Hop:
    """A Hop again, from ``Hop.as_dict()`` (which is how the session keeps it)."""
    session = data.get("session")
    error = data.get("error")
    return Hop(
        **{
            **data,
            "urls": UrlLine(**data["urls"]) if data.get("urls") else None,
            "arguments": [Argument(**item) for item in data["arguments"]],
            "data": [Field(**item) for item in data["data"]],
            "queries": [
                Query(**{**item, "params": [Value(**v) for v in item["params"]]})
                for item in data["queries"]
            ],
            "templates": [Template(**item) for item in data["templates"]],
            "session": SessionDiff(
                **{
                    **session,
                    "changes": [SessionChange(**c) for c in session["changes"]],
                }
            )
            if session
            else None,
            "error": Failure(**error) if error else None,
        }
    )
