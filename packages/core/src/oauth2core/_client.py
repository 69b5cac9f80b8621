"""OAuth2Client: the token endpoint and the other backend endpoints of one client."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType, MethodType
from typing import TYPE_CHECKING, Any, ClassVar, Final
from urllib.parse import urlsplit, urlunsplit

import requests

from ._clock import SYSTEM_CLOCK, Clock
from ._discovery import ENDPOINT_KEYS, oidc_discovery_document_url
from ._errors import (
    EndpointError,
    FeatureNotInstalled,
    IntrospectionError,
    InvalidDiscoveryDocument,
    InvalidResponse,
    InvalidTokenResponse,
    MissingEndpointUri,
    OAuth2Error,
    RevocationError,
    UnvalidatedIdToken,
    UserinfoError,
)
from ._extras import extra_for, plugin_method
from ._flows import send_through, transport_error
from ._http import (
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    NO_AUTH,
    TimeoutValue,
    check_max_response_size,
    check_timeout,
    fetch_document,
    receive,
)
from ._retry import RetryPolicy, repeatable
from ._sentinels import SKIP_ID_TOKEN_VALIDATION, Sentinel

if TYPE_CHECKING:
    from urllib3.util import Retry

    from ._authorization import (
        AuthorizationRequest,
        AuthorizationResponse,
        RequestUriParameterAuthorizationRequest,
    )
    from ._extensions import AuthCoercionContext, FormData
    from ._registry import Registry
    from ._tokens import BearerToken

__all__ = ["OAuth2Client", "validate_endpoint"]

AuthLike = requests.auth.AuthBase | tuple[str, Any] | str | None
"""What ``auth=`` accepts: a handler, ``(client_id, secret)``, a bare ``client_id``, or None;
plugins add shapes such as ``(client_id, private_jwk)``."""

_EMPTY_MAPPING: Mapping[str, Any] = MappingProxyType({})


@functools.cache
def _coercion_context() -> type[AuthCoercionContext]:
    """The context class of auth coercions, imported with the first client (not before)."""
    from ._extensions import AuthCoercionContext

    return AuthCoercionContext


_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    import ipaddress  # only for plain-http URLs

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_endpoint(name: str, url: object, *, allow_insecure_http: bool = False) -> str:
    """Check an endpoint URL: https, a host, no credentials, no fragment.

    For plugins too, checking the URLs they fetch (the oidc JWKS cache). Plain http is
    accepted on loopback hosts (RFC 8252 §7.3), elsewhere only with
    ``allow_insecure_http``. URLs found valid are remembered, so building many clients
    for one server parses each URL once.

    :raises ValueError: naming the endpoint and what is wrong.
    """
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a string URL")
    if (url, allow_insecure_http) in _VALID_URLS:
        return url
    _check_url(name, url, allow_insecure_http)
    if len(_VALID_URLS) < 1024:
        _VALID_URLS.add((url, allow_insecure_http))
    return url


_VALID_URLS: set[tuple[str, bool]] = set()


def _check_url(name: str, url: str, allow_insecure_http: bool) -> None:
    parts = urlsplit(url)
    problems = []
    if parts.scheme == "http":
        if not (allow_insecure_http or _is_loopback(parts.hostname or "")):
            problems.append(
                "must use https (plain http is allowed on loopback, or with allow_insecure_http)"
            )
    elif parts.scheme != "https":
        problems.append("must be an https URL")
    if not parts.hostname:
        problems.append("has no host")
    if parts.username is not None or parts.password is not None:
        problems.append("must not carry credentials")
    if parts.fragment:
        problems.append("must not have a fragment")
    if problems:
        if parts.username is not None or parts.password is not None:  # never echo a password
            url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        raise ValueError(f"{name} {url!r} " + "; ".join(problems))


def _scope(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        items = list(value)
        if all(isinstance(item, str) for item in items):
            return " ".join(items)
    raise TypeError("scope must be a string or an iterable of strings")


def _form_value(name: str, value: object) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"form parameter {name!r} must not be a boolean")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if items and all(isinstance(item, str) for item in items):
            return items  # sent as a repeated parameter (RFC 8707 §2: resource)
    raise TypeError(
        f"form parameter {name!r} must be a string, a number or a non-empty list of strings"
    )


def _form(data: Mapping[str, object]) -> FormData:
    """Form fields as strings; None values are left out."""
    return {k: _form_value(k, v) for k, v in data.items() if v is not None}


def _token_value(token: object, token_type_hint: str | None) -> str:
    """The string to revoke or introspect: the token itself, or the hinted part of a token."""
    if isinstance(token, str):
        return token
    name = "refresh_token" if token_type_hint == "refresh_token" else "access_token"  # noqa: S105
    value = getattr(token, name, None)
    if not isinstance(value, str) or not value:
        raise ValueError(f"the token has no {name}")
    return value


class OAuth2Client:
    """An OAuth 2.x client of one Authorization Server.

    :param token_endpoint: the token endpoint URL (https, or http on loopback).
    :param auth: client authentication: a :class:`requests.auth.AuthBase`, a
        ``(client_id, client_secret)`` tuple (``client_secret_post``), a bare ``client_id``
        (public client), or a shape a plugin accepts (``(client_id, private_jwk)`` with
        ``oauth2core[jwt]``).
    :param client_id: instead of ``auth``, with ``client_secret`` or a plugin keyword.
    :param client_secret: the client secret.
    :param token_endpoint_auth_method: the method to build from ``client_id`` and the
        credential (default ``client_secret_post`` with a secret).
    :param issuer: the server's issuer identifier.
    :param revocation_endpoint: and the other ``*_endpoint`` / ``jwks_uri`` keywords: the
        server's endpoints (RFC 8414 names); each must be https, or http on loopback.
    :param redirect_uri: the default redirect URI of authorization requests.
    :param code_challenge_method: PKCE method of authorization requests (None: no PKCE).
    :param metadata: the server metadata this client was built from, kept for later checks
        (``authorization_response_iss_parameter_supported``, supported algorithms).
    :param session: the :class:`requests.Session` to use (a new one by default).
    :param timeout: seconds to wait for the server on each request: to connect, then between
        bytes of the answer; a number, or a ``(connect, read)`` pair. A timeout raises
        :class:`RequestTimeout`.
    :param max_response_size: the largest body, in bytes, read from any answer of the
        server (its endpoints, and the discovery and JWKS documents fetched for this
        client); a larger one raises :class:`ResponseTooLarge` (default 1 MiB). APIs
        called with :class:`ApiClient` are not limited.
    :param clock: the clock of the tokens this client obtains (inject one in tests).
    :param allow_insecure_http: WARNING: accept plain-http endpoints on hosts other than
        loopback, where tokens and secrets travel in clear text.
    :param registry: the plugin registry (default: the process registry).
    :param retry: opt-in retries of the requests that are safe to repeat (discovery, JWKS,
        introspection, ``client_credentials``; never a code, a refresh or a poll): a number
        of retries, a :class:`urllib3.util.Retry`, or a :class:`RetryPolicy` (to inject
        its sleeper). Default None: no retry. See :class:`RetryPolicy`.
    :param options: client options declared by plugins (``dpop_bound_access_tokens=``)
        and keywords claimed by auth coercions (``private_key=``); anything else is a
        :class:`TypeError`.
    """

    ENDPOINTS: ClassVar[tuple[str, ...]] = (
        "token_endpoint",
        *ENDPOINT_KEYS,
    )
    """The endpoint settings, in RFC 8414 names."""

    __slots__ = (
        "__weakref__",
        "_owns_session",
        "allow_insecure_http",
        "auth",
        "authorization_endpoint",
        "backchannel_authentication_endpoint",
        "clock",
        "code_challenge_method",
        "device_authorization_endpoint",
        "end_session_endpoint",
        "introspection_endpoint",
        "issuer",
        "jwks_uri",
        "max_response_size",
        "metadata",
        "options",
        "pushed_authorization_request_endpoint",
        "redirect_uri",
        "registry",
        "retry",
        "revocation_endpoint",
        "session",
        "timeout",
        "token_endpoint",
        "userinfo_endpoint",
    )

    DISPATCHED: ClassVar[frozenset[str]] = frozenset(
        {
            "client_credentials",
            "authorization_code",
            "refresh_token",
            "resource_owner_password",
            "token_exchange",
        }
    )
    """Typed methods whose implementation is registered through ``register_grants``."""

    def __init__(
        self,
        token_endpoint: str,
        auth: AuthLike = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_endpoint_auth_method: str | None = None,
        issuer: str | None = None,
        revocation_endpoint: str | None = None,
        introspection_endpoint: str | None = None,
        userinfo_endpoint: str | None = None,
        authorization_endpoint: str | None = None,
        device_authorization_endpoint: str | None = None,
        backchannel_authentication_endpoint: str | None = None,
        pushed_authorization_request_endpoint: str | None = None,
        end_session_endpoint: str | None = None,
        jwks_uri: str | None = None,
        redirect_uri: str | None = None,
        code_challenge_method: str | None = "S256",
        metadata: Mapping[str, Any] | None = None,
        session: requests.Session | None = None,
        timeout: TimeoutValue = DEFAULT_TIMEOUT,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        allow_insecure_http: bool = False,
        clock: Clock = SYSTEM_CLOCK,
        registry: Registry | None = None,
        retry: int | Retry | RetryPolicy | None = None,
        **options: Any,
    ) -> None:
        if registry is None:
            from ._plugins import default_registry

            registry = default_registry()
        self.registry = registry
        self.allow_insecure_http = allow_insecure_http
        insecure = allow_insecure_http

        def endpoint(name: str, url: str | None) -> str | None:
            return (
                None if url is None else validate_endpoint(name, url, allow_insecure_http=insecure)
            )

        self.token_endpoint: str = validate_endpoint(
            "token_endpoint", token_endpoint, allow_insecure_http=insecure
        )
        self.revocation_endpoint = endpoint("revocation_endpoint", revocation_endpoint)
        self.introspection_endpoint = endpoint("introspection_endpoint", introspection_endpoint)
        self.userinfo_endpoint = endpoint("userinfo_endpoint", userinfo_endpoint)
        self.authorization_endpoint = endpoint("authorization_endpoint", authorization_endpoint)
        self.device_authorization_endpoint = endpoint(
            "device_authorization_endpoint", device_authorization_endpoint
        )
        self.backchannel_authentication_endpoint = endpoint(
            "backchannel_authentication_endpoint", backchannel_authentication_endpoint
        )
        self.pushed_authorization_request_endpoint = endpoint(
            "pushed_authorization_request_endpoint", pushed_authorization_request_endpoint
        )
        self.end_session_endpoint = endpoint("end_session_endpoint", end_session_endpoint)
        self.jwks_uri = endpoint("jwks_uri", jwks_uri)
        self.issuer = issuer
        self.redirect_uri = redirect_uri
        self.code_challenge_method = code_challenge_method
        self.metadata: Mapping[str, Any] = (
            MappingProxyType(dict(metadata)) if metadata else _EMPTY_MAPPING
        )
        self.timeout: TimeoutValue = check_timeout(timeout)
        self.max_response_size: int = check_max_response_size(max_response_size)
        self.clock = clock
        self.retry = RetryPolicy.coerce(retry, clock=clock)
        client_options, keywords = self._split_constructor_keywords(options)
        self.options: Mapping[str, Any] = (
            MappingProxyType(client_options) if client_options else _EMPTY_MAPPING
        )
        self.auth = self._coerce_auth(
            auth, client_id, client_secret, token_endpoint_auth_method, keywords
        )
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()

    revocation_endpoint: str | None
    introspection_endpoint: str | None
    userinfo_endpoint: str | None
    authorization_endpoint: str | None
    device_authorization_endpoint: str | None
    backchannel_authentication_endpoint: str | None
    pushed_authorization_request_endpoint: str | None
    end_session_endpoint: str | None
    jwks_uri: str | None

    def endpoint(self, name: str) -> str:
        """The URL of the endpoint setting ``name``, or :class:`MissingEndpointUri`."""
        url = getattr(self, name, None)
        if not isinstance(url, str):
            raise MissingEndpointUri(name)
        return url

    # ---------------------------------------------------------------- construction helpers

    def _split_constructor_keywords(
        self, options: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        client_options: dict[str, Any] = {}
        keywords: dict[str, Any] = {}
        for name, value in options.items():
            if ("client", name) in self.registry.request_options:
                client_options[name] = value
            elif name in self.registry.coercion_keywords:
                keywords[name] = value
            elif extra := extra_for("keyword", name):
                raise FeatureNotInstalled(name, extra)
            else:
                raise TypeError(f"OAuth2Client() got an unexpected keyword argument {name!r}")
        return client_options, keywords

    def _coerce_auth(
        self,
        auth: AuthLike,
        client_id: str | None,
        client_secret: str | None,
        method: str | None,
        keywords: dict[str, Any],
    ) -> requests.auth.AuthBase | None:
        if auth is not None and (client_id or client_secret or method or keywords):
            raise TypeError(
                "pass client credentials either as auth= or as client_id=/client_secret=/"
                "token_endpoint_auth_method= keywords, not both"
            )
        if isinstance(auth, requests.auth.AuthBase):
            return auth
        if method is not None:
            return self._auth_from_method(method, client_id, client_secret, keywords)
        context = _coercion_context()(
            client_id=client_id,
            client_secret=client_secret,
            keywords=keywords,
            token_endpoint=self.token_endpoint,
            issuer=self.issuer,
            clock=self.clock,
        )
        for coercion in self.registry.auth_coercions:
            handler = coercion.coerce(auth, context)
            if handler is not None:
                return handler
        if auth is None and client_id is None and not keywords:
            if client_secret is not None:
                raise TypeError("client_secret= needs client_id=")
            return None
        unclaimed = (isinstance(auth, tuple) and len(auth) == 2) or client_secret is not None
        if unclaimed and "private_key" not in self.registry.coercion_keywords:
            raise FeatureNotInstalled("private_key", extra_for("keyword", "private_key") or "jwt")
        raise TypeError(f"auth= does not accept {type(auth).__name__}")

    def _auth_from_method(
        self,
        method: str,
        client_id: str | None,
        client_secret: str | None,
        keywords: dict[str, Any],
    ) -> requests.auth.AuthBase:
        entry = self.registry.client_auth_methods.get(method)
        if entry is None:
            if extra := extra_for("client_auth_method", method):
                raise FeatureNotInstalled(method, extra)
            raise ValueError(f"unknown token_endpoint_auth_method {method!r}")
        if client_id is None:
            raise TypeError(f"token_endpoint_auth_method={method!r} needs client_id=")
        credentials = [v for v in (client_secret, *keywords.values()) if v is not None]
        if len(credentials) > 1:
            raise TypeError("pass one credential: client_secret= or one key keyword")
        return entry.auth_class(client_id, *credentials)

    @classmethod
    def from_vendor_profile(
        cls, profile: str, tenant: str, auth: AuthLike = None, **kwargs: Any
    ) -> OAuth2Client:
        """A client for ``tenant`` of a vendor (``"auth0"``...), from its registered profile.

        As with discovery, the issuer and every endpoint the profile gives
        (:attr:`ENDPOINTS`) are taken, and the profile's metadata is kept as ``metadata``.

        :param kwargs: passed to the constructor; they win over the profile's endpoints.
        """
        registry = kwargs.get("registry")
        if registry is None:
            from ._plugins import default_registry

            registry = kwargs["registry"] = default_registry()
        entry = registry.vendor_profiles.get(profile)
        if entry is None:
            if extra := extra_for("vendor_profile", profile):
                raise FeatureNotInstalled(profile, extra)
            raise ValueError(f"unknown vendor profile {profile!r}")
        metadata = dict(entry.metadata(tenant))
        settings: dict[str, Any] = {
            key: metadata[key] for key in ("issuer", *cls.ENDPOINTS) if key in metadata
        }
        token_endpoint = settings.pop("token_endpoint")
        settings["metadata"] = metadata
        return cls(token_endpoint, auth, **{**settings, **kwargs})

    # ---------------------------------------------------------------- plugin methods

    def __getattr__(self, name: str) -> Any:
        """A method registered by a plugin (``client.authorize_device(...)``)."""
        return plugin_method(self, name, "client")

    def _dispatch(self, name: str) -> Any:
        method = self.registry.client_method(name)
        if method is None:
            raise AttributeError(f"no plugin of this client's registry provides {name!r}")
        return MethodType(method.function, self)

    # ---------------------------------------------------------------- grants

    def client_credentials(self, scope: str | Iterable[str] | None = None, **params: Any) -> Any:
        """Request a token with the client credentials grant (RFC 6749 §4.4).

        :param scope: the scope, as a string or an iterable of strings.
        :param params: extra form parameters (``resource=``, ``audience=``...) and declared
            request options (``dpop=`` with ``oauth2core[dpop]``).
        """
        return self._dispatch("client_credentials")(scope, **params)

    def authorization_code(self, code: str | AuthorizationResponse, **params: Any) -> Any:
        """Exchange an authorization code for a token (RFC 6749 §4.1.3).

        Given an :class:`AuthorizationResponse`, sends its ``code_verifier`` and
        ``redirect_uri``, and carries the options of the authorization request (the DPoP
        key behind ``dpop_jkt``) into the exchange.
        """
        return self._dispatch("authorization_code")(code, **params)

    def refresh_token(self, refresh_token: str | BearerToken, **params: Any) -> Any:
        """Refresh a token (RFC 6749 §6)."""
        return self._dispatch("refresh_token")(refresh_token, **params)

    def resource_owner_password(self, username: str, password: str, **params: Any) -> Any:
        """Request a token with the resource owner password grant (RFC 6749 §4.3)."""
        return self._dispatch("resource_owner_password")(username, password, **params)

    def token_exchange(
        self,
        subject_token: object,
        subject_token_type: str | None = None,
        actor_token: object | None = None,
        actor_token_type: str | None = None,
        requested_token_type: str | None = None,
        **params: Any,
    ) -> Any:
        """Exchange a token for another (RFC 8693).

        Token types take the short names ``access_token``, ``refresh_token``,
        ``id_token``, ``jwt``, ``saml1``, ``saml2`` or full URNs; they are guessed from
        token objects. The response's ``issued_token_type`` is kept on the token; a
        ``token_type`` of ``N_A`` gives an :class:`IssuedToken`.
        """
        return self._dispatch("token_exchange")(
            subject_token,
            subject_token_type,
            actor_token,
            actor_token_type,
            requested_token_type,
            **params,
        )

    def grant_request(
        self,
        grant_type: str,
        *,
        scope: str | Iterable[str] | None = None,
        authorization_response: AuthorizationResponse | None = None,
        id_token_validation: Sentinel | None = None,
        expect_id_token: bool = False,
        previous_token: Any = None,
        **params: Any,
    ) -> Any:
        """Request a token with any grant: what grant plugins call.

        Declared per-call options are taken out of ``params``; ``None`` values are dropped;
        the rest is form data.

        :param authorization_response: the authorization response a code exchange redeems;
            its options travel into this request.
        :param id_token_validation: ``SKIP_ID_TOKEN_VALIDATION`` to accept an ID token with
            no validator installed.
        :param expect_id_token: the response will carry an ID token (a refresh of an
            OpenID token); an ``openid`` scope or an authorization response with a nonce
            says so too. Without a validator, the request is then refused before it is sent,
            so no code or refresh token is spent for nothing.
        :param previous_token: the token a refresh renews, for token-response steps (an ID
            token validator compares the new ID token with its ID token).
        """
        options, form = self.split_options(params)
        if authorization_response is not None:
            options = {**authorization_response.options, **options}
            expect_id_token = expect_id_token or authorization_response.nonce is not None
        scope_value = _scope(scope)
        expect_id_token = expect_id_token or "openid" in (scope_value or "").split()
        if expect_id_token:
            self._check_id_token_validation(id_token_validation, None)
        data = {"grant_type": grant_type, "scope": scope_value, **form}
        return self.token_request(
            data,
            authorization_response=authorization_response,
            id_token_validation=id_token_validation,
            previous_token=previous_token,
            **options,
        )

    def _check_id_token_validation(
        self, opt_out: Sentinel | None, response: requests.Response | None
    ) -> None:
        if opt_out is not SKIP_ID_TOKEN_VALIDATION and (
            "id_token_validation" not in self.registry.provides
        ):
            raise UnvalidatedIdToken(response)

    def split_options(self, params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split keyword arguments into declared per-call options and form parameters."""
        declared = self.registry.call_options
        options = {k: v for k, v in params.items() if k in declared}
        form = {k: v for k, v in params.items() if k not in declared}
        for name in form:
            if extra := extra_for("option", name):
                raise FeatureNotInstalled(name, extra)
        return options, form

    def token_request(
        self,
        data: Mapping[str, object],
        *,
        authorization_response: AuthorizationResponse | None = None,
        id_token_validation: Sentinel | None = None,
        previous_token: Any = None,
        **options: Any,
    ) -> Any:
        """Send a token request with form ``data``; return the token built by its token type.

        :param options: declared per-call options only (a :class:`TypeError` otherwise).
        :raises EndpointError: (a subclass by ``error`` code) when the server refuses.
        :raises InvalidTokenResponse: when the answer is not a valid token response.
        :raises TransportError: when the request does not complete.
        """
        unknown = options.keys() - self.registry.call_options
        if unknown:
            raise TypeError(f"token_request() got unexpected options {sorted(unknown)}")
        form = _form(data)
        options = self.registry.resolve_options(options, self)
        response = self.send("token", self.token_endpoint, form, options)
        return self._token_from(
            response, form, options, authorization_response, id_token_validation, previous_token
        )

    # ---------------------------------------------------------------- sending

    def send(
        self,
        endpoint: str,
        url: str,
        data: FormData | None,
        options: Mapping[str, Any] | None = None,
        *,
        method: str = "POST",
        auth: requests.auth.AuthBase | None = None,
    ) -> requests.Response:
        """Send a request to one of the server's endpoints through the request flows.

        Client authentication and the registered flows for ``endpoint`` apply. Every
        answer is read under :attr:`max_response_size` before a flow sees it.

        :raises UnexpectedRedirect: the endpoint redirected: redirects are never followed,
            so credentials are sent once, to ``url`` only.
        :raises ResponseTooLarge: an answer is larger than :attr:`max_response_size`.
        :raises RequestTimeout: the server did not answer within :attr:`timeout`.
        :raises TransportError: when the request does not complete.
        """
        request = requests.Request(
            method,
            url,
            data=dict(data) if data else None,
            headers={"Accept": "application/json"},
            auth=NO_AUTH if auth is None else auth,  # client auth comes from the flows
        )
        prepared = self.session.prepare_request(request)
        from ._extensions import FlowContext

        context = FlowContext(endpoint, self, options or {}, data)
        settings = self.session.merge_environment_settings(url, {}, None, None, None)
        settings["stream"] = True  # read under the size cap by receive()
        timeout, limit = self.timeout, self.max_response_size

        def transmit(wire: requests.PreparedRequest) -> requests.Response:
            try:
                response = self.session.send(
                    wire, timeout=timeout, allow_redirects=False, **settings
                )
                return receive(response, endpoint, limit)
            except requests.RequestException as err:
                raise transport_error(err, wire, endpoint=endpoint, timeout=timeout) from err

        flows = self.registry.flows_for(endpoint)
        if self.retry is None or not repeatable(endpoint, data):
            return send_through(transmit, flows, prepared, context)
        return self.retry.call(  # each attempt passes through every flow again
            lambda: send_through(transmit, flows, prepared.copy(), context),
            endpoint=endpoint,
            method=method,
            url=url,
        )

    def _token_from(
        self,
        response: requests.Response,
        data: FormData,
        options: Mapping[str, Any],
        authorization_response: AuthorizationResponse | None,
        id_token_validation: Sentinel | None,
        previous_token: Any = None,
    ) -> Any:
        if response.status_code != 200:  # RFC 6749 §5.1: a token response is 200 OK
            self.raise_for_error(response, "token", InvalidTokenResponse)
        fields = json_object(response, InvalidTokenResponse)
        if "error" in fields and "access_token" not in fields:  # an error sent with 200
            self.raise_for_error(response, "token", InvalidTokenResponse)
        token_type = fields.get("token_type", "Bearer")
        if not isinstance(token_type, str):
            raise InvalidTokenResponse("token_type is not a string", response)
        entry = self.registry.token_type(token_type)
        if entry is None:
            hint = extra_for("token_type", token_type)
            install = f" (pip install oauth2core[{hint}])" if hint else ""
            raise InvalidTokenResponse(f"unsupported token_type {token_type!r}{install}", response)
        if "id_token" in fields:
            self._check_id_token_validation(id_token_validation, response)
        from ._extensions import TokenResponseContext

        context = TokenResponseContext(
            client=self,
            grant_type=str(data.get("grant_type", "")),
            data=data,
            options=options,
            response=response,
            authorization_response=authorization_response,
            id_token_validation=id_token_validation,
            previous_token=previous_token,
        )
        token = entry.build(fields, context)
        for step in self.registry.token_response_steps:
            token = step.step(token, context)
        return token

    def raise_for_error(
        self,
        response: requests.Response,
        endpoint: str,
        invalid: type[InvalidResponse] = InvalidResponse,
        default: type[EndpointError] = EndpointError,
    ) -> None:
        """Raise the error a failed response stands for (always raises).

        An OAuth error body (RFC 6749 §5.2) raises the class registered for its ``error``
        code at ``endpoint`` (else ``default``); anything else raises ``invalid``.
        """
        body = json_object_or_none(response)
        if body is not None and isinstance(body.get("error"), str) and body["error"]:
            description = body.get("error_description")
            uri = body.get("error_uri")
            cls = self.registry.error_class(endpoint, body["error"], default)
            raise cls(
                response,
                body["error"],
                description if isinstance(description, str) else None,
                uri if isinstance(uri, str) else None,
            )
        content_type = response.headers.get("Content-Type", "no content type")
        raise invalid(
            f"the {endpoint} endpoint answered HTTP {response.status_code} ({content_type}) "
            "without an OAuth error body",
            response,
        )

    # ---------------------------------------------------------------- other endpoints

    def revoke_token(
        self, token: object, token_type_hint: str | None = None, **params: Any
    ) -> bool:
        """Revoke a token (RFC 7009); True once the server confirmed.

        :param token: a token string, or a token object (its access token, or its refresh
            token with ``token_type_hint="refresh_token"``).
        :raises RevocationError: (``UnsupportedTokenType``...) when the server refuses.
        """
        response = self._token_endpoint_call(
            "revocation", "revocation_endpoint", token, token_type_hint, params
        )
        if response.status_code == 200:  # RFC 7009 §2.2: 200 whatever the token was
            return True
        self.raise_for_error(response, "revocation", InvalidResponse, RevocationError)
        raise AssertionError  # pragma: no cover - raise_for_error always raises

    def _token_endpoint_call(
        self,
        endpoint: str,
        setting: str,
        token: object,
        token_type_hint: str | None,
        params: Mapping[str, Any],
    ) -> requests.Response:
        """POST ``token`` and its hint to a revocation or introspection endpoint."""
        url = self.endpoint(setting)
        options, form = self.split_options(params)
        value = _token_value(token, token_type_hint)
        data = _form({"token": value, "token_type_hint": token_type_hint} | form)
        return self.send(endpoint, url, data, options)

    def revoke_access_token(self, access_token: object, **params: Any) -> bool:
        """Revoke an access token (``token_type_hint=access_token``)."""
        return self.revoke_token(access_token, "access_token", **params)

    def revoke_refresh_token(self, refresh_token: object, **params: Any) -> bool:
        """Revoke a refresh token (``token_type_hint=refresh_token``)."""
        return self.revoke_token(refresh_token, "refresh_token", **params)

    def introspect_token(
        self, token: object, token_type_hint: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """Introspect a token (RFC 7662); the decoded response, with a boolean ``active``.

        A plugin that registers the client method ``decode_endpoint_response`` decodes the
        successful response (``oauth2core[oidc]``: JWT responses, RFC 9701).

        :raises IntrospectionError: when the server refuses.
        :raises InvalidResponse: when the answer is not a JSON object with ``active``.
        """
        response = self._token_endpoint_call(
            "introspection", "introspection_endpoint", token, token_type_hint, params
        )
        if response.status_code != 200:
            self.raise_for_error(response, "introspection", InvalidResponse, IntrospectionError)
        decode = self.registry.client_method("decode_endpoint_response")
        fields: dict[str, Any]
        if decode is not None:  # the oidc plugin: JWT responses (RFC 9701)
            fields = decode.function(self, response, "introspection", token)
        else:
            fields = json_object(response, InvalidResponse)
        if not isinstance(fields.get("active"), bool):  # RFC 7662 §2.2: active is REQUIRED
            raise InvalidResponse("the introspection response has no boolean 'active'", response)
        return fields

    def userinfo(self, access_token: object) -> dict[str, Any]:
        """The claims about the end user, from the userinfo endpoint (OIDC Core §5.3).

        Sent as a GET with the token as authorization (OIDC Core §5.3.1). A plugin that
        registers the client method ``decode_endpoint_response`` decodes the successful
        response (``oauth2core[oidc]``: signed or encrypted userinfo, the ``sub`` check).

        :param access_token: a token object (its own auth is used, so DPoP tokens work) or
            an access token string (sent as Bearer).
        :raises UserinfoError: the server refused the token (``invalid_token``...).
        """
        from ._tokens import BearerToken

        url = self.endpoint("userinfo_endpoint")
        auth = access_token if isinstance(access_token, requests.auth.AuthBase) else None
        if auth is None:
            if not isinstance(access_token, str):
                raise TypeError("access_token must be a token object or a string")
            auth = BearerToken(access_token)
        response = self.send("userinfo", url, None, None, method="GET", auth=auth)
        if response.status_code != 200:
            self.raise_for_challenge(response, "userinfo", UserinfoError)
        decode = self.registry.client_method("decode_endpoint_response")
        if decode is not None:  # the oidc plugin: signed userinfo, the sub check
            claims: dict[str, Any] = decode.function(self, response, "userinfo", access_token)
            return claims
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type == "application/jwt":
            raise FeatureNotInstalled("signed userinfo", "oidc")
        return json_object(response, InvalidResponse)

    def raise_for_challenge(
        self, response: requests.Response, endpoint: str, default: type[EndpointError]
    ) -> None:
        """Raise for a refused resource request (always raises).

        The ``WWW-Authenticate`` error (RFC 6750 §3) decides the class, else an OAuth error
        body, else it is an :class:`InvalidResponse`.
        """
        error = challenge_param(response.headers.get("WWW-Authenticate", ""), "error")
        if error:
            cls = self.registry.error_class(endpoint, error, default)
            description = challenge_param(
                response.headers.get("WWW-Authenticate", ""), "error_description"
            )
            raise cls(response, error, description)
        self.raise_for_error(response, endpoint, InvalidResponse, default)

    # ---------------------------------------------------------------- server metadata

    @classmethod
    def from_discovery_document(
        cls,
        discovery: Mapping[str, Any],
        issuer: str | None = None,
        *,
        auth: AuthLike = None,
        **kwargs: Any,
    ) -> OAuth2Client:
        """A client configured from server metadata (RFC 8414 §2, OIDC Discovery §3).

        Every endpoint the document names is taken; ``kwargs`` win over it.

        :param issuer: the expected issuer: the document's must be identical (RFC 8414 §3.3).
        :raises InvalidDiscoveryDocument: no issuer or token endpoint, a wrong issuer, or an
            endpoint that is not a string.
        """
        if not isinstance(discovery, Mapping):
            raise TypeError("discovery must be a mapping")
        found = discovery.get("issuer")
        if not isinstance(found, str) or not found:
            raise InvalidDiscoveryDocument("the server metadata has no issuer")
        if issuer is not None and found != issuer:
            raise InvalidDiscoveryDocument(
                f"the server metadata is for issuer {found!r}, not the expected {issuer!r}"
            )
        settings: dict[str, Any] = {}
        for key in cls.ENDPOINTS:
            value = discovery.get(key)
            if value is not None and not isinstance(value, str):
                raise InvalidDiscoveryDocument(f"{key} in the server metadata is not a string")
            if value is not None and key not in kwargs:  # a server's bad URL is not a ValueError
                insecure = kwargs.get("allow_insecure_http") is True
                try:
                    validate_endpoint(key, value, allow_insecure_http=insecure)
                except ValueError as err:
                    raise InvalidDiscoveryDocument(f"in the server metadata, {err}") from None
            if value is not None:
                settings[key] = value
        settings.update(issuer=found, metadata=discovery)
        settings.update(kwargs)
        token_endpoint = settings.pop("token_endpoint", None)
        if token_endpoint is None:
            raise InvalidDiscoveryDocument("the server metadata has no token_endpoint")
        return cls(token_endpoint, auth, **settings)

    @classmethod
    def from_discovery_endpoint(
        cls,
        url: str | None = None,
        issuer: str | None = None,
        *,
        auth: AuthLike = None,
        session: requests.Session | None = None,
        timeout: TimeoutValue = DEFAULT_TIMEOUT,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        allow_insecure_http: bool = False,
        retry: int | Retry | RetryPolicy | None = None,
        **kwargs: Any,
    ) -> OAuth2Client:
        """Fetch server metadata and build a client from it.

        A redirect is not followed, as for every request to the server (the target could
        be plain http, or another host than the one configured): the error names the
        target, so that the URL can be corrected.

        :param url: the metadata URL; default ``<issuer>/.well-known/openid-configuration``.
            For RFC 8414 metadata use :func:`oauth2_discovery_document_url`.
        :param issuer: the expected issuer (checked against the document).
        :param timeout: and ``max_response_size``: apply to this fetch and to the client.
        :param retry: the :class:`RetryPolicy` of this fetch (discovery is safe to repeat),
            handed on to the client. Default None: no retry.
        :raises InvalidDiscoveryDocument: the fetch failed or the document is unusable.
        :raises UnexpectedRedirect: the metadata URL redirected.
        :raises ResponseTooLarge: the document is larger than ``max_response_size``.
        :raises TransportError: the request did not complete (:class:`RequestTimeout`: in
            time).
        """
        if url is None:
            if issuer is None:
                raise TypeError("pass the metadata url= or the issuer=")
            url = oidc_discovery_document_url(issuer)
        validate_endpoint("discovery url", url, allow_insecure_http=allow_insecure_http)
        owner = session is None
        http = requests.Session() if session is None else session
        policy = RetryPolicy.coerce(retry, clock=kwargs.get("clock", SYSTEM_CLOCK))
        document_url = url

        def fetch() -> requests.Response:
            return fetch_document(
                document_url,
                endpoint="discovery",
                session=http,
                timeout=timeout,
                max_response_size=max_response_size,
                headers={"Accept": "application/json"},
            )

        try:
            if policy is None:
                response = fetch()
            else:
                response = policy.call(fetch, endpoint="discovery", method="GET", url=url)
        except OAuth2Error:
            if owner:
                http.close()
            raise
        if response.status_code != 200:
            if owner:
                http.close()
            raise InvalidDiscoveryDocument(
                f"the server metadata URL answered HTTP {response.status_code}", response
            )
        try:
            document = json_object(response, InvalidDiscoveryDocument)
            client = cls.from_discovery_document(
                document,
                issuer,
                auth=auth,
                session=http,
                timeout=timeout,
                max_response_size=max_response_size,
                allow_insecure_http=allow_insecure_http,
                retry=policy,
                **kwargs,
            )
        except BaseException as err:
            if owner:
                http.close()
            if isinstance(err, InvalidDiscoveryDocument) and err.response is None:
                err.response = response  # the document this response carried is unusable
            raise
        client._owns_session = owner
        return client

    # ---------------------------------------------------------------- authorization requests

    def authorization_request(self, **kwargs: Any) -> AuthorizationRequest:
        """An authorization request for this client (its endpoint, id, redirect URI, issuer)."""
        from ._authorization import AuthorizationRequest

        authorization_endpoint = self.endpoint("authorization_endpoint")
        client_id = getattr(self.auth, "client_id", None)
        if not isinstance(client_id, str):
            raise ValueError("this client has no client_id")
        kwargs.setdefault("redirect_uri", self.redirect_uri)
        kwargs.setdefault("issuer", self.issuer)
        kwargs.setdefault(
            "authorization_response_iss_parameter_supported",
            self.issuer is not None
            and self.metadata.get("authorization_response_iss_parameter_supported") is True,
        )
        kwargs.setdefault("code_challenge_method", self.code_challenge_method)
        kwargs.setdefault("registry", self.registry)
        request = AuthorizationRequest(authorization_endpoint, client_id, **kwargs)
        request.client = self
        return request

    def pushed_authorization_request(
        self, authorization_request: AuthorizationRequest, **options: Any
    ) -> RequestUriParameterAuthorizationRequest:
        """Push ``authorization_request`` to the PAR endpoint (RFC 9126).

        Returns a request whose ``uri`` carries only ``client_id`` and ``request_uri``; its
        ``validate_callback`` checks the callback against the pushed request. The options in
        effect for the push (the request's, the call's, and what they resolve to, such as a
        DPoP key) travel on into the code exchange.
        """
        from ._authorization import AuthorizationRequest

        url = self.endpoint("pushed_authorization_request_endpoint")
        for name in sorted(options.keys() - self.registry.call_options):  # fail closed
            if extra := extra_for("option", name):
                raise FeatureNotInstalled(name, extra)
            raise TypeError(f"pushed_authorization_request() got an unexpected option {name!r}")
        merged = self.registry.resolve_options({**authorization_request.options, **options}, self)
        response = self.send(
            "pushed_authorization",
            url,
            authorization_request.args,
            merged,
        )
        if response.status_code not in (200, 201):  # RFC 9126 §2.2: 201 Created
            self.raise_for_error(response, "pushed_authorization")
        fields = json_object(response, InvalidResponse)
        request_uri = fields.get("request_uri")
        if not isinstance(request_uri, str) or not request_uri:
            raise InvalidResponse("the PAR response has no request_uri", response)
        return AuthorizationRequest.pushed(authorization_request, request_uri, merged)

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self) -> OAuth2Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the session if this client created it; never swallow an exception."""
        if self._owns_session:
            self.session.close()

    def __repr__(self) -> str:
        return f"OAuth2Client(token_endpoint={self.token_endpoint!r}, auth={self.auth!r})"


_TCHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
"""An HTTP ``token`` (RFC 9110 §5.6.2)."""


def challenge_param(header: str, name: str) -> str | None:
    """The value of auth-param ``name`` in a ``WWW-Authenticate`` header, or None.

    The value is a token or a quoted string (RFC 9110 §11.2); anything else (an unclosed
    quote, stray characters) is not a value.
    """
    match = re.search(
        rf'(?:^|[\s,]){re.escape(name)}\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TCHARS}))(?=$|[\s,])',
        header,
    )
    if match is None:
        return None
    quoted, token = match.groups()
    return re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token


def json_object(
    response: requests.Response,
    invalid: type[InvalidResponse],
    what: str = "the response body",
) -> dict[str, Any]:
    """The JSON object in ``response``'s body, or ``invalid`` raised with the response.

    For plugins parsing their endpoints' answers: ``what`` names the body in the message
    (``"the device authorization response"``); the body itself is never quoted.
    """
    try:
        body = response.json()
    except _UNPARSABLE:
        raise invalid(f"{what} is not JSON", response) from None
    if not isinstance(body, dict):
        raise invalid(f"{what} is a JSON {type(body).__name__}, not an object", response)
    return body


def json_object_or_none(response: requests.Response) -> dict[str, Any] | None:
    """The JSON object in ``response``'s body, or None when the body is anything else.

    For a body that may or may not be an error object (an error sent with HTTP 200, a
    vendor's 429): a body that is not JSON, is nested too deep to parse, or is not an
    object gives None, never an exception.
    """
    try:
        body = response.json()
    except _UNPARSABLE:
        return None
    return body if isinstance(body, dict) else None


_UNPARSABLE: Final = (ValueError, RecursionError)
"""What parsing a body can raise: not JSON, or JSON nested too deep for the parser."""
