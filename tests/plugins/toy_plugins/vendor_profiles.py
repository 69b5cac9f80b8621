"""register_vendor_profiles: the ``toyco`` profile turns a tenant into endpoints."""

from __future__ import annotations

from collections.abc import Mapping

from oauth2core import hookimpl
from oauth2core.hookspecs import Register, VendorProfile


def toyco_metadata(tenant: str) -> Mapping[str, str]:
    if not tenant.isalnum():
        raise ValueError(f"not a toyco tenant: {tenant!r}")
    base = f"https://{tenant}.toyco.example"
    return {
        "issuer": f"{base}/",
        "token_endpoint": f"{base}/oauth/token",
        "authorization_endpoint": f"{base}/authorize",
        "jwks_uri": f"{base}/.well-known/jwks.json",
    }


@hookimpl
def register_vendor_profiles(register: Register[VendorProfile]) -> None:
    register(VendorProfile("toyco", toyco_metadata))
