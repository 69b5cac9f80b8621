"""An example third-party oauth2core plugin: the SAML 2.0 bearer assertion grant (RFC 7522).

Installed, it adds ``client.saml2_bearer(assertion, scope=None, **params)``.
"""

from __future__ import annotations

import base64
from typing import Any

from oauth2core import OAuth2Client, hookimpl
from oauth2core.hookspecs import Grant, Register

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:saml2-bearer"


def saml2_bearer(client: OAuth2Client, assertion: str | bytes, **params: Any) -> Any:
    """Exchange a SAML 2.0 assertion for a token.

    :param assertion: the assertion XML as bytes, or already base64url-encoded as a string
        (RFC 7522 §2.1: base64url, without padding).
    """
    if isinstance(assertion, bytes):
        assertion = base64.urlsafe_b64encode(assertion).rstrip(b"=").decode()
    return client.grant_request(GRANT_TYPE, assertion=assertion, **params)


@hookimpl
def register_grants(register: Register[Grant]) -> None:
    """Register the SAML 2.0 bearer grant and its ``saml2_bearer`` client method."""
    register(Grant(GRANT_TYPE, "saml2_bearer", saml2_bearer))
