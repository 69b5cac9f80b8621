"""Fixtures of the documentation tests.

``from oauth2core import PrivateKeyJwt`` (in an example, or ``getattr`` in a page check)
caches the plugin's export in the root module; other test folders check what happens
without it, so every test here leaves the root module as it found it. Examples also
configure logging: the levels and handlers of the ``oauth2core`` loggers are restored.
"""

from __future__ import annotations

import logging
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


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    def loggers() -> list[logging.Logger]:
        return [
            logger
            for name, logger in logging.Logger.manager.loggerDict.items()
            if isinstance(logger, logging.Logger) and name.split(".")[0] == "oauth2core"
        ]

    saved = {logger: (logger.level, list(logger.handlers)) for logger in loggers()}
    yield
    for logger in loggers():
        level, handlers = saved.get(logger, (logging.NOTSET, []))
        logger.setLevel(level)
        logger.handlers[:] = handlers
