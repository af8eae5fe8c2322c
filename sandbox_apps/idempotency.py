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
            applied = request.applied_clicks
            applied[key] = response["Location"]
            while len(applied) > KEEP:
                del applied[next(iter(applied))]
            request.session[SESSION_KEY] = as_stored(applied)
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs):
        key = self.key(request)
        if key is None:
            return None
        applied = applied_clicks(request.session)
        location = applied.get(key)
        if location is not None:
            return HttpResponseRedirect(location)
        # Checked again when the answer leaves, to record the key.
        request.idempotency_key = key
        request.applied_clicks = applied
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
# encoding and decoding; one string is encoded in one go. A key never
# holds a space (KEY_SHAPE) and a Location header never holds a line break.


def applied_clicks(session) -> dict[str, str]:
    """The keys of the clicks applied, each with the redirect it got, oldest first."""
    stored = session.get(SESSION_KEY)
    if isinstance(stored, str):
        return dict(line.split(" ", 1) for line in stored.split("\n") if " " in line)
    if isinstance(stored, dict):
        # How sessions saved before this format kept them.
        return dict(stored)
    return {}


def as_stored(applied: dict[str, str]) -> str:
    return "\n".join(f"{key} {location}" for key, location in applied.items())
