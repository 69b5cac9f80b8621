"""What plugins register: one frozen object per entry, each carrying its own key.

The ``register`` callback of every ``register_*`` hook (see :mod:`oauth2core.hookspecs`)
takes one of these objects. Core validates it at once and raises
:class:`~oauth2core.PluginConflictError` when its key is already taken.
This module imports nothing heavy: objects hold callables and import their
dependencies on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    import requests

    from ._errors import OAuth2Error

__all__ = [
    "AuthCoercion",
    "AuthCoercionContext",
    "ClientAuthMethod",
    "ClientMethod",
    "ErrorCode",
    "Export",
    "FlowContext",
    "FormData",
    "Grant",
    "RequestFlow",
    "RequestOption",
    "ResponseMode",
    "TokenResponseContext",
    "TokenResponseStep",
    "TokenType",
    "VendorProfile",
]

FormData = dict[str, str | list[str]]
"""Form fields; a list value is sent as a repeated parameter (``resource``, RFC 8707 §2)."""

Flow = Generator["requests.PreparedRequest", "requests.Response", None]
"""A request flow: yield a request, receive its response, yield again to retry (httpx style)."""

CLIENT_AUTH_PHASE = 100
"""Flow phase of client authentication: the innermost, applied to every request sent."""
TOKEN_PROOF_PHASE = 200
"""Flow phase of token-type proofs (DPoP): wraps client authentication."""
RETRY_PHASE = 300
"""Flow phase of retry policies: the outermost, so each retry gets fresh proofs and assertions."""


class Grant(NamedTuple):
    """A grant type and the OAuth2Client method that requests it.

    :ivar grant_type: the ``grant_type`` value (key), e.g.
        ``"urn:ietf:params:oauth:grant-type:saml2-bearer"``.
    :ivar method: the OAuth2Client method name (key in the client-method table).
    :ivar function: ``function(client, *args, **kwargs)``, called as ``client.<method>(...)``.
        It usually ends with ``client.grant_request(grant_type, **params)``.
    """

    grant_type: str
    method: str
    function: Callable[..., Any]


class ClientAuthMethod(NamedTuple):
    """A client authentication method (``token_endpoint_auth_method``, RFC 7591 §2).

    :ivar name: the method name (key), e.g. ``"client_secret_basic"``.
    :ivar auth_class: built as ``auth_class(client_id, credential)`` (or ``auth_class(client_id)``
        for ``none``); instances are :class:`requests.auth.AuthBase`.
    """

    name: str
    auth_class: Callable[..., requests.auth.AuthBase]


class TokenType(NamedTuple):
    """A ``token_type`` (RFC 6749 §7.1) and how to build a token object from a response.

    :ivar token_type: the ``token_type`` value (key, compared case-insensitively).
    :ivar build: ``build(response_fields, context) -> token``.
    """

    token_type: str
    build: Callable[[Mapping[str, Any], TokenResponseContext], Any]


class VendorProfile(NamedTuple):
    """A vendor profile: turns a tenant name into server metadata.

    :ivar name: the profile name (key), e.g. ``"auth0"``.
    :ivar metadata: ``metadata(tenant) -> {"issuer": ..., "token_endpoint": ..., ...}``.
    """

    name: str
    metadata: Callable[[str], Mapping[str, str]]


class ErrorCode(NamedTuple):
    """An OAuth ``error`` code and the exception class raised for it.

    :ivar code: the ``error`` value.
    :ivar exception: a subclass of :class:`~oauth2core.EndpointError`, or of
        :class:`~oauth2core.AuthorizationResponseError` for ``"authorization_response"``.
    :ivar context: where the code is looked up (key with ``code``): ``"endpoint"`` for every
        backend endpoint, or one endpoint (``"token"``, ``"revocation"``,
        ``"device_authorization"``...), or ``"authorization_response"`` for redirects.
    """

    code: str
    exception: type[OAuth2Error]
    context: str = "endpoint"


class Export(NamedTuple):
    """A public name of the ``oauth2core`` root module provided by a plugin.

    :ivar name: the attribute name (key), e.g. ``"DPoPKey"``.
    :ivar target: ``"module:attribute"``; imported on first access only.
    """

    name: str
    target: str


class ClientMethod(NamedTuple):
    """A method added to :class:`~oauth2core.OAuth2Client` or an authorization request.

    :ivar name: the method name (key with ``target``).
    :ivar function: ``function(obj, *args, **kwargs)``, called bound to the object.
    :ivar target: ``"client"`` or ``"authorization_request"``.
    """

    name: str
    function: Callable[..., Any]
    target: Literal["client", "authorization_request"] = "client"


class AuthCoercionContext(NamedTuple):
    """What an auth coercion sees.

    :ivar client_id: the ``client_id`` keyword, or None.
    :ivar client_secret: the ``client_secret`` keyword, or None.
    :ivar keywords: the constructor keywords this coercion claimed that the caller passed.
    :ivar token_endpoint: the client's token endpoint.
    :ivar issuer: the client's issuer, or None.
    :ivar clock: the client's clock (for assertion timestamps).
    """

    client_id: str | None
    client_secret: str | None
    keywords: Mapping[str, Any]
    token_endpoint: str
    issuer: str | None
    clock: Any = None

    def __repr__(self) -> str:
        secret = None if self.client_secret is None else "<redacted>"
        return (
            f"AuthCoercionContext(client_id={self.client_id!r}, client_secret={secret}, "
            f"keywords={sorted(self.keywords)}, token_endpoint={self.token_endpoint!r})"
        )


class AuthCoercion(NamedTuple):
    """Turns an ``auth=`` shape or constructor keywords into a client authentication handler.

    :ivar name: the coercion name (key).
    :ivar coerce: ``coerce(auth, context) -> AuthBase | None``; None means "not mine".
    :ivar keywords: constructor keywords this coercion claims (each a key), e.g.
        ``frozenset({"private_key", "private_jwk"})``.
    """

    name: str
    coerce: Callable[[object, AuthCoercionContext], requests.auth.AuthBase | None]
    keywords: frozenset[str] = frozenset()


class RequestOption(NamedTuple):
    """A keyword option that is not form data.

    Per-call options (``scope="call"``) are taken out of ``**params`` before the form is
    built; they are also accepted by authorization requests and travel through the
    authorization response into the code exchange and PAR. Client options
    (``scope="client"``) are accepted by the OAuth2Client constructor.

    :ivar name: the keyword (key with ``scope``).
    :ivar scope: ``"call"`` or ``"client"``.
    :ivar authorization_params: for call options, ``f(value) -> {param: value}`` added to
        authorization request parameters (e.g. ``dpop_jkt``); None adds nothing.
    :ivar resolve: for call options, ``resolve(options, client) -> options``: the options in
        effect, computed once per token request (``client`` is the OAuth2Client) and once per
        authorization request (``client`` is None), whether or not this option was passed,
        before anything is sent; e.g. the DPoP key ``dpop=True`` asks for is generated here,
        so that the request flows, the token built and ``dpop_jkt`` all see the same key.
        None leaves the options as they are.
    """

    name: str
    scope: Literal["call", "client"] = "call"
    authorization_params: Callable[[Any], Mapping[str, str]] | None = None
    resolve: Callable[[Mapping[str, Any], Any], Mapping[str, Any]] | None = None


class FlowContext(NamedTuple):
    """What a request flow sees.

    :ivar endpoint: ``"token"``, ``"pushed_authorization"``, ``"revocation"``,
        ``"introspection"``, ``"userinfo"``, ``"device_authorization"``,
        ``"backchannel_authentication"`` or ``"resource"``.
    :ivar client: the OAuth2Client, or None for a resource request made by plain requests.
    :ivar options: the per-call options in effect (call keywords over travelled ones).
    :ivar data: the form fields before client authentication, or None.
    :ivar token: the access token object for resource requests, or None.
    """

    endpoint: str
    client: Any = None
    options: Mapping[str, Any] = MappingProxyType({})
    data: FormData | None = None
    token: Any = None

    def __repr__(self) -> str:
        fields = None if self.data is None else sorted(self.data)
        return f"FlowContext(endpoint={self.endpoint!r}, data={fields}, token={self.token!r})"


class RequestFlow(NamedTuple):
    """A step that takes part in sending a request (DPoP proofs, nonce retries, retries).

    ``flow(request, context)`` returns None when it does not apply, or a generator that
    yields the (modified) request, receives its response, and may yield again to retry.
    Flows nest by ``phase``: a higher phase wraps a lower one, so client authentication
    (100) is nearest the wire, token-type proofs (200) wrap it, retry policies (300) wrap
    both: whatever an outer flow resends passes again through every inner one.

    :ivar name: the flow name (key).
    :ivar phase: see above; core exports the constants.
    :ivar flow: ``flow(request, context) -> generator | None``, see above.
    :ivar endpoints: the endpoints it applies to; an empty set means all.
    """

    name: str
    phase: int
    flow: Callable[[requests.PreparedRequest, FlowContext], Flow | None]
    endpoints: frozenset[str] = frozenset()


class TokenResponseContext(NamedTuple):
    """What token building and token-response steps see.

    :ivar client: the OAuth2Client.
    :ivar grant_type: the ``grant_type`` of the request.
    :ivar data: the form fields sent (before client authentication: no client secret).
    :ivar options: the per-call options in effect.
    :ivar response: the :class:`requests.Response`.
    :ivar authorization_response: the AuthorizationResponse for a code exchange, or None.
    :ivar id_token_validation: what the caller passed as ``id_token_validation=``: None, or
        ``SKIP_ID_TOKEN_VALIDATION`` (an ID token validator then keeps the ID token unverified).
    :ivar previous_token: the token being refreshed (a refresh given a token object), or None:
        a refreshed ID token is compared with its ID token (OIDC Core §12.2).
    """

    client: Any
    grant_type: str
    data: FormData
    options: Mapping[str, Any]
    response: requests.Response
    authorization_response: Any = None
    id_token_validation: Any = None
    previous_token: Any = None

    def __repr__(self) -> str:
        # the form carries codes, verifiers, refresh tokens, passwords: names only
        return f"TokenResponseContext(grant_type={self.grant_type!r}, data={sorted(self.data)})"


class TokenResponseStep(NamedTuple):
    """Validates or enriches a token in context, after it is built.

    :ivar name: the step name (key).
    :ivar step: ``step(token, context) -> token`` (the same or a new token; raise to refuse).
    :ivar provides: capabilities it provides, e.g. ``frozenset({"id_token_validation"})``.
    """

    name: str
    step: Callable[[Any, TokenResponseContext], Any]
    provides: frozenset[str] = frozenset()


class ResponseMode(NamedTuple):
    """A ``response_mode`` handler for authorization callbacks (e.g. JARM's ``jwt``).

    :ivar response_mode: the value (key).
    :ivar parse: ``parse(params, authorization_request) -> params``: turns what arrived into
        the plain authorization response parameters, or raises.
    """

    response_mode: str
    parse: Callable[[Mapping[str, str], Any], Mapping[str, str]]
