"""The shared cache on Redis, where Redis being down means a miss, never a 500.

The cache holds nothing that cannot be computed again (the API's throttling counts, the people
suggestions of the access form). With Django's own Redis backend, a stopped Redis turned every API
request into a 500, since throttling reads the cache first. Here a read during an outage finds
nothing and a write is dropped, with a warning at most every few seconds; the throttle lets
requests through until Redis is back.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 10.0


class OutageTolerantRedisCache(RedisCache):
    _last_warning = 0.0

    def _unavailable(self, operation: str) -> None:
        now = time.monotonic()
        if now - OutageTolerantRedisCache._last_warning >= WARN_EVERY_SECONDS:
            OutageTolerantRedisCache._last_warning = now
            logger.warning("Cache unavailable (Redis down?): %s skipped", operation, exc_info=True)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE:
            self._unavailable("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE:
            self._unavailable("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE:
            self._unavailable("has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE:
            self._unavailable("add")
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OUTAGE:
            self._unavailable("set")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE:
            self._unavailable("set_many")
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE:
            self._unavailable("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE:
            self._unavailable("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except OUTAGE:
            self._unavailable("delete_many")
