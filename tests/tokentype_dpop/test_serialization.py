"""DPoP tokens serialize with their key; neither the key nor the token leaks elsewhere."""

from __future__ import annotations

import logging

import pytest
import requests

from oauth2core import BearerToken, TokenSerializer
from oauth2core_tokentype_dpop import DPoPKey, DPoPToken, DPoPTokenSerializer


@pytest.fixture
def token(keys, clock) -> DPoPToken:
    return DPoPToken(
        "at-1",
        dpop_key=keys["PS256"],
        expires_in=60,
        refresh_token="rt-1",
        scope="read",
        id_token="h.p.s",
        clock=clock,
        custom="kept",
    )


def test_a_dpop_token_round_trips_with_its_key(token, keys):
    serializer = DPoPTokenSerializer()
    loaded = serializer.loads(serializer.dumps(token))
    assert isinstance(loaded, DPoPToken)
    assert loaded.dpop_key == keys["PS256"]
    assert loaded.dpop_key.alg == "PS256"
    assert loaded.as_dict() | {"expires_in": None} == token.as_dict() | {"expires_in": None}
    assert loaded.expires_at == token.expires_at
    assert loaded.refresh_token == "rt-1"
    assert loaded.renewal_options() == {"dpop_key": keys["PS256"]}


def test_a_loaded_token_signs_with_the_same_key(token, proof_of, urls):
    serializer = DPoPTokenSerializer()
    loaded = serializer.loads(serializer.dumps(token))
    request = loaded.authorize(requests.Request("GET", urls.resource).prepare())
    assert proof_of(request).thumbprint == token.dpop_key.thumbprint


def test_bearer_tokens_go_through_the_dpop_serializer_too():
    serializer = DPoPTokenSerializer()
    loaded = serializer.loads(serializer.dumps(BearerToken("at-1", expires_in=60)))
    assert type(loaded) is BearerToken
    assert loaded.access_token == "at-1"


def test_given_classes_get_dpop_added():
    class Custom(BearerToken):
        pass

    serializer = DPoPTokenSerializer({"bearer": Custom})
    assert serializer.classes == {"bearer": Custom, "dpop": DPoPToken}


def test_the_core_serializer_never_writes_the_key(token):
    text = TokenSerializer().dumps(token)
    with pytest.raises(ValueError, match="DPoPTokenSerializer"):
        DPoPTokenSerializer().loads(text)
    assert "dpop_key" not in TokenSerializer().fields(token)


def test_as_dict_and_repr_hold_no_secret(token):
    private = token.dpop_key.private_jwk
    shown = repr(token)
    fields = token.as_dict()
    assert "dpop_key" not in fields
    for secret in ("at-1", "rt-1", "h.p.s", private["d"], private["p"], private["q"]):
        assert secret not in shown
    for secret in (private["d"], private["p"], private["q"]):
        assert secret not in str(fields)
    assert f"dpop_key=DPoPKey(alg='PS256', jkt='{token.dpop_key.thumbprint}')" in shown
    assert shown.startswith("DPoPToken(access_token=<redacted>, token_type='DPoP'")


def test_str_is_the_access_token(token):
    assert str(token) == "at-1"


def test_a_whole_flow_logs_no_secret(
    caplog, client, mock_http, urls, key, token_response, proof_of
):
    caplog.set_level(logging.DEBUG)
    mock_http.post(
        urls.token,
        status=400,
        json={"error": "use_dpop_nonce"},
        headers={"DPoP-Nonce": "n-1"},
    )
    mock_http.post(urls.token, json=token_response(access_token="secret-at"))
    mock_http.get(urls.resource, json={})
    token = client.client_credentials(dpop_key=key)
    with requests.Session() as http:
        http.get(urls.resource, auth=token)
    logged = caplog.text + repr(client) + repr(key)
    assert "secret-at" not in logged
    assert key.private_jwk["d"] not in logged


def test_tokens_need_a_key():
    with pytest.raises(TypeError):
        DPoPToken("at-1")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="DPoP"):
        DPoPToken("at-1", dpop_key=DPoPKey.generate(), token_type="Bearer")
