"""The Auth0 vendor profile for oauth2core.

Installed with ``pip install oauth2core[auth0]``, it registers the ``auth0`` vendor
profile, so that ``OAuth2Client.from_vendor_profile("auth0", "acme.eu", auth=...)`` works,
and provides typed clients::

    from oauth2core_vendor_auth0 import Auth0Client, Auth0ManagementApiClient

    client = Auth0Client("acme.eu", ("client_id", "client_secret"))
    token = client.client_credentials(audience="https://api.acme.com/")

    a0mgmt = Auth0ManagementApiClient("acme.eu", ("client_id", "client_secret"))
    users = a0mgmt.get("users", params={"page": 0, "per_page": 50}).json()

Its names are exported through ``oauth2core`` too (``from oauth2core import Auth0Client``).
This module stays light: names load on first use (PEP 562), so the entry point imports
it cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core import lazy_attributes

if TYPE_CHECKING:
    from ._client import Auth0Client, Auth0ManagementApiClient
    from ._errors import (
        Auth0ManagementApiError,
        Auth0ManagementApiTooManyRequests,
        TooManyRequests,
    )
    from ._tenant import auth0_metadata, auth0_tenant

__all__ = [
    "Auth0Client",
    "Auth0ManagementApiClient",
    "Auth0ManagementApiError",
    "Auth0ManagementApiTooManyRequests",
    "TooManyRequests",
    "auth0_metadata",
    "auth0_tenant",
]

_MODULES = {
    "Auth0Client": "._client",
    "Auth0ManagementApiClient": "._client",
    "Auth0ManagementApiError": "._errors",
    "Auth0ManagementApiTooManyRequests": "._errors",
    "TooManyRequests": "._errors",
    "auth0_metadata": "._tenant",
    "auth0_tenant": "._tenant",
}


__getattr__, __dir__ = lazy_attributes(__name__, _MODULES, __all__)
