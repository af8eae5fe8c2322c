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
            applied = dict(request.session.get(SESSION_KEY, {}))
            applied[key] = response["Location"]
            while len(applied) > KEEP:
                del applied[next(iter(applied))]
            request.session[SESSION_KEY] = applied
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs):
        key = self.key(request)
        if key is None:
            return None
        location = request.session.get(SESSION_KEY, {}).get(key)
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
