"""Auth0Client and Auth0ManagementApiClient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn, Self

import requests

from oauth2core import (
    ApiClient,
    EndpointError,
    InvalidResponse,
    OAuth2Client,
    OAuth2ClientCredentialsAuth,
    json_object_or_none,
)

from ._errors import TooManyRequests, management_api_error
from ._tenant import auth0_tenant, metadata_for_origin

if TYPE_CHECKING:
    from oauth2core import Registry

__all__ = ["Auth0Client", "Auth0ManagementApiClient"]

AuthLike = requests.auth.AuthBase | tuple[str, Any] | str | None
"""What ``auth=`` accepts, as for :class:`~oauth2core.OAuth2Client`."""


def _origin(host: str) -> str:
    return host if host.startswith("http://") else f"https://{host}"


class Auth0Client(OAuth2Client):
    """An :class:`~oauth2core.OAuth2Client` for an Auth0 tenant.

    Its issuer and endpoints come from the ``auth0`` vendor profile (see
    :func:`auth0_metadata`); the tenant is normalised by :func:`auth0_tenant`::

        client = Auth0Client("acme.eu", ("client_id", "client_secret"))
        token = client.client_credentials(audience="https://api.acme.com/")

    With ``oauth2core[jwt]``, authenticate with a private key (``private_key_jwt``, the
    assertion's audience being the issuer ``https://<tenant>/``)::

        client = Auth0Client("acme", client_id="client_id", private_jwk=private_jwk)

    Without that package, a private key raises :class:`~oauth2core.FeatureNotInstalled`
    naming ``oauth2core[jwt]``: the client never falls back to a public client.

    Any HTTP 429 answer of the tenant raises :class:`TooManyRequests` (transient, with
    ``retry_after``); other errors are the usual OAuth errors (``InvalidClient``,
    ``AccessDenied``...).

    :param tenant: the tenant: ``"acme"``, ``"acme.eu"``, ``"acme.us.auth0.com"``, a custom
        domain (``"login.acme.com"`` or ``"https://acme.com"``); see :func:`auth0_tenant`.
    :param auth: the client authentication, as for OAuth2Client: ``(client_id,
        client_secret)``, ``(client_id, private_jwk)`` with ``oauth2core[jwt]``, a bare
        ``client_id`` (public client) or a :class:`requests.auth.AuthBase`.
    :param client_id: instead of ``auth``, with ``client_secret`` or ``private_jwk``.
    :param client_secret: the client secret (``client_secret_post``).
    :param private_jwk: the client's private key (a JWK, a PEM...), with ``oauth2core[jwt]``.
    :param session: the :class:`requests.Session` to use.
    :param kwargs: other :class:`~oauth2core.OAuth2Client` settings (``redirect_uri=``,
        ``timeout=``, ``registry=``...); endpoint settings win over the profile's.
    :raises ValueError: the tenant is not usable (see :func:`auth0_tenant`).
    """

    __slots__ = ("tenant",)

    tenant: str
    """The tenant's host (``acme.eu.auth0.com``), or ``http://host:port`` for a loopback one."""

    def __init__(
        self,
        tenant: str,
        auth: AuthLike = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        private_jwk: Any = None,
        session: requests.Session | None = None,
        **kwargs: Any,
    ) -> None:
        host = auth0_tenant(tenant)
        metadata = metadata_for_origin(_origin(host))
        settings: dict[str, Any] = {**metadata, "metadata": metadata}
        if private_jwk is not None:
            settings["private_jwk"] = private_jwk
        settings.update(kwargs)
        token_endpoint = settings.pop("token_endpoint")
        super().__init__(
            token_endpoint,
            auth,
            client_id=client_id,
            client_secret=client_secret,
            session=session,
            **settings,
        )
        self.tenant = host

    def client_credentials(
        self,
        scope: str | Iterable[str] | None = None,
        *,
        audience: str | None = None,
        **params: Any,
    ) -> Any:
        """Request a token with the client credentials grant.

        :param scope: the scope, as a string or an iterable of strings.
        :param audience: the identifier of the API the token is for; Auth0 needs it unless
            the tenant has a default audience.
        :param params: other form parameters (``organization=``...) and declared options.
        """
        return super().client_credentials(scope, audience=audience, **params)

    def raise_for_error(
        self,
        response: requests.Response,
        endpoint: str,
        invalid: type[InvalidResponse] = InvalidResponse,
        default: type[EndpointError] = EndpointError,
    ) -> None:
        """Raise the error a failed response stands for; HTTP 429 is :class:`TooManyRequests`.

        Auth0 answers a rate-limited request with 429 and a body that is not always an
        OAuth error; the error code and description are kept when it is one.
        """
        if response.status_code == 429:
            fields = json_object_or_none(response) or {}
            error, description, uri = (
                value if isinstance(value, str) and value else None
                for value in (
                    fields.get("error"),
                    fields.get("error_description"),
                    fields.get("error_uri"),
                )
            )
            raise TooManyRequests(response, error or "too_many_requests", description, uri)
        super().raise_for_error(response, endpoint, invalid, default)

    @classmethod
    def from_vendor_profile(
        cls, profile: str, tenant: str, auth: AuthLike = None, **kwargs: Any
    ) -> Auth0Client:
        """``Auth0Client(tenant, auth, **kwargs)``, for the ``"auth0"`` profile only.

        :raises ValueError: for another profile: use ``OAuth2Client.from_vendor_profile``.
        """
        if profile != "auth0":
            raise ValueError(
                f"Auth0Client is for the 'auth0' profile, not {profile!r}: use "
                "OAuth2Client.from_vendor_profile()"
            )
        return cls(tenant, auth, **kwargs)

    @classmethod
    def from_discovery_document(cls, *args: Any, **kwargs: Any) -> NoReturn:
        """Not for Auth0Client, which is built from a tenant: use ``Auth0Client(tenant)``.

        :raises TypeError: always; ``OAuth2Client.from_discovery_document()`` builds a
            client from any server metadata.
        """
        raise TypeError(
            "Auth0Client is built from a tenant, Auth0Client(tenant, ...); "
            "use OAuth2Client.from_discovery_document() for server metadata"
        )

    @classmethod
    def from_discovery_endpoint(cls, *args: Any, **kwargs: Any) -> NoReturn:
        """Not for Auth0Client, which is built from a tenant: use ``Auth0Client(tenant)``.

        :raises TypeError: always; ``OAuth2Client.from_discovery_endpoint()`` fetches the
            metadata of any server.
        """
        raise TypeError(
            "Auth0Client is built from a tenant, Auth0Client(tenant, ...); "
            "use OAuth2Client.from_discovery_endpoint() to fetch server metadata"
        )

    def __repr__(self) -> str:
        return f"Auth0Client(tenant={self.tenant!r}, auth={self.auth!r})"


class Auth0ManagementApiClient(ApiClient):
    """An :class:`~oauth2core.ApiClient` for the Auth0 Management API of a tenant.

    Its base URL is ``https://<tenant>/api/v2/``; its requests carry an access token for
    that audience, obtained with the client credentials grant by an
    :class:`~oauth2core.OAuth2ClientCredentialsAuth` and renewed before it expires::

        a0mgmt = Auth0ManagementApiClient("acme.eu", ("client_id", "client_secret"))
        a0mgmt.get("users", params={"page": 0, "per_page": 50, "include_totals": True})
        a0mgmt.users.get("auth0|123")          # sub-clients keep the credentials
        a0mgmt.auth.client                     # the Auth0Client that gets the tokens

    An error answer raises :class:`Auth0ManagementApiError` (a :class:`requests.HTTPError`)
    with the ``statusCode``, ``error``, ``message`` and ``errorCode`` of Auth0's body; HTTP
    429 raises :class:`Auth0ManagementApiTooManyRequests`, with ``retry_after``. A
    failure to get the token raises the OAuth error (``InvalidClient``,
    :class:`TooManyRequests`...).

    :param tenant: the tenant, see :func:`auth0_tenant`.
    :param auth: the client credentials at the token endpoint, as for :class:`Auth0Client`.
    :param client_id: instead of ``auth``, with ``client_secret`` or ``private_jwk``.
    :param client_secret: the client secret.
    :param private_jwk: the client's private key, with ``oauth2core[jwt]``.
    :param session: the :class:`requests.Session` of both the API and the token requests
        (a new one by default, closed by :meth:`close`).
    :param registry: the plugin registry of the token client (default: the process one).
    :param kwargs: :class:`~oauth2core.ApiClient` settings (``timeout=``,
        ``raise_for_status=``, ``headers=``...).
    """

    __slots__ = ("_closes_session",)

    def __init__(
        self,
        tenant: str,
        auth: AuthLike = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        private_jwk: Any = None,
        session: requests.Session | None = None,
        registry: Registry | None = None,
        **kwargs: Any,
    ) -> None:
        owned = session is None
        http = requests.Session() if session is None else session
        try:
            client = Auth0Client(
                tenant,
                auth,
                client_id=client_id,
                client_secret=client_secret,
                private_jwk=private_jwk,
                session=http,
                registry=registry,
            )
            audience = f"{_origin(client.tenant)}/api/v2/"
            super().__init__(
                audience,
                OAuth2ClientCredentialsAuth(client, audience=audience),
                session=http,
                **kwargs,
            )
        except BaseException:
            if owned:
                http.close()
            raise
        self._closes_session = owned

    def request(
        self,
        method: str,
        path: Any = None,
        *,
        raise_for_status: bool | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request; an error answer raises :class:`Auth0ManagementApiError`.

        See :meth:`oauth2core.ApiClient.request` for the parameters.

        :raises Auth0ManagementApiError: a 4xx or 5xx answer, when ``raise_for_status``
            (:class:`Auth0ManagementApiTooManyRequests` for 429).
        """
        response = super().request(method, path, raise_for_status=False, **kwargs)
        check = self.raise_for_status if raise_for_status is None else raise_for_status
        if check and response.status_code >= 400:
            raise management_api_error(response)
        return response

    def __getitem__(self, path: Any) -> Self:
        """A sub-client under this one; it shares the session and keeps the credentials."""
        clone = super().__getitem__(path)
        clone._closes_session = False
        return clone

    def close(self) -> None:
        """Close the session if this client created it (sub-clients leave it open)."""
        super().close()
        if self._closes_session:
            self.session.close()


for _public in (Auth0Client, Auth0ManagementApiClient):
    _public.__module__ = "oauth2core_vendor_auth0"  # tracebacks and reprs name the public package
