"""register_request_options: a per-call option and a client option, and who sees them.

``toy_key_id=`` is a per-call option: it adds ``toy_jkt`` to authorization requests, and a
flow and a token-response step report the value they received (the flow in the
``X-Toy-Key-Id`` header, the step in the token's ``toy_key_id_seen`` field).
``toy_bound=`` is a client option.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from oauth2core import hookimpl
from oauth2core.hookspecs import (
    TOKEN_PROOF_PHASE,
    Flow,
    FlowContext,
    Register,
    RequestFlow,
    RequestOption,
    TokenResponseContext,
    TokenResponseStep,
)


def toy_jkt(value: Any) -> Mapping[str, str]:
    return {"toy_jkt": f"jkt-{value}"}


def echo_flow(request: requests.PreparedRequest, context: FlowContext) -> Flow | None:
    if "toy_key_id" not in context.options:
        return None
    return _echo(request, context)


def _echo(request: requests.PreparedRequest, context: FlowContext) -> Flow:
    sent = request.copy()
    sent.headers["X-Toy-Key-Id"] = str(context.options["toy_key_id"])
    sent.headers["X-Toy-Endpoint"] = context.endpoint
    yield sent


def record_step(token: Any, context: TokenResponseContext) -> Any:
    if "toy_key_id" in context.options:
        token.extra["toy_key_id_seen"] = context.options["toy_key_id"]
    return token


@hookimpl
def register_request_options(register: Register[RequestOption]) -> None:
    register(RequestOption("toy_key_id", authorization_params=toy_jkt))
    register(RequestOption("toy_bound", scope="client"))


@hookimpl
def register_request_flows(register: Register[RequestFlow]) -> None:
    register(RequestFlow("toy_key_id_echo", TOKEN_PROOF_PHASE, echo_flow))


@hookimpl
def register_token_response_steps(register: Register[TokenResponseStep]) -> None:
    register(TokenResponseStep("toy_key_id_record", record_step))
