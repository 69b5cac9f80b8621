"""Errors of the device authorization endpoint (light: the plugin module imports it)."""

from __future__ import annotations

from oauth2core import EndpointError, InvalidResponse

__all__ = ["DeviceAuthorizationError", "InvalidDeviceAuthorizationResponse"]


class DeviceAuthorizationError(EndpointError):
    """The device authorization endpoint refused the request with an unregistered ``error``.

    Registered codes raise their own classes (``InvalidClient``, ``InvalidScope``...).
    """


class InvalidDeviceAuthorizationResponse(InvalidResponse):
    """The device authorization endpoint answered with something that is not a valid response.

    Not JSON, not an object, a missing or mistyped ``device_code``, ``user_code``,
    ``verification_uri``, ``expires_in`` or ``interval`` (RFC 8628 §3.2). The
    :class:`requests.Response` is the ``response`` attribute.
    """


for _public in (DeviceAuthorizationError, InvalidDeviceAuthorizationResponse):
    _public.__module__ = "oauth2core_grants_device"  # tracebacks and reprs name the public package
del _public
