"""The clock seam: monotonic time for expiry decisions, wall time for timestamps."""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["SYSTEM_CLOCK", "Clock", "SystemClock"]


class Clock(Protocol):
    """What oauth2core asks of a clock; inject a fake one in tests."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back: expiry decisions."""

    def time(self) -> float:
        """Seconds since the epoch: ``expires_at``, JWT ``iat``/``exp``."""


class SystemClock:
    """The real clock."""

    __slots__ = ()

    def monotonic(self) -> float:
        """:func:`time.monotonic`."""
        return time.monotonic()

    def time(self) -> float:
        """:func:`time.time`."""
        return time.time()


SYSTEM_CLOCK: Clock = SystemClock()
"""The default clock."""
