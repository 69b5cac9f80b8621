"""Errors of the backchannel authentication endpoint (light: the plugin module imports it).

The codes CIBA defines for its authentication request (CIBA Core §13) have their own
classes, registered for the ``backchannel_authentication`` endpoint; the codes shared with
other endpoints (``invalid_request``, ``invalid_client``, ``access_denied``...) keep core's.
"""

from __future__ import annotations

from oauth2core import EndpointError, InvalidResponse

__all__ = [
    "CIBA_ERROR_CODES",
    "BackChannelAuthenticationError",
    "ExpiredLoginHintToken",
    "InvalidBackChannelAuthenticationResponse",
    "InvalidBindingMessage",
    "InvalidUserCode",
    "MissingUserCode",
    "UnknownUserId",
]


class BackChannelAuthenticationError(EndpointError):
    """The backchannel authentication endpoint refused the request (CIBA Core §13).

    Codes without a class of their own raise this one.
    """


class ExpiredLoginHintToken(BackChannelAuthenticationError):
    """``expired_login_hint_token``: the ``login_hint_token`` has expired."""


class UnknownUserId(BackChannelAuthenticationError):
    """``unknown_user_id``: the server cannot identify the user from the hint."""


class MissingUserCode(BackChannelAuthenticationError):
    """``missing_user_code``: the server requires a ``user_code`` for this user."""


class InvalidUserCode(BackChannelAuthenticationError):
    """``invalid_user_code``: the ``user_code`` is wrong."""


class InvalidBindingMessage(BackChannelAuthenticationError):
    """``invalid_binding_message``: the ``binding_message`` is invalid or unacceptable."""


class InvalidBackChannelAuthenticationResponse(InvalidResponse):
    """The backchannel authentication endpoint answered with something that is not valid.

    Not JSON, not an object, a missing or mistyped ``auth_req_id``, ``expires_in`` or
    ``interval`` (CIBA Core §7.3). The :class:`requests.Response` is the ``response``
    attribute.
    """


CIBA_ERROR_CODES: dict[str, type[BackChannelAuthenticationError]] = {
    "expired_login_hint_token": ExpiredLoginHintToken,
    "unknown_user_id": UnknownUserId,
    "missing_user_code": MissingUserCode,
    "invalid_user_code": InvalidUserCode,
    "invalid_binding_message": InvalidBindingMessage,
}
"""CIBA's own authentication request error codes (CIBA Core §13)."""

for _public in (
    BackChannelAuthenticationError,
    ExpiredLoginHintToken,
    UnknownUserId,
    MissingUserCode,
    InvalidUserCode,
    InvalidBindingMessage,
    InvalidBackChannelAuthenticationResponse,
):
    _public.__module__ = "oauth2core_grants_ciba"  # tracebacks and reprs name the public package
del _public
