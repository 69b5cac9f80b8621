"""The built-in grants, as the functions behind OAuth2Client's grant methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._authorization import AuthorizationResponse

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._client import OAuth2Client

__all__ = [
    "authorization_code",
    "client_credentials",
    "refresh_token",
    "resource_owner_password",
]


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
    return client.grant_request("refresh_token", refresh_token=value, **params)


def resource_owner_password(
    client: OAuth2Client, username: str, password: str, **params: Any
) -> Any:
    """``grant_type=password`` (RFC 6749 §4.3.2)."""
    return client.grant_request("password", username=username, password=password, **params)
