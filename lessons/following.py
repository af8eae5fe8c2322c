"""Counting the class: how many devices follow a presentation right now.

A follower's page makes up a random id once and keeps it in localStorage
(static/js/device.js); every poll sends it in the ``X-Courseware-Device``
header. No cookie, no account, nothing about the person: the id only tells
two screens apart, and its rows go when the session ends (a session that
ends by itself loses them to the nightly ``end_lapsed_classes``).

Followers poll every second, so this must stay cheap for a lecture hall:
the cache remembers which devices were written lately, and each device
costs the database one UPDATE per ``WRITE_EVERY`` (an INSERT the first
time), not one per poll. The presenter's heartbeat counts the rows seen
within ``SEEN_WINDOW``, one indexed COUNT every few seconds.
"""

import re
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from .models import Follower, Presentation

DEVICE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEVICE_HEADER = "HTTP_X_COURSEWARE_DEVICE"
WRITE_EVERY = 10  # seconds
# A device that polled within this long follows "right now". Three write
# intervals, so a slow phone is not dropped; a closed page is gone within it.
SEEN_WINDOW = timedelta(seconds=3 * WRITE_EVERY)
# Anyone can make up device ids, so one session's rows are capped: past
# this the count stops growing, instead of the table.
MAX_DEVICES = 2000


def device_of(request) -> str | None:
    device = request.META.get(DEVICE_HEADER, "")
    return device if DEVICE.fullmatch(device) else None


def note_follower(presentation: Presentation, device: str | None) -> None:
    """Record that ``device`` follows ``presentation`` now (at most every WRITE_EVERY)."""
    if device is None:
        return
    # add() is false while the key exists: this device was written lately.
    if not cache.add(f"cw-follower:{presentation.code}:{device}", 1, WRITE_EVERY):
        return
    now = timezone.now()
    rows = Follower.objects.filter(presentation_id=presentation.pk)
    if rows.filter(device=device).update(seen_at=now):
        return
    if rows.count() >= MAX_DEVICES:
        return
    # Another app server may insert the same device at the same moment.
    Follower.objects.bulk_create(
        [Follower(presentation_id=presentation.pk, device=device, seen_at=now)],
        ignore_conflicts=True,
    )


def follower_count(presentation: Presentation) -> int:
    since = timezone.now() - SEEN_WINDOW
    return Follower.objects.filter(
        presentation_id=presentation.pk, seen_at__gte=since
    ).count()
