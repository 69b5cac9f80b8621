"""Revocation (RFC 7009), introspection (RFC 7662), userinfo (OIDC Core §5.3)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses

import oauth2core
from oauth2core import (
    BearerToken,
    IntrospectionError,
    InvalidResponse,
    MissingEndpointUri,
    RevocationError,
    UnsupportedTokenType,
    UserinfoError,
)

REVOKE = "https://as.example.com/oauth/revoke"
INTROSPECT = "https://as.example.com/oauth/introspect"
USERINFO = "https://as.example.com/userinfo"


@pytest.fixture
def full_client(make_client):
    return make_client(
        revocation_endpoint=REVOKE, introspection_endpoint=INTROSPECT, userinfo_endpoint=USERINFO
    )


def form(call) -> dict[str, list[str]]:
    return parse_qs(call.request.body)


def test_revoke_token_sends_token_and_hint(full_client, mock_http):
    mock_http.post(REVOKE, status=200)
    token = BearerToken("at-1", refresh_token="rt-1")
    assert full_client.revoke_refresh_token(token) is True
    sent = form(mock_http.calls[0])
    assert sent["token"] == ["rt-1"]
    assert sent["token_type_hint"] == ["refresh_token"]
    assert sent["client_secret"] == ["s3cr3t:with%odd+chars"]


def test_revoke_access_token_from_string(full_client, mock_http):
    mock_http.post(REVOKE, status=200)
    assert full_client.revoke_access_token("at-2") is True
    assert form(mock_http.calls[0])["token"] == ["at-2"]
    assert form(mock_http.calls[0])["token_type_hint"] == ["access_token"]


def test_revoke_refresh_token_without_one_is_a_caller_error(full_client):
    with pytest.raises(ValueError, match="no refresh_token"):
        full_client.revoke_refresh_token(BearerToken("at"))


def test_revocation_errors_are_typed(full_client, mock_http):
    mock_http.post(REVOKE, status=400, json={"error": "unsupported_token_type"})
    mock_http.post(REVOKE, status=400, json={"error": "something_else"})
    mock_http.post(REVOKE, status=503, body="<html>down</html>", content_type="text/html")
    with pytest.raises(UnsupportedTokenType) as caught:
        full_client.revoke_token("t")
    assert caught.value.response is not None
    assert caught.value.response.status_code == 400
    with pytest.raises(RevocationError) as other:
        full_client.revoke_token("t")
    assert type(other.value) is RevocationError
    with pytest.raises(InvalidResponse, match="HTTP 503"):
        full_client.revoke_token("t")


def test_shared_codes_apply_at_revocation(full_client, mock_http):
    mock_http.post(REVOKE, status=401, json={"error": "invalid_client"})
    with pytest.raises(oauth2core.InvalidClient):
        full_client.revoke_token("t")


def test_introspection(full_client, mock_http):
    mock_http.post(INTROSPECT, json={"active": True, "scope": "a b", "client_id": "c"})
    result = full_client.introspect_token(BearerToken("at-3"), extra_param="x")
    assert result == {"active": True, "scope": "a b", "client_id": "c"}
    sent = form(mock_http.calls[0])
    assert sent["token"] == ["at-3"]
    assert sent["extra_param"] == ["x"]
    assert "token_type_hint" not in sent


@pytest.mark.parametrize(
    "body",
    [{"scope": "a"}, {"active": "true"}, ["active"], "not json"],
    ids=["missing_active", "string_active", "array", "text"],
)
def test_introspection_malformed(full_client, mock_http, body):
    if isinstance(body, str):
        mock_http.post(INTROSPECT, body=body)
    else:
        mock_http.post(INTROSPECT, json=body)
    with pytest.raises(InvalidResponse) as caught:
        full_client.introspect_token("t")
    assert caught.value.response is not None


def test_introspection_error(full_client, mock_http):
    mock_http.post(INTROSPECT, status=400, json={"error": "invalid_request"})
    mock_http.post(INTROSPECT, status=400, json={"error": "custom"})
    with pytest.raises(oauth2core.InvalidRequest):
        full_client.introspect_token("t")
    with pytest.raises(IntrospectionError):
        full_client.introspect_token("t")


def test_userinfo_is_a_get_with_the_token(full_client, mock_http):
    mock_http.get(USERINFO, json={"sub": "alice"})
    assert full_client.userinfo(BearerToken("at-4")) == {"sub": "alice"}
    request = mock_http.calls[0].request
    assert request.method == "GET"
    assert request.headers["Authorization"] == "Bearer at-4"
    assert request.body is None
    assert "client_secret" not in (request.url or "")


def test_userinfo_from_a_string(full_client, mock_http):
    mock_http.get(USERINFO, json={"sub": "bob"})
    assert full_client.userinfo("at-5")["sub"] == "bob"
    assert mock_http.calls[0].request.headers["Authorization"] == "Bearer at-5"


def test_userinfo_challenge_error(full_client, mock_http):
    mock_http.get(
        USERINFO,
        status=401,
        headers={
            "WWW-Authenticate": 'Bearer realm="x", error="invalid_token", '
            'error_description="the \\"token\\" expired"'
        },
    )
    with pytest.raises(UserinfoError) as caught:
        full_client.userinfo("expired")
    assert caught.value.error == "invalid_token"
    assert caught.value.error_description == 'the "token" expired'
    assert caught.value.response is not None
    assert "expired" not in repr(caught.value.response.request.headers.get("Cookie"))


def test_userinfo_signed_response_needs_oidc(full_client, mock_http):
    mock_http.get(USERINFO, body="a.b.c", content_type="application/jwt")
    with pytest.raises(oauth2core.FeatureNotInstalled, match=r"oauth2core\[oidc\]"):
        full_client.userinfo("at")


def test_userinfo_html_is_invalid(full_client, mock_http):
    mock_http.get(USERINFO, status=500, body="<html/>", content_type="text/html")
    with pytest.raises(InvalidResponse):
        full_client.userinfo("at")


@pytest.mark.parametrize(
    ("method", "endpoint"),
    [
        ("revoke_token", "revocation_endpoint"),
        ("introspect_token", "introspection_endpoint"),
        ("userinfo", "userinfo_endpoint"),
    ],
)
def test_missing_endpoint(client, method, endpoint):
    with pytest.raises(MissingEndpointUri, match=endpoint) as caught:
        getattr(client, method)("t")
    assert caught.value.endpoint == endpoint
    assert isinstance(caught.value, AttributeError)


def test_no_request_is_sent_without_endpoint(client):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(MissingEndpointUri):
            client.revoke_token("t")
        assert len(mock.calls) == 0
