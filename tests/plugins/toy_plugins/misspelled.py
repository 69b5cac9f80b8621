"""A broken plugin: ``register_grant`` is not a hook (``register_grants`` is)."""

from __future__ import annotations

from oauth2core import hookimpl
from oauth2core.hookspecs import Grant, Register


@hookimpl
def register_grant(register: Register[Grant]) -> None:
    raise AssertionError("never called")
