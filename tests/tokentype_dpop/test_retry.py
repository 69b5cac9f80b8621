"""The opt-in retry policy with DPoP: every attempt carries a fresh proof."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses

from oauth2core import OAuth2Client, RetryPolicy
from oauth2core.testing import FakeClock, FakeSleeper


@pytest.fixture
def ordered_http() -> Iterator[responses.RequestsMock]:
    """Answers given in the order they were added, each once."""
    with responses.RequestsMock(
        registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True
    ) as mock:
        yield mock


def test_each_attempt_gets_a_fresh_proof(
    make_client: Callable[..., OAuth2Client],
    ordered_http: responses.RequestsMock,
    clock: FakeClock,
    urls: Any,
    token_response: Callable[..., dict[str, Any]],
    proof_of: Callable[[Any], Any],
) -> None:
    sleeper = FakeSleeper(clock)
    client = make_client(retry=RetryPolicy(2, sleeper=sleeper, clock=clock))
    ordered_http.post(urls.token, status=500, json={"error": "server_error"})
    ordered_http.post(urls.token, json=token_response())
    token = client.client_credentials(dpop=True)
    assert token.token_type.lower() == "dpop"
    proofs = [proof_of(call) for call in ordered_http.calls]
    assert len({proof.claims["jti"] for proof in proofs}) == 2
    assert proofs[0].thumbprint == proofs[1].thumbprint == token.dpop_key.thumbprint
    assert sleeper.waits == []  # urllib3 waits before the second retry, not the first
