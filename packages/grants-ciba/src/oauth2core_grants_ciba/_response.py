"""The backchannel authentication response (CIBA Core §7.3)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from oauth2core import SYSTEM_CLOCK, Clock

from ._errors import InvalidBackChannelAuthenticationResponse

if TYPE_CHECKING:
    import requests

__all__ = ["DEFAULT_INTERVAL", "BackChannelAuthenticationResponse"]

DEFAULT_INTERVAL = 5
"""Seconds between polls when the server sends no ``interval`` (CIBA Core §7.3)."""


def _seconds(name: str, value: object, *, positive: bool) -> float:
    """A number of seconds: an int, a float or a numeric string."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds, not a boolean")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"{name} is not a number") from None
    if not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a finite, {kind} number of seconds")
    return float(value)


class BackChannelAuthenticationResponse:
    """What the backchannel authentication endpoint answered (CIBA Core §7.3).

    ``expires_in`` counts down from creation and ``expires_at`` is fixed; expiry decisions
    use the clock's monotonic time, with the leeway sign of tokens (``now + leeway >=
    expiry``). ``interval`` defaults to 5 seconds (CIBA Core §7.3; requests_oauth2client
    used 20). Fields the server added are kept in :attr:`extra` and readable as
    attributes. ``repr`` never shows the ``auth_req_id``.

    :param auth_req_id: the authentication request id (a credential: keep it secret).
    :param expires_at: when it expires (an aware datetime or epoch seconds).
    :param interval: seconds to wait between polls (default 5).
    :param expires_in: instead of ``expires_at``: seconds until it expires.
    :param clock: the clock expiry is measured with (the client's).
    :raises TypeError: a field has the wrong type.
    :raises ValueError: a field has an impossible value.
    """

    __slots__ = ("_clock", "_deadline", "auth_req_id", "expires_at", "extra", "interval")

    def __init__(
        self,
        auth_req_id: str,
        expires_at: datetime | int | float | None = None,
        interval: int | float | str | None = None,
        *,
        expires_in: int | float | str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        **extra: Any,
    ) -> None:
        if not isinstance(auth_req_id, str) or not auth_req_id:
            raise TypeError("auth_req_id must be a non-empty string")
        self.auth_req_id = auth_req_id
        self.interval: float = (
            DEFAULT_INTERVAL if interval is None else _seconds("interval", interval, positive=True)
        )
        self.extra: dict[str, Any] = extra
        self._clock = clock
        self._deadline: float | None = None
        self.expires_at: datetime | None = None
        if expires_in is not None and expires_at is not None:
            raise TypeError("pass expires_in or expires_at, not both")
        if expires_in is not None:
            remaining = _seconds("expires_in", expires_in, positive=False)
            self.expires_at = datetime.fromtimestamp(clock.time() + remaining, tz=UTC)
            self._deadline = clock.monotonic() + remaining
        elif expires_at is not None:
            if not isinstance(expires_at, datetime):
                expires_at = datetime.fromtimestamp(
                    _seconds("expires_at", expires_at, positive=False), tz=UTC
                )
            if expires_at.tzinfo is None:
                raise ValueError("expires_at must be timezone-aware")
            self.expires_at = expires_at
            self._deadline = clock.monotonic() + (expires_at.timestamp() - clock.time())

    @classmethod
    def from_response(
        cls, response: requests.Response, *, clock: Clock = SYSTEM_CLOCK
    ) -> BackChannelAuthenticationResponse:
        """Parse a successful backchannel authentication response.

        A server's own ``expires_at`` counts only without ``expires_in``.

        :raises InvalidBackChannelAuthenticationResponse: not a JSON object, or
            ``auth_req_id`` is missing, or a field has the wrong type.
        """
        try:
            fields = response.json()
        except ValueError:
            raise InvalidBackChannelAuthenticationResponse(
                "the backchannel authentication response is not JSON", response
            ) from None
        if not isinstance(fields, dict):
            raise InvalidBackChannelAuthenticationResponse(
                f"the backchannel authentication response is a JSON {type(fields).__name__}, "
                "not an object",
                response,
            )
        if "auth_req_id" not in fields:
            raise InvalidBackChannelAuthenticationResponse(
                "the backchannel authentication response has no auth_req_id", response
            )
        fields = dict(fields)
        # not parameters a server may set: kept as extra fields
        moved = ("clock", "expires_at") if "expires_in" in fields else ("clock",)
        kept = {name: fields.pop(name) for name in moved if name in fields}
        try:
            parsed = cls(**fields, clock=clock)
        except (TypeError, ValueError, OverflowError) as err:
            raise InvalidBackChannelAuthenticationResponse(
                f"invalid backchannel authentication response: {err}", response
            ) from None
        parsed.extra.update(kept)
        return parsed

    @property
    def expires_in(self) -> int | None:
        """Seconds left before expiry, rounded up; 0 once expired; None if unknown."""
        if self._deadline is None:
            return None
        return max(0, math.ceil(self._deadline - self._clock.monotonic()))

    @property
    def deadline(self) -> float | None:
        """The expiry instant on the clock's monotonic scale, or None (for polling jobs)."""
        return self._deadline

    def remaining(self) -> float | None:
        """Exact seconds left before expiry (negative once expired), or None if unknown."""
        if self._deadline is None:
            return None
        return self._deadline - self._clock.monotonic()

    def is_expired(self, leeway: float = 0) -> bool | None:
        """True if it expires within ``leeway`` seconds; None if its lifetime is unknown.

        The sign is the one tokens use: ``now + leeway >= expiry``.
        """
        if self._deadline is None:
            return None
        return self._clock.monotonic() + leeway >= self._deadline

    @property
    def other(self) -> dict[str, Any]:
        """The fields the server added (requests_oauth2client's name for :attr:`extra`)."""
        return self.extra

    def __getattr__(self, name: str) -> Any:
        try:
            return object.__getattribute__(self, "extra")[name]
        except (AttributeError, KeyError):
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        """The response fields, with a live ``expires_in``; None values left out."""
        fields: dict[str, Any] = {
            "auth_req_id": self.auth_req_id,
            "expires_in": self.expires_in,
            "interval": self.interval,
            **self.extra,
        }
        return {k: v for k, v in fields.items() if v is not None}

    def __repr__(self) -> str:
        shown = ["auth_req_id=<redacted>"]
        if self._deadline is not None:
            shown.append(f"expires_in={self.expires_in}")
        shown.append(f"interval={self.interval:g}")
        return f"BackChannelAuthenticationResponse({', '.join(shown)})"


for _public in (BackChannelAuthenticationResponse,):
    _public.__module__ = "oauth2core_grants_ciba"  # tracebacks and reprs name the public package
del _public
