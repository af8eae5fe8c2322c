"""The course stamp: one short string that changes whenever any lesson does.

Every cached reader page is filed under the stamp it was made with, so
editing, adding or deleting a lesson makes every cached page stale at once
(the outline and the prev/next links of every page may have changed).

The stamp itself is cached for ``STAMP_SECONDS``. Saving a lesson forgets
it (signals.py), so where the cache is shared (Redis) every server sees the
change on its next request; with the per-process cache of the embedded
set-up, other worker processes catch up within ``STAMP_SECONDS``.

The database can be away for a while (a failover, a restart): then the last
stamp this process saw stays in force, so every page cached under it keeps
being served instead of failing, and the database is asked again after
``STAMP_SECONDS``. A worker that starts during the outage (a reload, a
crashed worker replaced) has seen no stamp yet: it takes the last one any
server read, kept in the shared cache without expiry, and serves the pages
the shared cache holds under it. That copy can be older than the database
(Redis restarted from a snapshot), so it is only ever used while the
database cannot answer.
"""

import logging

from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import transaction
from django.db.models import Count, Max

logger = logging.getLogger(__name__)

STAMP_SECONDS = 2
STAMP_KEY = "lessons:course-stamp"
# The last stamp any server read from the database; no expiry.
LAST_KNOWN_KEY = "lessons:course-stamp:last-known"

# The last stamp read from the database by this process.
_last_known: str | None = None


def course_stamp() -> str:
    global _last_known
    stamp = cache.get(STAMP_KEY)
    if stamp is not None:
        _last_known = stamp
        return stamp
    from .models import Lesson

    try:
        found = Lesson.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    except DatabaseError:
        stamp = _last_known or cache.get(LAST_KNOWN_KEY)
        if stamp is None:
            raise
        logger.warning("Database unavailable; serving pages cached at %s", stamp)
    else:
        latest = found["latest"].timestamp() if found["latest"] else 0
        stamp = f"{latest:.6f}-{found['count']}"
        # Written on every read, not only on a change: Redis restarted from
        # a snapshot may have lost it, or hold an older one.
        cache.set(LAST_KNOWN_KEY, stamp, None)
    cache.set(STAMP_KEY, stamp, STAMP_SECONDS)
    _last_known = stamp
    return stamp


def forget_course_stamp(**kwargs) -> None:
    cache.delete(STAMP_KEY)
    # The admin saves inside a transaction: a request in between would read
    # the old rows and cache the old stamp again, so forget it once more
    # when the change is visible to everyone.
    transaction.on_commit(lambda: cache.delete(STAMP_KEY))
