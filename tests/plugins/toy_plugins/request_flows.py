"""register_request_flows: a proof with a nonce retry, a retry policy, a token-only flow.

Every flow appends its name to the ``X-Toy-Trace`` header of the request it yields, so
the request on the wire shows the order the flows nest in.

- ``toy_proof`` (TOKEN_PROOF_PHASE, every endpoint) adds ``X-Toy-Proof``, notes in
  ``X-Toy-Saw-Secret`` whether client authentication had already run, and retries once
  with the server's ``X-Toy-Nonce`` when the answer is a ``use_nonce`` error (400 with an
  OAuth error body, or 401 with a ``WWW-Authenticate`` challenge).
- ``toy_retry`` (RETRY_PHASE) retries once on a 503.
- ``toy_token_only`` runs for the token endpoint only.
"""

from __future__ import annotations

import requests

from oauth2core import hookimpl
from oauth2core.hookspecs import (
    RETRY_PHASE,
    TOKEN_PROOF_PHASE,
    Flow,
    FlowContext,
    Register,
    RequestFlow,
)

NONCE_HEADER = "X-Toy-Nonce"


def traced(request: requests.PreparedRequest, name: str) -> requests.PreparedRequest:
    sent = request.copy()
    previous = request.headers.get("X-Toy-Trace")
    sent.headers["X-Toy-Trace"] = f"{previous},{name}" if isinstance(previous, str) else name
    return sent


def body_text(request: requests.PreparedRequest) -> str:
    body = request.body
    if isinstance(body, bytes):
        return body.decode()
    return body if isinstance(body, str) else ""


def use_nonce(response: requests.Response) -> str | None:
    """The nonce the server asks for, or None."""
    nonce = response.headers.get(NONCE_HEADER)
    if response.status_code == 401:
        challenge = response.headers.get("WWW-Authenticate", "")
        return nonce if 'error="use_nonce"' in challenge else None
    if response.status_code == 400:
        try:
            error = response.json().get("error")
        except ValueError:
            return None
        return nonce if error == "use_nonce" else None
    return None


def proof_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow:
    return _proof(request)


def _proof(request: requests.PreparedRequest) -> Flow:
    def with_proof(nonce: str | None) -> requests.PreparedRequest:
        sent = traced(request, "toy_proof")
        sent.headers["X-Toy-Proof"] = f"proof;nonce={nonce}" if nonce else "proof"
        sent.headers["X-Toy-Saw-Secret"] = str("client_secret" in body_text(request))
        return sent

    response = yield with_proof(None)
    nonce = use_nonce(response)
    if nonce is not None:
        yield with_proof(nonce)  # once: a second use_nonce goes back to the caller


def retry_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow:
    return _retry(request)


def _retry(request: requests.PreparedRequest) -> Flow:
    response = yield traced(request, "toy_retry")
    if response.status_code == 503:
        yield traced(request, "toy_retry")


def token_only_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow:
    return _token_only(request, context)


def _token_only(request: requests.PreparedRequest, context: FlowContext) -> Flow:
    sent = traced(request, "toy_token_only")
    sent.headers["X-Toy-Token-Only"] = context.endpoint
    yield sent


@hookimpl
def register_request_flows(register: Register[RequestFlow]) -> None:
    # Registered outermost first on purpose: nesting follows the phase, not this order.
    register(RequestFlow("toy_retry", RETRY_PHASE, retry_flow))
    register(RequestFlow("toy_proof", TOKEN_PROOF_PHASE, proof_flow))
    register(
        RequestFlow("toy_token_only", TOKEN_PROOF_PHASE, token_only_flow, frozenset({"token"}))
    )
