"""The oauth2core exception tree.

Every error raised by oauth2core, its plugins and the servers it talks to is an
:class:`OAuth2Error`; caller mistakes (a wrong argument type, a missing required
argument) are plain :class:`TypeError` / :class:`ValueError`.

::

    OAuth2Error
    ├── PluginError
    │   ├── PluginLoadError           a plugin failed to import (fail closed)
    │   ├── PluginConflictError       two plugins registered the same key
    │   ├── PluginContractError       a plugin breaks the hook contract
    │   ├── FeatureNotInstalled       (also AttributeError) the plugin of a feature is absent
    │   └── FeatureImportError        (also ImportError) same, for ``from oauth2core import X``
    ├── ConfigurationError            inconsistent client configuration
    │   └── MissingEndpointUri        (also AttributeError) the endpoint is not configured
    ├── TransportError                (also requests.RequestException) the request did not complete
    │   └── RequestTimeout            (also requests.Timeout, TimeoutError) no answer in time
    ├── PollingCancelled              a polling job's cancel event was set
    ├── PollingTimeout                (also TimeoutError) a polling job's timeout passed
    ├── InvalidResponse               a malformed response (not JSON, missing fields, wrong types)
    │   ├── InvalidTokenResponse
    │   ├── InvalidDiscoveryDocument
    │   ├── ResponseTooLarge          the body is over the client's ``max_response_size``
    │   └── UnexpectedRedirect        a server endpoint redirected (never followed)
    ├── UnvalidatedIdToken            an id_token arrived and no plugin can validate it
    ├── ExpiredAccessToken            an expired access token was about to be sent
    ├── NonRenewableTokenError        a handler's token expired and it cannot get another
    ├── AuthorizationResponseError    the authorization redirect carries an ``error``
    │   └── InteractionRequired ── LoginRequired, AccountSelectionRequired,
    │                              SessionSelectionRequired, ConsentRequired
    ├── InvalidAuthorizationResponse  (also ValueError) the redirect fails a check
    │   └── MismatchingState, MissingAuthCode, MissingIssuer, MismatchingIssuer
    └── EndpointError                 the server answered with an OAuth error body
        ├── InvalidRequest, InvalidClient, InvalidGrant, UnauthorizedClient,
        │   UnsupportedGrantType, InvalidScope, InvalidTarget, AccessDenied,
        │   ServerError, TemporarilyUnavailable,
        │   AuthorizationPending, SlowDown, ExpiredToken   (codes shared by several grants;
        │   a polling job raises ExpiredToken itself, without a response, once the code expired)
        ├── RevocationError ── UnsupportedTokenType
        ├── IntrospectionError
        ├── UserinfoError
        └── ... codes registered by plugins (``register_error_codes``)

Errors never carry a secret in their message or ``repr``: a response is kept as the
``response`` attribute only.
"""

from __future__ import annotations

from typing import Any, ClassVar

import requests

__all__ = [
    "AccessDenied",
    "AccountSelectionRequired",
    "AuthorizationPending",
    "AuthorizationResponseError",
    "ConfigurationError",
    "ConsentRequired",
    "EndpointError",
    "ExpiredToken",
    "FeatureImportError",
    "FeatureNotInstalled",
    "InteractionRequired",
    "IntrospectionError",
    "InvalidAuthorizationResponse",
    "InvalidClient",
    "InvalidDiscoveryDocument",
    "InvalidGrant",
    "InvalidRequest",
    "InvalidResponse",
    "InvalidScope",
    "InvalidTarget",
    "InvalidTokenResponse",
    "LoginRequired",
    "MismatchingIssuer",
    "MismatchingState",
    "MissingAuthCode",
    "MissingEndpointUri",
    "MissingIssuer",
    "OAuth2Error",
    "PluginConflictError",
    "PluginContractError",
    "PluginError",
    "PluginLoadError",
    "RequestTimeout",
    "ResponseTooLarge",
    "RevocationError",
    "ServerError",
    "SessionSelectionRequired",
    "SlowDown",
    "TemporarilyUnavailable",
    "TransportError",
    "UnauthorizedClient",
    "UnexpectedRedirect",
    "UnsupportedGrantType",
    "UnsupportedTokenType",
    "UnvalidatedIdToken",
    "UserinfoError",
]


