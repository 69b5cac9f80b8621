"""The entry point of the oauth2core-tokentype-dpop plugin: its hook implementations.

Imports no JOSE library (DESIGN: lazy by rule): what is registered here are light
functions; keys, and with them jwskate and cryptography, load when DPoP is first used.
"""

from __future__ import annotations

from oauth2core import hookimpl
from oauth2core.hookspecs import (
    TOKEN_PROOF_PHASE,
    ErrorCode,
    Export,
    Register,
    RequestFlow,
    RequestOption,
    TokenResponseStep,
    TokenType,
)

from ._constants import TOKEN_TYPE
from ._errors import InvalidDPoPProof, UseDPoPNonce
from ._flows import (
    build_dpop_token,
    check_token_type,
    jkt_param,
    resolve_dpop,
    token_endpoint_flow,
)

PACKAGE = __name__.rpartition(".")[0]

EXPORTS = (
    "DPoPKey",
    "DPoPNonceCache",
    "DPoPToken",
    "DPoPTokenSerializer",
    "InvalidDPoPAccessToken",
    "InvalidDPoPAlg",
    "InvalidDPoPKey",
    "InvalidDPoPProof",
    "UseDPoPNonce",
)
"""Names importable from ``oauth2core`` when this package is installed."""

PROOF_ENDPOINTS = frozenset({"token", "pushed_authorization"})
"""Where DPoP proofs go besides resource requests (RFC 9449 §5, §10.1)."""


@hookimpl
def register_token_types(register: Register[TokenType]) -> None:
    """Register ``DPoP``: responses become DPoPTokens bound to the request's key."""
    register(TokenType(TOKEN_TYPE, build_dpop_token))


@hookimpl
def register_request_options(register: Register[RequestOption]) -> None:
    """Declare ``dpop=``, ``dpop_key=``, ``allow_bearer_downgrade=`` and the client options."""
    register(RequestOption("dpop", resolve=resolve_dpop))
    register(RequestOption("dpop_key", authorization_params=jkt_param))
    register(RequestOption("allow_bearer_downgrade"))
    register(RequestOption("dpop_bound_access_tokens", scope="client"))
    register(RequestOption("dpop_alg", scope="client"))


@hookimpl
def register_request_flows(register: Register[RequestFlow]) -> None:
    """Register the proof and nonce retry of token and PAR requests (token-proof phase)."""
    register(
        RequestFlow(f"{PACKAGE}.proof", TOKEN_PROOF_PHASE, token_endpoint_flow, PROOF_ENDPOINTS)
    )


@hookimpl
def register_token_response_steps(register: Register[TokenResponseStep]) -> None:
    """Register the check that a request made with DPoP got a DPoP token."""
    register(TokenResponseStep(f"{PACKAGE}.token_type", check_token_type))


@hookimpl
def register_error_codes(register: Register[ErrorCode]) -> None:
    """Register ``use_dpop_nonce`` and ``invalid_dpop_proof`` where proofs are sent."""
    for endpoint in sorted(PROOF_ENDPOINTS):
        register(ErrorCode("use_dpop_nonce", UseDPoPNonce, endpoint))
        register(ErrorCode("invalid_dpop_proof", InvalidDPoPProof, endpoint))


@hookimpl
def register_exports(register: Register[Export]) -> None:
    """Export the DPoP names through ``oauth2core``."""
    for name in EXPORTS:
        register(Export(name, f"{PACKAGE}:{name}"))
