"""Server metadata: well-known URLs (OIDC Discovery §4, RFC 8414 §3) and documents."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "ENDPOINT_KEYS",
    "oauth2_discovery_document_url",
    "oidc_discovery_document_url",
    "well_known_uri",
]

ENDPOINT_KEYS = (
    "authorization_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "device_authorization_endpoint",
    "backchannel_authentication_endpoint",
    "pushed_authorization_request_endpoint",
    "end_session_endpoint",
)
"""The endpoint metadata an OAuth2Client takes from a document, besides ``token_endpoint``."""


def well_known_uri(origin: str, name: str, *, at_root: bool = True) -> str:
    """The well-known URI ``name`` for ``origin``.

    :param at_root: True inserts ``/.well-known/<name>`` between the host and the path
        (RFC 8615, RFC 8414 §3.1); False appends it to the path (OIDC Discovery §4).
    """
    parts = urlsplit(origin)
    path = parts.path.rstrip("/")
    if at_root:
        path = f"/.well-known/{name}{path}"
    else:
        path = f"{path}/.well-known/{name}"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def oidc_discovery_document_url(issuer: str) -> str:
    """``<issuer>/.well-known/openid-configuration`` (OIDC Discovery §4.1)."""
    return well_known_uri(issuer, "openid-configuration", at_root=False)


def oauth2_discovery_document_url(issuer: str) -> str:
    """The RFC 8414 §3.1 metadata URL: the well-known part goes before the issuer's path.

    ``https://as.example/tenant`` gives
    ``https://as.example/.well-known/oauth-authorization-server/tenant`` (requests_oauth2client
    1.8 put the path first, which RFC 8414 servers do not serve).
    """
    return well_known_uri(issuer, "oauth-authorization-server", at_root=True)
