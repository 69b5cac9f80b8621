"""The JWKS cache: lazy fetch, TTL, one rate-limited refresh on an unknown kid, typed errors."""

from __future__ import annotations

import pytest
import requests

from oauth2core import InvalidDiscoveryDocument, TransportError
from oauth2core_oidc import (
    InvalidJwksResponse,
    Jwks,
    JwtValidationError,
    UnknownIdTokenKey,
    ValidationCode,
    validate_id_token,
)

JWKS_URL = "https://as.example.com/jwks"


@pytest.fixture
def remote(clock):
    with requests.Session() as session:
        yield Jwks(JWKS_URL, session=session, clock=clock, ttl=600, refresh_interval=30)


def test_nothing_is_fetched_before_first_use(mock_http, clock):
    Jwks(JWKS_URL, clock=clock)
    assert len(mock_http.calls) == 0


def test_fetched_once_then_cached(mock_http, remote, server):
    mock_http.get(JWKS_URL, json=server.jwks("rsa", "p256"))
    assert remote.verification_key("RS256", "rsa").kid == "rsa"
    assert remote.verification_key("ES256", "p256").kid == "p256"
    assert remote.verification_key("RS256", None).kid == "rsa"  # the one RSA key
    assert len(mock_http.calls) == 1
    assert mock_http.calls[0].request.headers["Accept"].startswith("application/json")


def test_ttl_expiry_fetches_again(mock_http, remote, server, clock):
    mock_http.get(JWKS_URL, json=server.jwks("rsa"))
    remote.verification_key("RS256", "rsa")
    clock.advance(599)
    remote.verification_key("RS256", "rsa")
    assert len(mock_http.calls) == 1
    clock.advance(1)
    remote.verification_key("RS256", "rsa")
    assert len(mock_http.calls) == 2


def test_unknown_kid_refreshes_once(mock_http, remote, server, clock):
    mock_http.get(JWKS_URL, json=server.jwks("rsa"))
    mock_http.get(JWKS_URL, json=server.jwks("rsa", "rsa2"))
    remote.verification_key("RS256", "rsa")
    clock.advance(31)
    # a key rotation: the new kid triggers one refresh, which finds it
    assert remote.verification_key("RS256", "rsa2").kid == "rsa2"
    assert len(mock_http.calls) == 2


def test_refresh_on_unknown_kid_is_rate_limited(mock_http, remote, server, clock):
    mock_http.get(JWKS_URL, json=server.jwks("rsa"))
    remote.verification_key("RS256", "rsa")
    clock.advance(10)  # under refresh_interval: no fetch for an unknown kid
    with pytest.raises(JwtValidationError) as caught:
        remote.verification_key("RS256", "unknown")
    assert caught.value.code == ValidationCode.NO_MATCHING_KEY
    assert len(mock_http.calls) == 1
    clock.advance(30)
    mock_http.get(JWKS_URL, json=server.jwks("rsa"))
    with pytest.raises(JwtValidationError):
        remote.verification_key("RS256", "unknown")
    with pytest.raises(JwtValidationError):  # just refreshed: not again
        remote.verification_key("RS256", "unknown-2")
    assert len(mock_http.calls) == 2


def test_keys_unfit_for_the_alg_or_for_signing_are_skipped(server, keys):
    jwks = Jwks(
        keys={
            "keys": [
                keys.public_jwk("rsa", kid="enc", use="enc"),
                keys.public_jwk("rsa2", kid="sig", alg="PS256"),
                {"kty": "oct", "k": "c2VjcmV0", "kid": "oct"},
                keys.public_jwk("p256", kid="ec"),
            ]
        }
    )
    # RS256: the enc key and the PS256-only key are unfit, so there is no key at all
    with pytest.raises(JwtValidationError) as caught:
        jwks.verification_key("RS256", None)
    assert caught.value.code == ValidationCode.NO_MATCHING_KEY
    assert jwks.verification_key("PS256", None).kid == "sig"
    assert jwks.verification_key("ES256", None).kid == "ec"
    with pytest.raises(JwtValidationError):
        jwks.verification_key("HS256", "oct")