class OAuth2Error(Exception):
    """The root of every error oauth2core raises on purpose."""

    @property
    def transient(self) -> bool:
        """True when the same request may succeed later; False for permanent failures."""
        return False

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as message and attributes: constructors here take other arguments."""
        return _unpickle, (type(self), self.args), self.__dict__


def _unpickle(cls: type[OAuth2Error], args: tuple[Any, ...]) -> OAuth2Error:
    error = cls.__new__(cls)
    error.args = args
    return error


def _transient_status(status_code: int) -> bool:
    return status_code >= 500 or status_code == 429


def _retry_after(response: requests.Response | None) -> float | None:
    """``Retry-After`` in seconds on a 429 or 503 (RFC 9110 §10.2.3), else None."""
    if response is None or response.status_code not in (429, 503):
        return None
    from ._retry import retry_after  # the one parser; _retry imports this module

    return retry_after(response)


class PluginError(OAuth2Error):
    """A plugin could not be loaded, conflicts with another, or is absent."""


class PluginLoadError(PluginError):
    """A plugin's entry point failed to import; the registry is not built (fail closed).

    :ivar entry_point: the entry-point name in the ``oauth2core.plugins`` group.
    :ivar distribution: the distribution that declares it, when known.
    """

    def __init__(self, entry_point: str, distribution: str | None, cause: BaseException) -> None:
        self.entry_point = entry_point
        self.distribution = distribution
        origin = f" from distribution {distribution!r}" if distribution else ""
        super().__init__(
            f"oauth2core plugin {entry_point!r}{origin} failed to load: "
            f"{type(cause).__name__}: {cause}. Fix or uninstall it, or block it with "
            f"OAUTH2CORE_DISABLE_PLUGINS={entry_point}."
        )


class PluginConflictError(PluginError):
    """Two plugins registered the same key; nothing is ever silently renamed.

    :ivar key: the conflicting key, e.g. ``("grant", "password")``.
    :ivar first: who registered the key first (plugin name and distribution).
    :ivar second: who tried to register it again.
    """

    def __init__(self, key: tuple[str, ...], first: str, second: str) -> None:
        self.key = key
        self.first = first
        self.second = second
        what = " ".join(repr(k) for k in key)
        super().__init__(f"{what} is registered by both {first} and {second}")


class PluginContractError(PluginError):
    """A plugin does not follow the hook contract (unknown hook, wrong argument, bad object).

    :ivar plugin: the plugin name.
    """

    def __init__(self, plugin: str, message: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}")


class _MissingFeature(PluginError):
    def __init__(self, feature: str, extra: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(
            f"{feature!r} is provided by a plugin that is not installed or is disabled: "
            f"pip install oauth2core[{extra}]"
        )


class FeatureNotInstalled(_MissingFeature, AttributeError):
    """A method or keyword of a feature whose plugin is absent or blocked was used.

    The message names the extra to install (``pip install oauth2core[device]``).
    It is also an :class:`AttributeError`, so ``hasattr(client, "authorize_device")`` is False.

    :ivar feature: the name that was looked up.
    :ivar extra: the ``oauth2core`` extra that provides it.
    """


class FeatureImportError(_MissingFeature, ImportError):
    """``from oauth2core import X`` named a feature whose plugin is absent or blocked.

    :ivar feature: the name that was imported.
    :ivar extra: the ``oauth2core`` extra that provides it.
    """


class ConfigurationError(OAuth2Error):
    """The client configuration is inconsistent (with itself or the server metadata)."""


class MissingEndpointUri(ConfigurationError, AttributeError):
    """The client has no URL for the endpoint a method needs.

    :ivar endpoint: the missing setting, e.g. ``"revocation_endpoint"``.
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        super().__init__(
            f"this client has no {endpoint}: pass {endpoint}= or build it from server metadata"
        )


