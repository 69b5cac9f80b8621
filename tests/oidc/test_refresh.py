"""ID tokens of refresh responses (OIDC Core §12.2), with any token type."""

from __future__ import annotations

from types import ModuleType

import pytest

import oauth2core
from oauth2core import BearerToken, OAuth2Client
from oauth2core.hookspecs import Register, TokenType
from oauth2core.testing import registry_from
from oauth2core_oidc import (
    ExpiredIdToken,
    IdToken,
    MismatchingIdTokenAtHash,
    MismatchingRefreshedIdToken,
    ValidationCode,
    token_hash,
)

CLIENT_ID = "client-1"


@pytest.fixture
def original(server) -> IdToken:
    return IdToken(server.id_token(nonce="n-1", azp=CLIENT_ID))


@pytest.fixture
def previous(original) -> BearerToken:
    return BearerToken("old-at", refresh_token="rt-1", id_token=original)


def test_a_refreshed_id_token_is_validated(client, server, token_response, previous, clock):
    clock.advance(60)
    new = server.sign(server.claims(azp=CLIENT_ID, auth_time=previous.id_token.auth_time))
    token_response(id_token=new, refresh_token="rt-2")
    refreshed = client.refresh_token(previous)
    assert isinstance(refreshed.id_token, IdToken)
    assert refreshed.id_token.subject == "alice"


@pytest.mark.parametrize(
    ("claim", "value"),
    [("sub", "mallory"), ("aud", [CLIENT_ID, "another"]), ("auth_time", 1)],
)
def test_refreshed_id_token_must_match_the_original(
    client, server, token_response, previous, claim, value
):
    claims = server.claims(**{"azp": CLIENT_ID, claim: value})
    token_response(id_token=server.sign(claims), refresh_token="rt-2")
    with pytest.raises(MismatchingRefreshedIdToken) as caught:
        client.refresh_token(previous)
    assert caught.value.code == ValidationCode.CLAIM_MISMATCH
    assert caught.value.claim == claim


def test_refreshed_id_token_with_another_nonce(client, server, token_response, previous):
    token_response(id_token=server.id_token(azp=CLIENT_ID, nonce="other"), refresh_token="r")
    with pytest.raises(MismatchingRefreshedIdToken) as caught:
        client.refresh_token(previous)
    assert caught.value.claim == "nonce"


def test_refreshed_id_token_may_repeat_the_original_nonce(client, server, token_response, previous):
    token_response(id_token=server.id_token(azp=CLIENT_ID, nonce="n-1"), refresh_token="r")
    assert client.refresh_token(previous).id_token.nonce == "n-1"


def test_refresh_by_string_still_validates_the_id_token(client, server, token_response, clock):
    now = int(clock.time())
    token_response(id_token=server.id_token(iat=now - 900, exp=now - 600))
    with pytest.raises(ExpiredIdToken):
        client.refresh_token("rt-1", expect_id_token=True)


def test_at_hash_of_a_refreshed_token(client, server, token_response, previous):
    claims = server.claims(azp=CLIENT_ID, at_hash=token_hash("another", "RS256"))
    token_response(id_token=server.sign(claims), refresh_token="r")
    with pytest.raises(MismatchingIdTokenAtHash):
        client.refresh_token(previous)


class ProofToken(BearerToken):
    """A token type of another plugin (a stand-in for DPoPToken)."""

    TOKEN_TYPE = "Proof"
    AUTHORIZATION_SCHEME = "Proof"


def register_token_types(register: Register[TokenType]) -> None:
    register(TokenType("Proof", lambda fields, context: ProofToken(**fields)))


def test_any_token_type_gets_its_id_token_validated(server, clock, code_flow, token_response, urls):
    plugin = ModuleType("proof_token_plugin")
    plugin.register_token_types = oauth2core.hookimpl(register_token_types)  # type: ignore[attr-defined]
    registry = registry_from("oauth2core_clientauth_jwt._plugin", "oauth2core_oidc._plugin", plugin)
    with OAuth2Client(
        urls.token,
        ("client-1", "secret"),
        registry=registry,
        issuer=urls.issuer,
        clock=clock,
        authorization_endpoint=urls.authorization,
        redirect_uri=urls.redirect_uri,
        authorization_server_jwks=server.jwks(),
    ) as client:
        _, response = code_flow(client)
        value = server.id_token(nonce=response.nonce, at_hash=token_hash("proof-at", "RS256"))
        token_response(id_token=value, token_type="Proof", access_token="proof-at")
        token = client.authorization_code(response)
    assert isinstance(token, ProofToken)
    assert isinstance(token.id_token, IdToken)