def test_duplicate_kids_are_ambiguous(keys):
    jwks = Jwks(keys=[keys.public_jwk("rsa", kid="k"), keys.public_jwk("rsa2", kid="k")])
    with pytest.raises(JwtValidationError) as caught:
        jwks.verification_key("RS256", "k")
    assert caught.value.code == ValidationCode.AMBIGUOUS_KEY


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, "oops", "text/plain"),
        (200, "<html/>", "text/html"),
        (200, "[]", "application/json"),
        (200, '{"keys": "no"}', "application/json"),
        (200, '{"keys": [1, 2]}', "application/json"),
        (302, "", "text/plain"),
    ],
)
def test_bad_jwks_responses_are_typed(mock_http, remote, status, body, content_type):
    mock_http.get(JWKS_URL, status=status, body=body, content_type=content_type)
    with pytest.raises(InvalidJwksResponse) as caught:
        remote.verification_key("RS256", "rsa")
    assert caught.value.response is not None


def test_a_timeout_is_a_transient_transport_error(mock_http, remote):
    mock_http.get(JWKS_URL, body=requests.Timeout("slow"))
    with pytest.raises(TransportError) as caught:
        remote.verification_key("RS256", "rsa")
    assert caught.value.transient


def test_the_client_timeout_is_used(mock_http, server, make_client):
    client = make_client(jwks_uri=JWKS_URL, timeout=3.5)
    mock_http.get(JWKS_URL, json=server.jwks())
    validate_id_token(server.id_token(), client)
    assert mock_http.calls[0].request.req_kwargs["timeout"] == 3.5


def test_insecure_uris_are_refused():
    with pytest.raises(ValueError, match="https"):
        Jwks("http://as.example.com/jwks")
    assert Jwks("http://127.0.0.1:8080/jwks").uri == "http://127.0.0.1:8080/jwks"
    with pytest.raises(TypeError):
        Jwks()


def test_static_keys_are_never_fetched(mock_http, server):
    jwks = Jwks(keys=server.jwks("rsa"))
    assert jwks.verification_key("RS256", "rsa").kid == "rsa"
    assert len(jwks.keys) == 1
    assert "static" in repr(jwks)


def test_jwks_uri_of_the_client(mock_http, server, make_client):
    client = make_client(jwks_uri=JWKS_URL)
    mock_http.get(JWKS_URL, json=server.jwks())
    assert validate_id_token(server.id_token(), client).kid == "rsa"
    assert validate_id_token(server.id_token(), client)  # cached on the client
    assert len(mock_http.calls) == 1


def test_jwks_uri_discovered_from_the_issuer(mock_http, server, make_client, urls):
    client = make_client(authorization_server_jwks=None, jwks_uri=None)
    mock_http.get(
        urls.discovery,
        json={"issuer": urls.issuer, "token_endpoint": urls.token, "jwks_uri": JWKS_URL},
    )
    mock_http.get(JWKS_URL, json=server.jwks())
    assert validate_id_token(server.id_token(), client)
    assert [c.request.url for c in mock_http.calls] == [urls.discovery, JWKS_URL]


def test_discovery_of_another_issuer_is_refused(mock_http, server, make_client, urls):
    client = make_client(authorization_server_jwks=None, jwks_uri=None)
    mock_http.get(
        urls.discovery, json={"issuer": "https://evil.example.com", "token_endpoint": urls.token}
    )
    with pytest.raises(InvalidDiscoveryDocument):
        validate_id_token(server.id_token(), client)


def test_kid_rotation_through_the_client(mock_http, server, make_client, clock):
    client = make_client(jwks_uri=JWKS_URL)
    mock_http.get(JWKS_URL, json=server.jwks("rsa"))
    validate_id_token(server.id_token(), client)
    clock.advance(60)
    mock_http.get(JWKS_URL, json=server.jwks("rsa2"))
    rotated = server.sign(server.claims(), key="rsa2")
    assert validate_id_token(rotated, client).kid == "rsa2"
    # an unknown kid right after: refused without another fetch
    with pytest.raises(UnknownIdTokenKey):
        validate_id_token(server.sign(server.claims(), kid="gone"), client)
    assert len(mock_http.calls) == 2
