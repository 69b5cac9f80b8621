"""Fixtures of the documentation tests.

``from oauth2core import PrivateKeyJwt`` (in an example, or ``getattr`` in a page check)
caches the plugin's export in the root module; other test folders check what happens
without it, so every test here leaves the root module as it found it.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

import oauth2core


@pytest.fixture(autouse=True)
def forget_cached_exports() -> Iterator[None]:
    cached = set(vars(oauth2core))
    yield
    for name in set(vars(oauth2core)) - cached:
        if not isinstance(getattr(oauth2core, name), ModuleType):
            delattr(oauth2core, name)
