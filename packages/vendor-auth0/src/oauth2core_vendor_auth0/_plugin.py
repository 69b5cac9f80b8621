"""The entry point of the oauth2core-vendor-auth0 plugin: its hook implementations.

Only light modules are imported here (DESIGN: lazy by rule): the tenant rules (standard
library only) and the error classes; the clients load on first access.
"""

from __future__ import annotations

from oauth2core import hookimpl
from oauth2core.hookspecs import ErrorCode, Export, Register, VendorProfile

from ._errors import TooManyRequests
from ._tenant import auth0_metadata

EXPORTS = {
    "Auth0Client": "_client",
    "Auth0ManagementApiClient": "_client",
    "Auth0ManagementApiError": "_errors",
    "Auth0ManagementApiTooManyRequests": "_errors",
    "TooManyRequests": "_errors",
    "auth0_metadata": "_tenant",
    "auth0_tenant": "_tenant",
}
"""Every public name of the package -> its module; all exported through ``oauth2core``."""


@hookimpl
def register_vendor_profiles(register: Register[VendorProfile]) -> None:
    """Register the ``auth0`` profile: a tenant's issuer and endpoints."""
    register(VendorProfile("auth0", auth0_metadata))


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    """Register ``too_many_requests``, which Auth0's OAuth endpoints send with HTTP 429."""
    register(ErrorCode("too_many_requests", TooManyRequests))


@hookimpl
def register_exports(register: Register[Export]) -> None:
    """Export the package's public names through ``oauth2core``."""
    for name, module in EXPORTS.items():
        register(Export(name, f"oauth2core_vendor_auth0.{module}:{name}"))
