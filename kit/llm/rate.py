"""A per-process request-rate limit (KIT_RPM), so a class of learners on one endpoint does not knock it over.

Each learner's kernel is one process; with KIT_RPM=20 it starts at most 20 model calls a minute,
evenly spaced (a call waits for its slot rather than bursting and collecting 429s). The endpoint's
own 429s are still handled by the openai SDK's retries, which honour Retry-After.
"""

from __future__ import annotations

import asyncio
import threading
import time

_LOCK = threading.Lock()
_LIMITS: dict[float, RateLimit] = {}


class RateLimit:
    """Spaces call starts at least 60/rpm seconds apart, across every thread of the process."""

    def __init__(self, rpm: float) -> None:
        self.rpm = rpm
        self.interval = 60.0 / rpm
        self._next = 0.0
        self._lock = threading.Lock()

    def _slot(self) -> float:
        """Claim the next free start time; return how long to wait for it."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
            return start - now

    def wait(self) -> None:
        """Block until this call may start."""
        if (delay := self._slot()) > 0:
            time.sleep(delay)

    async def await_slot(self) -> None:
        """Like `wait`, without blocking an event loop."""
        if (delay := self._slot()) > 0:
            await asyncio.sleep(delay)


def limit(rpm: float | None) -> RateLimit | None:
    """The process's one limiter for this rate (shared by every model that has it), or None when off."""
    if not rpm:
        return None
    with _LOCK:
        return _LIMITS.setdefault(rpm, RateLimit(rpm))
