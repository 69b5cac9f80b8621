"""Auth0 tenants: from what a user writes to a host, and from a host to server metadata.

Standard library only: the entry point imports this module to register the profile.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

__all__ = ["REGIONS", "auth0_metadata", "auth0_origin", "auth0_tenant", "metadata_for_origin"]

REGIONS: Final = frozenset({"eu", "us", "au", "jp"})
"""The regions written as ``<tenant>.<region>``, which become ``<tenant>.<region>.auth0.com``."""

AUTH0_DOMAIN: Final = "auth0.com"

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?").fullmatch
_LOOPBACK_NAMES: Final = frozenset({"localhost"})

PATHS: Final = {
    "token_endpoint": "/oauth/token",
    "authorization_endpoint": "/authorize",
    "revocation_endpoint": "/oauth/revoke",
    "userinfo_endpoint": "/userinfo",
    "device_authorization_endpoint": "/oauth/device/code",
    "jwks_uri": "/.well-known/jwks.json",
    "end_session_endpoint": "/oidc/logout",
    "pushed_authorization_request_endpoint": "/oauth/par",
    "backchannel_authentication_endpoint": "/bc-authorize",
}
"""The endpoints of every Auth0 tenant (RFC 8414 names), relative to the tenant's origin."""


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _split(tenant: str, text: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``text``, a host or a URL without path, query or credentials."""
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "", text
    else:
        scheme = scheme.lower()
        if scheme not in ("https", "http"):
            raise ValueError(
                f"unsupported scheme {scheme!r} in an Auth0 tenant: give the tenant name, its "
                "domain, or an https:// URL"
            )
    parts = urlsplit(f"https://{rest}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("an Auth0 tenant must not carry credentials")  # never echo them
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in rest or "#" in rest:
        raise ValueError(
            f"Auth0 tenant {tenant!r}: give the tenant's host only, without a path, a query "
            "or a fragment"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"Auth0 tenant {tenant!r}: the port is not a number") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"Auth0 tenant {tenant!r} has no host")
    return scheme, host, port


def _check_host(tenant: str, host: str) -> str:
    """``host`` in ASCII (IDNA for an internationalised domain), or ValueError."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"Auth0 tenant {tenant!r}: {host!r} is not a valid host name") from None
    if not all(_LABEL(label) for label in ascii_host.split(".")):
        raise ValueError(f"Auth0 tenant {tenant!r}: {host!r} is not a valid host name")
    return ascii_host


def auth0_tenant(tenant: str) -> str:
    """The host of an Auth0 tenant, from its name, its domain, or a URL.

    - ``"acme"`` gives ``"acme.auth0.com"``;
    - ``"acme.eu"`` (a name and a region: ``eu``, ``us``, ``au``, ``jp``) gives
      ``"acme.eu.auth0.com"``;
    - a host ending in ``.auth0.com`` is kept (``"acme.us.auth0.com"``);
    - a custom domain is given as a full host of three labels or more
      (``"login.acme.com"``), or with its scheme (``"https://acme.com"``), which is
      stripped; a host given with its scheme is taken as it is;
    - ``http://`` is accepted for loopback hosts only (a local stand-in for a tenant, in
      tests), and is then kept: ``"http://127.0.0.1:8080"`` gives
      ``"http://127.0.0.1:8080"``.

    Hosts are lowercased; a port is kept.

    :param tenant: what identifies the tenant.
    :returns: the tenant's host (``host[:port]``), or ``http://host[:port]`` for loopback.
    :raises ValueError: another scheme, plain http elsewhere than loopback, a path, query,
        fragment or credentials, an invalid host, or a two-label host without a scheme that
        is not ``<name>.<region>``.
    """
    if not isinstance(tenant, str):
        raise TypeError("the Auth0 tenant must be a string")
    scheme, host, port = _split(tenant, tenant.strip().lower())
    ip = _ip(host)
    loopback = host in _LOOPBACK_NAMES or (ip is not None and ip.is_loopback)
    if scheme == "http" and not loopback:
        raise ValueError(
            f"Auth0 tenant {tenant!r}: plain http is accepted for loopback hosts only; use https://"
        )
    if ip is not None:
        if not loopback:
            raise ValueError(f"Auth0 tenant {tenant!r}: an IP address is not an Auth0 tenant")
        host = f"[{host}]" if ip.version == 6 else host
    else:
        host = _check_host(tenant, host)
    labels = host.split(".")
    if scheme or ip is not None:
        if len(labels) == 1 and not loopback:
            raise ValueError(
                f"Auth0 tenant {tenant!r}: a URL must name a full domain; for the tenant "
                f"{host!r}, pass {host!r} without a scheme"
            )
    elif host.endswith(f".{AUTH0_DOMAIN}") or len(labels) >= 3:
        pass  # an Auth0 host, or a custom domain
    elif len(labels) == 1:
        host = f"{host}.{AUTH0_DOMAIN}"
    elif labels[1] in REGIONS:
        host = f"{host}.{AUTH0_DOMAIN}"
    else:
        regions = ", ".join(sorted(REGIONS))
        raise ValueError(
            f"Auth0 tenant {tenant!r} is neither <name> nor <name>.<region> ({regions}): "
            f"give a custom domain with its scheme, https://{host}"
        )
    netloc = host if port is None else f"{host}:{port}"
    return f"http://{netloc}" if scheme == "http" else netloc


def auth0_origin(tenant: str) -> str:
    """``https://<host>`` of :func:`auth0_tenant` (``http://`` kept for loopback tenants)."""
    host = auth0_tenant(tenant)
    return host if host.startswith("http://") else f"https://{host}"


def auth0_metadata(tenant: str) -> dict[str, str]:
    """The server metadata of an Auth0 tenant (the ``auth0`` vendor profile).

    The issuer is ``https://<host>/`` (with its trailing slash, as Auth0 writes it); the
    endpoints are the token (``/oauth/token``), authorization (``/authorize``),
    revocation (``/oauth/revoke``), userinfo (``/userinfo``), device authorization
    (``/oauth/device/code``), JWKS (``/.well-known/jwks.json``), end session
    (``/oidc/logout``), PAR (``/oauth/par``) and CIBA (``/bc-authorize``) endpoints.

    :param tenant: see :func:`auth0_tenant`.
    :raises ValueError: see :func:`auth0_tenant`.
    """
    return metadata_for_origin(auth0_origin(tenant))


def metadata_for_origin(origin: str) -> dict[str, str]:
    """The metadata of the tenant at ``origin`` (``https://<host>``); see :func:`auth0_metadata`."""
    return {"issuer": f"{origin}/"} | {name: origin + path for name, path in PATHS.items()}