class TransportError(OAuth2Error, requests.RequestException):
    """The HTTP request did not complete (connection, TLS or timeout failure).

    It is also a :class:`requests.RequestException`, so existing ``except`` clauses keep
    working. The original exception is chained as ``__cause__``.

    :ivar transient: True when repeating the request later may succeed (timeouts,
        refused or reset connections); False for permanent faults (TLS, invalid URL).
    :ivar endpoint: the endpoint called (``"token"``, ``"discovery"``...), when known.
    """

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        request: requests.PreparedRequest | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self._transient = transient
        self.endpoint = endpoint

    @property
    def transient(self) -> bool:
        """True for timeouts and refused or reset connections; False for TLS or URL faults."""
        return self._transient


class RequestTimeout(TransportError, requests.Timeout, TimeoutError):
    """The server did not accept the connection or answer within the client's ``timeout``.

    Also a :class:`requests.Timeout` and a builtin :class:`TimeoutError`, so that code
    written for plain requests, or for timeouts in general, catches it. Always transient.

    :ivar timeout: the limit that passed, in seconds (the connect or the read part of a
        ``(connect, read)`` timeout).
    """

    def __init__(
        self,
        message: str,
        *,
        timeout: float | None,
        request: requests.PreparedRequest | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message, transient=True, request=request, endpoint=endpoint)
        self.timeout = timeout


