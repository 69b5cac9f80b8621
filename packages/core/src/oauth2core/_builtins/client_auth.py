"""Built-in client authentication: the methods, the ``auth=`` shapes, the flow applying them."""

from __future__ import annotations

import requests

from .._client_auth import (
    BaseClientAuthenticationMethod,
    ClientSecretBasic,
    ClientSecretPost,
    PublicApp,
    looks_like_private_key,
)
from .._extensions import (
    CLIENT_AUTH_PHASE,
    AuthCoercion,
    AuthCoercionContext,
    ClientAuthMethod,
    Flow,
    FlowContext,
    RequestFlow,
)
from .._markers import hookimpl
from ..hookspecs import Register


def coerce_secret(auth: object, context: AuthCoercionContext) -> requests.auth.AuthBase | None:
    """Accept ``(id, secret)``, ``client_id=`` with ``client_secret=``, or a bare client id."""
    if isinstance(auth, str):
        return PublicApp(auth)
    if isinstance(auth, tuple) and len(auth) == 2:
        client_id, secret = auth
        if (
            isinstance(client_id, str)
            and isinstance(secret, str)
            and not looks_like_private_key(secret)
        ):
            return ClientSecretPost(client_id, secret)
        return None
    if auth is None and context.client_id is not None and not context.keywords:
        if context.client_secret is None:
            return PublicApp(context.client_id)
        if looks_like_private_key(context.client_secret):
            return None
        return ClientSecretPost(context.client_id, context.client_secret)
    return None


def client_auth_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow | None:
    """Authenticate the client on each request it sends (nearest the wire)."""
    auth = getattr(context.client, "auth", None)
    if auth is None:
        return None
    return _authenticate(auth, request, context)


def _authenticate(
    auth: requests.auth.AuthBase, request: requests.PreparedRequest, context: FlowContext
) -> Flow:
    wire = request.copy()
    if isinstance(auth, BaseClientAuthenticationMethod) and context.data is not None:
        data = dict(context.data)
        auth.apply(data, wire.headers, endpoint=wire.url or "", issuer=context.client.issuer)
        wire.prepare_body(data, None)
    else:
        wire = auth(wire)
    yield wire


@hookimpl
def register_client_auth_methods(register: Register[ClientAuthMethod]) -> None:
    """Register client_secret_basic, client_secret_post and none."""
    for cls in (ClientSecretBasic, ClientSecretPost, PublicApp):
        register(ClientAuthMethod(cls.auth_method, cls))


@hookimpl
def register_auth_coercions(register: Register[AuthCoercion]) -> None:
    """Register the ``auth=`` shapes core understands."""
    register(AuthCoercion("oauth2core.client_secret", coerce_secret))


@hookimpl
def register_request_flows(register: Register[RequestFlow]) -> None:
    """Register client authentication as the innermost flow of backend requests."""
    endpoints = frozenset(
        {
            "token",
            "pushed_authorization",
            "revocation",
            "introspection",
            "device_authorization",
            "backchannel_authentication",
        }
    )
    register(RequestFlow("oauth2core.client_auth", CLIENT_AUTH_PHASE, client_auth_flow, endpoints))
