"""A broken plugin: its ``register_grants`` asks for an argument the hook does not have."""

from __future__ import annotations

from typing import Any

from oauth2core import hookimpl
from oauth2core.hookspecs import Grant, Register


@hookimpl
def register_grants(register: Register[Grant], client: Any) -> None:
    raise AssertionError("never called")
