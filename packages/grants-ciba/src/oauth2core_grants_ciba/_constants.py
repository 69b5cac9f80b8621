"""Names of CIBA (light: the plugin module imports it)."""

from __future__ import annotations

__all__ = ["BACKCHANNEL_AUTHENTICATION_ENDPOINT", "CIBA_GRANT"]

CIBA_GRANT = "urn:openid:params:grant-type:ciba"
"""The ``grant_type`` of the CIBA token request (CIBA Core §10.1)."""

BACKCHANNEL_AUTHENTICATION_ENDPOINT = "backchannel_authentication_endpoint"
"""The client setting (and server metadata name, CIBA Core §4) of the endpoint."""
