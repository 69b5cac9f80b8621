"""The backchannel authentication response (CIBA Core §7.3)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from oauth2core import SYSTEM_CLOCK, Clock, Expiring, json_object, parse_seconds

from ._errors import InvalidBackChannelAuthenticationResponse

if TYPE_CHECKING:
    import requests

__all__ = ["DEFAULT_INTERVAL", "BackChannelAuthenticationResponse"]

DEFAULT_INTERVAL = 5
"""Seconds between polls when the server sends no ``interval`` (CIBA Core §7.3)."""


class BackChannelAuthenticationResponse(Expiring):
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

    __slots__ = ("auth_req_id", "extra", "interval")

    def __init__(
        self,
        /,  # a response field named "self" is an extra field like any other
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
            DEFAULT_INTERVAL
            if interval is None
            else parse_seconds("interval", interval, positive=True)
        )
        self.extra: dict[str, Any] = extra
        self._start_expiry(expires_in, expires_at, clock)

    @classmethod
    def from_response(
        cls, response: requests.Response, *, clock: Clock = SYSTEM_CLOCK
    ) -> BackChannelAuthenticationResponse:
        """Parse a successful backchannel authentication response.

        A server's own ``expires_at`` counts only without ``expires_in``.

        :raises InvalidBackChannelAuthenticationResponse: not a JSON object, or
            ``auth_req_id`` is missing, or a field has the wrong type.
        """
        fields = json_object(
            response,
            InvalidBackChannelAuthenticationResponse,
            "the backchannel authentication response",
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