class InvalidResponse(OAuth2Error):
    """A response that breaks the protocol: not JSON, not an object, missing or mistyped fields.

    :ivar response: the :class:`requests.Response`.
    """

    def __init__(self, message: str, response: requests.Response | None = None) -> None:
        super().__init__(message)
        self.response = response

    @property
    def transient(self) -> bool:
        """True when the server failed (5xx) or asked to slow down (429)."""
        return self.response is not None and _transient_status(self.response.status_code)

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asks to wait before trying again (``Retry-After`` on 429, 503)."""
        return _retry_after(self.response)


class InvalidTokenResponse(InvalidResponse):
    """The token endpoint answered with something that is not a valid token response."""


class InvalidDiscoveryDocument(InvalidResponse):
    """Server metadata that cannot be used: not a JSON object, a wrong issuer, bad endpoints."""


class ResponseTooLarge(InvalidResponse):
    """The server's answer is larger than the client's ``max_response_size``.

    Reading stopped at the limit and the connection was closed, so a hostile or broken
    server cannot make the client hold an unbounded body. The ``response`` keeps its status
    and headers; its body is empty.

    :ivar endpoint: the endpoint called (``"token"``, ``"jwks"``...).
    :ivar limit: the limit, in bytes.
    """

    def __init__(self, endpoint: str, limit: int, response: requests.Response) -> None:
        super().__init__(
            f"the {endpoint} endpoint answered with more than {limit} bytes "
            "(the client's max_response_size)",
            response,
        )
        self.endpoint = endpoint
        self.limit = limit


class UnexpectedRedirect(InvalidResponse):
    """A server endpoint answered with a redirect (3xx), which oauth2core never follows.

    Following it would send the request, and the credentials in it, to a URL nobody
    configured, possibly over plain http. For the endpoints that carry no secret
    (discovery, JWKS) the message names the target (without its query), so the configured
    URL can be fixed.

    :ivar endpoint: the endpoint called.
    :ivar location: the ``Location`` header, or None.
    """

    def __init__(
        self,
        message: str,
        response: requests.Response,
        *,
        endpoint: str,
        location: str | None,
    ) -> None:
        super().__init__(message, response)
        self.endpoint = endpoint
        self.location = location


class UnvalidatedIdToken(OAuth2Error):
    """A token response carries an ``id_token`` and no installed plugin validates ID tokens.

    Install ``oauth2core[oidc]``, or pass ``id_token_validation=SKIP_ID_TOKEN_VALIDATION``
    to accept the ID token unverified (never trust its claims then).

    :ivar response: the token response, or None when the request was refused before it
        was sent (an ``openid`` request, a refresh of an OpenID token).
    """

    def __init__(self, response: requests.Response | None) -> None:
        what = "the token response carries" if response is not None else "this request expects"
        super().__init__(
            f"{what} an id_token and no ID token validator is installed: "
            "pip install oauth2core[oidc], or pass "
            "id_token_validation=SKIP_ID_TOKEN_VALIDATION to accept it unverified"
        )
        self.response = response


class AuthorizationResponseError(OAuth2Error):
    """The authorization server redirected back with an ``error`` (RFC 6749 §4.1.2.1).

    :ivar error: the ``error`` code.
    :ivar error_description: the ``error_description``, or None.
    :ivar error_uri: the ``error_uri``, or None.
    :ivar request: the AuthorizationRequest it answers.
    """

    def __init__(
        self,
        request: object,
        error: str,
        error_description: str | None = None,
        error_uri: str | None = None,
    ) -> None:
        self.request = request
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri
        detail = f": {error_description}" if error_description else ""
        super().__init__(f"{error}{detail}")

    @property
    def transient(self) -> bool:
        """True for ``server_error`` and ``temporarily_unavailable`` (RFC 6749 §4.1.2.1)."""
        return self.error in ("server_error", "temporarily_unavailable")


class InteractionRequired(AuthorizationResponseError):
    """``interaction_required``: the user must interact (OIDC Core §3.1.2.6)."""


class LoginRequired(InteractionRequired):
    """``login_required``: the user must log in (``prompt=none`` could not be honoured)."""


class AccountSelectionRequired(InteractionRequired):
    """``account_selection_required``: the user must choose an account."""


class SessionSelectionRequired(InteractionRequired):
    """``session_selection_required``: the user must choose a session."""


class ConsentRequired(InteractionRequired):
    """``consent_required``: the user must consent."""


class InvalidAuthorizationResponse(OAuth2Error, ValueError):
    """The authorization callback fails a check (state, code, issuer...).

    :ivar expected: what the request expected, when the check compares values.
    :ivar received: what the callback carried.
    """

    def __init__(
        self, message: str, *, expected: str | None = None, received: str | None = None
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.received = received


class MismatchingState(InvalidAuthorizationResponse):
    """The callback's ``state`` is missing or differs from the one sent.

    The values are in ``expected`` and ``received``, never in the message.
    """


class MissingAuthCode(InvalidAuthorizationResponse):
    """The callback has no ``code``."""


class MissingIssuer(InvalidAuthorizationResponse):
    """The callback has no ``iss`` although the server always sends one (RFC 9207 §2.4)."""


class MismatchingIssuer(InvalidAuthorizationResponse):
    """The callback's ``iss`` is not the expected issuer (RFC 9207 §2.4: a mix-up)."""


