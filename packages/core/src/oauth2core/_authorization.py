"""Authorization requests (RFC 6749 §4.1.1, PKCE RFC 7636) and their callbacks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._compact import pack, unpack
from ._errors import (
    AuthorizationResponseError,
    FeatureNotInstalled,
    InvalidAuthorizationResponse,
    MismatchingIssuer,
    MismatchingState,
    MissingAuthCode,
    MissingIssuer,
)
from ._extras import extra_for, plugin_method

if TYPE_CHECKING:
    from ._client import OAuth2Client
    from ._registry import Registry

__all__ = [
    "AuthorizationRequest",
    "AuthorizationRequestSerializer",
    "AuthorizationResponse",
    "PkceUtils",
    "RequestUriParameterAuthorizationRequest",
]


class PkceUtils:
    """PKCE helpers (RFC 7636)."""

    @staticmethod
    def generate_code_verifier() -> str:
        """A 128-character verifier (the maximum RFC 7636 §4.1 allows)."""
        return secrets.token_urlsafe(96)

    @staticmethod
    def derive_challenge(verifier: str, method: str = "S256") -> str:
        """The ``code_challenge`` for ``verifier`` (RFC 7636 §4.2)."""
        if method == "S256":
            digest = hashlib.sha256(verifier.encode("ascii")).digest()
            return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if method == "plain":
            return verifier
        raise ValueError(f"unsupported code_challenge_method {method!r}")


def _generate(value: object, generator: Any) -> str | None:
    if value is ...:
        return str(generator())
    if value is None or isinstance(value, str):
        return value
    raise TypeError("state and nonce must be strings, None, or ... (generate one)")


def _space_separated(value: str | Iterable[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    return " ".join(value) or None


class AuthorizationResponse:
    """What the authorization server sent back, with what the exchange needs.

    :ivar code: the authorization code.
    :ivar state: the state received.
    :ivar iss: the ``iss`` received (RFC 9207), or None.
    :ivar issuer: the issuer the ID token's ``iss`` must match: the checked ``iss``, else
        the request's issuer (requests_oauth2client never filled it).
    :ivar redirect_uri: the redirect URI of the request (sent again in the exchange).
    :ivar code_verifier: the PKCE verifier of the request.
    :ivar nonce: the nonce of the request, for ID token validation.
    :ivar max_age: the ``max_age`` of the request, for ID token validation.
    :ivar acr_values: the ``acr_values`` of the request, for ID token validation.
    :ivar options: the per-call options of the request, carried into the code exchange.
    :ivar extra: the other parameters received.
    """

    __slots__ = (
        "acr_values",
        "code",
        "code_verifier",
        "extra",
        "iss",
        "issuer",
        "max_age",
        "nonce",
        "options",
        "redirect_uri",
        "state",
    )

    def __init__(
        self,
        code: str,
        *,
        state: str | None = None,
        iss: str | None = None,
        issuer: str | None = None,
        redirect_uri: str | None = None,
        code_verifier: str | None = None,
        nonce: str | None = None,
        max_age: int | None = None,
        acr_values: str | None = None,
        options: Mapping[str, Any] | None = None,
        **extra: str,
    ) -> None:
        self.code = code
        self.state = state
        self.iss = iss
        self.issuer = issuer if issuer is not None else iss
        self.redirect_uri = redirect_uri
        self.code_verifier = code_verifier
        self.nonce = nonce
        self.max_age = max_age
        self.acr_values = acr_values
        self.options: Mapping[str, Any] = MappingProxyType(dict(options or {}))
        self.extra = extra

    def __getattr__(self, name: str) -> str:
        try:
            return object.__getattribute__(self, "extra")[name]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"AuthorizationResponse(code=<redacted>, iss={self.iss!r})"


class AuthorizationRequest:
    """An authorization request: build its URI, then validate the callback.

    PKCE S256 is on by default (``code_challenge_method=None`` turns it off); ``state`` is
    generated, and ``nonce`` too when the scope includes ``openid``. Keyword options
    declared by plugins (``dpop_key=``) are kept in :attr:`options`, may add parameters
    (``dpop_jkt``), and travel into the :class:`AuthorizationResponse`. Other keywords are
    sent as parameters.

    :param resource: resource indicators (RFC 8707), one or several.
    :param max_age: the maximum authentication age in seconds (OIDC Core §3.1.2.1).
    :param claims: the ``claims`` request (OIDC Core §5.5), a mapping sent as JSON.
    :param authorization_details: RFC 9396 authorization details, a list sent as JSON.
    :param issuer: the expected issuer: a received ``iss`` must equal it (RFC 9207).
    :param authorization_response_iss_parameter_supported: the server always sends
        ``iss`` (its metadata says so): a callback without one is refused.
    """

    client: OAuth2Client | None = None
    """The OAuth2Client that made this request (``client.authorization_request(...)``), or
    None; plugins read its settings (JARM keys, JAR clock). Set it on a request loaded by
    :class:`AuthorizationRequestSerializer` when a plugin needs it."""

    def __init__(
        self,
        authorization_endpoint: str,
        client_id: str,
        redirect_uri: str | None = None,
        scope: str | Iterable[str] | None = "openid",
        response_type: str = "code",
        *,
        state: str | Any | None = ...,
        nonce: str | Any | None = ...,
        code_verifier: str | None = None,
        code_challenge_method: str | None = "S256",
        response_mode: str | None = None,
        resource: str | Iterable[str] | None = None,
        max_age: int | None = None,
        prompt: str | Iterable[str] | None = None,
        login_hint: str | None = None,
        acr_values: str | Iterable[str] | None = None,
        claims: Mapping[str, Any] | None = None,
        authorization_details: Iterable[Mapping[str, Any]] | None = None,
        issuer: str | None = None,
        authorization_response_iss_parameter_supported: bool = False,
        registry: Registry | None = None,
        **kwargs: Any,
    ) -> None:
        if registry is None:
            from ._plugins import default_registry

            registry = default_registry()
        if authorization_response_iss_parameter_supported and issuer is None:
            raise ValueError(
                "authorization_response_iss_parameter_supported needs the expected issuer="
            )
        if max_age is not None and (
            isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0
        ):
            raise ValueError("max_age must be a non-negative number of seconds")
        self.registry = registry
        self.authorization_endpoint = authorization_endpoint
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = _space_separated(scope)
        self.response_type = response_type
        self.response_mode = response_mode
        self.resource = [resource] if isinstance(resource, str) else list(resource or ())
        self.max_age = max_age
        self.prompt = _space_separated(prompt)
        self.login_hint = login_hint
        self.acr_values = _space_separated(acr_values)
        self.claims = dict(claims) if claims is not None else None
        self.authorization_details = (
            [dict(d) for d in authorization_details] if authorization_details is not None else None
        )
        self.issuer = issuer
        self.authorization_response_iss_parameter_supported = (
            authorization_response_iss_parameter_supported
        )
        self.state = _generate(state, lambda: secrets.token_urlsafe(32))
        wants_nonce = self.scope is not None and "openid" in self.scope.split()
        self.nonce = _generate(
            nonce if wants_nonce or nonce is not ... else None, lambda: secrets.token_urlsafe(32)
        )
        self.code_challenge_method = code_challenge_method
        if code_challenge_method is None:
            self.code_verifier = None
            self.code_challenge = None
        else:
            self.code_verifier = code_verifier or PkceUtils.generate_code_verifier()
            self.code_challenge = PkceUtils.derive_challenge(
                self.code_verifier, code_challenge_method
            )
        declared = registry.call_options
        self.options: Mapping[str, Any] = MappingProxyType(
            registry.resolve_options(
                {k: v for k, v in kwargs.items() if k in declared and v is not None}, None
            )
        )
        self.extra = {k: v for k, v in kwargs.items() if k not in declared and v is not None}
        for name in self.extra:
            if extra := extra_for("option", name):
                raise FeatureNotInstalled(name, extra)

    @property
    def args(self) -> dict[str, str | list[str]]:
        """The request parameters, as sent in the URI (or pushed with PAR).

        A list value (several ``resource`` indicators) is sent as a repeated parameter.
        """
        params: dict[str, Any] = {
            "client_id": self.client_id,
            "response_type": self.response_type,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge and self.code_challenge_method,
            "response_mode": self.response_mode,
            "resource": self.resource or None,
            "max_age": self.max_age,
            "prompt": self.prompt,
            "login_hint": self.login_hint,
            "acr_values": self.acr_values,
            "claims": _json(self.claims),
            "authorization_details": _json(self.authorization_details),
            **self.extra,
        }
        for name, value in self.options.items():
            option = self.registry.request_options[("call", name)]
            if option.authorization_params is not None:
                params.update(option.authorization_params(value))
        return {k: v if isinstance(v, list) else str(v) for k, v in params.items() if v is not None}

    @property
    def uri(self) -> str:
        """The URI to send the user agent to."""
        return _with_query(self.authorization_endpoint, self.args)

    def __str__(self) -> str:
        return self.uri

    def __getattr__(self, name: str) -> Any:
        """A method registered by a plugin (``request.sign(...)`` with JAR)."""
        return plugin_method(self, name, "authorization_request")

    def __repr__(self) -> str:
        return (
            f"AuthorizationRequest({self.authorization_endpoint!r}, client_id={self.client_id!r})"
        )

    def validate_callback(self, response: str | Mapping[str, str]) -> AuthorizationResponse:
        """Check the callback (a URL, a query string or form_post fields) and return it.

        :raises MismatchingState: the state is missing or differs (compared in constant time).
        :raises AuthorizationResponseError: the server sent an ``error`` (a subclass by code).
        :raises MissingAuthCode: there is no ``code``.
        """
        params = _callback_params(response, self.response_mode)
        mode = self.response_mode or "query"
        handler = self.registry.response_modes.get(mode)
        if handler is None:
            if extra := extra_for("response_mode", mode):
                raise FeatureNotInstalled(mode, extra)
            raise ValueError(f"unsupported response_mode {mode!r}")
        params = dict(handler.parse(params, self))
        received_state = params.pop("state", None)
        self._check_state(received_state)
        iss = params.pop("iss", None)
        self._check_issuer(iss)
        error = params.pop("error", None)
        if error is not None or "error_description" in params or "error_uri" in params:
            code_name = error or "missing_error_code"
            cls = self.registry.error_class(
                "authorization_response", code_name, AuthorizationResponseError
            )
            raise cls(self, code_name, params.get("error_description"), params.get("error_uri"))
        code = params.pop("code", None)
        if not code:
            raise MissingAuthCode("the callback has no code")
        for name in _REQUEST_FIELDS.intersection(params):  # RFC 6749 §4.1.2: ignored
            del params[name]  # the request's own values, never the callback's
        return AuthorizationResponse(
            code,
            state=received_state,
            iss=iss,
            issuer=iss if iss is not None else self.issuer,
            redirect_uri=self.redirect_uri,
            code_verifier=self.code_verifier,
            nonce=self.nonce,
            max_age=self.max_age,
            acr_values=self.acr_values,
            options=self.options,
            **params,
        )

    def _check_state(self, received: str | None) -> None:
        """The state must come back unchanged; compared in constant time (RFC 6749 §10.12)."""
        if self.state is None:
            return
        if received is None:
            raise MismatchingState("the callback has no state", expected=self.state, received=None)
        if not hmac.compare_digest(_utf8(received), _utf8(self.state)):
            raise MismatchingState(
                "the callback state does not match the request's state",
                expected=self.state,
                received=received,
            )

    def _check_issuer(self, iss: str | None) -> None:
        """Check ``iss`` as RFC 9207 §2.4 says.

        A received ``iss`` must be the expected issuer; it must be there when the server
        advertises ``authorization_response_iss_parameter_supported``.
        """
        if iss is None:
            if self.authorization_response_iss_parameter_supported:
                raise MissingIssuer(
                    "the callback has no iss, and the server always sends one (RFC 9207)",
                    expected=self.issuer,
                    received=None,
                )
            return
        if self.issuer is not None and iss != self.issuer:
            raise MismatchingIssuer(
                f"the callback comes from issuer {iss!r}, not the expected {self.issuer!r} "
                "(RFC 9207: a mix-up attack?)",
                expected=self.issuer,
                received=iss,
            )

    @classmethod
    def pushed(
        cls,
        request: AuthorizationRequest,
        request_uri: str,
        options: Mapping[str, Any] | None = None,
    ) -> RequestUriParameterAuthorizationRequest:
        """The request to send after ``request`` was pushed with PAR (RFC 9126 §4).

        :param options: the options in effect for the push (default: the request's).
        """
        return RequestUriParameterAuthorizationRequest(request, request_uri, options)


class RequestUriParameterAuthorizationRequest:
    """A pushed authorization request: its URI carries ``client_id`` and ``request_uri``.

    Callbacks are checked against the pushed request; the options in effect for the push
    travel on.
    """

    def __init__(
        self,
        pushed: AuthorizationRequest,
        request_uri: str,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.pushed = pushed
        self.request_uri = request_uri
        self._options: Mapping[str, Any] = (
            pushed.options if options is None else MappingProxyType(dict(options))
        )

    @property
    def options(self) -> Mapping[str, Any]:
        """The options in effect for the push (the pushed request's, by default)."""
        return self._options

    @property
    def uri(self) -> str:
        """The URI to send the user agent to."""
        args = {"client_id": self.pushed.client_id, "request_uri": self.request_uri}
        return _with_query(self.pushed.authorization_endpoint, args)

    def __str__(self) -> str:
        return self.uri

    def validate_callback(self, response: str | Mapping[str, str]) -> AuthorizationResponse:
        """Check the callback against the pushed request; the response gets :attr:`options`."""
        validated = self.pushed.validate_callback(response)
        validated.options = self._options
        return validated


_REQUEST_FIELDS = frozenset(
    {"issuer", "redirect_uri", "code_verifier", "nonce", "max_age", "acr_values", "options"}
)
"""AuthorizationResponse fields that come from the request, not from the callback."""


def _utf8(text: str) -> bytes:
    """``text`` as bytes to compare, lone surrogates (from a form decoder) included."""
    return text.encode("utf-8", "surrogatepass")


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def _with_query(url: str, params: Mapping[str, str | list[str]]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params, doseq=True)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _callback_params(
    response: str | Mapping[str, str], response_mode: str | None
) -> dict[str, str]:
    if isinstance(response, Mapping):
        pairs = list(response.items())
    elif isinstance(response, str):
        parts = urlsplit(response)
        if parts.scheme or response.startswith(("?", "#", "/")):
            in_fragment = response_mode in ("fragment", "fragment.jwt")
            text = parts.fragment if in_fragment else parts.query
        else:
            text = response
        pairs = parse_qsl(text, keep_blank_values=True)
    else:
        raise TypeError("the callback must be a URL, a query string or a mapping")
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise InvalidAuthorizationResponse(f"the callback repeats the parameter {name!r}")
        params[name] = value
    return params


class AuthorizationRequestSerializer:
    """Keeps an :class:`AuthorizationRequest` across the redirect, as compact text.

    The text holds the state, nonce and PKCE verifier in clear: keep it where only this
    user's session can read it (a server-side session, an encrypted cookie). Options of
    plugins must be JSON-serializable to be kept.

    :param registry: the registry of the requests it loads (default: the process registry).
    """

    FIELDS = (
        "authorization_endpoint",
        "client_id",
        "redirect_uri",
        "scope",
        "response_type",
        "state",
        "nonce",
        "code_verifier",
        "code_challenge_method",
        "response_mode",
        "resource",
        "max_age",
        "prompt",
        "login_hint",
        "acr_values",
        "claims",
        "authorization_details",
        "issuer",
        "authorization_response_iss_parameter_supported",
    )

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry

    def dumps(self, request: AuthorizationRequest) -> str:
        """The request as compact text.

        :raises TypeError: an option or extra parameter is not JSON-serializable.
        """
        fields = {name: getattr(request, name) for name in self.FIELDS}
        fields["extra"] = request.extra
        fields["options"] = dict(request.options)
        try:
            return pack(fields)
        except TypeError as err:
            raise TypeError(f"the request cannot be serialized: {err}") from None

    def loads(self, serialized: str) -> AuthorizationRequest:
        """The request saved by :meth:`dumps`, able to validate its callback.

        :raises ValueError: the text is not a serialized request.
        """
        try:
            fields = unpack(serialized)
            extra = fields.pop("extra")
            options = fields.pop("options")
            endpoint = fields.pop("authorization_endpoint")
            client_id = fields.pop("client_id")
        except (ValueError, KeyError) as err:
            raise ValueError("not a serialized authorization request") from err
        try:
            return AuthorizationRequest(
                endpoint, client_id, registry=self.registry, **fields, **extra, **options
            )
        except (TypeError, ValueError) as err:
            raise ValueError("not a serialized authorization request") from err
