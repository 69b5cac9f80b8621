"""Token requests with DPoP: options, proofs, key generation, the token type, AS nonces."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
import requests

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    BearerToken,
    ClientSecretBasic,
    InvalidTokenResponse,
    IssuedToken,
    OAuth2Client,
    TransportError,
)
from oauth2core_clientauth_jwt import ClientSecretJwt
from oauth2core_tokentype_dpop import (
    DPoPToken,
    InvalidDPoPAlg,
    InvalidDPoPProof,
    UseDPoPNonce,
)

NONCE_ERROR = {
    "error": "use_dpop_nonce",
    "error_description": "Authorization server requires nonce",
}


def test_dpop_true_generates_a_key_that_signs_the_proof_and_binds_the_token(
    client, mock_http, urls, proof_of, form_of, token_response, clock
):
    mock_http.post(urls.token, json=token_response())

    token = client.client_credentials(scope="read", dpop=True)

    assert isinstance(token, DPoPToken)
    (call,) = mock_http.calls
    proof = proof_of(call)
    assert proof.claims["htm"] == "POST"
    assert proof.claims["htu"] == urls.token
    assert proof.claims["iat"] == int(clock.wall)
    assert "ath" not in proof.claims
    assert "nonce" not in proof.claims
    assert proof.thumbprint == token.dpop_key.thumbprint
    assert token.dpop_key.alg == "ES256"
    assert token.dpop_key.clock is clock
    form = form_of(call)
    assert form == {
        "grant_type": ["client_credentials"],
        "scope": ["read"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_dpop_key_signs_and_is_kept_on_the_token(client, mock_http, urls, key, proof_of):
    mock_http.post(urls.token, json={"access_token": "at-1", "token_type": "dpop"})
    token = client.client_credentials(dpop_key=key)
    assert token.dpop_key is key
    assert token.token_type == "DPoP"
    assert proof_of(mock_http.calls[0]).thumbprint == key.thumbprint


def test_dpop_key_may_be_a_private_jwk(client, mock_http, urls, keys, proof_of, token_response):
    mock_http.post(urls.token, json=token_response())
    token = client.client_credentials(dpop_key=keys["PS256"].private_jwk)
    assert token.dpop_key == keys["PS256"]
    assert proof_of(mock_http.calls[0]).header["alg"] == "PS256"


def test_no_dpop_option_sends_no_proof(client, mock_http, urls):
    mock_http.post(urls.token, json={"access_token": "at-1", "token_type": "Bearer"})
    token = client.client_credentials()
    assert type(token) is BearerToken
    assert "DPoP" not in mock_http.calls[0].request.headers


def test_a_client_bound_by_default_uses_dpop_for_every_grant(
    make_client, mock_http, urls, proof_of, token_response
):
    client = make_client(dpop_bound_access_tokens=True, dpop_alg="EdDSA")
    mock_http.post(urls.token, json=token_response())
    mock_http.post(urls.token, json={"access_token": "at-2", "token_type": "Bearer"})

    token = client.client_credentials()
    plain = client.client_credentials(dpop=False)

    assert isinstance(token, DPoPToken)
    assert token.dpop_key.alg == "EdDSA"
    assert proof_of(mock_http.calls[0]).header["alg"] == "EdDSA"
    assert type(plain) is BearerToken
    assert "DPoP" not in mock_http.calls[1].request.headers


@pytest.mark.parametrize(
    "grant",
    [
        "client_credentials",
        "password",
        "authorization_code",
        "refresh_token",
        "token_exchange",
        "jwt_bearer",
        "token_request",
    ],
)
def test_every_grant_takes_the_dpop_options(
    client, mock_http, urls, key, proof_of, form_of, token_response, grant
):
    mock_http.post(urls.token, json=token_response())
    calls: dict[str, Callable[[], Any]] = {
        "client_credentials": lambda: client.client_credentials(dpop_key=key),
        "password": lambda: client.resource_owner_password("alice", "pw", dpop_key=key),
        "authorization_code": lambda: client.authorization_code("code-1", dpop_key=key),
        "refresh_token": lambda: client.refresh_token("rt-1", dpop_key=key),
        "token_exchange": lambda: client.token_exchange("subject-1", "access_token", dpop_key=key),
        "jwt_bearer": lambda: client.jwt_bearer("a.b.c", dpop_key=key),
        "token_request": lambda: client.token_request(
            {"grant_type": "client_credentials"}, dpop_key=key
        ),
    }
    token = calls[grant]()
    assert token.dpop_key is key
    assert proof_of(mock_http.calls[0]).thumbprint == key.thumbprint
    assert not {"dpop", "dpop_key", "dpop_jkt"} & set(form_of(mock_http.calls[0]))


def test_option_mistakes_are_type_errors(make_client, client, key, mock_http):
    with pytest.raises(TypeError, match="contradicts"):
        client.client_credentials(dpop=False, dpop_key=key)
    with pytest.raises(TypeError, match="dpop must be"):
        client.client_credentials(dpop="yes")
    with pytest.raises(TypeError, match="dpop_bound_access_tokens"):
        make_client(dpop_bound_access_tokens="yes").client_credentials()
    with pytest.raises(InvalidDPoPAlg):
        make_client(dpop_alg="HS256").client_credentials(dpop=True)
    assert len(mock_http.calls) == 0


# ------------------------------------------------------------------------------- token type


def test_a_bearer_answer_to_a_dpop_request_is_refused(client, mock_http, urls, key):
    mock_http.post(urls.token, json={"access_token": "at-1", "token_type": "Bearer"})
    with pytest.raises(InvalidTokenResponse, match="allow_bearer_downgrade") as caught:
        client.client_credentials(dpop_key=key)
    assert caught.value.response is not None
    assert "at-1" not in str(caught.value)


@pytest.mark.parametrize("dpop_key", ["DPoP", {"kty": "EC"}, True], ids=["str", "jwk", "bool"])
def test_a_server_field_named_dpop_key_does_not_pass_for_a_binding(
    client, mock_http, urls, key, dpop_key
):
    """A Bearer token shows the response's fields as attributes: only the class binds."""
    mock_http.post(urls.token, json={"access_token": "at-1", "dpop_key": dpop_key})
    with pytest.raises(InvalidTokenResponse, match="allow_bearer_downgrade"):
        client.client_credentials(dpop_key=key)


