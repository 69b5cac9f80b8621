"""The OAuth 2.0 device authorization grant (RFC 8628) for oauth2core.

Installed with ``pip install oauth2core[device]``, it adds ``client.authorize_device()`` and
``client.device_code()``, and exports its names through ``oauth2core`` too. Typed code can
call the functions here::

    from oauth2core_grants_device import (
        DeviceAuthorizationPollingJob,
        authorize_device,
        render_user_instructions,
    )

    response = authorize_device(client, scope="api:read")
    print(render_user_instructions(response))
    token = DeviceAuthorizationPollingJob(client, response).run()

This module stays light: names load on first use (PEP 562), so the entry point imports
it cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core import lazy_attributes

if TYPE_CHECKING:
    from ._auth import OAuth2DeviceCodeAuth
    from ._constants import DEVICE_CODE_GRANT
    from ._errors import DeviceAuthorizationError, InvalidDeviceAuthorizationResponse
    from ._grant import (
        DeviceAuthorizationPollingJob,
        DeviceAuthorizationPoolingJob,
        authorize_device,
        device_code,
    )
    from ._response import DeviceAuthorizationResponse, render_user_instructions

__all__ = [
    "DEVICE_CODE_GRANT",
    "DeviceAuthorizationError",
    "DeviceAuthorizationPollingJob",
    "DeviceAuthorizationPoolingJob",
    "DeviceAuthorizationResponse",
    "InvalidDeviceAuthorizationResponse",
    "OAuth2DeviceCodeAuth",
    "authorize_device",
    "device_code",
    "render_user_instructions",
]

_MODULES = {
    "DEVICE_CODE_GRANT": "._constants",
    "DeviceAuthorizationError": "._errors",
    "DeviceAuthorizationPollingJob": "._grant",
    "DeviceAuthorizationPoolingJob": "._grant",
    "DeviceAuthorizationResponse": "._response",
    "InvalidDeviceAuthorizationResponse": "._errors",
    "OAuth2DeviceCodeAuth": "._auth",
    "authorize_device": "._grant",
    "device_code": "._grant",
    "render_user_instructions": "._response",
}


__getattr__, __dir__ = lazy_attributes(__name__, _MODULES, __all__)
