"""Abuse limits kept in the cache (the database cache, shared by every process).

Fixed windows: a counter per participant (or address) per minute or hour. A
lost counter (cache cleared) only lets someone through early, never refuses
anyone wrongly, which is the right way round for residents.
"""

from __future__ import annotations

import hashlib
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _window_key(kind: str, subject: str, window_seconds: int, now: float) -> str:
    bucket = int(now // window_seconds)
    return f"conversations:limit:{kind}:{subject}:{bucket}"


def limit_reached(*, kind: str, subject: str, limit: int, window_seconds: int) -> bool:
    """True if `subject` has already used its `limit` of `kind` in this window."""
    key = _window_key(kind, subject, window_seconds, time.time())
    return int(cache.get(key, 0)) >= limit


def limit_count(*, kind: str, subject: str, window_seconds: int) -> None:
    """Count one `kind` for `subject` once the action's transaction commits.

    The database cache writes through the same connection: inside the action's
    transaction its expiry sweep (DELETE … WHERE expires < now) held cache rows
    while waiting for the conversation row another vote had locked, and
    PostgreSQL broke the cycle by failing votes ("deadlock detected", found by
    benchmarks/vote_load.py). After commit the count is a short transaction of
    its own, and an action that rolls back is not counted.
    """
    transaction.on_commit(
        partial(_count, kind=kind, subject=subject, window_seconds=window_seconds)
    )


def _count(*, kind: str, subject: str, window_seconds: int) -> None:
    key = _window_key(kind, subject, window_seconds, time.time())
    # add() then incr(): incr() on a missing key raises ValueError.
    if cache.add(key, 1, timeout=window_seconds + 1):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds + 1)


def ip_subject(client_ip: str) -> str:
    """The address as a hash: the cache never holds residents' IP addresses."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip}".encode()).hexdigest()


def votes_per_minute() -> int:
    return int(getattr(settings, "COPRODUCE_CONVERSATION_VOTES_PER_MINUTE", 60))


def statements_per_hour() -> int:
    return int(getattr(settings, "COPRODUCE_CONVERSATION_STATEMENTS_PER_HOUR", 10))


def new_participants_per_ip_per_hour() -> int:
    return int(
        getattr(
            settings, "COPRODUCE_CONVERSATION_NEW_PARTICIPANTS_PER_IP_PER_HOUR", 200
        )
    )