def test_the_bearer_downgrade_is_allowed_by_name(client, mock_http, urls, key):
    mock_http.post(urls.token, json={"access_token": "at-1", "token_type": "Bearer"})
    token = client.client_credentials(dpop_key=key, allow_bearer_downgrade=True)
    assert type(token) is BearerToken
    assert "DPoP" in mock_http.calls[0].request.headers


def test_token_exchange_may_issue_an_n_a_token_with_dpop(client, mock_http, urls, key):
    mock_http.post(
        urls.token,
        json={
            "access_token": "issued",
            "token_type": "N_A",
            "issued_token_type": "urn:ietf:params:oauth:token-type:jwt",
        },
    )
    token = client.token_exchange("subject", "access_token", requested_token_type="jwt", dpop=True)
    assert isinstance(token, IssuedToken)


def test_a_dpop_token_without_a_proof_sent_is_refused(client, mock_http, urls, token_response):
    mock_http.post(urls.token, json=token_response())
    with pytest.raises(InvalidTokenResponse, match="no DPoP proof"):
        client.client_credentials()


@pytest.mark.parametrize("access_token", ["a b", "é", "a,b", "=abc"])
def test_a_dpop_token_must_be_token68(client, mock_http, urls, key, access_token):
    mock_http.post(urls.token, json={"access_token": access_token, "token_type": "DPoP"})
    with pytest.raises(InvalidTokenResponse, match="token68") as caught:
        client.client_credentials(dpop_key=key)
    assert access_token not in str(caught.value)


def test_server_fields_named_like_arguments_stay_extra(client, mock_http, urls, key, clock):
    mock_http.post(
        urls.token,
        json={
            "access_token": "at-1",
            "token_type": "DPoP",
            "expires_in": 60,
            "dpop_key": "server-value",
            "clock": "x",
        },
    )
    token = client.client_credentials(dpop_key=key)
    assert token.dpop_key is key
    assert token.extra == {"dpop_key": "server-value", "clock": "x"}


def test_an_openid_dpop_token_still_needs_id_token_validation(
    client, mock_http, urls, key, token_response
):
    mock_http.post(urls.token, json=token_response(id_token="h.p.s"))
    token = client.client_credentials(
        scope="openid", dpop_key=key, id_token_validation=SKIP_ID_TOKEN_VALIDATION
    )
    assert token.id_token == "h.p.s"


# ------------------------------------------------------------------------------- AS nonces


def test_use_dpop_nonce_is_retried_once_with_the_new_nonce(
    make_client, mock_http, urls, key, proof_of, token_response
):
    client = make_client(
        None,
        client_id="client-1",
        client_secret="secret-1",
        token_endpoint_auth_method="client_secret_basic",
    )
    assert isinstance(client.auth, ClientSecretBasic)
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    mock_http.post(urls.token, json=token_response(), headers={"DPoP-Nonce": "n-2"})

    token = client.client_credentials(dpop_key=key)

    first, second = (proof_of(call) for call in mock_http.calls)
    assert "nonce" not in first.claims
    assert second.claims["nonce"] == "n-1"
    assert first.claims["jti"] != second.claims["jti"]
    basic = base64.b64encode(b"client-1:secret-1").decode()
    for call in mock_http.calls:  # client authentication runs again on the retry
        assert call.request.headers["Authorization"] == f"Basic {basic}"
    assert isinstance(token, DPoPToken)
    assert key.nonces.get(urls.token) == "n-2"  # the last nonce seen


