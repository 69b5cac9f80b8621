"""register_exports: ``from oauth2core import ToyThing``."""

from __future__ import annotations

from oauth2core import hookimpl
from oauth2core.hookspecs import Export, Register


class ToyThing:
    """A public name of this plugin, also reachable from the oauth2core root module."""


@hookimpl
def register_exports(register: Register[Export]) -> None:
    register(Export("ToyThing", f"{__name__}:ToyThing"))
