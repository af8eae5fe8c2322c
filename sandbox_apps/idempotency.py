"""A click sent twice is applied once.

When an app server dies, or a deploy restarts it, while a demo's POST is in
flight, the visitor cannot know whether the move was applied: the server
may have saved it and died before answering. The demo then offers to try
again (static/js/retry.js), and that retry must not apply the move a
second time.

So every POST a demo sends carries an ``Idempotency-Key`` header, a random
value new for each click. When a POST to a demo that keeps its state in the
session succeeds (Post/Redirect/Get: a redirect), its key is written into
the same session, in the same save as the move itself, so the two are
stored together or not at all. A POST whose key is already there is not
run again: it gets the same redirect, to the board as it now is.

Only session-state demos need this: their POSTs run one at a time per
session (sandbox_apps/middleware.py), so the check and the record cannot
interleave. Database demos refuse a repeated address or user by their own
rules. A POST without a key (no JavaScript) is handled as always.
"""

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .registry import demo_for_path

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Where applied keys are kept: a session entry no app uses, never shown by
# the inspector (it shows only the demo's own key).
SESSION_KEY = "_applied_clicks"
# Enough for any retry to find its click; old keys drop off.
KEEP = 50


class IdempotencyMiddleware:
    """Answers a repeated demo POST with the redirect the first one got."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "idempotency_key", None)
        if key and response.status_code in (301, 302, 303):
            stored = request.session.get(SESSION_KEY)
            request.session[SESSION_KEY] = with_click(stored, key, response["Location"])
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs):
        key = self.key(request)
        if key is None:
            return None
        location = applied_location(request.session.get(SESSION_KEY), key)
        if location is not None:
            return HttpResponseRedirect(location)
        # Checked again when the answer leaves, to record the key.
        request.idempotency_key = key
        return None

    def key(self, request: HttpRequest) -> str | None:
        if request.method != "POST":
            return None
        key = request.META.get(HEADER, "")
        if not KEY_SHAPE.fullmatch(key):
            return None
        demo = demo_for_path(request.path_info)
        if demo is None or demo.session_key is None:
            return None
        return key


# The applied keys are stored as one text, a line per click, oldest first:
# "<key> <location>". Every demo click reads and writes the whole session,
# and 50 keys as a JSON object (100 strings) made up most of a session's
# encoding and decoding; one string is encoded in one go. A click looks its
# key up and adds its line with string searches, without taking the text
# apart into 50 lines and joining them again. A key never holds a space
# (KEY_SHAPE) and a Location header never holds a line break.


def applied_location(stored, key: str) -> str | None:
    """Where the click with ``key`` was redirected, or None if it was not applied."""
    if isinstance(stored, dict):
        return stored.get(key)
    if not isinstance(stored, str):
        return None
    # A key starts its line and is followed by a space; the "\n" in front
    # finds the first line too, at the same position.
    start = ("\n" + stored).find(f"\n{key} ")
    if start < 0:
        return None
    line = stored[start:].split("\n", 1)[0]
    return line.split(" ", 1)[1]


def with_click(stored, key: str, location: str) -> str:
    """The stored text with this click's line added, keeping the latest KEEP lines."""
    if isinstance(stored, dict):
        stored = "\n".join(f"{old} {where}" for old, where in stored.items())
    elif not isinstance(stored, str):
        stored = ""
    text = f"{stored}\n{key} {location}" if stored else f"{key} {location}"
    lines = text.count("\n") + 1
    if lines > KEEP:
        # The part after the first (lines - KEEP) line breaks: the newest KEEP.
        text = text.split("\n", lines - KEEP)[-1]
    return text