def test_each_retry_gets_a_fresh_client_assertion(
    make_client, mock_http, urls, key, form_of, token_response
):
    client = make_client(ClientSecretJwt("client-1", "a-long-enough-client-secret-value"))
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    mock_http.post(urls.token, json=token_response())
    client.client_credentials(dpop_key=key)
    first, second = (form_of(call)["client_assertion"][0] for call in mock_http.calls)
    assert first != second


def test_the_cached_nonce_is_sent_at_once_next_time(
    client, mock_http, urls, key, proof_of, token_response
):
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    mock_http.post(urls.token, json=token_response())
    mock_http.post(urls.token, json=token_response())
    client.client_credentials(dpop_key=key)
    client.client_credentials(dpop=True)  # another key: nonces are kept by origin, not key
    assert proof_of(mock_http.calls[2]).claims["nonce"] == "n-1"
    assert proof_of(mock_http.calls[2]).thumbprint != key.thumbprint


def test_a_nonce_in_a_success_response_is_kept(
    client, mock_http, urls, key, proof_of, token_response
):
    mock_http.post(urls.token, json=token_response(), headers={"DPoP-Nonce": "n-7"})
    mock_http.post(urls.token, json=token_response())
    client.client_credentials(dpop_key=key)
    client.client_credentials(dpop_key=key)
    assert proof_of(mock_http.calls[1]).claims["nonce"] == "n-7"


def test_the_nonce_retry_is_bounded(client, mock_http, urls, key, proof_of):
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-2"})
    with pytest.raises(UseDPoPNonce) as caught:
        client.client_credentials(dpop_key=key)
    assert caught.value.error == "use_dpop_nonce"
    assert caught.value.status_code == 400
    assert len(mock_http.calls) == 2
    assert key.nonces.get(urls.token) == "n-2"


def test_the_same_nonce_is_never_sent_twice_for_a_retry(client, mock_http, urls, key, proof_of):
    key.nonces.put(urls.token, "n-1")
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    with pytest.raises(UseDPoPNonce):
        client.client_credentials(dpop_key=key)
    assert len(mock_http.calls) == 1
    assert proof_of(mock_http.calls[0]).claims["nonce"] == "n-1"


@pytest.mark.parametrize("nonce", [None, "", "bad nonce", 'quo"te'])
def test_use_dpop_nonce_without_a_usable_nonce_is_not_retried(client, mock_http, urls, key, nonce):
    headers = {} if nonce is None else {"DPoP-Nonce": nonce}
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers=headers)
    with pytest.raises(UseDPoPNonce):
        client.client_credentials(dpop_key=key)
    assert len(mock_http.calls) == 1
    assert key.nonces.get(urls.token) is None


def test_a_401_nonce_challenge_at_the_token_endpoint_is_retried(
    client, mock_http, urls, key, proof_of, token_response
):
    challenge = {"WWW-Authenticate": 'DPoP error="use_dpop_nonce"', "DPoP-Nonce": "n-1"}
    mock_http.post(urls.token, status=401, json=NONCE_ERROR, headers=challenge)
    mock_http.post(urls.token, json=token_response())
    client.client_credentials(dpop_key=key)
    assert proof_of(mock_http.calls[1]).claims["nonce"] == "n-1"


def test_other_errors_are_not_retried(client, mock_http, urls, key):
    mock_http.post(
        urls.token,
        status=400,
        json={"error": "invalid_dpop_proof"},
        headers={"DPoP-Nonce": "n-1"},
    )
    with pytest.raises(InvalidDPoPProof):
        client.client_credentials(dpop_key=key)
    assert len(mock_http.calls) == 1
    assert key.nonces.get(urls.token) == "n-1"


def test_use_dpop_nonce_without_dpop_still_maps_to_its_class(client, mock_http, urls):
    mock_http.post(urls.token, status=400, json=NONCE_ERROR, headers={"DPoP-Nonce": "n-1"})
    with pytest.raises(UseDPoPNonce):
        client.client_credentials()
    assert len(mock_http.calls) == 1


def test_nonces_of_one_server_do_not_go_to_another(
    client, registry, mock_http, urls, key, proof_of, token_response
):
    other = "https://other-as.example.com/token"
    mock_http.post(urls.token, json=token_response(), headers={"DPoP-Nonce": "n-1"})
    mock_http.post(other, json=token_response())
    mock_http.post(urls.token, json=token_response())
    client.client_credentials(dpop_key=key)
    with OAuth2Client(other, ("client-1", "secret-1"), registry=registry) as second:
        second.client_credentials(dpop_key=key)
    client.client_credentials(dpop_key=key)
    assert "nonce" not in proof_of(mock_http.calls[1]).claims
    assert proof_of(mock_http.calls[2]).claims["nonce"] == "n-1"


def test_a_transport_failure_surfaces_as_such(client, mock_http, urls, key):
    mock_http.post(urls.token, body=requests.ConnectionError("down"))
    with pytest.raises(TransportError):
        client.client_credentials(dpop_key=key)
