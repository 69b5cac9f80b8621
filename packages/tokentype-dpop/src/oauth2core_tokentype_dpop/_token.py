"""DPoPToken: an access token bound to a DPoP key, and the serializer that keeps both."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

import requests

from oauth2core import (
    SYSTEM_CLOCK,
    BearerToken,
    Clock,
    InvalidTokenResponse,
    IssuedToken,
    TokenSerializer,
)
from oauth2core.hookspecs import TOKEN_PROOF_PHASE, FlowAuth, FlowContext, RequestFlow

from ._constants import DPOP_HEADER, TOKEN_TYPE
from ._errors import InvalidDPoPAccessToken
from ._flows import resource_flow
from ._key import DPoPKey, access_token_hash, as_dpop_key

if TYPE_CHECKING:
    from oauth2core.hookspecs import TokenResponseContext

__all__ = ["DPoPToken", "DPoPTokenSerializer", "dpop_token_from_response"]

_TOKEN68: Final = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 7235 §2.1 token68: what ``Authorization: DPoP <token>`` may carry (RFC 9449 §7.1)."""

RESOURCE_FLOWS: Final = (
    RequestFlow(
        "oauth2core_tokentype_dpop.resource",
        TOKEN_PROOF_PHASE,
        resource_flow,
        frozenset({"resource"}),
    ),
)
"""The flows a DPoP token drives for each request it authorizes (through FlowAuth)."""


class DPoPToken(BearerToken):
    """A DPoP-bound access token (RFC 9449) and the key it is bound to.

    As a requests auth (``requests.get(url, auth=token)``, ``ApiClient(url, auth=token)``,
    ``client.userinfo(token)``, auth handlers) it sends ``Authorization: DPoP <token>``
    and a fresh proof (``htm``, ``htu``, ``iat``, ``jti``, ``ath``, and the origin's
    nonce when one is known); a ``401`` with ``WWW-Authenticate: DPoP
    error="use_dpop_nonce"`` and a new ``DPoP-Nonce`` is retried once with it. Any other
    answer, a ``401`` without a nonce included, is returned as it is.

    Refreshes and auth handler renewals reuse :attr:`dpop_key`. Neither ``repr`` nor
    :meth:`as_dict` shows the access token's value or the private key.

    :param access_token: the access token (token68 syntax).
    :param dpop_key: the key: a :class:`DPoPKey`, or a private key it loads.
    :raises InvalidDPoPAccessToken: the access token is not token68.
    """

    TOKEN_TYPE: ClassVar[str] = TOKEN_TYPE
    AUTHORIZATION_SCHEME: ClassVar[str] = TOKEN_TYPE
    DPOP_HEADER: ClassVar[str] = DPOP_HEADER

    __slots__ = ("dpop_key",)

    def __init__(
        self,
        /,  # a response field named "self" is an extra field like any other
        access_token: str,
        *,
        dpop_key: object,
        token_type: str = TOKEN_TYPE,
        clock: Clock = SYSTEM_CLOCK,
        **kwargs: Any,
    ) -> None:
        super().__init__(access_token, token_type=token_type, clock=clock, **kwargs)
        if _TOKEN68.fullmatch(access_token) is None:
            raise InvalidDPoPAccessToken(
                "the access token is not token68 (RFC 7235 §2.1): it cannot be sent with the "
                "DPoP scheme"
            )
        self.dpop_key: DPoPKey = as_dpop_key(dpop_key, clock=clock)

    @property
    def ath(self) -> str:
        """The ``ath`` claim of this token's proofs: base64url(SHA-256(access token))."""
        return access_token_hash(self.access_token)

    def authorize(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """The request with ``Authorization: DPoP <token>``, a fresh proof and the nonce retry.

        No expiry check (``token(request)`` makes one first). Returns another request
        object: callers must use the return value (requests does).
        """
        return FlowAuth(RESOURCE_FLOWS, FlowContext("resource", token=self))(request)

    def renewal_options(self) -> dict[str, Any]:
        """``{"dpop_key": key}``: refreshes and renewals keep the key."""
        return {"dpop_key": self.dpop_key}

    def __repr__(self) -> str:
        shown = super().__repr__()
        return f"{shown[:-1]}, dpop_key={self.dpop_key!r})"


def dpop_token_from_response(
    fields: Mapping[str, Any], context: TokenResponseContext, key: DPoPKey
) -> DPoPToken:
    """Build a :class:`DPoPToken` from a token response, or raise InvalidTokenResponse."""
    fields = dict(fields)
    # Not parameters a server may set: kept as extra fields. A server's own ``expires_at``
    # counts only without ``expires_in`` (RFC 6749 §5.1 defines the latter).
    moved = ("clock", "dpop_key", "expires_at") if "expires_in" in fields else ("clock", "dpop_key")
    reserved = {name: fields.pop(name) for name in moved if name in fields}
    clock = getattr(context.client, "clock", None) or SYSTEM_CLOCK
    try:
        token = DPoPToken(**fields, dpop_key=key, clock=clock)
    except (TypeError, ValueError, OverflowError) as err:  # OverflowError: a huge lifetime
        raise InvalidTokenResponse(f"invalid token response: {err}", context.response) from None
    token.extra.update(reserved)
    return token


class DPoPTokenSerializer(TokenSerializer):
    """A :class:`~oauth2core.TokenSerializer` that keeps DPoP tokens with their private key.

    It loads and dumps Bearer tokens as the core serializer does. WARNING: the text of a
    DPoP token holds its private key in clear (as it holds the access and refresh tokens):
    store it as a secret.

    :param classes: ``token_type`` (lower case) -> token class; ``dpop`` is added.
    """

    def __init__(self, classes: Mapping[str, type[BearerToken]] | None = None) -> None:
        table = (
            dict(classes) if classes is not None else {"bearer": BearerToken, "n_a": IssuedToken}
        )
        table.setdefault("dpop", DPoPToken)
        super().__init__(table)

    def fields(self, token: BearerToken) -> dict[str, Any]:
        """The core fields, plus ``dpop_key`` (the private JWK) for a DPoP token."""
        fields = super().fields(token)
        if isinstance(token, DPoPToken):
            fields["dpop_key"] = token.dpop_key.private_jwk
        return fields

    def loads(self, serialized: str) -> BearerToken:
        """A token from a string made by :meth:`dumps`.

        :raises ValueError: the string is not a serialized token, or a DPoP token without
            its key (dumped by the core serializer).
        """
        try:
            return super().loads(serialized)
        except ValueError as err:
            if not isinstance(err.__cause__, TypeError):
                raise
            raise ValueError(
                "not a loadable token (a DPoP token must be dumped by DPoPTokenSerializer, "
                "which keeps its key)"
            ) from None


def _publish() -> None:
    """Show the public package in reprs and tracebacks."""
    for cls in (DPoPToken, DPoPTokenSerializer):
        cls.__module__ = "oauth2core_tokentype_dpop"


_publish()
