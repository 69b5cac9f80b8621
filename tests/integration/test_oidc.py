"""OpenID Connect end to end (oauth2core-oidc) against the test Authorization Server.

ID tokens signed RS256 and ES256 (and encrypted), request objects (JAR, by value, pushed,
signed with a private key or the client secret, encrypted), JARM in every response mode,
signed and encrypted userinfo, JWT introspection (RFC 9701), RP-initiated logout, and an
ID token next to a DPoP-bound access token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from oauth2core import (
    AuthorizationResponseError,
    ClientSecretBasic,
    LoginRequired,
    OAuth2Client,
    RequestUriParameterAuthorizationRequest,
)
from oauth2core_clientauth_jwt import load_secret_key
from oauth2core_oidc import (
    IdToken,
    InvalidJarmResponse,
    MismatchingIdTokenAlg,
    RequestParameterAuthorizationRequest,
    ValidationCode,
    end_session_url,
    sign_request,
)
from tests.integration._authorization_server import AuthorizationServer, UserAgent
from tests.integration._library import get_resource, secret_of

pytestmark = pytest.mark.integration


def oidc_client(server: AuthorizationServer, name: str, **kwargs: Any) -> OAuth2Client:
    """A client of static client ``name``, from the discovery document, with ``kwargs``."""
    config = server.clients[name]
    auth: Any
    if config.auth_method == "private_key_jwt":
        auth = (config.client_id, config.private_jwk_for("ES256"))
    else:
        auth = ClientSecretBasic(config.client_id, secret_of(config))
    kwargs.setdefault("redirect_uri", config.redirect_uri)
    return OAuth2Client.from_discovery_document(
        server.discovery, server.issuer, auth=auth, **kwargs
    )


@pytest.fixture
def user_agent(authorization_server: AuthorizationServer) -> Iterator[UserAgent]:
    with authorization_server.user_agent() as ua:
        yield ua


@pytest.fixture
def web(authorization_server: AuthorizationServer) -> Iterator[OAuth2Client]:
    with oidc_client(authorization_server, "web") as client:
        yield client


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def signing_kid(server: AuthorizationServer, alg: str) -> str:
    with requests.Session() as http:
        keys = http.get(server.discovery["jwks_uri"], timeout=10).json()["keys"]
    kid: str = next(k["kid"] for k in keys if k.get("alg") == alg)
    return kid


# -------------------------------------------------------------------------------- ID tokens


def test_code_flow_validates_an_rs256_id_token(
    authorization_server: AuthorizationServer, web: OAuth2Client, user_agent: UserAgent
):
    request = web.authorization_request(scope="openid profile", max_age=600)
    response = request.validate_callback(user_agent.authorize(request.uri))
    token = web.authorization_code(response)
    id_token = token.id_token
    assert isinstance(id_token, IdToken)
    assert id_token.alg == "RS256"
    assert id_token.kid == signing_kid(authorization_server, "RS256")
    assert id_token.issuer == authorization_server.issuer
    assert id_token.subject == "alice"
    assert id_token.audiences == (authorization_server.clients["web"].client_id,)
    assert id_token.nonce == request.nonce
    assert id_token.auth_time is not None  # max_age asked for it
    assert web.userinfo(token)["sub"] == "alice"  # the sub check passes


def test_code_flow_validates_an_es256_id_token(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    with oidc_client(
        authorization_server, "oidc_es256", id_token_signed_response_alg="ES256"
    ) as client:
        request = client.authorization_request(scope="openid")
        token = client.authorization_code(
            request.validate_callback(user_agent.authorize(request.uri))
        )
        assert token.id_token.alg == "ES256"
        assert token.id_token.kid == signing_kid(authorization_server, "ES256")
        refreshed = client.refresh_token(token)  # compared with the original (§12.2)
        assert refreshed.id_token.subject == token.id_token.subject


def test_an_es256_id_token_is_refused_when_rs256_is_expected(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    with oidc_client(authorization_server, "oidc_es256") as client:  # default: RS256
        request = client.authorization_request(scope="openid")
        response = request.validate_callback(user_agent.authorize(request.uri))
        with pytest.raises(MismatchingIdTokenAlg) as caught:
            client.authorization_code(response)
    assert caught.value.code == ValidationCode.UNEXPECTED_ALG
    assert caught.value.received == "ES256"


def test_an_encrypted_id_token_and_userinfo(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    config = authorization_server.clients["oidc_encrypted"]
    with oidc_client(
        authorization_server,
        "oidc_encrypted",
        id_token_encrypted_response_alg="RSA-OAEP-256",
        userinfo_signed_response_alg="RS256",
        userinfo_encrypted_response_alg="RSA-OAEP-256",
        decryption_keys=config.private_jwk_for("RSA-OAEP-256"),
    ) as client:
        request = client.authorization_request(scope="openid email")
        token = client.authorization_code(
            request.validate_callback(user_agent.authorize(request.uri))
        )
        assert isinstance(token.id_token, IdToken)  # the decrypted, verified JWS
        assert token.id_token.count(".") == 2
        assert token.id_token.subject == "alice"
        claims = client.userinfo(token)  # signed, then encrypted
    assert claims["sub"] == "alice"
    assert claims["email"] == authorization_server.users["alice"].email


# -------------------------------------------------------------------------------------- JAR


def test_a_client_that_must_use_request_objects(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    config = authorization_server.clients["jar"]
    with oidc_client(authorization_server, "jar") as client:
        request = client.authorization_request(scope="openid profile")
        with pytest.raises(AuthorizationResponseError) as refused:
            request.validate_callback(user_agent.authorize(request.uri))
        assert refused.value.error == "invalid_request"

        signed = request.sign(config.private_jwk_for("ES256"))
        assert isinstance(signed, RequestParameterAuthorizationRequest)
        assert set(query(signed.uri)) == {"client_id", "request"}
        response = signed.validate_callback(user_agent.authorize(signed.uri))
        token = client.authorization_code(response)
    assert token.id_token.nonce == request.nonce
    assert get_resource(authorization_server, token).json()["sub"] == "alice"


def test_par_with_a_signed_request_object(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    config = authorization_server.clients["jar"]
    with oidc_client(authorization_server, "jar") as client:
        request = client.authorization_request(scope="openid")
        signed = request.sign(config.private_jwk_for("RS256"), lifetime=30)
        pushed = client.pushed_authorization_request(signed)
        assert isinstance(pushed, RequestUriParameterAuthorizationRequest)
        assert set(query(pushed.uri)) == {"client_id", "request_uri"}
        response = pushed.validate_callback(user_agent.authorize(pushed.uri))
        assert response.code_verifier == request.code_verifier
        token = client.authorization_code(response)
    assert token.id_token.subject == "alice"


def test_par_required_client_pushing_an_hs256_request_object(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    config = authorization_server.clients["par"]
    with oidc_client(authorization_server, "par") as client:
        request = client.authorization_request(scope="openid")
        signed = sign_request(request, load_secret_key(secret_of(config)))
        pushed = client.pushed_authorization_request(signed)
        token = client.authorization_code(
            pushed.validate_callback(user_agent.authorize(pushed.uri))
        )
    assert token.id_token.subject == "alice"


def test_a_signed_and_encrypted_request_object(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    config = authorization_server.clients["jar"]
    with oidc_client(authorization_server, "jar") as client:
        request = client.authorization_request(scope="openid")
        # encrypted to the one "enc" key of the server's JWK Set
        encrypted = request.sign_and_encrypt(config.private_jwk_for("ES256"))
        assert query(encrypted.uri)["request"][0].count(".") == 4
        response = encrypted.validate_callback(user_agent.authorize(encrypted.uri))
        assert client.authorization_code(response).id_token.subject == "alice"


# ------------------------------------------------------------------------------------- JARM


@pytest.mark.parametrize("mode", ["jwt", "query.jwt", "fragment.jwt", "form_post.jwt"])
def test_jarm_response_modes(
    authorization_server: AuthorizationServer, web: OAuth2Client, user_agent: UserAgent, mode: str
):
    request = web.authorization_request(scope="openid", response_mode=mode)
    answer = user_agent.authorize_response(request.uri)
    assert set(answer.params) == {"response"}
    callback: Any = answer.params if answer.method == "POST" else answer.url
    response = request.validate_callback(callback)
    assert response.iss == authorization_server.issuer
    assert web.authorization_code(response).id_token.subject == "alice"


def test_jarm_error_responses_are_verified_too(web: OAuth2Client, user_agent: UserAgent):
    request = web.authorization_request(scope="openid", response_mode="jwt")
    callback = user_agent.authorize(request.uri, consent=False)
    with pytest.raises(AuthorizationResponseError) as caught:
        request.validate_callback(callback)
    assert caught.value.error == "access_denied"


def test_a_tampered_jarm_response_is_refused(web: OAuth2Client, user_agent: UserAgent):
    request = web.authorization_request(scope="openid", response_mode="jwt")
    callback = user_agent.authorize(request.uri)
    head, payload, signature = query(callback)["response"][0].split(".")
    tampered = f"{head}.{payload}.{signature[::-1]}"
    with pytest.raises(InvalidJarmResponse) as caught:
        request.validate_callback(f"http://127.0.0.1/callback?response={tampered}")
    assert caught.value.code == ValidationCode.BAD_SIGNATURE


def test_jarm_signed_es256_and_encrypted(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    with oidc_client(
        authorization_server, "oidc_signed", authorization_signed_response_alg="ES256"
    ) as client:
        request = client.authorization_request(scope="openid", response_mode="jwt")
        assert request.validate_callback(user_agent.authorize(request.uri)).code
    config = authorization_server.clients["oidc_encrypted"]
    with oidc_client(
        authorization_server,
        "oidc_encrypted",
        id_token_encrypted_response_alg="RSA-OAEP-256",
        authorization_encrypted_response_alg="RSA-OAEP-256",
        decryption_keys=config.private_jwk_for("RSA-OAEP-256"),
    ) as client:
        request = client.authorization_request(scope="openid", response_mode="query.jwt")
        callback = user_agent.authorize(request.uri)
        assert query(callback)["response"][0].count(".") == 4  # a JWE
        response = request.validate_callback(callback)
        assert client.authorization_code(response).id_token.subject == "alice"


# ------------------------------------------------------------ signed userinfo, introspection


def test_signed_userinfo_and_jwt_introspection(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    with oidc_client(
        authorization_server,
        "oidc_signed",
        userinfo_signed_response_alg="ES256",
        introspection_signed_response_alg="RS256",
        authorization_signed_response_alg="ES256",
    ) as client:
        request = client.authorization_request(scope="openid profile")
        token = client.authorization_code(
            request.validate_callback(user_agent.authorize(request.uri))
        )
        claims = client.userinfo(token)  # application/jwt, ES256, sub == the ID token's
        assert claims["sub"] == "alice"
        assert claims["name"] == authorization_server.users["alice"].name
        introspection = client.introspect_token(token)  # application/token-introspection+jwt
    assert introspection["active"] is True
    assert introspection["sub"] == "alice"
    assert introspection["client_id"] == authorization_server.clients["oidc_signed"].client_id


# ------------------------------------------------------------------------------------ logout


def test_rp_initiated_logout_ends_the_session(
    authorization_server: AuthorizationServer, web: OAuth2Client, user_agent: UserAgent
):
    config = authorization_server.clients["web"]
    request = web.authorization_request(scope="openid")
    token = web.authorization_code(request.validate_callback(user_agent.authorize(request.uri)))
    silent = web.authorization_request(scope="openid", prompt="none")
    assert silent.validate_callback(user_agent.authorize(silent.uri)).code  # a live session

    url = web.end_session_url(
        id_token_hint=token.id_token,
        post_logout_redirect_uri=config.post_logout_redirect_uris[0],
        state="bye-1",
    )
    assert url.startswith(authorization_server.discovery["end_session_endpoint"] + "?")
    assert url == end_session_url(
        web, token, post_logout_redirect_uri=config.post_logout_redirect_uris[0], state="bye-1"
    )
    landed = user_agent.logout(url)
    assert landed.startswith(config.post_logout_redirect_uris[0])
    assert query(landed)["state"] == ["bye-1"]

    again = web.authorization_request(scope="openid", prompt="none")
    with pytest.raises(LoginRequired):
        again.validate_callback(user_agent.authorize(again.uri))


# -------------------------------------------------------------------------------------- DPoP


def test_an_id_token_next_to_a_dpop_bound_access_token(
    authorization_server: AuthorizationServer, user_agent: UserAgent
):
    dpop = pytest.importorskip("oauth2core_tokentype_dpop")
    if not hasattr(dpop, "DPoPToken"):  # pragma: no cover - before the dpop package landed
        pytest.skip("oauth2core-tokentype-dpop has no DPoPToken yet")
    with oidc_client(authorization_server, "dpop", dpop_bound_access_tokens=True) as client:
        request = client.authorization_request(scope="openid profile", dpop=True)
        response = request.validate_callback(user_agent.authorize(request.uri))
        token = client.authorization_code(response)
        assert isinstance(token, dpop.DPoPToken)
        assert isinstance(token.id_token, IdToken)  # at_hash, if sent, of the DPoP token
        assert client.userinfo(token)["sub"] == token.id_token.subject
        refreshed = client.refresh_token(token)
    assert isinstance(refreshed, dpop.DPoPToken)
    assert refreshed.id_token.subject == "alice"
