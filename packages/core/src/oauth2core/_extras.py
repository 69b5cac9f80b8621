"""Which ``oauth2core`` extra provides a first-party feature.

Core imports nothing of its plugins: this small table only lets a call to an absent
feature fail closed with an error that says what to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._registry import Registry

__all__ = ["FEATURE_EXTRAS", "extra_for", "missing_method_message"]

FEATURE_EXTRAS: dict[str, dict[str, str]] = {
    "method": {
        "authorize_device": "device",
        "device_code": "device",
        "backchannel_authentication_request": "ciba",
        "ciba": "ciba",
        "jwt_bearer": "jwt",
        "end_session_url": "oidc",
        "sign": "oidc",
        "sign_and_encrypt": "oidc",
    },
    "keyword": {
        "private_key": "jwt",
        "private_jwk": "jwt",
        "dpop_bound_access_tokens": "dpop",
    },
    "option": {"dpop": "dpop", "dpop_key": "dpop"},
    "export": {
        "ClientSecretJwt": "jwt",
        "PrivateKeyJwt": "jwt",
        "DeviceAuthorizationResponse": "device",
        "DeviceAuthorizationPollingJob": "device",
        "OAuth2DeviceCodeAuth": "device",
        "BackChannelAuthenticationResponse": "ciba",
        "BackChannelAuthenticationPollingJob": "ciba",
        "Auth0Client": "auth0",
        "Auth0ManagementApiClient": "auth0",
        "DPoPKey": "dpop",
        "DPoPToken": "dpop",
        "IdToken": "oidc",
        "InvalidIdToken": "oidc",
    },
    "client_auth_method": {"client_secret_jwt": "jwt", "private_key_jwt": "jwt"},
    "token_type": {"dpop": "dpop"},
    "vendor_profile": {"auth0": "auth0"},
    "response_mode": {
        "jwt": "oidc",
        "query.jwt": "oidc",
        "fragment.jwt": "oidc",
        "form_post.jwt": "oidc",
    },
}
"""Kind of name -> name -> extra."""


def extra_for(kind: str, name: str) -> str | None:
    """The extra that provides ``name`` of ``kind``, or None if no first-party plugin does."""
    return FEATURE_EXTRAS[kind].get(name.lower() if kind == "token_type" else name)


def missing_method_message(registry: Registry, owner: str, name: str) -> str:
    """Say that no plugin provides ``name``, and which installed plugins are disabled."""
    message = f"{owner!r} object has no attribute {name!r}: no enabled plugin provides it"
    if registry.disabled:
        names = ", ".join(repr(n) for n in registry.disabled)
        message += (
            f" (installed but disabled: {names}; see OAUTH2CORE_PLUGINS and "
            "OAUTH2CORE_DISABLE_PLUGINS)"
        )
    return message
