"""ID token validation in the code exchange: the happy paths and the negative corpus.

Negative tests are named after the OpenID conformance suite's client test modules
(``oidcc-client-test-invalid-iss`` -> ``test_invalid_iss``); each asserts the error class
and its stable ``code``.
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    BearerToken,
    ConfigurationError,
    MismatchingIssuer,
    MissingIssuer,
    OAuth2Error,
)
from oauth2core_clientauth_jwt import load_secret_key
from oauth2core_oidc import (
    ExpiredIdToken,
    IdToken,
    IdTokenNotYetValid,
    InvalidIdToken,
    InvalidIdTokenSignature,
    MalformedIdToken,
    MismatchingIdTokenAcr,
    MismatchingIdTokenAlg,
    MismatchingIdTokenAtHash,
    MismatchingIdTokenAudience,
    MismatchingIdTokenAuthTime,
    MismatchingIdTokenAzp,
    MismatchingIdTokenCHash,
    MismatchingIdTokenIssuer,
    MismatchingIdTokenNonce,
    MismatchingIdTokenSHash,
    MissingIdToken,
    MissingIdTokenClaim,
    UnknownIdTokenKey,
    ValidationCode,
    token_hash,
    validate_id_token,
)

CLIENT_ID = "client-1"
ISSUER = "https://as.example.com"
ACCESS_TOKEN = "an-access-token"
NOW = 1_700_000_000


@pytest.fixture
def exchange(client, code_flow, token_response):
    """``exchange(id_token, **request_kwargs)``: run a code flow whose token has ``id_token``."""

    def run(id_token: str | None, *, client=client, **kwargs: Any) -> Any:
        _, response = code_flow(client, **kwargs)
        token_response(id_token=id_token)
        return client.authorization_code(response)

    return run


@pytest.fixture
def signed(server, client, code_flow, token_response):
    """``signed(claims_overrides, alg=..., **request_kwargs)``: exchange a signed ID token.

    The nonce of the authorization request goes into the ID token unless overridden.
    """

    def run(alg: str = "RS256", request: dict[str, Any] | None = None, **overrides: Any) -> Any:
        _, response = code_flow(client, **(request or {}))
        overrides.setdefault("nonce", response.nonce)
        token_response(id_token=server.sign(server.claims(**overrides), alg))
        return client.authorization_code(response)

    return run


def assert_refused(caught: pytest.ExceptionInfo[Any], cls: type, code: str, claim: str | None):
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, InvalidIdToken)
    assert isinstance(error, OAuth2Error)
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.claim == claim


# ------------------------------------------------------------------------------- happy paths


def test_code_flow_validates_the_id_token(signed):
    token = signed()
    assert isinstance(token, BearerToken)
    id_token = token.id_token
    assert isinstance(id_token, IdToken)
    assert isinstance(id_token, str)
    assert id_token.issuer == ISSUER
    assert id_token.subject == "alice"
    assert id_token.audiences == (CLIENT_ID,)
    assert id_token.alg == "RS256"
    assert id_token.kid == "rsa"
    assert id_token.nonce is not None
    assert id_token.auth_time is not None
    assert id_token.expires_at.timestamp() == id_token.claims["exp"]
    assert str(id_token) not in repr(id_token)
    assert "<redacted>" in repr(token)
    # the token serializes as before: the IdToken is the compact JWT string
    assert json.loads(json.dumps(token.as_dict()))["id_token"] == str(id_token)


@pytest.mark.parametrize(
    "alg",
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"],
)
def test_every_signature_alg_with_at_hash(server, make_client, code_flow, token_response, alg):
    client = make_client(id_token_signed_response_alg=alg)
    _, response = code_flow(client)
    crv = {"EdDSA": "Ed25519"}.get(alg)
    claims = server.claims(nonce=response.nonce, at_hash=token_hash(ACCESS_TOKEN, alg, crv))
    token_response(id_token=server.sign(claims, alg))
    token = client.authorization_code(response)
    assert token.id_token.alg == alg


def test_hs256_with_the_client_secret(server, make_client, code_flow, token_response):
    client = make_client(id_token_signed_response_alg="HS256")
    _, response = code_flow(client)
    secret_key = load_secret_key("a-client-secret-long-enough-for-hs512-0123456789abcdef")
    token_response(id_token=secret_key.sign_jwt(server.claims(nonce=response.nonce)))
    assert client.authorization_code(response).id_token.alg == "HS256"


def test_hs256_is_never_verified_with_a_key_of_the_jwks(
    server, make_client, code_flow, token_response, keys
):
    # an attacker who knows a public key (the JWKS) signs with it as an HMAC secret
    oct_key = {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "kid": "oct"}
    client = make_client(
        auth="public-client",
        id_token_signed_response_alg=["RS256", "HS256"],
        authorization_server_jwks={"keys": [oct_key, *server.jwks()["keys"]]},
    )
    _, response = code_flow(client)
    forged = load_secret_key("secret-secret-secret-secret-secret").sign_jwt(
        server.claims(nonce=response.nonce, aud="public-client"), headers={"kid": "oct"}
    )
    token_response(id_token=forged)
    with pytest.raises(UnknownIdTokenKey) as caught:
        client.authorization_code(response)
    assert caught.value.code == ValidationCode.NO_MATCHING_KEY


def test_hs256_is_verified_with_the_client_secret_only(
    server, make_client, code_flow, token_response
):
    oct_key = {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "kid": "oct"}
    client = make_client(
        id_token_signed_response_alg="HS256",
        authorization_server_jwks={"keys": [oct_key, *server.jwks()["keys"]]},
    )
    _, response = code_flow(client)
    forged = load_secret_key("secret-secret-secret-secret-secret").sign_jwt(
        server.claims(nonce=response.nonce), headers={"kid": "oct"}
    )
    token_response(id_token=forged)
    with pytest.raises(InvalidIdTokenSignature):
        client.authorization_code(response)


def test_refresh_without_an_id_token_keeps_nothing_to_check(client, signed, token_response):
    token = signed()
    token_response(refresh_token="rt2")
    refreshed = client.refresh_token(BearerToken("at", refresh_token="rt", id_token=token.id_token))
    assert refreshed.id_token is None


def test_skip_keeps_the_id_token_unverified(client, code_flow, token_response):
    _, response = code_flow(client)
    token_response(id_token="not.even.a-jwt")
    token = client.authorization_code(response, id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert token.id_token == "not.even.a-jwt"
    assert not isinstance(token.id_token, IdToken)


def test_validate_id_token_is_the_typed_path(server, client):
    value = server.id_token(nonce="n-1")
    id_token = validate_id_token(value, client, nonce="n-1", access_token=None)
    assert id_token == value
    with pytest.raises(MismatchingIdTokenNonce):
        validate_id_token(value, client, nonce="n-2")


def test_without_an_issuer_validation_is_a_configuration_error(server, make_client):
    client = make_client(issuer=None)
    with pytest.raises(ConfigurationError, match="issuer"):
        validate_id_token(server.id_token(), client)


def test_clock_skew_is_configurable(server, make_client, clock):
    value = server.id_token()
    clock.advance(300 + 20)  # expired 20 s ago
    assert validate_id_token(value, make_client())  # the default skew is 30 s
    with pytest.raises(ExpiredIdToken):
        validate_id_token(value, make_client(clock_skew=5))


# ------------------------------------------------------------------------ negative corpus


def test_invalid_iss(signed):
    with pytest.raises(MismatchingIdTokenIssuer) as caught:
        signed(iss="https://evil.example.com")
    assert_refused(caught, MismatchingIdTokenIssuer, "claim_mismatch", "iss")
    assert caught.value.expected == ISSUER
    assert caught.value.received == "https://evil.example.com"


def test_invalid_aud(signed):
    with pytest.raises(MismatchingIdTokenAudience) as caught:
        signed(aud="another-client")
    assert_refused(caught, MismatchingIdTokenAudience, "claim_mismatch", "aud")


def test_invalid_secondary_aud(signed):
    # aud lists the client and an untrusted party, without azp: refused
    with pytest.raises(MismatchingIdTokenAzp) as caught:
        signed(aud=[CLIENT_ID, "https://untrusted.example.com"])
    assert_refused(caught, MismatchingIdTokenAzp, "missing_claim", "azp")


def test_secondary_aud_with_azp_is_accepted(signed):
    token = signed(aud=[CLIENT_ID, "https://api.example.com"], azp=CLIENT_ID)
    assert token.id_token.authorized_party == CLIENT_ID


def test_invalid_azp(signed):
    with pytest.raises(MismatchingIdTokenAzp) as caught:
        signed(azp="another-client")
    assert_refused(caught, MismatchingIdTokenAzp, "claim_mismatch", "azp")


def test_invalid_missing_nonce(signed):
    with pytest.raises(MismatchingIdTokenNonce) as caught:
        signed(nonce=None)
    assert_refused(caught, MismatchingIdTokenNonce, "missing_claim", "nonce")


def test_invalid_nonce(signed):
    with pytest.raises(MismatchingIdTokenNonce) as caught:
        signed(nonce="another-nonce")
    assert_refused(caught, MismatchingIdTokenNonce, "claim_mismatch", "nonce")
    assert caught.value.received == "another-nonce"


def test_invalid_chash(signed):
    with pytest.raises(MismatchingIdTokenCHash) as caught:
        signed(c_hash=token_hash("another-code", "RS256"))
    assert_refused(caught, MismatchingIdTokenCHash, "claim_mismatch", "c_hash")


def test_valid_chash(signed):
    assert signed(c_hash=token_hash("the-code", "RS256")).id_token.c_hash


def test_missing_chash(server, client):
    # where c_hash is required (an ID token of a hybrid authorization response)
    value = server.id_token()
    with pytest.raises(MismatchingIdTokenCHash) as caught:
        validate_id_token(value, client, code="the-code", require_hashes={"c_hash"})
    assert_refused(caught, MismatchingIdTokenCHash, "missing_claim", "c_hash")


def test_invalid_shash(signed):
    with pytest.raises(MismatchingIdTokenSHash) as caught:
        signed(s_hash=token_hash("another-state", "RS256"))
    assert_refused(caught, MismatchingIdTokenSHash, "claim_mismatch", "s_hash")


def test_missing_shash(server, client):
    with pytest.raises(MismatchingIdTokenSHash) as caught:
        validate_id_token(server.id_token(), client, state="s", require_hashes={"s_hash"})
    assert_refused(caught, MismatchingIdTokenSHash, "missing_claim", "s_hash")


def test_invalid_athash(signed):
    with pytest.raises(MismatchingIdTokenAtHash) as caught:
        signed(at_hash=token_hash("another-access-token", "RS256"))
    assert_refused(caught, MismatchingIdTokenAtHash, "claim_mismatch", "at_hash")


def test_idtoken_sig_none(make_client, server, code_flow, token_response, make_unsigned):
    # even a client that "registered" none refuses unsigned ID tokens
    client = make_client(id_token_signed_response_alg="none")
    _, response = code_flow(client)
    token_response(id_token=make_unsigned(server.claims(nonce=response.nonce)))
    with pytest.raises(MismatchingIdTokenAlg) as caught:
        client.authorization_code(response)
    assert_refused(caught, MismatchingIdTokenAlg, "unexpected_alg", "alg")
    assert caught.value.received == "none"


def test_invalid_null_alg(client, server, code_flow, token_response, make_unsigned):
    _, response = code_flow(client)
    token_response(id_token=make_unsigned(server.claims(nonce=response.nonce)))
    with pytest.raises(MismatchingIdTokenAlg) as caught:
        client.authorization_code(response)
    assert_refused(caught, MismatchingIdTokenAlg, "unexpected_alg", "alg")


def test_unregistered_alg_is_refused(signed):
    with pytest.raises(MismatchingIdTokenAlg) as caught:
        signed("ES256")  # the client expects RS256 (the default)
    assert caught.value.expected == ["RS256"]
    assert caught.value.received == "ES256"


def test_invalid_signature(server, client, code_flow, token_response):
    _, response = code_flow(client)
    value = server.sign(server.claims(nonce=response.nonce))
    head, payload, signature = value.split(".")
    tampered = f"{head}.{payload}.{signature[:-8]}AAAAAAAA"
    token_response(id_token=tampered)
    with pytest.raises(InvalidIdTokenSignature) as caught:
        client.authorization_code(response)
    assert_refused(caught, InvalidIdTokenSignature, "bad_signature", "alg")


def test_signature_by_another_key_with_the_same_kid(server, client, code_flow, token_response):
    _, response = code_flow(client)
    forged = server.sign(server.claims(nonce=response.nonce), key="rsa2", kid="rsa")
    token_response(id_token=forged)
    with pytest.raises(InvalidIdTokenSignature):
        client.authorization_code(response)


def test_kid_absent_single_jwks(server, make_client, code_flow, token_response):
    client = make_client(authorization_server_jwks=server.jwks("rsa", "p256"))
    _, response = code_flow(client)
    token_response(id_token=server.sign(server.claims(nonce=response.nonce), kid=False))
    # one RSA key in the set: the kid-less RS256 token is accepted
    assert client.authorization_code(response).id_token.kid is None


def test_kid_absent_multiple_jwks(server, make_client, code_flow, token_response):
    client = make_client(authorization_server_jwks=server.jwks("rsa", "rsa2"))
    _, response = code_flow(client)
    token_response(id_token=server.sign(server.claims(nonce=response.nonce), kid=False))
    with pytest.raises(UnknownIdTokenKey) as caught:
        client.authorization_code(response)
    assert_refused(caught, UnknownIdTokenKey, "ambiguous_key", "kid")


def test_unknown_kid(server, client, code_flow, token_response):
    _, response = code_flow(client)
    token_response(id_token=server.sign(server.claims(nonce=response.nonce), kid="unknown"))
    with pytest.raises(UnknownIdTokenKey) as caught:
        client.authorization_code(response)
    assert_refused(caught, UnknownIdTokenKey, "no_matching_key", "kid")


def test_expired_exp(signed, clock):
    now = int(clock.time())
    with pytest.raises(ExpiredIdToken) as caught:
        signed(iat=now - 600, exp=now - 60)
    assert_refused(caught, ExpiredIdToken, "timestamp_check", "exp")


def test_iat_far_in_future(signed, clock):
    now = int(clock.time())
    with pytest.raises(IdTokenNotYetValid) as caught:
        signed(iat=now + 3600, exp=now + 7200)
    assert_refused(caught, IdTokenNotYetValid, "timestamp_check", "iat")


def test_nbf_in_future(signed, clock):
    with pytest.raises(IdTokenNotYetValid) as caught:
        signed(nbf=int(clock.time()) + 600)
    assert_refused(caught, IdTokenNotYetValid, "timestamp_check", "nbf")


def test_missing_sub(signed):
    with pytest.raises(MissingIdTokenClaim) as caught:
        signed(sub=None)
    assert_refused(caught, MissingIdTokenClaim, "missing_claim", "sub")


@pytest.mark.parametrize("claim", ["iss", "aud", "exp", "iat"])
def test_missing_required_claim(signed, claim):
    with pytest.raises(MissingIdTokenClaim) as caught:
        signed(**{claim: None})
    assert_refused(caught, MissingIdTokenClaim, "missing_claim", claim)


def test_mistyped_claim(signed):
    with pytest.raises(MalformedIdToken) as caught:
        signed(exp="tomorrow")
    assert_refused(caught, MalformedIdToken, "malformed", "exp")


def test_not_a_jwt(client, code_flow, token_response):
    _, response = code_flow(client)
    token_response(id_token="definitely-not-a-jwt")
    with pytest.raises(MalformedIdToken) as caught:
        client.authorization_code(response)
    assert caught.value.code == ValidationCode.MALFORMED


def test_missing_id_token_in_an_openid_code_exchange(client, code_flow, token_response):
    _, response = code_flow(client)
    token_response()
    with pytest.raises(MissingIdToken) as caught:
        client.authorization_code(response)
    assert caught.value.code == ValidationCode.MISSING_ID_TOKEN


def test_no_id_token_is_fine_without_openid(client, code_flow, token_response):
    _, response = code_flow(client, scope="api")
    token_response()
    assert client.authorization_code(response).id_token is None


def test_max_age_needs_auth_time(signed):
    with pytest.raises(MismatchingIdTokenAuthTime) as caught:
        signed(request={"max_age": 60}, auth_time=None)
    assert_refused(caught, MismatchingIdTokenAuthTime, "missing_claim", "auth_time")


def test_auth_time_older_than_max_age(signed, clock):
    with pytest.raises(MismatchingIdTokenAuthTime) as caught:
        signed(request={"max_age": 60}, auth_time=int(clock.time()) - 3600)
    assert_refused(caught, MismatchingIdTokenAuthTime, "timestamp_check", "auth_time")


def test_auth_time_within_max_age(signed):
    assert signed(request={"max_age": 60}).id_token.auth_datetime is not None


def test_acr_not_requested_value(signed):
    with pytest.raises(MismatchingIdTokenAcr) as caught:
        signed(request={"acr_values": "gold silver"}, acr="bronze")
    assert_refused(caught, MismatchingIdTokenAcr, "claim_mismatch", "acr")
    assert caught.value.expected == ["gold", "silver"]


def test_acr_missing(signed):
    with pytest.raises(MismatchingIdTokenAcr) as caught:
        signed(request={"acr_values": "gold"})
    assert_refused(caught, MismatchingIdTokenAcr, "missing_claim", "acr")


def test_acr_requested_value(signed):
    assert signed(request={"acr_values": ["gold", "silver"]}, acr="silver").id_token.acr == "silver"


def test_issuer_of_the_authorization_response_and_the_client(
    make_client, server, code_flow, token_response
):
    # the callback was validated against the request's issuer; the client's must match too
    client = make_client(issuer="https://other.example.com")
    request = client.authorization_request(scope="openid", issuer=ISSUER)
    response = request.validate_callback(
        f"https://app.example.com/callback?code=c&state={request.state}&iss={ISSUER}"
    )
    token_response(id_token=server.id_token(nonce=response.nonce))
    with pytest.raises(MismatchingIdTokenIssuer):
        client.authorization_code(response)


def test_messages_never_show_the_token(server, client, code_flow, token_response):
    _, response = code_flow(client)
    value = server.sign(server.claims(nonce="wrong-nonce"))
    token_response(id_token=value)
    with pytest.raises(InvalidIdToken) as caught:
        client.authorization_code(response)
    for part in value.split("."):
        assert part not in str(caught.value)
        assert part not in repr(caught.value)
    assert response.nonce not in str(caught.value)


# ------------------------------------------------- the authorization response (RFC 9207)


def test_invalid_authorization_response_iss(client, server, token_response):
    request = client.authorization_request(scope="openid")
    forged = f"https://app.example.com/callback?code=c&state={request.state}&iss=https://evil"
    with pytest.raises(MismatchingIssuer) as caught:
        request.validate_callback(forged)
    assert (caught.value.expected, caught.value.received) == (ISSUER, "https://evil")


def test_missing_iss_when_advertised(make_client):
    client = make_client(metadata={"authorization_response_iss_parameter_supported": True})
    request = client.authorization_request(scope="openid")
    with pytest.raises(MissingIssuer) as caught:
        request.validate_callback(f"https://app.example.com/callback?code=c&state={request.state}")
    assert caught.value.expected == ISSUER


# ----------------------------------------------------------------------- the IdToken type


def test_an_id_token_parses_without_validation(server):
    value = server.id_token(azp=CLIENT_ID, amr=["pwd", "otp"], sid="s-1", nbf=NOW - 5)
    id_token = IdToken(value)
    assert id_token == value
    assert id_token.header["alg"] == "RS256"
    assert id_token.authorized_party == CLIENT_ID
    assert id_token.amr == ("pwd", "otp")
    assert id_token.sid == "s-1"
    assert id_token.not_before is not None
    assert id_token.issued_at.timestamp() == NOW
    assert id_token.get("nope", 42) == 42
    assert id_token.acr is None
    assert pickle.loads(pickle.dumps(id_token)).claims == id_token.claims  # noqa: S301
    assert copy.copy(id_token).subject == "alice"


def test_an_id_token_accessor_refuses_a_missing_or_mistyped_claim(server):
    with pytest.raises(MissingIdTokenClaim):
        IdToken(server.sign(server.claims(sub=None))).subject  # noqa: B018
    with pytest.raises(MalformedIdToken):
        IdToken(server.sign(server.claims(nonce=42))).nonce  # noqa: B018
    with pytest.raises(MalformedIdToken):
        IdToken("a.b")
