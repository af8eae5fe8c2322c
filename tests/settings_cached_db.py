"""The project's settings with cached_db sessions, as REDIS_URL would choose.

Used by tests/test_session_write_lock.py to run a real server whose
sessions are read from a cache. The local-memory cache is per process, so
that server runs one process (with threads), like one app server with Redis.
"""

from courseware.settings import *  # noqa: F403

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
