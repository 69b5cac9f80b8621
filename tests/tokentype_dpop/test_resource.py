"""DPoP tokens on resource requests: plain requests, userinfo, ApiClient, auth handlers."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests

import oauth2core
from oauth2core import (
    BearerToken,
    ExpiredAccessToken,
    OAuth2AccessTokenAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2ResourceOwnerPasswordAuth,
)
from oauth2core_tokentype_dpop import DPoPNonceCache, DPoPToken
from oauth2core_tokentype_dpop._flows import challenges
from oauth2core_tokentype_dpop._key import access_token_hash

NONCE_CHALLENGE = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"'


def nonce_401(nonce: str | None, challenge: str = NONCE_CHALLENGE) -> dict[str, Any]:
    headers = {"WWW-Authenticate": challenge}
    if nonce is not None:
        headers["DPoP-Nonce"] = nonce
    return {"status": 401, "json": {"error": "use_dpop_nonce"}, "headers": headers}


@pytest.fixture
def token(key, clock) -> DPoPToken:
    return DPoPToken("at-1", dpop_key=key, expires_in=60, refresh_token="rt-1", clock=clock)


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


# ------------------------------------------------------------------------------- plain requests


def test_plain_requests_sends_the_dpop_scheme_and_a_proof(http, mock_http, urls, token, proof_of):
    mock_http.get(urls.resource, json={"ok": True})

    response = http.get(urls.resource + "?page=2", auth=token)

    assert response.json() == {"ok": True}
    (call,) = mock_http.calls
    assert call.request.headers["Authorization"] == "DPoP at-1"
    proof = proof_of(call)
    assert proof.claims["htm"] == "GET"
    assert proof.claims["htu"] == urls.resource
    assert proof.claims["ath"] == access_token_hash("at-1") == token.ath
    assert "nonce" not in proof.claims
    assert proof.thumbprint == token.dpop_key.thumbprint


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_htm_is_the_real_method(http, mock_http, urls, token, proof_of, method):
    mock_http.add(method, urls.resource, json={})
    http.request(method, urls.resource, data={"a": "b"}, auth=token)
    assert proof_of(mock_http.calls[0]).claims["htm"] == method


def test_every_request_gets_a_fresh_proof(http, mock_http, urls, token, proof_of):
    mock_http.get(urls.resource, json={})
    mock_http.get(urls.resource, json={})
    http.get(urls.resource, auth=token)
    http.get(urls.resource, auth=token)
    first, second = (proof_of(call).claims["jti"] for call in mock_http.calls)
    assert first != second


def test_rs_nonce_challenge_is_retried_once(http, mock_http, urls, token, proof_of):
    mock_http.get(urls.resource, **nonce_401("n-1"))
    mock_http.get(urls.resource, json={"ok": True})

    response = http.get(urls.resource, auth=token)

    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [401]
    first, second = (proof_of(call) for call in mock_http.calls)
    assert "nonce" not in first.claims
    assert second.claims["nonce"] == "n-1"
    assert second.claims["ath"] == first.claims["ath"]
    assert mock_http.calls[1].request.headers["Authorization"] == "DPoP at-1"


def test_the_retry_sends_the_body_again(http, mock_http, urls, token):
    mock_http.post(urls.resource, **nonce_401("n-1"))
    mock_http.post(urls.resource, json={})
    http.post(urls.resource, json={"a": 1}, auth=token)
    assert [c.request.body for c in mock_http.calls] == [b'{"a": 1}', b'{"a": 1}']


def test_a_stream_body_is_not_sent_twice(http, mock_http, urls, token):
    mock_http.post(urls.resource, **nonce_401("n-1"))
    response = http.post(urls.resource, data=io.BytesIO(b"data"), auth=token)
    assert response.status_code == 401
    assert len(mock_http.calls) == 1


def test_a_401_without_a_nonce_is_returned_as_it_is(http, mock_http, urls, token):
    mock_http.get(
        urls.resource,
        status=401,
        headers={"WWW-Authenticate": 'DPoP error="invalid_token"'},
        json={"error": "invalid_token"},
    )
    response = http.get(urls.resource, auth=token)
    assert response.status_code == 401
    assert len(mock_http.calls) == 1


def test_a_nonce_challenge_without_a_nonce_is_returned(http, mock_http, urls, token):
    mock_http.get(urls.resource, **nonce_401(None))
    assert http.get(urls.resource, auth=token).status_code == 401
    assert len(mock_http.calls) == 1


def test_the_rs_nonce_retry_is_bounded(http, mock_http, urls, token, proof_of):
    mock_http.get(urls.resource, **nonce_401("n-1"))
    mock_http.get(urls.resource, **nonce_401("n-2"))
    response = http.get(urls.resource, auth=token)
    assert response.status_code == 401
    assert len(mock_http.calls) == 2
    assert token.dpop_key.nonces.get(urls.resource) == "n-2"


def test_the_same_nonce_is_not_retried(http, mock_http, urls, token, proof_of):
    token.dpop_key.nonces.put(urls.resource, "n-1")
    mock_http.get(urls.resource, **nonce_401("n-1"))
    assert http.get(urls.resource, auth=token).status_code == 401
    assert len(mock_http.calls) == 1
    assert proof_of(mock_http.calls[0]).claims["nonce"] == "n-1"


def test_a_bearer_nonce_challenge_is_not_a_dpop_one(http, mock_http, urls, token):
    mock_http.get(urls.resource, **nonce_401("n-1", 'Bearer error="use_dpop_nonce"'))
    assert http.get(urls.resource, auth=token).status_code == 401
    assert len(mock_http.calls) == 1


def test_the_dpop_challenge_is_found_among_others(http, mock_http, urls, token):
    header = 'Bearer realm="api", DPoP realm="api", algs="ES256 PS256", error="use_dpop_nonce"'
    mock_http.get(urls.resource, **nonce_401("n-1", header))
    mock_http.get(urls.resource, json={})
    assert http.get(urls.resource, auth=token).status_code == 200


def test_nonces_are_kept_per_origin(http, mock_http, urls, token, proof_of):
    mock_http.get(urls.resource, json={}, headers={"DPoP-Nonce": "api-1"})
    mock_http.get(urls.other_resource, json={})
    mock_http.get("https://api.example.com/v2/other", json={})
    mock_http.get("https://api.example.com:443/v1/things", json={})

    http.get(urls.resource, auth=token)
    http.get(urls.other_resource, auth=token)
    http.get("https://api.example.com/v2/other", auth=token)
    http.get("https://api.example.com:443/v1/things", auth=token)

    nonces = [proof_of(call).claims.get("nonce") for call in mock_http.calls]
    assert nonces == [None, None, "api-1", "api-1"]


def test_a_nonce_from_a_success_is_kept(http, mock_http, urls, token, proof_of):
    mock_http.get(urls.resource, json={}, headers={"DPoP-Nonce": "n-9"})
    mock_http.get(urls.resource, json={})
    http.get(urls.resource, auth=token)
    http.get(urls.resource, auth=token)
    assert proof_of(mock_http.calls[1]).claims["nonce"] == "n-9"


def test_a_key_may_keep_its_own_nonces(http, mock_http, urls, key, clock, proof_of):
    own = DPoPNonceCache()
    mine = DPoPToken("at-2", dpop_key=key.private_jwk, clock=clock)
    mine.dpop_key.nonces = own
    key.nonces.put(urls.resource, "shared")
    mock_http.get(urls.resource, json={})
    http.get(urls.resource, auth=mine)
    assert "nonce" not in proof_of(mock_http.calls[0]).claims


def test_an_expired_token_is_not_sent(http, mock_http, urls, token, clock):
    clock.advance(61)
    with pytest.raises(ExpiredAccessToken):
        http.get(urls.resource, auth=token)
    assert len(mock_http.calls) == 0


def test_the_callers_request_is_left_alone(urls, token):
    request = requests.Request("GET", urls.resource).prepare()
    sent = token.authorize(request)
    assert sent is not request
    assert "DPoP" not in request.headers
    assert sent.headers["Authorization"] == "DPoP at-1"


def test_user_hooks_run_after_the_retry(http, mock_http, urls, token):
    seen: list[int] = []
    mock_http.get(urls.resource, **nonce_401("n-1"))
    mock_http.get(urls.resource, json={})
    http.get(
        urls.resource, auth=token, hooks={"response": lambda r, **_: seen.append(r.status_code)}
    )
    assert seen == [200]


# ------------------------------------------------------------------------------- userinfo


def test_userinfo_sends_the_token_with_a_proof_and_retries_for_a_nonce(
    client, mock_http, urls, token, proof_of
):
    mock_http.get(urls.userinfo, **nonce_401("n-1"))
    mock_http.get(urls.userinfo, json={"sub": "alice"})

    assert client.userinfo(token) == {"sub": "alice"}

    _first, second = (proof_of(call) for call in mock_http.calls)
    assert (second.claims["htm"], second.claims["htu"]) == ("GET", urls.userinfo)
    assert second.claims["nonce"] == "n-1"
    assert second.claims["ath"] == token.ath
    assert all(c.request.headers["Authorization"] == "DPoP at-1" for c in mock_http.calls)


def test_userinfo_reuses_the_token_endpoint_nonce_of_the_same_origin(
    client, mock_http, urls, key, proof_of, token_response
):
    mock_http.post(urls.token, json=token_response(), headers={"DPoP-Nonce": "as-1"})
    mock_http.get(urls.userinfo, json={"sub": "alice"})
    client.userinfo(client.client_credentials(dpop_key=key))
    assert proof_of(mock_http.calls[1]).claims["nonce"] == "as-1"


# ------------------------------------------------------------------------------- ApiClient


def test_api_client_sends_proofs_and_retries_for_a_nonce(mock_http, urls, token, proof_of):
    api_client = vars(oauth2core).get("ApiClient")
    if api_client is None:  # pragma: no cover - for an oauth2core without ApiClient yet
        pytest.skip("this oauth2core has no ApiClient")
    mock_http.post(urls.resource, **nonce_401("n-1"))
    mock_http.post(urls.resource, json={"done": True})
    with api_client("https://api.example.com/v1", auth=token) as api:
        assert api.post("things", json={"a": 1}).json() == {"done": True}
    assert [proof_of(c).claims.get("nonce") for c in mock_http.calls] == [None, "n-1"]
    assert proof_of(mock_http.calls[1]).claims["htu"] == urls.resource


# ------------------------------------------------------------------------------- handlers


def test_a_handler_gets_a_dpop_token_and_keeps_its_key_on_renewal(
    client, mock_http, urls, clock, proof_of, token_response, http
):
    mock_http.post(urls.token, json=token_response(access_token="at-1"))
    mock_http.get(urls.resource, **nonce_401("n-1"))
    mock_http.get(urls.resource, json={})
    mock_http.post(urls.token, json=token_response(access_token="at-2"))
    mock_http.get(urls.resource, json={})
    auth = OAuth2ClientCredentialsAuth(client, scope="read", dpop=True)

    assert http.get(urls.resource, auth=auth).status_code == 200
    clock.advance(59)  # within the leeway: renewed before the next request
    assert http.get(urls.resource, auth=auth).status_code == 200

    token_1, _rs_1, rs_1b, token_2, rs_2 = mock_http.calls
    key = proof_of(token_1).thumbprint
    assert proof_of(token_2).thumbprint == key  # the renewal kept the key
    assert proof_of(rs_1b).claims["nonce"] == "n-1"
    assert rs_2.request.headers["Authorization"] == "DPoP at-2"
    assert proof_of(rs_2).thumbprint == key
    assert proof_of(rs_2).claims["ath"] == access_token_hash("at-2")
    assert isinstance(auth.token, DPoPToken)
    assert auth.token.dpop_key.thumbprint == key


def test_a_handler_refresh_uses_the_tokens_key(
    client, mock_http, urls, token, clock, proof_of, form_of, token_response, http
):
    mock_http.post(urls.token, json=token_response(access_token="at-2"))
    mock_http.get(urls.resource, json={})
    auth = OAuth2AccessTokenAuth(client, token)
    clock.advance(59)

    http.get(urls.resource, auth=auth)

    refresh, resource = mock_http.calls
    assert form_of(refresh)["grant_type"] == ["refresh_token"]
    assert proof_of(refresh).thumbprint == token.dpop_key.thumbprint
    assert auth.token is not None
    assert auth.token.dpop_key is token.dpop_key
    assert auth.token.refresh_token == "rt-1"  # kept: none came back
    assert resource.request.headers["Authorization"] == "DPoP at-2"


def test_a_password_handler_keeps_the_key_without_a_refresh_token(
    client, mock_http, urls, clock, proof_of, token_response, http
):
    mock_http.post(urls.token, json=token_response(access_token="at-1"))
    mock_http.get(urls.resource, json={})
    mock_http.post(urls.token, json=token_response(access_token="at-2"))
    mock_http.get(urls.resource, json={})
    auth = OAuth2ResourceOwnerPasswordAuth(client, username="alice", password="pw", dpop=True)
    http.get(urls.resource, auth=auth)
    clock.advance(59)
    http.get(urls.resource, auth=auth)
    assert proof_of(mock_http.calls[0]).thumbprint == proof_of(mock_http.calls[2]).thumbprint


def test_a_handler_renews_on_invalid_token_and_resends_with_a_new_proof(
    client, mock_http, urls, token, proof_of, token_response, http
):
    mock_http.get(
        urls.resource,
        status=401,
        headers={"WWW-Authenticate": 'DPoP error="invalid_token"', "DPoP-Nonce": "n-1"},
    )
    mock_http.post(urls.token, json=token_response(access_token="at-2"))
    mock_http.get(urls.resource, json={"ok": True})
    auth = OAuth2AccessTokenAuth(client, token)

    response = http.get(urls.resource, auth=auth)

    assert response.json() == {"ok": True}
    _first, refresh, retry = mock_http.calls
    assert retry.request.headers["Authorization"] == "DPoP at-2"
    assert proof_of(retry).claims["nonce"] == "n-1"  # the nonce the 401 carried
    assert proof_of(retry).claims["ath"] == access_token_hash("at-2")
    assert proof_of(refresh).thumbprint == token.dpop_key.thumbprint


def test_a_handler_nonce_retry_after_renewal(client, mock_http, urls, token, proof_of, http):
    mock_http.get(
        urls.resource, status=401, headers={"WWW-Authenticate": 'DPoP error="invalid_token"'}
    )
    mock_http.post(urls.token, json={"access_token": "at-2", "token_type": "DPoP"})
    mock_http.get(urls.resource, **nonce_401("n-5"))
    mock_http.get(urls.resource, json={"ok": True})
    auth = OAuth2AccessTokenAuth(client, token)
    assert http.get(urls.resource, auth=auth).json() == {"ok": True}
    assert proof_of(mock_http.calls[3]).claims["nonce"] == "n-5"


def test_client_refresh_token_reuses_the_key(client, mock_http, urls, token, proof_of):
    mock_http.post(urls.token, json={"access_token": "at-2", "token_type": "DPoP"})
    new = client.refresh_token(token)
    assert new.dpop_key is token.dpop_key
    assert proof_of(mock_http.calls[0]).thumbprint == token.dpop_key.thumbprint


# ------------------------------------------------------------------------------- challenges


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('DPoP error="use_dpop_nonce"', [("dpop", {"error": "use_dpop_nonce"})]),
        ("DPoP error=use_dpop_nonce", [("dpop", {"error": "use_dpop_nonce"})]),
        (
            'Bearer realm="a, b", DPoP algs="ES256 PS256", error="use_dpop_nonce"',
            [
                ("bearer", {"realm": "a, b"}),
                ("dpop", {"algs": "ES256 PS256", "error": "use_dpop_nonce"}),
            ],
        ),
        ('Basic abc==, dpop ERROR="x\\"y"', [("basic", {}), ("dpop", {"error": 'x"y'})]),
        ("DPoP", [("dpop", {})]),
        ("", []),
        ("=broken", []),
    ],
)
def test_challenges(header, expected):
    assert challenges(header) == expected


def test_the_resource_flow_leaves_a_bearer_token_with_a_dpop_key_field_alone(urls):
    from oauth2core.hookspecs import FlowContext
    from oauth2core_tokentype_dpop._flows import resource_flow

    token = BearerToken("at-1", dpop_key="DPoP")  # an extra field of the server's response
    request = requests.Request("GET", urls.resource).prepare()
    assert resource_flow(request, FlowContext("resource", token=token)) is None
