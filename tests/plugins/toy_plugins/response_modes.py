"""register_response_modes: ``toy.wrapped`` carries the response in one base64url parameter."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from oauth2core import InvalidAuthorizationResponse, hookimpl
from oauth2core.hookspecs import Register, ResponseMode

MODE = "toy.wrapped"


def wrap(params: Mapping[str, str]) -> str:
    return base64.urlsafe_b64encode(urlencode(params).encode()).rstrip(b"=").decode()


def unwrap(params: Mapping[str, str], request: Any) -> Mapping[str, str]:
    wrapped = params.get("wrapped")
    if not wrapped:
        raise InvalidAuthorizationResponse("toy.wrapped: the response has no 'wrapped'")
    text = base64.urlsafe_b64decode(wrapped + "=" * (-len(wrapped) % 4)).decode()
    return dict(parse_qsl(text, keep_blank_values=True))


@hookimpl
def register_response_modes(register: Register[ResponseMode]) -> None:
    register(ResponseMode(MODE, unwrap))
