"""The entry point of the oauth2core-grants-ciba plugin: its hook implementations.

Only light modules are imported here (DESIGN: lazy by rule): the registered functions
import the grant's code on their first call, and exports resolve on first access. The
JOSE libraries load only when a signed request is made, with the ``signed`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oauth2core import hookimpl
from oauth2core.hookspecs import ClientMethod, ErrorCode, Export, Grant, Register

from ._constants import CIBA_GRANT
from ._errors import CIBA_ERROR_CODES

if TYPE_CHECKING:
    from oauth2core import OAuth2Client

EXPORTS = {
    "BackChannelAuthenticationError": "_errors",
    "BackChannelAuthenticationPollingJob": "_grant",
    "BackChannelAuthenticationPoolingJob": "_grant",
    "BackChannelAuthenticationResponse": "_response",
    "CIBA_GRANT": "_constants",
    "ExpiredLoginHintToken": "_errors",
    "InvalidBackChannelAuthenticationResponse": "_errors",
    "InvalidBindingMessage": "_errors",
    "InvalidUserCode": "_errors",
    "MissingUserCode": "_errors",
    "UnknownUserId": "_errors",
    "backchannel_authentication_request": "_grant",
    "ciba": "_grant",
}
"""Every public name of the package -> its module; all exported through ``oauth2core``."""


def backchannel_authentication_request(client: OAuth2Client, *args: Any, **kwargs: Any) -> Any:
    """``client.backchannel_authentication_request(...)``: see the package's function."""
    from ._grant import backchannel_authentication_request

    return backchannel_authentication_request(client, *args, **kwargs)


def ciba(client: OAuth2Client, *args: Any, **kwargs: Any) -> Any:
    """``client.ciba(...)``: see :func:`oauth2core_grants_ciba.ciba`."""
    from ._grant import ciba

    return ciba(client, *args, **kwargs)


@hookimpl
def register_grants(register: Register[Grant]) -> None:
    """Register the CIBA grant as ``client.ciba(...)``."""
    register(Grant(CIBA_GRANT, "ciba", ciba))


@hookimpl
def register_client_methods(register: Register[ClientMethod]) -> None:
    """Register ``client.backchannel_authentication_request(...)``."""
    register(ClientMethod("backchannel_authentication_request", backchannel_authentication_request))


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    """Register CIBA's own error codes at the backchannel authentication endpoint."""
    for code, exception in CIBA_ERROR_CODES.items():
        register(ErrorCode(code, exception, "backchannel_authentication"))


@hookimpl
def register_exports(register: Register[Export]) -> None:
    """Export the package's public names through ``oauth2core``."""
    for name, module in EXPORTS.items():
        register(Export(name, f"oauth2core_grants_ciba.{module}:{name}"))
