"""JWT client authentication and the JWT bearer grant, end to end (oauth2core[jwt]).

The plugin is found through its ``oauth2core.plugins`` entry point, as in an application.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from jwskate import Jwk, Jwt

from oauth2core import BearerToken, InvalidClient, InvalidGrant, OAuth2Client
from oauth2core_clientauth_jwt import (
    ClientSecretJwt,
    PrivateKeyJwt,
    jwt_bearer,
    load_private_key,
)
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource, secret_of

pytestmark = pytest.mark.integration

ClientFactory = Callable[[AuthorizationServer], OAuth2Client]


def _secret_jwt_by_method(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["secret_jwt"]
    return OAuth2Client(
        server.token_endpoint,
        client_id=config.client_id,
        client_secret=secret_of(config),
        token_endpoint_auth_method="client_secret_jwt",
        issuer=server.issuer,
    )


def _secret_jwt_object(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["secret_jwt"]
    # No issuer: the audience is the token endpoint URL.
    return OAuth2Client(server.token_endpoint, ClientSecretJwt(config.client_id, secret_of(config)))


def _private_key_jwt_object(alg: str) -> ClientFactory:
    def make(server: AuthorizationServer) -> OAuth2Client:
        config = server.clients["private_key_jwt"]
        auth = PrivateKeyJwt(config.client_id, config.private_jwk_for(alg))
        return OAuth2Client(server.token_endpoint, auth, issuer=server.issuer)

    return make


def _private_key_jwt_tuple(alg: str) -> ClientFactory:
    def make(server: AuthorizationServer) -> OAuth2Client:
        config = server.clients["private_key_jwt"]
        return OAuth2Client(server.token_endpoint, (config.client_id, config.private_jwk_for(alg)))

    return make


def _private_key_jwt_keyword(alg: str) -> ClientFactory:
    def make(server: AuthorizationServer) -> OAuth2Client:
        config = server.clients["private_key_jwt"]
        return OAuth2Client(
            server.token_endpoint,
            client_id=config.client_id,
            private_key=config.private_jwk_for(alg),
            issuer=server.issuer,
        )

    return make


def _private_key_jwt_encrypted_pem(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["private_key_jwt"]
    # A PEM has no kid: the RFC 7638 thumbprint is the one the server registered.
    pem = Jwk(config.private_jwk_for("RS256")).to_pem("pem-password")
    auth = PrivateKeyJwt(config.client_id, pem, alg="RS256", password="pem-password")
    return OAuth2Client(server.token_endpoint, auth)


def _private_key_jwt_from_discovery(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["private_key_jwt"]
    return OAuth2Client.from_discovery_endpoint(
        issuer=server.issuer, auth=(config.client_id, config.private_jwk_for("ES256"))
    )


FACTORIES: dict[str, ClientFactory] = {
    "client_secret_jwt-method": _secret_jwt_by_method,
    "client_secret_jwt-object": _secret_jwt_object,
    "private_key_jwt-ES256-object": _private_key_jwt_object("ES256"),
    "private_key_jwt-RS256-object": _private_key_jwt_object("RS256"),
    "private_key_jwt-ES256-tuple": _private_key_jwt_tuple("ES256"),
    "private_key_jwt-RS256-tuple": _private_key_jwt_tuple("RS256"),
    "private_key_jwt-ES256-keyword": _private_key_jwt_keyword("ES256"),
    "private_key_jwt-RS256-keyword": _private_key_jwt_keyword("RS256"),
    "private_key_jwt-RS256-encrypted-pem": _private_key_jwt_encrypted_pem,
    "private_key_jwt-ES256-discovery": _private_key_jwt_from_discovery,
}


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=FACTORIES.keys())
def test_client_credentials(authorization_server: AuthorizationServer, factory: ClientFactory):
    with factory(authorization_server) as client:
        first = client.client_credentials(scope="api:read")
        second = client.client_credentials(scope="api:read api:write")  # a new jti each time
    assert isinstance(first, BearerToken)
    assert second.scope == "api:read api:write"
    response = get_resource(authorization_server, first)
    assert response.status_code == 200
    described = response.json()
    assert described["client_id"] == getattr(client.auth, "client_id", None)
    assert described["scope"] == "api:read"


def test_a_replayed_client_assertion_is_refused(authorization_server: AuthorizationServer):
    config = authorization_server.clients["private_key_jwt"]
    jti = f"fixed-{uuid.uuid4()}"
    auth = PrivateKeyJwt(config.client_id, config.private_jwk_for("ES256"), jti_gen=lambda: jti)
    with OAuth2Client(authorization_server.token_endpoint, auth) as client:
        client.client_credentials()
        with pytest.raises(InvalidClient):
            client.client_credentials()


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_an_unregistered_key_is_invalid_client(authorization_server: AuthorizationServer, alg):
    config = authorization_server.clients["private_key_jwt"]
    registered = config.private_jwk_for(alg)
    other = Jwk.generate(alg=alg, key_size=2048) if alg == "RS256" else Jwk.generate(alg=alg)
    for auth in (
        PrivateKeyJwt(config.client_id, other),  # unknown kid
        PrivateKeyJwt(config.client_id, other, kid=registered["kid"]),  # known kid, wrong key
    ):
        with (
            OAuth2Client(authorization_server.token_endpoint, auth) as client,
            pytest.raises(InvalidClient) as caught,
        ):
            client.client_credentials()
        assert caught.value.error == "invalid_client"


def test_a_wrong_client_secret_is_invalid_client(authorization_server: AuthorizationServer):
    config = authorization_server.clients["secret_jwt"]
    auth = ClientSecretJwt(config.client_id, "not-the-secret-0123456789abcdef0123456789")
    with (
        OAuth2Client(authorization_server.token_endpoint, auth) as client,
        pytest.raises(InvalidClient),
    ):
        client.client_credentials()


# ------------------------------------------------------------------------------- JWT bearer


def _bearer_claims(server: AuthorizationServer, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": server.jwt_bearer_issuer,
        "sub": "alice",
        "aud": server.issuer,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _private_key_jwt_client(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["private_key_jwt"]
    return OAuth2Client(
        server.token_endpoint, (config.client_id, config.private_jwk), issuer=server.issuer
    )


def test_jwt_bearer(authorization_server: AuthorizationServer):
    issuer_key = load_private_key(authorization_server.jwt_bearer_private_jwk)
    assertion = issuer_key.sign_jwt(_bearer_claims(authorization_server))
    with _private_key_jwt_client(authorization_server) as client:
        token = client.jwt_bearer(assertion, scope="api:read")
    assert isinstance(token, BearerToken)
    described = get_resource(authorization_server, token).json()
    assert described["sub"] == "alice"
    assert described["scope"] == "api:read"
    assert described["client_id"] == authorization_server.clients["private_key_jwt"].client_id


def test_typed_jwt_bearer_with_a_jwskate_jwt(authorization_server: AuthorizationServer):
    server = authorization_server
    claims = _bearer_claims(server, sub="bob", aud=server.token_endpoint, jti=None)
    signed = Jwt.sign(claims, Jwk(server.jwt_bearer_private_jwk))
    config = server.clients["secret_jwt"]
    with OAuth2Client(
        server.token_endpoint, ClientSecretJwt(config.client_id, secret_of(config))
    ) as client:
        token = jwt_bearer(client, signed, resource=server.resource_indicator)
    described = get_resource(server, token).json()
    assert described["sub"] == "bob"
    assert described["aud"] == server.resource_indicator


BAD_ASSERTIONS: dict[str, Callable[[AuthorizationServer], str]] = {
    "unknown-signer": lambda s: load_private_key(Jwk.generate(alg="ES256")).sign_jwt(
        _bearer_claims(s)
    ),
    "unknown-subject": lambda s: load_private_key(s.jwt_bearer_private_jwk).sign_jwt(
        _bearer_claims(s, sub="mallory")
    ),
    "untrusted-issuer": lambda s: load_private_key(s.jwt_bearer_private_jwk).sign_jwt(
        _bearer_claims(s, iss="https://evil.example.test")
    ),
    "wrong-audience": lambda s: load_private_key(s.jwt_bearer_private_jwk).sign_jwt(
        _bearer_claims(s, aud="https://other.example.test")
    ),
    "expired": lambda s: load_private_key(s.jwt_bearer_private_jwk).sign_jwt(
        _bearer_claims(s, exp=int(time.time()) - 60)
    ),
}


@pytest.mark.parametrize("make", BAD_ASSERTIONS.values(), ids=BAD_ASSERTIONS.keys())
def test_a_bad_assertion_is_invalid_grant(
    authorization_server: AuthorizationServer, make: Callable[[AuthorizationServer], str]
):
    with (
        _private_key_jwt_client(authorization_server) as client,
        pytest.raises(InvalidGrant) as caught,
    ):
        client.jwt_bearer(make(authorization_server))
    assert caught.value.error == "invalid_grant"


def test_a_replayed_assertion_is_invalid_grant(authorization_server: AuthorizationServer):
    issuer_key = load_private_key(authorization_server.jwt_bearer_private_jwk)
    assertion = issuer_key.sign_jwt(_bearer_claims(authorization_server))
    with _private_key_jwt_client(authorization_server) as client:
        client.jwt_bearer(assertion)
        with pytest.raises(InvalidGrant):
            client.jwt_bearer(assertion)


def test_jwt_bearer_auth_handler_signs_a_fresh_assertion_per_token(
    authorization_server: AuthorizationServer,
):
    from oauth2core import OAuth2JwtBearerAuth

    server = authorization_server
    with _private_key_jwt_client(server) as client:
        auth = OAuth2JwtBearerAuth(
            client,
            server.jwt_bearer_private_jwk,
            {"iss": server.jwt_bearer_issuer, "sub": "alice"},
            scope="api:read",
        )
        first = get_resource(server, auth)
        assert first.status_code == 200
        assert first.json()["sub"] == "alice"
        before = auth.token
        assert before is not None
        # A renewal redeems a new assertion (the server refuses a replayed jti).
        renewed = auth.renew_token()
        assert renewed.access_token != before.access_token
        assert get_resource(server, auth).json()["sub"] == "alice"
        assert server.jwt_bearer_private_jwk["d"] not in repr(auth)
