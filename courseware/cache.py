"""A Redis cache that is only ever a cache.

Redis speeds the site up; it must never take it down. Django's own
``RedisCache`` raises when Redis is stopped, and waits as long as the
socket does when Redis hangs, so every page that touches the cache would
answer 500, or answer late. This backend catches Redis' errors instead:

- each call gives up after the short socket timeouts set in settings.py;
- after one failure the process stops asking Redis for a few seconds (a
  circuit breaker), so a hung Redis costs one slow call per worker per
  pause, not one per request;
- meanwhile reads and writes go to this process' own memory, which keeps
  caching what it can (lesson pages, the course stamp) until Redis is back.

Nothing stored only in a cache may matter for correctness: sessions and
everything else a visitor owns live in the database (see settings.py).
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a worker leaves Redis alone after it failed, in seconds.
DEFAULT_PAUSE = 5.0


class FallbackRedisCache(RedisCache):
    """``RedisCache`` that falls back to process memory while Redis is unwell."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        self.pause = float(options.pop("fallback_pause", DEFAULT_PAUSE))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.local = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": self.key_prefix},
        )
        self.down_until = 0.0

    @property
    def redis_is_paused(self) -> bool:
        return time.monotonic() < self.down_until

    def _call(self, name, *args, **kwargs):
        if not self.redis_is_paused:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self.down_until = time.monotonic() + self.pause
                logger.warning(
                    "Redis failed (%s: %s); using process memory for %.0f s.",
                    type(error).__name__,
                    error,
                    self.pause,
                )
        return getattr(self.local, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self.local.clear()
        return self._call("clear")

    def ping(self) -> bool:
        """Whether Redis answers now (for the readiness check); never raises."""
        try:
            client = self._cache.get_client(write=False)
            return bool(client.ping())
        except (RedisError, OSError):
            self.down_until = time.monotonic() + self.pause
            return False