class EndpointError(OAuth2Error):
    """The server answered with an OAuth error body (RFC 6749 §5.2).

    The class is chosen by the ``error`` code through the registry; unknown codes get the
    endpoint's default class.

    :ivar response: the :class:`requests.Response`, or None for an error the client
        detected itself (a device code expired by its own clock).
    :ivar error: the ``error`` code.
    :ivar error_description: the ``error_description``, or None.
    :ivar error_uri: the ``error_uri``, or None.
    :ivar status_code: the HTTP status code, or None without a response.
    """

    code_transient: ClassVar[bool | None] = None
    """True for a class whose ``error`` code says that the same request may succeed later
    (``slow_down``, ``server_error``); None lets the HTTP status decide (5xx and 429:
    transient; a 4xx such as ``invalid_grant`` or ``invalid_client``: permanent)."""

    def __init__(
        self,
        response: requests.Response | None,
        error: str,
        error_description: str | None = None,
        error_uri: str | None = None,
    ) -> None:
        self.response = response
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri
        self.status_code = response.status_code if response is not None else None
        detail = f": {error_description}" if error_description else ""
        super().__init__(f"{error}{detail}")

    @property
    def description(self) -> str | None:
        """The ``error_description`` (the name requests_oauth2client uses)."""
        return self.error_description

    @property
    def transient(self) -> bool:
        """What the code says (:attr:`code_transient`), else True on 5xx and 429."""
        if self.code_transient is not None:
            return self.code_transient
        return self.status_code is not None and _transient_status(self.status_code)

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asks to wait before trying again (``Retry-After`` on 429, 503)."""
        return _retry_after(self.response)


class InvalidRequest(EndpointError):
    """``invalid_request``: the request is missing a parameter or is malformed."""


class InvalidClient(EndpointError):
    """``invalid_client``: client authentication failed."""


class InvalidGrant(EndpointError):
    """``invalid_grant``: the grant (code, refresh token, assertion...) is invalid or expired."""


class UnauthorizedClient(EndpointError):
    """``unauthorized_client``: this client may not use this grant type."""


class UnsupportedGrantType(EndpointError):
    """``unsupported_grant_type``: the server does not support this grant type."""


class InvalidScope(EndpointError):
    """``invalid_scope``: the requested scope is invalid, unknown or exceeds the grant."""


class InvalidTarget(EndpointError):
    """``invalid_target``: the requested resource is invalid (RFC 8707)."""


class AccessDenied(EndpointError):
    """``access_denied``: the resource owner or server denied the request."""


class ServerError(EndpointError):
    """``server_error``: the server met an unexpected condition; transient."""

    code_transient = True


class TemporarilyUnavailable(EndpointError):
    """``temporarily_unavailable``: the server is overloaded or under maintenance; transient."""

    code_transient = True


class AuthorizationPending(EndpointError):
    """``authorization_pending``: the user has not yet completed the authorization; transient."""

    code_transient = True


class SlowDown(EndpointError):
    """``slow_down``: polling too fast; increase the interval (RFC 8628 §3.5); transient."""

    code_transient = True


class ExpiredToken(EndpointError):
    """``expired_token``: the device code or auth_req_id has expired."""


class RevocationError(EndpointError):
    """The revocation endpoint refused the request (RFC 7009 §2.2.1)."""


class UnsupportedTokenType(RevocationError):
    """``unsupported_token_type``: the server cannot revoke this type of token."""


class IntrospectionError(EndpointError):
    """The introspection endpoint refused the request (RFC 7662 §2.3)."""


class UserinfoError(EndpointError):
    """The userinfo endpoint refused the request (OIDC Core §5.3.3, RFC 6750 §3)."""


AUTHORIZATION_ERROR_CODES: dict[str, type[AuthorizationResponseError]] = {
    "interaction_required": InteractionRequired,
    "login_required": LoginRequired,
    "account_selection_required": AccountSelectionRequired,
    "session_selection_required": SessionSelectionRequired,
    "consent_required": ConsentRequired,
}
"""Authorization response codes with their own class (OIDC Core §3.1.2.6)."""

SHARED_ERROR_CODES: dict[str, type[EndpointError]] = {
    "invalid_request": InvalidRequest,
    "invalid_client": InvalidClient,
    "invalid_grant": InvalidGrant,
    "unauthorized_client": UnauthorizedClient,
    "unsupported_grant_type": UnsupportedGrantType,
    "invalid_scope": InvalidScope,
    "invalid_target": InvalidTarget,
    "access_denied": AccessDenied,
    "server_error": ServerError,
    "temporarily_unavailable": TemporarilyUnavailable,
    "authorization_pending": AuthorizationPending,
    "slow_down": SlowDown,
    "expired_token": ExpiredToken,
}
"""The codes used by several features, owned by core (DESIGN §3)."""
