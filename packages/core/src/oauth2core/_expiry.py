"""Lifetimes: ``expires_in`` counts down, ``expires_at`` is fixed, decisions use a monotonic clock.

Shared by tokens and by the responses that expire (device codes, CIBA requests), so that
every expiry check reads the same way: ``now + leeway >= expiry``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._clock import Clock

__all__ = ["Expiring", "parse_seconds"]


def parse_seconds(name: str, value: object, *, positive: bool = False) -> float:
    """A number of seconds from a server: an int, a float or a numeric string.

    :param positive: refuse 0 too (an ``interval``); lifetimes may be 0 (already expired).
    :raises TypeError: a boolean or a non-numeric type.
    :raises ValueError: not a number, not finite, negative (or 0 when ``positive``).
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds, not a boolean")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"{name} is not a number") from None
    if not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    try:
        value = float(value)
    except OverflowError:  # an int past the float range (JSON numbers have no bound)
        raise ValueError(f"{name} must be a finite number of seconds") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a finite, {kind} number of seconds")
    return value


_LAST_INSTANT = 253_402_214_400.0
"""9999-12-31T00:00:00Z: later instants may not survive a float round trip (serializers)."""


def _instant(name: str, timestamp: float) -> datetime:
    """An aware datetime, or ValueError past what datetime holds (year 9999)."""
    if timestamp >= _LAST_INSTANT:
        raise ValueError(f"{name} is out of the range of dates")
    try:
        return datetime.fromtimestamp(timestamp, tz=UTC)
    except (OverflowError, OSError, ValueError):  # which one depends on the platform
        raise ValueError(f"{name} is out of the range of dates") from None


class Expiring:
    """A mixin for objects with a lifetime (its three slots: the clock, the deadline, the time).

    ``expires_in`` counts down from creation; ``expires_at`` is fixed at creation; a
    wall-clock jump does not expire or revive anything, because decisions use the
    clock's monotonic time.
    """

    __slots__ = ("_clock", "_deadline", "expires_at")

    _clock: Clock
    _deadline: float | None
    expires_at: datetime | None

    def _start_expiry(
        self,
        expires_in: int | float | str | None,
        expires_at: datetime | int | float | None,
        clock: Clock,
    ) -> None:
        """Set the lifetime from ``expires_in`` (seconds) or ``expires_at`` (a time)."""
        self._clock = clock
        self._deadline = None
        self.expires_at = None
        if expires_in is not None and expires_at is not None:
            raise TypeError("pass expires_in or expires_at, not both")
        if expires_in is not None:
            remaining = parse_seconds("expires_in", expires_in)
            self.expires_at = _instant("expires_in", clock.time() + remaining)
            self._deadline = clock.monotonic() + remaining
        elif expires_at is not None:
            if not isinstance(expires_at, datetime):
                expires_at = _instant("expires_at", parse_seconds("expires_at", expires_at))
            if expires_at.tzinfo is None:
                raise ValueError("expires_at must be timezone-aware")
            self.expires_at = expires_at
            self._deadline = clock.monotonic() + (expires_at.timestamp() - clock.time())

    @property
    def expires_in(self) -> int | None:
        """Seconds left before expiry, rounded up; 0 once expired; None if unknown."""
        if self._deadline is None:
            return None
        return max(0, math.ceil(self._deadline - self._clock.monotonic()))

    @property
    def deadline(self) -> float | None:
        """The expiry instant on the clock's monotonic scale, or None (for handlers, jobs)."""
        return self._deadline

    def remaining(self) -> float | None:
        """Exact seconds left before expiry (negative once expired), or None if unknown."""
        if self._deadline is None:
            return None
        return self._deadline - self._clock.monotonic()

    def is_expired(self, leeway: float = 0) -> bool | None:
        """True if it expires within ``leeway`` seconds; None if its lifetime is unknown."""
        if self._deadline is None:
            return None
        return self._clock.monotonic() + leeway >= self._deadline
