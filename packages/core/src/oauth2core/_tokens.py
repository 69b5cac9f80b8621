"""Access tokens: BearerToken (RFC 6750) and how token responses become tokens."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import requests

from ._clock import SYSTEM_CLOCK, Clock
from ._compact import pack, unpack
from ._errors import InvalidTokenResponse, OAuth2Error
from ._expiry import Expiring

if TYPE_CHECKING:
    from ._extensions import TokenResponseContext

__all__ = [
    "BearerAuth",
    "BearerToken",
    "ExpiredAccessToken",
    "IssuedToken",
    "TokenSerializer",
    "bearer_from_response",
    "issued_from_response",
]


class ExpiredAccessToken(OAuth2Error):
    """An expired access token was about to be sent."""


class BearerToken(Expiring, requests.auth.AuthBase):
    """A Bearer access token (RFC 6750) and what came with it in the token response.

    It is a requests auth handler: ``requests.get(url, auth=token)`` sends
    ``Authorization: Bearer <token>``. ``str(token)`` is the access token itself (as in
    requests_oauth2client); ``repr(token)`` never shows a token value.

    ``expires_in`` counts down from creation; ``expires_at`` is fixed at creation. A
    lifetime of 0 means already expired. Expiry decisions use a monotonic clock, so a
    wall-clock jump does not expire or revive a token.
    """

    TOKEN_TYPE: ClassVar[str] = "Bearer"
    AUTHORIZATION_HEADER: ClassVar[str] = "Authorization"
    AUTHORIZATION_SCHEME: ClassVar[str] = "Bearer"

    __slots__ = (
        "access_token",
        "extra",
        "id_token",
        "refresh_token",
        "scope",
        "token_type",
    )

    def __init__(
        self,
        /,  # a response field named "self" is an extra field like any other
        access_token: str,
        *,
        expires_in: int | float | str | None = None,
        expires_at: datetime | int | float | None = None,
        token_type: str = "Bearer",
        refresh_token: str | None = None,
        scope: str | None = None,
        id_token: str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        **extra: Any,
    ) -> None:
        if not isinstance(access_token, str) or not access_token:
            raise TypeError("access_token must be a non-empty string")
        if not isinstance(token_type, str) or token_type.lower() != self.TOKEN_TYPE.lower():
            raise ValueError(f"{type(self).__name__} needs token_type {self.TOKEN_TYPE!r}")
        for name, value in (("refresh_token", refresh_token), ("scope", scope)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a string")
        self.access_token = access_token
        self.token_type = self.TOKEN_TYPE
        self.refresh_token = refresh_token
        self.scope = scope
        self.id_token = id_token
        self.extra: dict[str, Any] = extra
        self._start_expiry(expires_in, expires_at, clock)

    def authorization_header(self) -> str:
        """The value of the ``Authorization`` header: ``Bearer <token>``."""
        return f"{self.AUTHORIZATION_SCHEME} {self.access_token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Add the ``Authorization`` header to ``request``; refuse an expired token."""
        if self._deadline is not None and self._clock.monotonic() >= self._deadline:
            raise ExpiredAccessToken("the access token has expired")
        return self.authorize(request)

    def authorize(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Add the ``Authorization`` header without an expiry check.

        For auth handlers, which decide once per request whether the token is fresh
        enough; token types with proofs (DPoP) override it.
        """
        request.headers[self.AUTHORIZATION_HEADER] = self.authorization_header()
        return request

    def renewal_options(self) -> dict[str, Any]:
        """Per-call options that requests renewing this token must carry; none for Bearer.

        Refreshes (``client.refresh_token(token)``) and auth handler renewals pass them, so
        that a token type bound to a key (DPoP) keeps its key.
        """
        return {}

    def __getattr__(self, name: str) -> Any:
        try:
            # not self.extra: on an instance made without __init__ (copy, pickle) the slot
            # is unset, and reading it would call __getattr__ again, forever
            return object.__getattribute__(self, "extra")[name]
        except (AttributeError, KeyError):
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        """A field of the token response by name, standard or extra."""
        if name in self.extra:
            return self.extra[name]
        if name in self.as_dict():
            return self.as_dict()[name]
        raise KeyError(name)

    def __str__(self) -> str:
        return self.access_token

    def __repr__(self) -> str:
        shown = [f"token_type={self.token_type!r}"]
        if self._deadline is not None:
            shown.append(f"expires_in={self.expires_in}")
        if self.scope is not None:
            shown.append(f"scope={self.scope!r}")
        for name in ("refresh_token", "id_token"):
            if getattr(self, name) is not None:
                shown.append(f"{name}=<redacted>")
        return f"{type(self).__name__}(access_token=<redacted>, {', '.join(shown)})"

    def as_dict(self) -> dict[str, Any]:
        """The token response fields, with a live ``expires_in``; None values left out."""
        fields: dict[str, Any] = {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
            "scope": self.scope,
            "id_token": self.id_token,
            **self.extra,
        }
        return {k: v for k, v in fields.items() if v is not None}


class IssuedToken(BearerToken):
    """A token issued by token exchange that is not an access token (``token_type: N_A``).

    RFC 8693 §2.2.1: the issued token (an ID token, a SAML assertion...) is in
    ``access_token`` and its type in ``issued_token_type``. It cannot authorize requests.
    """

    TOKEN_TYPE: ClassVar[str] = "N_A"

    def authorize(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Refuse: an ``N_A`` token is not an access token."""
        raise TypeError("a token of type N_A is not an access token and cannot authorize requests")


def bearer_from_response(fields: Mapping[str, Any], context: TokenResponseContext) -> BearerToken:
    """Build a :class:`BearerToken` from a token response, or raise InvalidTokenResponse."""
    return _from_response(BearerToken, fields, context)


def issued_from_response(fields: Mapping[str, Any], context: TokenResponseContext) -> BearerToken:
    """Build an :class:`IssuedToken`: ``N_A`` is valid in token exchange responses only."""
    from ._grants import TOKEN_EXCHANGE

    if context.grant_type != TOKEN_EXCHANGE:
        raise InvalidTokenResponse(
            "token_type N_A is only valid in token exchange responses", context.response
        )
    return _from_response(IssuedToken, fields, context)


_VSCHARS = re.compile(r"[\x20-\x7e]*")
"""What an access or refresh token may hold: it is sent in headers and forms."""


def _from_response(
    cls: type[BearerToken], fields: Mapping[str, Any], context: TokenResponseContext
) -> BearerToken:
    fields = dict(fields)
    # Not parameters a server may set: kept as extra fields. A server's own ``expires_at``
    # counts only without ``expires_in`` (RFC 6749 §5.1 defines the latter).
    moved = ("clock", "expires_at") if "expires_in" in fields else ("clock",)
    reserved = {name: fields.pop(name) for name in moved if name in fields}
    for name in ("access_token", "refresh_token"):  # RFC 6749 §A.12, §A.17: 1*VSCHAR
        value = fields.get(name)
        if isinstance(value, str) and not _VSCHARS.fullmatch(value):
            raise InvalidTokenResponse(
                f"the {name} has characters outside %x20-7E (RFC 6749 Appendix A)",
                context.response,
            )
    clock = getattr(context.client, "clock", None)
    try:
        token = cls(**fields) if clock is None else cls(**fields, clock=clock)
    except (TypeError, ValueError, OverflowError) as err:  # OverflowError: a huge lifetime
        raise InvalidTokenResponse(f"invalid token response: {err}", context.response) from None
    token.extra.update(reserved)
    return token


class BearerAuth(requests.auth.AuthBase):
    """A requests auth that sends ``Authorization: Bearer <token>`` for a token or a string."""

    def __init__(self, token: BearerToken | str) -> None:
        self.token = token if isinstance(token, BearerToken) else BearerToken(token)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Add the header (an expired token raises :class:`ExpiredAccessToken`)."""
        return self.token(request)

    def __repr__(self) -> str:
        return f"BearerAuth({self.token!r})"


class TokenSerializer:
    """Turns tokens into compact strings and back, for persistence.

    The default format is JSON, deflated, base64url-encoded; ``expires_at`` is kept as an
    absolute time, so a token loaded later has the right remaining lifetime. The string
    holds the token in clear: store it as a secret.

    :param classes: ``token_type`` (lower case) -> token class, for :meth:`loads`.
    """

    def __init__(self, classes: Mapping[str, type[BearerToken]] | None = None) -> None:
        self.classes = dict(classes or {"bearer": BearerToken, "n_a": IssuedToken})

    def dumps(self, token: BearerToken) -> str:
        """The token as a compact string."""
        return pack(self.fields(token))

    def fields(self, token: BearerToken) -> dict[str, Any]:
        """What :meth:`dumps` keeps of ``token``: its response fields, ``expires_at`` absolute.

        A subclass adds what its token classes need to be rebuilt by :meth:`loads` (a DPoP
        token's key); every value must be JSON-serializable.
        """
        fields = token.as_dict()
        fields.pop("expires_in", None)
        fields.pop("expires_at", None)  # a server's own, ignored next to expires_in: not kept
        if token.expires_at is not None:
            fields["expires_at"] = token.expires_at.timestamp()
        return fields

    def loads(self, serialized: str) -> BearerToken:
        """A token from a string made by :meth:`dumps`.

        :raises ValueError: the string is not a serialized token.
        """
        try:
            fields = unpack(serialized)
        except ValueError as err:
            raise ValueError("not a serialized token") from err
        token_type = str(fields.get("token_type", "Bearer"))
        cls = self.classes.get(token_type.lower())
        if cls is None:
            raise ValueError(f"no token class for token_type {token_type!r}")
        # a response field named like a keyword is an extra field, as in _from_response
        kept = {"clock": fields.pop("clock")} if "clock" in fields else {}
        try:
            token = cls(**fields)
        except (TypeError, ValueError, OverflowError) as err:
            raise ValueError(f"not a serialized token ({type(err).__name__})") from err
        token.extra.update(kept)
        return token
