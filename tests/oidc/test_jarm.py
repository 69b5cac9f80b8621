"""JARM: JWT-secured authorization responses, in every response mode, and their negatives."""

from __future__ import annotations

from typing import Any

import pytest

from oauth2core import (
    AccessDenied,
    AuthorizationRequestSerializer,
    AuthorizationResponseError,
    ConfigurationError,
    InvalidAuthorizationResponse,
    MismatchingIssuer,
    MismatchingState,
)
from oauth2core_clientauth_jwt import encrypt_jwe
from oauth2core_oidc import InvalidJarmResponse, ValidationCode, validate_jarm_response

CALLBACK = "https://app.example.com/callback"
ISSUER = "https://as.example.com"


@pytest.fixture
def jarm(server, clock):
    """``jarm(request, **overrides)``: the response JWT the server would send for ``request``."""

    def sign(request: Any, alg: str = "RS256", key: str | None = None, **overrides: Any) -> str:
        now = int(clock.time())
        claims = {
            "iss": ISSUER,
            "aud": request.client_id,
            "exp": now + 60,
            "iat": now,
            "code": "the-code",
            "state": request.state,
        }
        claims.update(overrides)
        signed: str = server.sign({k: v for k, v in claims.items() if v is not None}, alg, key=key)
        return signed

    return sign


@pytest.mark.parametrize("mode", ["jwt", "query.jwt"])
def test_jarm_in_the_query(client, jarm, mode):
    request = client.authorization_request(scope="openid", response_mode=mode)
    assert f"response_mode={mode}" in request.uri
    response = request.validate_callback(f"{CALLBACK}?response={jarm(request)}")
    assert response.code == "the-code"
    assert response.iss == ISSUER
    assert response.state == request.state


def test_jarm_in_the_fragment(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="fragment.jwt")
    response = request.validate_callback(f"{CALLBACK}#response={jarm(request)}")
    assert response.code == "the-code"


def test_jarm_form_post(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="form_post.jwt")
    response = request.validate_callback({"response": jarm(request)})
    assert response.code == "the-code"


def test_jarm_error_response(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    response = jarm(request, code=None, error="access_denied", error_description="no")
    with pytest.raises(AuthorizationResponseError) as caught:
        request.validate_callback(f"{CALLBACK}?response={response}")
    assert caught.value.error == "access_denied"
    assert not isinstance(caught.value, AccessDenied)  # an authorization response error


def test_state_is_checked_on_the_unwrapped_parameters(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    with pytest.raises(MismatchingState):
        request.validate_callback(f"{CALLBACK}?response={jarm(request, state='forged')}")


def test_parameters_outside_the_jwt_are_ignored(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    response = request.validate_callback(f"{CALLBACK}?response={jarm(request)}&code=injected")
    assert response.code == "the-code"


def test_jarm_invalid_iss(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={jarm(request, iss='https://evil')}")
    assert caught.value.code == ValidationCode.CLAIM_MISMATCH
    assert caught.value.claim == "iss"
    assert isinstance(caught.value, InvalidAuthorizationResponse)
    assert not isinstance(caught.value, MismatchingIssuer)


def test_jarm_invalid_aud(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={jarm(request, aud='other-client')}")
    assert caught.value.code == ValidationCode.CLAIM_MISMATCH
    assert caught.value.claim == "aud"


def test_jarm_invalid_exp(client, jarm, clock):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    expired = jarm(request, exp=int(clock.time()) - 120)
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={expired}")
    assert caught.value.code == ValidationCode.TIMESTAMP_CHECK
    assert caught.value.claim == "exp"


def test_jarm_missing_exp(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={jarm(request, exp=None)}")
    assert caught.value.code == ValidationCode.MISSING_CLAIM


def test_jarm_invalid_sig(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    forged = jarm(request, key="rsa2")  # kid "rsa2" is not in the set
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={forged}")
    assert caught.value.code == ValidationCode.NO_MATCHING_KEY
    head, payload, _ = jarm(request).split(".")
    _, _, other = jarm(request, code="other").split(".")
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={head}.{payload}.{other}")
    assert caught.value.code == ValidationCode.BAD_SIGNATURE


def test_jarm_alg_none(client, jarm, make_unsigned, clock):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    claims = {"iss": ISSUER, "aud": request.client_id, "exp": int(clock.time()) + 60}
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?response={make_unsigned(claims)}")
    assert caught.value.code == ValidationCode.UNEXPECTED_ALG


def test_jarm_missing_response(client):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"{CALLBACK}?code=c&state={request.state}")
    assert caught.value.code == ValidationCode.MISSING_CLAIM
    assert caught.value.claim == "response"


def test_jarm_with_a_registered_alg(make_client, jarm):
    client = make_client(authorization_signed_response_alg="ES256")
    request = client.authorization_request(scope="openid", response_mode="jwt")
    assert request.validate_callback(f"{CALLBACK}?response={jarm(request, 'ES256')}").code
    with pytest.raises(InvalidJarmResponse):
        request.validate_callback(f"{CALLBACK}?response={jarm(request)}")


def test_encrypted_jarm(make_client, jarm, keys):
    client = make_client(
        authorization_encrypted_response_alg="ECDH-ES",
        decryption_keys=keys.jwk("client_p256"),
    )
    request = client.authorization_request(scope="openid", response_mode="jwt")
    encrypted = encrypt_jwe(jarm(request).encode(), keys.public_jwk("client_p256"))
    assert request.validate_callback(f"{CALLBACK}?response={encrypted}").code == "the-code"
    with pytest.raises(InvalidJarmResponse) as caught:  # signed only: refused
        request.validate_callback(f"{CALLBACK}?response={jarm(request)}")
    assert caught.value.code == ValidationCode.ENCRYPTION_EXPECTED


def test_a_request_without_its_client(client, jarm, registry):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    loaded = AuthorizationRequestSerializer(registry).loads(
        AuthorizationRequestSerializer(registry).dumps(request)
    )
    with pytest.raises(ConfigurationError, match="client"):
        loaded.validate_callback(f"{CALLBACK}?response={jarm(request)}")
    loaded.client = client
    assert loaded.validate_callback(f"{CALLBACK}?response={jarm(request)}").code


def test_validate_jarm_response_is_the_typed_path(client, jarm):
    request = client.authorization_request(scope="openid", response_mode="jwt")
    claims = validate_jarm_response(jarm(request), client)
    assert claims["code"] == "the-code"
    assert claims["aud"] == request.client_id
