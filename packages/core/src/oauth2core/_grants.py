"""The built-in grants, as the functions behind OAuth2Client's grant methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._authorization import AuthorizationResponse

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._client import OAuth2Client

__all__ = [
    "TOKEN_EXCHANGE",
    "TOKEN_TYPE_URNS",
    "authorization_code",
    "client_credentials",
    "refresh_token",
    "resource_owner_password",
    "token_exchange",
]

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
"""The token exchange grant type (RFC 8693 §2.1)."""

TOKEN_TYPE_URNS = {
    "access_token": "urn:ietf:params:oauth:token-type:access_token",
    "refresh_token": "urn:ietf:params:oauth:token-type:refresh_token",
    "id_token": "urn:ietf:params:oauth:token-type:id_token",
    "jwt": "urn:ietf:params:oauth:token-type:jwt",
    "saml1": "urn:ietf:params:oauth:token-type:saml1",
    "saml2": "urn:ietf:params:oauth:token-type:saml2",
}
"""Short names of RFC 8693 §3 token type identifiers (a table apart from ``token_type``)."""


def client_credentials(
    client: OAuth2Client, scope: str | Iterable[str] | None = None, **params: Any
) -> Any:
    """``grant_type=client_credentials`` (RFC 6749 §4.4.2)."""
    return client.grant_request("client_credentials", scope=scope, **params)


def authorization_code(
    client: OAuth2Client, code: str | AuthorizationResponse, **params: Any
) -> Any:
    """``grant_type=authorization_code`` (RFC 6749 §4.1.3, PKCE RFC 7636 §4.5)."""
    if isinstance(code, AuthorizationResponse):
        params.setdefault("code_verifier", code.code_verifier)
        params.setdefault("redirect_uri", code.redirect_uri)
        return client.grant_request(
            "authorization_code", code=code.code, authorization_response=code, **params
        )
    return client.grant_request("authorization_code", code=code, **params)


def refresh_token(client: OAuth2Client, refresh_token: object, **params: Any) -> Any:
    """``grant_type=refresh_token`` (RFC 6749 §6); accepts a token object or a string."""
    value = (
        refresh_token
        if isinstance(refresh_token, str)
        else getattr(refresh_token, "refresh_token", None)
    )
    if not isinstance(value, str) or not value:
        raise ValueError("there is no refresh token to use")
    params.setdefault("expect_id_token", getattr(refresh_token, "id_token", None) is not None)
    if not isinstance(refresh_token, str):
        params.setdefault("previous_token", refresh_token)  # OIDC Core §12.2 checks
    renewal = getattr(refresh_token, "renewal_options", None)
    if callable(renewal):  # a token bound to a key (DPoP) is refreshed with that key
        for option, setting in renewal().items():
            params.setdefault(option, setting)
    return client.grant_request("refresh_token", refresh_token=value, **params)


def resource_owner_password(
    client: OAuth2Client, username: str, password: str, **params: Any
) -> Any:
    """``grant_type=password`` (RFC 6749 §4.3.2)."""
    return client.grant_request("password", username=username, password=password, **params)


def _exchange_token(token: object, token_type: str | None, role: str) -> tuple[str, str]:
    """The token string and its RFC 8693 type URN, guessed from a token object if needed."""
    from ._tokens import BearerToken

    urn = TOKEN_TYPE_URNS.get(token_type, token_type) if token_type else None
    if isinstance(token, BearerToken):
        if urn in (None, TOKEN_TYPE_URNS["access_token"]):
            return token.access_token, TOKEN_TYPE_URNS["access_token"]
        if urn == TOKEN_TYPE_URNS["refresh_token"] and token.refresh_token:
            return token.refresh_token, urn
        raise TypeError(f"{role}_token is a BearerToken, which cannot be a {token_type!r}")
    guessed = getattr(token, "token_type_urn", None)
    if urn is None and isinstance(guessed, str):
        return str(token), guessed
    if not isinstance(token, str) and guessed is None:
        raise TypeError(f"{role}_token must be a token object or a string")
    if urn is None:
        raise TypeError(f"{role}_token_type is required for a {role} token given as a string")
    return str(token), urn


def token_exchange(
    client: OAuth2Client,
    subject_token: object,
    subject_token_type: str | None = None,
    actor_token: object | None = None,
    actor_token_type: str | None = None,
    requested_token_type: str | None = None,
    **params: Any,
) -> Any:
    """``grant_type=urn:ietf:params:oauth:grant-type:token-exchange`` (RFC 8693 §2.1).

    Token types take the short names of :data:`TOKEN_TYPE_URNS` or full URNs, and are
    guessed from token objects (a BearerToken is an access token).
    """
    subject, subject_type = _exchange_token(subject_token, subject_token_type, "subject")
    actor = actor_type = None
    if actor_token is not None:
        actor, actor_type = _exchange_token(actor_token, actor_token_type, "actor")
    elif actor_token_type is not None:
        raise TypeError("actor_token_type needs an actor_token")
    requested = TOKEN_TYPE_URNS.get(requested_token_type or "", requested_token_type)
    return client.grant_request(
        TOKEN_EXCHANGE,
        subject_token=subject,
        subject_token_type=subject_type,
        actor_token=actor,
        actor_token_type=actor_type,
        requested_token_type=requested,
        **params,
    )
