"""Signed and encrypted userinfo, JWT introspection responses (RFC 9701), logout URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth2core import BearerToken, InvalidResponse, MissingEndpointUri
from oauth2core_clientauth_jwt import encrypt_jwe
from oauth2core_oidc import (
    IdToken,
    InvalidJwtIntrospectionResponse,
    InvalidUserinfoResponse,
    MismatchingUserinfoSubject,
    ValidationCode,
    end_session_url,
)

ISSUER = "https://as.example.com"
USERINFO = "https://as.example.com/userinfo"
INTROSPECTION = "https://as.example.com/introspect"
JWT = "application/jwt"
INTROSPECTION_JWT = "application/token-introspection+jwt"


@pytest.fixture
def userinfo_client(make_client):
    def make(**kwargs):
        return make_client(userinfo_endpoint=USERINFO, **kwargs)

    return make


@pytest.fixture
def token_of(server):
    """A token whose validated ID token is for ``sub``."""

    def make(sub: str = "alice") -> BearerToken:
        return BearerToken("at", id_token=IdToken(server.id_token(sub=sub)))

    return make


# ------------------------------------------------------------------------------ userinfo


def test_json_userinfo_with_the_sub_check(userinfo_client, mock_http, token_of):
    client = userinfo_client()
    mock_http.get(USERINFO, json={"sub": "alice", "name": "Alice"})
    assert client.userinfo(token_of("alice"))["name"] == "Alice"


def test_userinfo_invalid_sub(userinfo_client, mock_http, token_of):
    client = userinfo_client()
    mock_http.get(USERINFO, json={"sub": "mallory", "name": "Mallory"})
    with pytest.raises(MismatchingUserinfoSubject) as caught:
        client.userinfo(token_of("alice"))
    assert caught.value.code == ValidationCode.CLAIM_MISMATCH
    assert caught.value.claim == "sub"
    assert caught.value.expected == "alice"
    assert caught.value.received == "mallory"


def test_userinfo_without_sub(userinfo_client, mock_http, token_of):
    mock_http.get(USERINFO, json={"name": "?"})
    with pytest.raises(InvalidUserinfoResponse) as caught:
        userinfo_client().userinfo(token_of())
    assert caught.value.code == ValidationCode.MISSING_CLAIM


def test_userinfo_sub_is_unknown_for_a_bare_access_token(userinfo_client, mock_http):
    mock_http.get(USERINFO, json={"sub": "anyone"})
    assert userinfo_client().userinfo("at")["sub"] == "anyone"


def test_userinfo_not_json(userinfo_client, mock_http):
    mock_http.get(USERINFO, body="<html/>", content_type="text/html")
    with pytest.raises(InvalidResponse):
        userinfo_client().userinfo("at")


def test_signed_userinfo(userinfo_client, mock_http, server, token_of):
    client = userinfo_client(userinfo_signed_response_alg="ES256")
    body = server.sign({"sub": "alice", "email": "a@x", "iss": ISSUER, "aud": "client-1"}, "ES256")
    mock_http.get(USERINFO, body=body, content_type=JWT)
    assert client.userinfo(token_of())["email"] == "a@x"


def test_signed_userinfo_default_alg_is_rs256(userinfo_client, mock_http, server):
    mock_http.get(USERINFO, body=server.sign({"sub": "alice"}), content_type=JWT)
    assert userinfo_client().userinfo("at")["sub"] == "alice"


def test_signed_userinfo_with_another_sub(userinfo_client, mock_http, server, token_of):
    mock_http.get(USERINFO, body=server.sign({"sub": "mallory"}), content_type=JWT)
    with pytest.raises(MismatchingUserinfoSubject):
        userinfo_client().userinfo(token_of("alice"))


@pytest.mark.parametrize(
    ("claims", "claim"),
    [({"sub": "a", "iss": "https://evil"}, "iss"), ({"sub": "a", "aud": "other"}, "aud")],
)
def test_signed_userinfo_wrong_iss_or_aud(userinfo_client, mock_http, server, claims, claim):
    mock_http.get(USERINFO, body=server.sign(claims), content_type=JWT)
    with pytest.raises(InvalidUserinfoResponse) as caught:
        userinfo_client().userinfo("at")
    assert caught.value.code == ValidationCode.CLAIM_MISMATCH
    assert caught.value.claim == claim


def test_signed_userinfo_bad_signature(userinfo_client, mock_http, server):
    forged = server.sign({"sub": "a"}, key="rsa2", kid="rsa")
    mock_http.get(USERINFO, body=forged, content_type=JWT)
    with pytest.raises(InvalidUserinfoResponse) as caught:
        userinfo_client().userinfo("at")
    assert caught.value.code == ValidationCode.BAD_SIGNATURE


def test_json_when_signed_userinfo_was_registered(userinfo_client, mock_http):
    mock_http.get(USERINFO, json={"sub": "alice"})
    with pytest.raises(InvalidUserinfoResponse) as caught:
        userinfo_client(userinfo_signed_response_alg="RS256").userinfo("at")
    assert caught.value.code == ValidationCode.UNEXPECTED_ALG


def test_signed_then_encrypted_userinfo(userinfo_client, mock_http, server, keys, token_of):
    client = userinfo_client(
        userinfo_signed_response_alg="RS256",
        userinfo_encrypted_response_alg="RSA-OAEP-256",
        decryption_keys=[keys.jwk("client_rsa")],
    )
    signed = server.sign({"sub": "alice", "name": "Alice"})
    body = encrypt_jwe(signed.encode(), keys.public_jwk("client_rsa"), headers={"cty": "JWT"})
    mock_http.get(USERINFO, body=body, content_type=JWT)
    assert client.userinfo(token_of())["name"] == "Alice"


def test_encrypted_only_userinfo(userinfo_client, mock_http, keys):
    client = userinfo_client(
        userinfo_encrypted_response_alg="ECDH-ES", decryption_keys=keys.jwk("client_p256")
    )
    body = encrypt_jwe(b'{"sub": "alice"}', keys.public_jwk("client_p256"))
    mock_http.get(USERINFO, body=body, content_type=JWT)
    assert client.userinfo("at") == {"sub": "alice"}


def test_plain_userinfo_when_encryption_was_registered(userinfo_client, mock_http, server, keys):
    client = userinfo_client(
        userinfo_encrypted_response_alg="ECDH-ES", decryption_keys=keys.jwk("client_p256")
    )
    mock_http.get(USERINFO, body=server.sign({"sub": "alice"}), content_type=JWT)
    with pytest.raises(InvalidUserinfoResponse) as caught:
        client.userinfo("at")
    assert caught.value.code == ValidationCode.ENCRYPTION_EXPECTED


# ------------------------------------------------------------------------- introspection


@pytest.fixture
def introspection_client(make_client):
    def make(**kwargs):
        return make_client(introspection_endpoint=INTROSPECTION, **kwargs)

    return make


def introspection_jwt(server: Any, clock: Any, **overrides: Any) -> str:
    claims = {
        "iss": ISSUER,
        "aud": "client-1",
        "iat": int(clock.time()),
        "token_introspection": {"active": True, "scope": "api", "client_id": "c-2"},
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    signed: str = server.sign(claims, headers={"typ": "token-introspection+jwt"})
    return signed


def test_json_introspection_is_unchanged(introspection_client, mock_http):
    mock_http.post(INTROSPECTION, json={"active": False})
    assert introspection_client().introspect_token("t") == {"active": False}
    assert mock_http.calls[0].request.headers["Accept"] == "application/json"


def test_jwt_introspection_when_asked(introspection_client, mock_http, server, clock):
    client = introspection_client(introspection_signed_response_alg="RS256")
    mock_http.post(
        INTROSPECTION, body=introspection_jwt(server, clock), content_type=INTROSPECTION_JWT
    )
    result = client.introspect_token("t")
    assert result == {"active": True, "scope": "api", "client_id": "c-2"}
    assert mock_http.calls[0].request.headers["Accept"] == INTROSPECTION_JWT


@pytest.mark.parametrize(
    ("overrides", "code", "claim"),
    [
        ({"iss": "https://evil"}, ValidationCode.CLAIM_MISMATCH, "iss"),
        ({"aud": "other"}, ValidationCode.CLAIM_MISMATCH, "aud"),
        ({"iat": None}, ValidationCode.MISSING_CLAIM, "iat"),
        ({"token_introspection": None}, ValidationCode.MISSING_CLAIM, "token_introspection"),
    ],
)
def test_jwt_introspection_checks(
    introspection_client, mock_http, server, clock, overrides, code, claim
):
    client = introspection_client(introspection_signed_response_alg="RS256")
    body = introspection_jwt(server, clock, **overrides)
    mock_http.post(INTROSPECTION, body=body, content_type=INTROSPECTION_JWT)
    with pytest.raises(InvalidJwtIntrospectionResponse) as caught:
        client.introspect_token("t")
    assert (caught.value.code, caught.value.claim) == (code, claim)


def test_jwt_introspection_needs_its_typ(introspection_client, mock_http, server, clock):
    client = introspection_client(introspection_signed_response_alg="RS256")
    body = server.sign({"iss": ISSUER, "aud": "client-1", "iat": int(clock.time())})
    mock_http.post(INTROSPECTION, body=body, content_type=INTROSPECTION_JWT)
    with pytest.raises(InvalidJwtIntrospectionResponse) as caught:
        client.introspect_token("t")
    assert caught.value.code == ValidationCode.UNEXPECTED_TYP


def test_json_when_a_jwt_was_asked(introspection_client, mock_http):
    mock_http.post(INTROSPECTION, json={"active": True})
    with pytest.raises(InvalidJwtIntrospectionResponse):
        introspection_client(introspection_signed_response_alg="RS256").introspect_token("t")


# -------------------------------------------------------------------------------- logout


def test_end_session_url(make_client, server):
    client = make_client(end_session_endpoint="https://as.example.com/logout?tenant=t")
    id_token = IdToken(server.id_token())
    url = client.end_session_url(
        id_token_hint=id_token,
        post_logout_redirect_uri="https://app.example.com/bye",
        state="s-1",
        ui_locales="fr",
        logout_hint=None,
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "as.example.com", "/logout")
    assert parse_qs(parts.query) == {
        "tenant": ["t"],
        "id_token_hint": [id_token],
        "client_id": ["client-1"],
        "post_logout_redirect_uri": ["https://app.example.com/bye"],
        "state": ["s-1"],
        "ui_locales": ["fr"],
    }


def test_end_session_url_takes_a_token(make_client, server):
    client = make_client(end_session_endpoint="https://as.example.com/logout")
    token = BearerToken("at", id_token=IdToken(server.id_token()))
    assert parse_qs(urlsplit(end_session_url(client, token)).query)["id_token_hint"] == [
        str(token.id_token)
    ]


def test_end_session_url_needs_the_endpoint(client):
    with pytest.raises(MissingEndpointUri):
        client.end_session_url()
