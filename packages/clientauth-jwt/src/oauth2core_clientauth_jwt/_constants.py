"""Protocol identifiers of RFC 7523 and draft-ietf-oauth-rfc7523bis (light: no imports)."""

from __future__ import annotations

from typing import Final

__all__ = ["CLIENT_ASSERTION_TYPE", "CLIENT_AUTHENTICATION_JWT", "JWT_BEARER_GRANT"]

JWT_BEARER_GRANT: Final = "urn:ietf:params:oauth:grant-type:jwt-bearer"
"""The ``grant_type`` of the JWT bearer authorization grant (RFC 7523 §2.1)."""

CLIENT_ASSERTION_TYPE: Final = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
"""The ``client_assertion_type`` of JWT client authentication (RFC 7523 §2.2)."""

CLIENT_AUTHENTICATION_JWT: Final = "client-authentication+jwt"
"""The explicit ``typ`` of client authentication JWTs (draft-ietf-oauth-rfc7523bis §4)."""
