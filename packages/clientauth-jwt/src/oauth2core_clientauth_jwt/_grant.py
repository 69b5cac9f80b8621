"""The JWT bearer authorization grant (RFC 7523 §2.1); imports no JOSE library."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ._constants import JWT_BEARER_GRANT

if TYPE_CHECKING:
    from oauth2core import OAuth2Client

    from ._jose import SignedJwt

__all__ = ["jwt_bearer"]


def jwt_bearer(client: OAuth2Client, assertion: str | SignedJwt, **params: Any) -> Any:
    """Request a token with a JWT as authorization grant (RFC 7523 §2.1).

    Also available as ``client.jwt_bearer(assertion, **params)`` when this package is
    installed; this function is the typed path.

    :param client: the OAuth2Client that sends the request (and authenticates itself).
    :param assertion: the JWT, as a compact string or a jwskate token (``SignedJwt``).
    :param params: ``scope=`` (a string or an iterable of strings), ``resource=`` and other
        form parameters, and declared request options (``dpop=`` with ``oauth2core[dpop]``).
    :returns: the token built from the response (a :class:`~oauth2core.BearerToken`...).
    :raises InvalidGrant: the server refused the assertion.
    """
    return client.grant_request(JWT_BEARER_GRANT, assertion=assertion_text(assertion), **params)


def assertion_text(assertion: object) -> str:
    """The compact serialization of a JWT given as a string or a jwskate token."""
    if isinstance(assertion, str):
        text = assertion
    else:
        token = sys.modules.get("jwskate.token")  # a jwskate token implies jwskate is loaded
        base = getattr(token, "BaseCompactToken", None) if token is not None else None
        if base is None or not isinstance(assertion, base):
            raise TypeError(
                f"the assertion must be a compact JWT string or a jwskate token, "
                f"not {type(assertion).__name__}"
            )
        text = bytes(assertion).decode("ascii")
    if text.count(".") not in (2, 4) or any(c.isspace() for c in text):
        raise ValueError("the assertion must be a JWT in compact serialization (RFC 7519 §7.1)")
    return text
