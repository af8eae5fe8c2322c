"""Redirect chains: a POST's hop waits for the GET that follows its redirect.

A click that posts a form answers 302, and the browser asks for the page
the redirect names at once. The panel shows both requests as one chain, so
the POST's hop is kept until that GET arrives, for a few seconds at most.

It is kept in the cache, never in the visitor's session. Writing to the
session would make Django save the whole session back when the GET ends,
with whatever it read when the GET began: a click that finished in between
would be undone. The cache entry is keyed by the session key and the
placeholder that asked, so two demos on one page, or two visitors, never
take each other's hops. The GET after a redirect may reach another worker
process or server, so the entry lives in the ``shared`` cache: Redis when
``REDIS_URL`` is set, else files on the machine that runs every worker.
Losing an entry costs only the chain's first hop, never the click.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlsplit

from django.core.cache import caches

from .recording import Hop

logger = logging.getLogger("sandbox_apps.inspector")

# Long enough for a browser to follow a redirect on a slow connection;
# short enough that a chain never joins a request made much later.
PENDING_SECONDS = 30
# A redirect to a redirect keeps the chain growing, up to a point.
MAX_HOPS = 5


def _cache_key(session_key: str, target: str) -> str:
    # The session key is a credential: the cache sees only its digest.
    digest = hashlib.sha256(f"{session_key}\0{target}".encode()).hexdigest()
    return f"courseware:inspector:chain:{digest}"


def _follow_path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def remember(session, target: str, location: str, hops: list[Hop]) -> None:
    """Keep a redirect's hops until the request for ``location`` arrives.

    ``target`` names the placeholder that asked ("" for a demo's own page).
    """
    if session.session_key is None:
        # A first visit's session gets its key when it is saved, after this
        # middleware has finished. Save it now, as SessionMiddleware would
        # next, so the request after the redirect can find its chain; an
        # empty session is not saved and has no chain to join.
        if session.is_empty():
            return
        session.save()
    entry = {"follow": _follow_path(location), "hops": hops[-MAX_HOPS:]}
    try:
        caches["shared"].set(
            _cache_key(session.session_key, target), entry, PENDING_SECONDS
        )
    except Exception:  # noqa: BLE001 - a cache that is down costs one hop, never the click
        logger.warning("Could not keep a redirect's trace in the cache", exc_info=True)


def take(session, target: str, full_path: str) -> list[Hop]:
    """The hops that redirected to ``full_path``, removed from the cache.

    The session itself is neither read nor changed: only its key is used.
    """
    if session is None or not session.session_key:
        return []
    key = _cache_key(session.session_key, target)
    try:
        entry = caches["shared"].get(key)
        if not isinstance(entry, dict) or entry.get("follow") != full_path:
            # Not the request that redirect named: leave the entry for it.
            return []
        caches["shared"].delete(key)
    except Exception:  # noqa: BLE001 - a cache that is down, or an entry an older release wrote
        logger.warning(
            "Could not read a redirect's trace from the cache", exc_info=True
        )
        return []
    return [hop for hop in entry.get("hops", []) if isinstance(hop, Hop)]
