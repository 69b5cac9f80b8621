"""What the plugin registers, light enough for the entry point.

Option resolution, the request flows (proofs and the one nonce retry), the token-type
check and the token builder.

Keys are only ever handled through :class:`DPoPKey` objects, whose module (and with it
the JOSE libraries) is imported the first time one is needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from oauth2core import SYSTEM_CLOCK, InvalidTokenResponse, json_object_or_none

from ._constants import DEFAULT_ALG, DPOP_HEADER

if TYPE_CHECKING:
    import requests

    from oauth2core.hookspecs import Flow, FlowContext, TokenResponseContext

    from ._key import DPoPKey
    from ._token import DPoPToken

__all__ = [
    "build_dpop_token",
    "challenges",
    "check_token_type",
    "jkt_param",
    "resolve_dpop",
    "resource_flow",
    "token_endpoint_flow",
]

USE_DPOP_NONCE: Final = "use_dpop_nonce"


# ------------------------------------------------------------------------------ options


def _key_of(value: object, clock: Any = None) -> DPoPKey:
    from ._key import as_dpop_key

    return as_dpop_key(value, clock=clock)


def resolve_dpop(options: Mapping[str, Any], client: Any) -> Mapping[str, Any]:
    """The DPoP options in effect for one token or authorization request.

    ``dpop_key=`` (a DPoPKey, or a key it loads) turns DPoP on; ``dpop=True`` without a
    key generates one (the client's ``dpop_alg``, default ES256); ``dpop=None`` follows
    the client's ``dpop_bound_access_tokens``. The result holds ``dpop=True`` and the
    ``dpop_key`` when DPoP is on, so that the proof, the token and ``dpop_jkt`` use one key.
    """
    dpop = options.get("dpop")
    if dpop is not None and not isinstance(dpop, bool):
        raise TypeError("dpop must be True, False or None")
    clock = getattr(client, "clock", None) or SYSTEM_CLOCK
    value = options.get("dpop_key")
    if value is not None:
        if dpop is False:
            raise TypeError("dpop=False contradicts dpop_key=: pass one or the other")
        return {**options, "dpop": True, "dpop_key": _key_of(value, clock)}
    client_options: Mapping[str, Any] = getattr(client, "options", None) or {}
    if dpop is None:
        bound = client_options.get("dpop_bound_access_tokens", False)
        if not isinstance(bound, bool):
            raise TypeError("dpop_bound_access_tokens must be True or False")
        dpop = bound
    if not dpop:
        return options
    alg = client_options.get("dpop_alg", DEFAULT_ALG)
    if not isinstance(alg, str):
        raise TypeError("dpop_alg must be a string such as 'ES256'")
    from ._key import DPoPKey

    return {**options, "dpop": True, "dpop_key": DPoPKey.generate(alg, clock=clock)}


def jkt_param(key: object) -> Mapping[str, str]:
    """The ``dpop_jkt`` authorization request parameter for ``key`` (RFC 9449 §10)."""
    return {"dpop_jkt": _key_of(key).thumbprint}


# ------------------------------------------------------------------------------ challenges

_TCHARS: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM: Final = re.compile(rf'({_TCHARS})[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^\s,"]*)')
_SCHEME: Final = re.compile(rf"({_TCHARS})(?=[ \t,]|$)")
_TOKEN68: Final = re.compile(r"[ \t]+[A-Za-z0-9\-._~+/]+=*[ \t]*(?=,|$)")
_ESCAPE: Final = re.compile(r"\\(.)")


def challenges(header: str) -> list[tuple[str, dict[str, str]]]:
    """The challenges of a ``WWW-Authenticate`` value (RFC 9110 §11.6.1).

    :returns: ``(scheme in lower case, {param name in lower case: value})`` for each one;
        parsing stops at the first malformed part.
    """
    found: list[tuple[str, dict[str, str]]] = []
    params: dict[str, str] | None = None
    position, end = 0, len(header)
    while position < end:
        if header[position] in " \t,":
            position += 1
            continue
        param = _PARAM.match(header, position) if params is not None else None
        if param is not None and params is not None:
            name, value = param.groups()
            if value.startswith('"'):
                value = _ESCAPE.sub(r"\1", value[1:-1])
            params.setdefault(name.lower(), value)
            position = param.end()
            continue
        scheme = _SCHEME.match(header, position)
        if scheme is None:
            break
        params = {}
        found.append((scheme.group(1).lower(), params))
        position = scheme.end()
        token68 = _TOKEN68.match(header, position)
        if token68 is not None:
            position = token68.end()
    return found


def _asks_for_nonce(response: requests.Response) -> bool:
    """Whether ``response`` is a ``use_dpop_nonce`` error: a DPoP challenge or an error body."""
    header = response.headers.get("WWW-Authenticate")
    if header and any(
        scheme == "dpop" and params.get("error") == USE_DPOP_NONCE
        for scheme, params in challenges(header)
    ):
        return True
    if response.status_code != 400:
        return False
    body = json_object_or_none(response)
    return body is not None and body.get("error") == USE_DPOP_NONCE


def _bound_key(token: Any) -> DPoPKey | None:
    """The key a DPoP token is bound to; None for any other token, whatever its fields.

    Other tokens show the fields of the server's response as attributes, and a response
    may well carry one named ``dpop_key``: only the token's class decides (a
    :class:`DPoPToken` has it as a slot), without importing that class's JOSE libraries.
    """
    if not hasattr(type(token), "dpop_key"):
        return None
    key: DPoPKey = token.dpop_key
    return key


def _replayable(request: requests.PreparedRequest) -> bool:
    return request.body is None or isinstance(request.body, str | bytes)


# ------------------------------------------------------------------------------ flows


def token_endpoint_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow | None:
    """Add a proof to token and PAR requests made with a DPoP key; retry once for a nonce.

    The options were resolved before (``resolve_dpop``): DPoP is on when there is a key.
    """
    value = context.options.get("dpop_key")
    if value is None:
        return None
    return _proved(_key_of(value), request, None, None, _TOKEN_ENDPOINT_NONCE_STATUSES)


def resource_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow | None:
    """Authorize a resource request with a DPoP token and a proof; retry once for a nonce."""
    token: DPoPToken | None = context.token
    key = _bound_key(token)
    if token is None or key is None:
        return None
    return _proved(key, request, token.ath, token.authorization_header(), _RESOURCE_NONCE_STATUSES)


_TOKEN_ENDPOINT_NONCE_STATUSES: Final = frozenset({400, 401})
"""RFC 9449 §8: the authorization server asks with a 400 error body (401 is tolerated)."""

_RESOURCE_NONCE_STATUSES: Final = frozenset({401})
"""RFC 9449 §9: a resource server asks with a 401 and a ``DPoP`` challenge."""


def _proved(
    key: DPoPKey,
    request: requests.PreparedRequest,
    ath: str | None,
    authorization: str | None,
    nonce_statuses: frozenset[int],
) -> Flow:
    """Send ``request`` with a proof; once more with a new one if the server wants a nonce.

    The nonce sent is the one cached for the request's origin; every ``DPoP-Nonce`` seen
    refreshes it. The retry happens only once, only with a nonce different from the one
    already sent, and only for a request whose body can be sent again.
    """
    url = request.url or ""
    method = request.method or "GET"
    nonces = key.nonces
    nonce = nonces.get(url)
    wire = request.copy()
    if authorization is not None:
        wire.headers["Authorization"] = authorization
    wire.headers[DPOP_HEADER] = key.proof(method, url, ath=ath, nonce=nonce)
    response = yield wire
    fresh = nonces.update(url, response)
    if (
        fresh is not None
        and fresh != nonce
        and response.status_code in nonce_statuses
        and _replayable(request)
        and _asks_for_nonce(response)
    ):
        wire = request.copy()
        if authorization is not None:
            wire.headers["Authorization"] = authorization
        wire.headers[DPOP_HEADER] = key.proof(method, url, ath=ath, nonce=fresh)
        response = yield wire
        nonces.update(url, response)


# ------------------------------------------------------------------------------ tokens


def build_dpop_token(fields: Mapping[str, Any], context: TokenResponseContext) -> DPoPToken:
    """Build a :class:`DPoPToken` bound to the key the request's proof was signed with."""
    key = context.options.get("dpop_key")
    if key is None:
        raise InvalidTokenResponse(
            "the server issued a DPoP token, but the request carried no DPoP proof",
            context.response,
        )
    from ._token import dpop_token_from_response

    return dpop_token_from_response(fields, context, _key_of(key))


def check_token_type(token: Any, context: TokenResponseContext) -> Any:
    """Refuse a Bearer token for a request made with DPoP (unless the caller allows it).

    ``allow_bearer_downgrade=True`` accepts it: WARNING, the token is then not bound to
    the key, and anyone who obtains it can use it.
    """
    options = context.options
    if options.get("dpop_key") is None or _bound_key(token) is not None:
        return token
    token_type = getattr(token, "token_type", None)
    issued = token_type == "N_A"  # noqa: S105 - a token type, not a password
    if issued or options.get("allow_bearer_downgrade") is True:
        return token  # N_A (RFC 8693): not an access token, so nothing to bind
    raise InvalidTokenResponse(
        f"DPoP was requested but the server issued a {token_type!r} token, which is not "
        "bound to the key; pass allow_bearer_downgrade=True to accept it",
        context.response,
    )
