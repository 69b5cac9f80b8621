"""Built-in response modes: query, fragment, form_post (their parameters arrive as they are)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._extensions import ResponseMode
from .._markers import hookimpl
from ..hookspecs import Register


def plain(params: Mapping[str, str], request: Any) -> Mapping[str, str]:
    """The parameters as received: nothing to unwrap."""
    return params


@hookimpl
def register_response_modes(register: Register[ResponseMode]) -> None:
    """Register ``query``, ``fragment`` and ``form_post``."""
    for mode in ("query", "fragment", "form_post"):
        register(ResponseMode(mode, plain))
