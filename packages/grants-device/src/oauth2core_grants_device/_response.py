"""The device authorization response (RFC 8628 §3.2), and the instructions shown to the user."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from oauth2core import SYSTEM_CLOCK, Clock, Expiring, json_object, parse_seconds

from ._errors import InvalidDeviceAuthorizationResponse

if TYPE_CHECKING:
    import requests

__all__ = ["DEFAULT_INTERVAL", "DeviceAuthorizationResponse", "render_user_instructions"]

DEFAULT_INTERVAL = 5
"""Seconds between polls when the server sends no ``interval`` (RFC 8628 §3.2)."""


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty string")
    return value


class DeviceAuthorizationResponse(Expiring):
    """What the device authorization endpoint answered (RFC 8628 §3.2).

    ``expires_in`` counts down from creation and ``expires_at`` is fixed; expiry decisions
    use the clock's monotonic time, with the leeway sign of tokens (``now + leeway >=
    expiry``). ``interval`` defaults to 5 seconds. Fields the server added are kept in
    :attr:`extra` and readable as attributes. ``repr`` never shows the device code.

    :param device_code: the device verification code (a credential: keep it secret).
    :param user_code: the code the user enters on the verification page.
    :param verification_uri: the page where the user enters it.
    :param verification_uri_complete: the page with the user code filled in, if any.
    :param expires_at: when the codes expire (an aware datetime or epoch seconds).
    :param interval: seconds to wait between polls (default 5).
    :param expires_in: instead of ``expires_at``: seconds until the codes expire.
    :param clock: the clock expiry is measured with (the client's).
    :raises TypeError: a field has the wrong type.
    :raises ValueError: a field has an impossible value.
    """

    __slots__ = (
        "device_code",
        "extra",
        "interval",
        "requested_scope",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
    )

    def __init__(
        self,
        /,  # a response field named "self" is an extra field like any other
        device_code: str,
        user_code: str,
        verification_uri: str,
        verification_uri_complete: str | None = None,
        expires_at: datetime | int | float | None = None,
        interval: int | float | str | None = None,
        *,
        expires_in: int | float | str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        **extra: Any,
    ) -> None:
        self.device_code = _text("device_code", device_code)
        self.user_code = _text("user_code", user_code)
        self.verification_uri = _text("verification_uri", verification_uri)
        self.verification_uri_complete = (
            None
            if verification_uri_complete is None
            else _text("verification_uri_complete", verification_uri_complete)
        )
        self.interval: float = (
            DEFAULT_INTERVAL
            if interval is None
            else parse_seconds("interval", interval, positive=True)
        )
        self.extra: dict[str, Any] = extra
        self.requested_scope: str | None = None
        """The scope of the request (set by ``authorize_device``): ``openid`` means an ID token."""
        self._start_expiry(expires_in, expires_at, clock)

    @classmethod
    def from_response(
        cls, response: requests.Response, *, clock: Clock = SYSTEM_CLOCK
    ) -> DeviceAuthorizationResponse:
        """Parse a successful device authorization response.

        ``verification_url`` (sent by some servers instead of ``verification_uri``) is
        accepted. A server's own ``expires_at`` counts only without ``expires_in``.

        :raises InvalidDeviceAuthorizationResponse: not a JSON object, or a required field
            is missing or has the wrong type.
        """
        fields = json_object(
            response, InvalidDeviceAuthorizationResponse, "the device authorization response"
        )
        if "verification_uri" not in fields and "verification_url" in fields:
            fields["verification_uri"] = fields.pop("verification_url")
        for name in ("device_code", "user_code", "verification_uri"):
            if name not in fields:
                raise InvalidDeviceAuthorizationResponse(
                    f"the device authorization response has no {name}", response
                )
        # not parameters a server may set: kept as extra fields
        moved = ("clock", "expires_at") if "expires_in" in fields else ("clock",)
        kept = {name: fields.pop(name) for name in moved if name in fields}
        try:
            parsed = cls(**fields, clock=clock)
        except (TypeError, ValueError, OverflowError) as err:
            raise InvalidDeviceAuthorizationResponse(
                f"invalid device authorization response: {err}", response
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
            "device_code": self.device_code,
            "user_code": self.user_code,
            "verification_uri": self.verification_uri,
            "verification_uri_complete": self.verification_uri_complete,
            "expires_in": self.expires_in,
            "interval": self.interval,
            **self.extra,
        }
        return {k: v for k, v in fields.items() if v is not None}

    def __repr__(self) -> str:
        shown = [
            "device_code=<redacted>",
            f"user_code={self.user_code!r}",
            f"verification_uri={self.verification_uri!r}",
        ]
        if self._deadline is not None:
            shown.append(f"expires_in={self.expires_in}")
        shown.append(f"interval={self.interval:g}")
        return f"DeviceAuthorizationResponse({', '.join(shown)})"


def _printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences) shown escaped."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def _duration(seconds: int) -> str:
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def render_user_instructions(response: DeviceAuthorizationResponse) -> str:
    """The instructions to show the user in a terminal: where to go and which code to enter.

    Names the verification URI and the user code, then the complete URI (with the code
    filled in) when the server sent one, then how long the code stays valid. Text from
    the server is shown with its control characters escaped, so it cannot drive the
    terminal. The device code is never shown.
    """
    if not isinstance(response, DeviceAuthorizationResponse):
        raise TypeError("response must be a DeviceAuthorizationResponse")
    lines = [
        "To sign in, open this address in a browser:",
        f"    {_printable(response.verification_uri)}",
        "and enter the code:",
        f"    {_printable(response.user_code)}",
    ]
    if response.verification_uri_complete:
        lines += [
            "Or open this address, which fills in the code for you:",
            f"    {_printable(response.verification_uri_complete)}",
        ]
    expires_in = response.expires_in
    if expires_in is not None:
        if expires_in > 0:
            lines.append(f"The code expires in {_duration(expires_in)}.")
        else:
            lines.append("The code has expired.")
    return "\n".join(lines) + "\n"


for _public in (DeviceAuthorizationResponse,):
    _public.__module__ = "oauth2core_grants_device"  # tracebacks and reprs name the public package
del _public
