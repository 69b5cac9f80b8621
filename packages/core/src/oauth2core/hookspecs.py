"""The oauth2core hook specifications: the contract between oauth2core and its plugins.

A plugin is a module (or object) with functions decorated by ``oauth2core.hookimpl`` and
named after the hooks below. oauth2core finds plugins through the ``oauth2core.plugins``
entry-point group (the entry point names a *light* module) and registers its own
built-ins through the same hooks, first.

Every hook is a ``register_<things>(register)`` hook in the style of llm and datasette:
it is called once, when a registry is built (at the first ``OAuth2Client(...)`` of the
process, or by :func:`oauth2core.build_registry`), never per request. The plugin calls
``register(obj)`` once per thing; ``obj`` is one of the frozen objects re-exported here,
and carries its own key. oauth2core validates each object immediately and raises
:class:`~oauth2core.PluginConflictError`, naming both plugins and their distributions,
when the key is already registered; it never renames.

Hooks are called with keyword arguments only. An implementation may accept fewer
arguments than the specification (opt-in arguments), so arguments can be added without
breaking plugins; none is ever renamed or removed.

Security notes that apply to every hook: a plugin runs with the full trust of the
application. It must never log or put into exception messages a client secret, a
private key, an assertion or a token; and it must not weaken a check made by core
(state, PKCE, issuer, TLS verification) except through a named opt-out the caller passes.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

import pluggy

from ._extensions import (
    CLIENT_AUTH_PHASE,
    RETRY_PHASE,
    TOKEN_PROOF_PHASE,
    AuthCoercion,
    AuthCoercionContext,
    ClientAuthMethod,
    ClientMethod,
    ErrorCode,
    Export,
    Flow,
    FlowContext,
    FormData,
    Grant,
    RequestFlow,
    RequestOption,
    ResponseMode,
    TokenResponseContext,
    TokenResponseStep,
    TokenType,
    VendorProfile,
)
from ._flows import FlowAuth

__all__ = [
    "CLIENT_AUTH_PHASE",
    "RETRY_PHASE",
    "TOKEN_PROOF_PHASE",
    "AuthCoercion",
    "AuthCoercionContext",
    "ClientAuthMethod",
    "ClientMethod",
    "ErrorCode",
    "Export",
    "Flow",
    "FlowAuth",
    "FlowContext",
    "FormData",
    "Grant",
    "Register",
    "RequestFlow",
    "RequestOption",
    "ResponseMode",
    "TokenResponseContext",
    "TokenResponseStep",
    "TokenType",
    "VendorProfile",
    "hookspec",
]

hookspec = pluggy.HookspecMarker("oauth2core")
"""The marker of oauth2core hook specifications."""


T_contra = TypeVar("T_contra", contravariant=True)


class Register(Protocol[T_contra]):
    """The ``register`` callback a ``register_*`` hook receives.

    ``register(obj)`` records ``obj`` in the registry being built, with the plugin that
    registered it. It raises :class:`~oauth2core.PluginConflictError` on a duplicate key
    and :class:`~oauth2core.PluginContractError` when ``obj`` is not of the expected type.
    """

    def __call__(self, obj: T_contra, /) -> None:
        """Register one object."""


# -------------------------------------------------------------------------------------------
# Registry hooks: the things a client can use.
# -------------------------------------------------------------------------------------------


@hookspec
def register_grants(register: Register[Grant]) -> None:
    """Register grant types and the OAuth2Client methods that request them.

    Called once per registry build, with a ``register`` callback that accepts
    :class:`Grant` objects.

    :param register: call ``register(Grant(grant_type, method, function))`` per grant.
        Keys: the ``grant_type`` (unique), and ``method`` (unique among client methods,
        and it must not shadow an OAuth2Client attribute).

    ``function(client, *args, **kwargs)`` becomes ``client.<method>(...)``. It should end
    with ``client.grant_request(grant_type, **params)``, which separates the declared
    request options from form data, drops ``None`` values, joins scopes, authenticates the
    client, runs the request flows and the token-response steps, and maps errors. A grant
    therefore never parses an error body itself.

    **Security:** a grant that redeems a one-time credential (a code, a rotating refresh
    token) must not be retried blindly; leave retries to core's policy.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_grants(register):
            register(Grant(SAML2_BEARER, "saml2_bearer", saml2_bearer))
    """


@hookspec
def register_client_auth_methods(register: Register[ClientAuthMethod]) -> None:
    """Register client authentication methods (``token_endpoint_auth_method`` values).

    Called once per registry build.

    :param register: call ``register(ClientAuthMethod(name, auth_class))``. Key: ``name``
        (RFC 7591 §2 method name, unique).

    ``auth_class(client_id, credential)`` (``auth_class(client_id)`` for ``none``) must
    return a :class:`requests.auth.AuthBase`; OAuth2Client builds it when given
    ``client_id=``, a credential and ``token_endpoint_auth_method=name``.

    **Security:** the handler must send the credential only to the endpoint it is applied
    to, and its ``repr`` must not show the credential.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_client_auth_methods(register):
            register(ClientAuthMethod("client_secret_basic", ClientSecretBasic))
    """


@hookspec
def register_token_types(register: Register[TokenType]) -> None:
    """Register ``token_type`` values and how token responses become token objects.

    Called once per registry build.

    :param register: call ``register(TokenType(token_type, build))``. Key: ``token_type``,
        compared case-insensitively (``Bearer`` and ``bearer`` are one key).

    ``build(fields, context)`` receives the parsed JSON object of a successful token
    response and a :class:`TokenResponseContext`, and returns the token. It raises
    :class:`~oauth2core.InvalidTokenResponse` for a malformed response.

    **Security:** the token's ``repr`` must not show its value.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_token_types(register):
            register(TokenType("DPoP", build_dpop_token))
    """


@hookspec
def register_vendor_profiles(register: Register[VendorProfile]) -> None:
    """Register vendor profiles, which turn a tenant into server metadata.

    Called once per registry build.

    :param register: call ``register(VendorProfile(name, metadata))``. Key: ``name``.

    ``metadata(tenant)`` returns a mapping with at least ``issuer`` and
    ``token_endpoint``, in RFC 8414 names. It raises :class:`ValueError` for a tenant it
    cannot use. :meth:`OAuth2Client.from_vendor_profile` builds a client from it.

    **Security:** metadata must use https except for loopback hosts.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_vendor_profiles(register):
            register(VendorProfile("auth0", auth0_metadata))
    """


@hookspec
def register_error_codes(register: Register[ErrorCode]) -> None:
    """Register OAuth ``error`` codes and the exception classes raised for them.

    Called once per registry build. Core owns the codes that several features use
    (``invalid_grant``, ``authorization_pending``, ``slow_down``...); a plugin registers
    only its own.

    :param register: call ``register(ErrorCode(code, exception, context))``. Key:
        ``(context, code)``. A lookup for an endpoint tries ``(endpoint, code)``, then
        ``("endpoint", code)``, then falls back to the endpoint's default class.

    ``exception`` must subclass :class:`~oauth2core.EndpointError`.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_error_codes(register):
            register(ErrorCode("invalid_dpop_proof", InvalidDPoPProof))
    """


# -------------------------------------------------------------------------------------------
# Extension points: how plugins take part in core's objects and requests.
# -------------------------------------------------------------------------------------------


@hookspec
def register_exports(register: Register[Export]) -> None:
    """Register public names of the ``oauth2core`` root module.

    Called once per registry build. ``from oauth2core import DPoPKey`` then resolves
    ``DPoPKey`` through the default registry on first access (PEP 562), so that code
    written for requests_oauth2client only needs an import rename. Typed code may import
    the name from the plugin package instead.

    :param register: call ``register(Export(name, "module:attribute"))``. Key: ``name``,
        which must not be one of core's own names. The target is imported on first access.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_exports(register):
            register(Export("DPoPKey", "oauth2core_tokentype_dpop._key:DPoPKey"))
    """


@hookspec
def register_client_methods(register: Register[ClientMethod]) -> None:
    """Register methods of :class:`~oauth2core.OAuth2Client` or authorization requests.

    Called once per registry build. ``client.name(...)`` calls ``function(client, ...)``;
    with ``target="authorization_request"``, ``request.name(...)`` calls
    ``function(request, ...)`` (e.g. JAR's ``sign``).

    :param register: call ``register(ClientMethod(name, function, target))``. Key:
        ``(target, name)``, shared with the methods of :func:`register_grants`; a name that
        shadows an attribute of the class is refused.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_client_methods(register):
            register(ClientMethod("authorize_device", authorize_device))
    """


@hookspec
def register_auth_coercions(register: Register[AuthCoercion]) -> None:
    """Register ``auth=`` shapes and constructor keywords that build client authentication.

    Called once per registry build. When OAuth2Client receives an ``auth=`` value core
    does not handle itself (a ``(client_id, key)`` tuple whose key is not a plain secret),
    or a keyword a coercion claims (``private_key=``), each coercion is asked in turn,
    plugins before core, until one returns a handler.

    :param register: call ``register(AuthCoercion(name, coerce, keywords))``. Keys:
        ``name``, and each claimed keyword.

    **Security:** never treat a private key (a PEM, a JWK) as a client secret.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_auth_coercions(register):
            register(AuthCoercion("jwk", coerce_private_key, frozenset({"private_key"})))
    """


@hookspec
def register_request_options(register: Register[RequestOption]) -> None:
    """Declare keyword options that are not form data.

    Called once per registry build. Per-call options (``dpop=``) are taken out of a grant
    call's ``**params`` before the form is built and handed to request flows and
    token-response steps in ``context.options``; they are accepted by
    ``AuthorizationRequest`` too, may add authorization parameters, and travel through
    the ``AuthorizationResponse`` into the code exchange and PAR. Client options
    (``dpop_bound_access_tokens=``) are accepted by the OAuth2Client constructor and read
    from ``client.options``. A keyword that no one declared is form data in a grant call
    and a :class:`TypeError` for the constructor.

    :param register: call ``register(RequestOption(name, scope, authorization_params,
        resolve))``. Key: ``(scope, name)``; a call option must not be a core parameter name.
        ``resolve(options, client)`` computes the options in effect once per token request
        and authorization request (e.g. generates the key ``dpop=True`` asks for).

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_request_options(register):
            register(RequestOption("dpop_key", authorization_params=jkt_param))
            register(RequestOption("dpop_bound_access_tokens", scope="client"))
    """


@hookspec
def register_request_flows(register: Register[RequestFlow]) -> None:
    """Register request flows: generator steps of token-endpoint and resource requests.

    Called once per registry build. For each request, every flow whose ``endpoints``
    match is called as ``flow(request, context)``; it returns None (not applicable) or a
    generator that yields the request to send, receives the response, and may yield a new
    request to retry (an httpx auth flow). Flows nest by phase: client authentication
    (``CLIENT_AUTH_PHASE``) is nearest the wire, token-type proofs (``TOKEN_PROOF_PHASE``)
    wrap it, retry policies (``RETRY_PHASE``) wrap both. The same flows drive plain
    ``requests.get(url, auth=token)`` through one response-hook adapter,
    :class:`FlowAuth`: a token type whose ``authorize(request)`` adds proofs returns
    ``FlowAuth(flows, FlowContext("resource", token=token))(request)``.

    :param register: call ``register(RequestFlow(name, phase, flow, endpoints))``. Key:
        ``name``.

    **Security:** a flow must not follow redirects with credentials, and must bound its
    retries.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_request_flows(register):
            register(RequestFlow("dpop", TOKEN_PROOF_PHASE, dpop_flow))
    """


@hookspec
def register_token_response_steps(register: Register[TokenResponseStep]) -> None:
    """Register steps that validate or enrich a token after it is built.

    Called once per registry build. Each step runs in registration order (core first) as
    ``step(token, context)`` and returns the token to keep (the same or a new one); it
    raises to refuse the response. A step that validates ID tokens declares
    ``provides={"id_token_validation"}``: without one, a token response carrying an
    ``id_token`` raises unless the caller passes ``id_token_validation=SKIP_ID_TOKEN_VALIDATION``.

    :param register: call ``register(TokenResponseStep(name, step, provides))``. Key:
        ``name``.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_token_response_steps(register):
            register(TokenResponseStep("id_token", validate_id_token,
                                       frozenset({"id_token_validation"})))
    """


@hookspec
def register_response_modes(register: Register[ResponseMode]) -> None:
    """Register ``response_mode`` handlers for authorization callbacks.

    Called once per registry build. ``validate_callback`` looks up the request's
    ``response_mode`` and calls ``parse(params, request)`` before the state, issuer and
    error checks, which then run on what ``parse`` returns.

    :param register: call ``register(ResponseMode(response_mode, parse))``. Key:
        ``response_mode``.

    **Security:** a handler that unwraps a signed response (JARM) must verify it before
    returning any parameter.

    .. versionadded:: 0.1

    Example::

        @hookimpl
        def register_response_modes(register):
            register(ResponseMode("jwt", parse_jarm))
    """
