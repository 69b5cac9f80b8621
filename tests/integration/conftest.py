from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.integration._authorization_server import (
    AuthorizationServer,
    AuthorizationServerError,
    node_executable,
    run_authorization_server,
)


@pytest.fixture(scope="session")
def authorization_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthorizationServer]:
    """The test Authorization Server (Node.js + oidc-provider), one per test session."""
    if node_executable() is None:
        reason = "node is not installed: the integration tests need the test Authorization Server"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)

    log_path = tmp_path_factory.mktemp("authorization_server") / "server.log"
    try:
        with run_authorization_server(log_path) as server:
            yield server
    except AuthorizationServerError as exc:
        pytest.fail(f"test Authorization Server failed: {exc}", pytrace=False)
