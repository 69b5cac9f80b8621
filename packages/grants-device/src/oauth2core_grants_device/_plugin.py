"""The entry point of the oauth2core-grants-device plugin: its hook implementations.

Only light modules are imported here (DESIGN: lazy by rule): the registered functions
import the grant's code on their first call, and exports resolve on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oauth2core import hookimpl
from oauth2core.hookspecs import ClientMethod, Export, Grant, Register

from ._constants import DEVICE_CODE_GRANT

if TYPE_CHECKING:
    from oauth2core import OAuth2Client

EXPORTS = {
    "DEVICE_CODE_GRANT": "_constants",
    "DeviceAuthorizationError": "_errors",
    "DeviceAuthorizationPollingJob": "_grant",
    "DeviceAuthorizationPoolingJob": "_grant",
    "DeviceAuthorizationResponse": "_response",
    "InvalidDeviceAuthorizationResponse": "_errors",
    "OAuth2DeviceCodeAuth": "_auth",
    "authorize_device": "_grant",
    "device_code": "_grant",
    "render_user_instructions": "_response",
}
"""Every public name of the package -> its module; all exported through ``oauth2core``."""


def authorize_device(client: OAuth2Client, *args: Any, **kwargs: Any) -> Any:
    """``client.authorize_device(...)``: see :func:`oauth2core_grants_device.authorize_device`."""
    from ._grant import authorize_device

    return authorize_device(client, *args, **kwargs)


def device_code(client: OAuth2Client, *args: Any, **kwargs: Any) -> Any:
    """``client.device_code(...)``: see :func:`oauth2core_grants_device.device_code`."""
    from ._grant import device_code

    return device_code(client, *args, **kwargs)


@hookimpl
def register_grants(register: Register[Grant]) -> None:
    """Register the device code grant as ``client.device_code(...)``."""
    register(Grant(DEVICE_CODE_GRANT, "device_code", device_code))


@hookimpl
def register_client_methods(register: Register[ClientMethod]) -> None:
    """Register ``client.authorize_device(...)``."""
    register(ClientMethod("authorize_device", authorize_device))


@hookimpl
def register_exports(register: Register[Export]) -> None:
    """Export the package's public names through ``oauth2core``."""
    for name, module in EXPORTS.items():
        register(Export(name, f"oauth2core_grants_device.{module}:{name}"))
