"""Names of the device authorization grant (light: the plugin module imports it)."""

from __future__ import annotations

__all__ = ["DEVICE_AUTHORIZATION_ENDPOINT", "DEVICE_CODE_GRANT"]

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
"""The ``grant_type`` of the device code grant (RFC 8628 §3.4)."""

DEVICE_AUTHORIZATION_ENDPOINT = "device_authorization_endpoint"
"""The client setting (and server metadata name, RFC 8628 §4) of the endpoint."""
