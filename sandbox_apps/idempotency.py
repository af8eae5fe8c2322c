"""A click sent twice is applied once.

When an app server dies, or a deploy restarts it, while a demo's POST is in
flight, the visitor cannot know whether the move was applied: the server
may have saved it and died before answering. The demo then offers to try
again (static/js/retry.js), and that retry must not apply the move a
second time.

So every POST a demo sends carries an ``Idempotency-Key`` header, a random
value new for each click. When a POST to a demo that keeps its state in the
session succeeds (Post/Redirect/Get: a redirect), its key (a digest of it)
is written into the same session, in the same save as the move itself, so
the two are stored together or not at all. A POST whose key is already
there is not run again: it gets the same redirect, to the board as it now
is.

Only session-state demos need this: their POSTs run one at a time per
session (sandbox_apps/middleware.py), so the check and the record cannot
interleave. Database demos refuse a repeated address or user by their own
rules. A POST without a key (no JavaScript) is handled as always.
"""

import base64
import hashlib
import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .registry import demo_for_path

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Where applied keys are kept: a session entry no app uses, never shown by
# the inspector (it shows only the demo's own key).
SESSION_KEY = "_applied_clicks"
# Enough for any retry to find its click, old keys dropping off. A retry is
# offered the moment a click's answer is lost (static/js/retry.js), and it
# finds its click as long as fewer than KEEP others were applied in that
# session meanwhile: a whole Ninja Gold game is 15 moves. Each line is
# signed, stored and read back with every click of the session, so more
# lines cost every click: 50 of them were a third of a demo session.
KEEP = 20


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


# The applied clicks are stored as one text, a line per click, oldest first:
# "<id> <location>", or just "<id>" when the click was redirected where the
# line before it was. Every demo click reads and writes the whole session,
# and signing, encoding and decoding it cost in proportion to its length:
# 50 full keys (as kept then), each with the same location, were three
# quarters of a demo session and a tenth of a click's work. So a line
# keeps a digest of its key (``click_id``: 17 characters, 96 bits, where a
# demo's key has 32) and a location only where it changes. A click looks
# its line up and adds one with string searches, without taking the text
# apart into lines and joining them again. Neither an id nor a key holds a
# space (KEY_SHAPE), and a Location header never holds a space or a line
# break. Lines an earlier release wrote ("<key> <location>") are still
# found by their key.


def click_id(key: str) -> str:
    """What a line stores of a click's key: a digest, whatever its length.

    It starts with "~", which no key holds (KEY_SHAPE). Old lines are
    looked up by the key itself, and a key may be as short as a digest:
    without the mark, a key that spelled another click's id would be taken
    for a repeat of that click.
    """
    digest = hashlib.blake2b(key.encode(), digest_size=12).digest()
    return "~" + base64.urlsafe_b64encode(digest).decode()


def applied_location(stored, key: str) -> str | None:
    """Where the click with ``key`` was redirected, or None if it was not applied."""
    if isinstance(stored, dict):
        return stored.get(key)
    if not isinstance(stored, str):
        return None
    # Line breaks at both ends: every line, the first and the last too,
    # starts after a "\n" and ends before a space or a "\n".
    text = f"\n{stored}\n"
    for name in (click_id(key), key):
        start = text.find(f"\n{name} ")
        if start >= 0:
            return _location_after(text, start + len(name) + 2)
        start = text.find(f"\n{name}\n")
        if start >= 0:
            # Redirected where the nearest line above with a location says
            # (the first line always has one).
            space = text.rfind(" ", 0, start)
            return _location_after(text, space + 1) if space >= 0 else None
    return None


def with_click(stored, key: str, location: str) -> str:
    """The stored text with this click's line added, keeping the latest KEEP lines."""
    if isinstance(stored, dict):
        stored = "\n".join(f"{old} {where}" for old, where in stored.items())
    elif not isinstance(stored, str):
        stored = ""
    line = click_id(key)
    if not stored or _last_location(stored) != location:
        line = f"{line} {location}"
    text = f"{stored}\n{line}" if stored else line
    lines = text.count("\n") + 1
    if lines > KEEP:
        # The part after the first (lines - KEEP) line breaks: the newest KEEP.
        *dropped, text = text.split("\n", lines - KEEP)
        first = text.split("\n", 1)[0]
        if " " not in first:
            # Its location was on a line now dropped: it moves down.
            location = _last_location("\n".join(dropped))
            text = f"{first} {location}{text[len(first) :]}"
    return text


def _last_location(text: str) -> str:
    """The location of the last line: its own, or the nearest one above it."""
    return _location_after(text, text.rfind(" ") + 1)


def _location_after(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]
