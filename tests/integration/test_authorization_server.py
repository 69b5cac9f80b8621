"""Smoke tests of the test Authorization Server itself, using plain ``requests``.

They prove each feature the library's integration tests rely on is wired up. Tests that
need to sign JWTs (private_key_jwt, JWT bearer, DPoP) use ``cryptography`` and are
skipped when it is not installed.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import math
import secrets
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.integration._authorization_server import (
    GRANT_CIBA,
    GRANT_DEVICE_CODE,
    GRANT_JWT_BEARER,
    GRANT_SAML2_BEARER,
    GRANT_TOKEN_EXCHANGE,
    TOKEN_TYPE_ACCESS_TOKEN,
    AuthorizationServer,
    AuthorizationServerError,
    ClientConfig,
    saml2_bearer_assertion,
)

pytestmark = pytest.mark.integration

TIMEOUT = 10


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def client_auth(
    client: ClientConfig, data: dict[str, str]
) -> tuple[dict[str, str], tuple[str, str] | None]:
    """Add client authentication for the secret-based / public methods."""
    if client.auth_method == "client_secret_basic":
        assert client.client_secret is not None
        return data, (client.client_id, client.client_secret)
    if client.auth_method == "client_secret_post":
        assert client.client_secret is not None
        return {**data, "client_id": client.client_id, "client_secret": client.client_secret}, None
    if client.auth_method == "none":
        return {**data, "client_id": client.client_id}, None
    raise AssertionError(f"use a JWT assertion for {client.auth_method}")


def post_token(
    http: requests.Session,
    server: AuthorizationServer,
    client: ClientConfig,
    data: dict[str, str],
    headers: dict[str, str] | None = None,
) -> requests.Response:
    body, auth = client_auth(client, data)
    response = http.post(
        server.token_endpoint, data=body, auth=auth, headers=headers, timeout=TIMEOUT
    )
    response.close()
    return response


def get_resource(
    http: requests.Session, server: AuthorizationServer, token: str, scheme: str = "Bearer"
) -> requests.Response:
    response = http.get(
        server.resource_url, headers={"Authorization": f"{scheme} {token}"}, timeout=TIMEOUT
    )
    response.close()
    return response


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def authorization_url(server: AuthorizationServer, client: ClientConfig, **params: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        **params,
    }
    return f"{server.authorization_endpoint}?{urlencode(query)}"


def callback_params(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def code_flow(
    http: requests.Session,
    server: AuthorizationServer,
    client: ClientConfig,
    scope: str = "openid",
) -> dict[str, Any]:
    verifier, challenge = pkce_pair()
    url = authorization_url(
        server, client, scope=scope, code_challenge=challenge, code_challenge_method="S256"
    )
    with server.user_agent() as browser:
        callback = browser.authorize(url)
    params = callback_params(callback)
    response = post_token(
        http,
        server,
        client,
        {
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": client.redirect_uri,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


# ---------------------------------------------------------------------------------------
# discovery


def test_discovery_lists_endpoints_and_features(authorization_server: AuthorizationServer):
    metadata = authorization_server.discovery
    issuer = authorization_server.issuer
    assert metadata["issuer"] == issuer
    for name in (
        "authorization",
        "token",
        "introspection",
        "revocation",
        "userinfo",
        "device_authorization",
        "backchannel_authentication",
        "pushed_authorization_request",
        "end_session",
    ):
        assert metadata[f"{name}_endpoint"].startswith(issuer + "/"), name
    assert set(metadata["token_endpoint_auth_methods_supported"]) >= {
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
        "none",
    }
    assert set(metadata["grant_types_supported"]) >= {
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "password",
        GRANT_DEVICE_CODE,
        GRANT_CIBA,
        GRANT_TOKEN_EXCHANGE,
        GRANT_SAML2_BEARER,
        GRANT_JWT_BEARER,
    }
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "ES256" in metadata["dpop_signing_alg_values_supported"]
    assert {"jwt", "query.jwt", "form_post.jwt"} <= set(metadata["response_modes_supported"])
    assert metadata["authorization_signing_alg_values_supported"]
    assert metadata["request_parameter_supported"] is True
    assert "ES256" in metadata["request_object_signing_alg_values_supported"]
    assert metadata["backchannel_token_delivery_modes_supported"] == ["poll"]
    assert set(authorization_server.api_scopes) <= set(metadata["scopes_supported"])

    with requests.Session() as http, http.get(metadata["jwks_uri"], timeout=TIMEOUT) as jwks:
        keys = jwks.json()["keys"]
    assert {key["alg"] for key in keys if key["use"] == "sig"} == {"RS256", "ES256"}
    assert {key["alg"] for key in keys if key["use"] == "enc"} == {"RSA-OAEP-256"}


# ---------------------------------------------------------------------------------------
# client credentials, client authentication, protected resource


@pytest.mark.parametrize("name", ["basic", "post"])
def test_client_credentials(
    authorization_server: AuthorizationServer, http: requests.Session, name: str
):
    client = authorization_server.clients[name]
    response = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": "client_credentials", "scope": "api:read"},
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "api:read"
    assert tokens["expires_in"] == 3600

    resource = get_resource(http, authorization_server, tokens["access_token"])
    assert resource.status_code == 200, resource.text
    assert resource.json()["client_id"] == client.client_id
    assert resource.json()["scope"] == "api:read"
    assert "sub" not in resource.json()


@pytest.mark.parametrize("name", ["basic", "post"])
def test_wrong_client_secret_is_invalid_client(
    authorization_server: AuthorizationServer, http: requests.Session, name: str
):
    client = authorization_server.clients[name]
    wrong = dataclasses.replace(client, client_secret="not-the-secret")
    response = post_token(http, authorization_server, wrong, {"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_client_secret_jwt_client_authentication(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["secret_jwt"]
    assert client.client_secret is not None
    now = int(time.time())
    signing_input = f"{b64url(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}." + b64url(
        json.dumps(
            {
                "iss": client.client_id,
                "sub": client.client_id,
                "aud": authorization_server.token_endpoint,
                "jti": str(uuid.uuid4()),
                "iat": now,
                "exp": now + 60,
            }
        ).encode()
    )
    signature = hmac.new(client.client_secret.encode(), signing_input.encode(), "sha256").digest()
    with http.post(
        authorization_server.token_endpoint,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": f"{signing_input}.{b64url(signature)}",
        },
        timeout=TIMEOUT,
    ) as response:
        assert response.status_code == 200, response.text


def test_resource_refuses_missing_and_unknown_tokens(
    authorization_server: AuthorizationServer, http: requests.Session
):
    with http.get(authorization_server.resource_url, timeout=TIMEOUT) as missing:
        assert missing.status_code == 401
        challenge = missing.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer realm=")
    assert "DPoP" in challenge
    assert "error=" not in challenge

    garbage = get_resource(http, authorization_server, "garbage")
    assert garbage.status_code == 401
    assert garbage.headers["WWW-Authenticate"].startswith('Bearer realm="')
    assert 'error="invalid_token"' in garbage.headers["WWW-Authenticate"]
    assert garbage.json()["error"] == "invalid_token"


def test_resource_indicator_sets_audience(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["basic"]
    indicator = authorization_server.resource_indicator
    response = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": "client_credentials", "scope": "api:read api:write", "resource": indicator},
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    resource = get_resource(http, authorization_server, token)
    assert resource.status_code == 200, resource.text
    assert resource.json()["aud"] == indicator
    assert resource.json()["scope"] == "api:read api:write"

    with http.get(
        authorization_server.resource_url,
        params={"required_scope": "api:admin"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    ) as insufficient:
        assert insufficient.status_code == 403
        assert 'error="insufficient_scope"' in insufficient.headers["WWW-Authenticate"]

    unknown = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": "client_credentials", "resource": "http://127.0.0.1:1/unknown"},
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_target"


def test_echo_route(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["basic"]
    token = post_token(http, authorization_server, client, {"grant_type": "client_credentials"})
    with http.post(
        authorization_server.echo_url,
        params={"a": "1"},
        data={"b": "2"},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=TIMEOUT,
    ) as echo:
        assert echo.status_code == 200, echo.text
        body = echo.json()
    assert body["method"] == "POST"
    assert body["query"] == {"a": "1"}
    assert body["body"] == "b=2"
    assert body["client_id"] == client.client_id


def test_introspection_and_revocation(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["basic"]
    token = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": "client_credentials", "scope": "api:read"},
    ).json()["access_token"]
    assert client.client_secret is not None
    auth = (client.client_id, client.client_secret)

    with http.post(
        authorization_server.endpoint("introspection"),
        data={"token": token},
        auth=auth,
        timeout=TIMEOUT,
    ) as introspection:
        assert introspection.json()["active"] is True
        assert introspection.json()["client_id"] == client.client_id

    assert get_resource(http, authorization_server, token).status_code == 200
    with http.post(
        authorization_server.endpoint("revocation"),
        data={"token": token, "token_type_hint": "access_token"},
        auth=auth,
        timeout=TIMEOUT,
    ) as revocation:
        assert revocation.status_code == 200
    refused = get_resource(http, authorization_server, token)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_token_request_counter(authorization_server: AuthorizationServer, http: requests.Session):
    basic = authorization_server.clients["basic"]
    post = authorization_server.clients["post"]
    authorization_server.reset_token_request_counts()
    assert authorization_server.token_request_count(basic.client_id) == 0
    for _ in range(2):
        post_token(http, authorization_server, basic, {"grant_type": "client_credentials"})
    post_token(http, authorization_server, post, {"grant_type": "client_credentials"})
    bad = dataclasses.replace(basic, client_secret="wrong")
    assert (
        post_token(
            http, authorization_server, bad, {"grant_type": "client_credentials"}
        ).status_code
        == 401
    )

    assert authorization_server.token_request_count(basic.client_id) == 3
    assert authorization_server.token_request_counts() == {basic.client_id: 3, post.client_id: 1}
    authorization_server.reset_token_request_counts()
    assert authorization_server.token_request_counts() == {}


def test_short_lived_access_token_expires(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["short_lived"]
    response = post_token(http, authorization_server, client, {"grant_type": "client_credentials"})
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] <= 2
    token = response.json()["access_token"]
    resource = get_resource(http, authorization_server, token)
    assert resource.status_code == 200, resource.text

    # exp has whole-second resolution: the token is expired from second `exp` on.
    time.sleep(max(0.0, resource.json()["exp"] - time.time()) + 0.05)
    expired = get_resource(http, authorization_server, token)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


# ---------------------------------------------------------------------------------------
# toy extension grants


def test_saml2_bearer_grant(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["basic"]
    ok = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": GRANT_SAML2_BEARER,
            "assertion": saml2_bearer_assertion("alice"),
            "scope": "api:read",
        },
    )
    assert ok.status_code == 200, ok.text
    resource = get_resource(http, authorization_server, ok.json()["access_token"])
    assert resource.json()["sub"] == "alice"
    assert resource.json()["scope"] == "api:read"

    bad_assertions = [
        saml2_bearer_assertion("alice", issuer="https://evil.example.test"),
        saml2_bearer_assertion("mallory"),
        saml2_bearer_assertion("alice", not_on_or_after=datetime.now(UTC) - timedelta(minutes=1)),
        b64url(b"<Assertion><Issuer>https://idp.example.test</Issuer></Assertion>"),
        b64url(b"not xml at all"),
        "%%%not-base64%%%",
    ]
    for assertion in bad_assertions:
        bad = post_token(
            http,
            authorization_server,
            client,
            {"grant_type": GRANT_SAML2_BEARER, "assertion": assertion},
        )
        assert bad.status_code == 400, assertion
        assert bad.json()["error"] == "invalid_grant", assertion

    with_optional_elements = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": GRANT_SAML2_BEARER,
            "assertion": saml2_bearer_assertion(
                "bob",
                not_on_or_after=datetime.now(UTC) + timedelta(minutes=5),
                audience=authorization_server.token_endpoint,
            ),
        },
    )
    assert with_optional_elements.status_code == 200, with_optional_elements.text

    missing = post_token(http, authorization_server, client, {"grant_type": GRANT_SAML2_BEARER})
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"


def test_password_grant(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["post"]
    alice = authorization_server.users["alice"]
    ok = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": "password",
            "username": alice.username,
            "password": alice.password,
            "scope": "openid api:read",
        },
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["refresh_token"]
    assert get_resource(http, authorization_server, ok.json()["access_token"]).json()["sub"] == (
        "alice"
    )

    refreshed = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": "refresh_token", "refresh_token": ok.json()["refresh_token"]},
    )
    assert refreshed.status_code == 200, refreshed.text

    bad = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": "password", "username": "alice", "password": "wrong"},
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_grant"


def test_token_exchange_grant(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["basic"]
    bob = authorization_server.users["bob"]
    subject = post_token(
        http,
        authorization_server,
        authorization_server.clients["post"],
        {
            "grant_type": "password",
            "username": bob.username,
            "password": bob.password,
            "scope": "api:read api:write",
        },
    ).json()["access_token"]

    exchanged = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": GRANT_TOKEN_EXCHANGE,
            "subject_token": subject,
            "subject_token_type": TOKEN_TYPE_ACCESS_TOKEN,
            "scope": "api:read",
            "resource": authorization_server.resource_indicator,
        },
    )
    assert exchanged.status_code == 200, exchanged.text
    assert exchanged.json()["issued_token_type"] == TOKEN_TYPE_ACCESS_TOKEN
    resource = get_resource(http, authorization_server, exchanged.json()["access_token"]).json()
    assert resource["sub"] == "bob"
    assert resource["client_id"] == client.client_id
    assert resource["scope"] == "api:read"
    assert resource["aud"] == authorization_server.resource_indicator

    bad = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": GRANT_TOKEN_EXCHANGE,
            "subject_token": "garbage",
            "subject_token_type": TOKEN_TYPE_ACCESS_TOKEN,
        },
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_grant"

    wrong_type = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": GRANT_TOKEN_EXCHANGE,
            "subject_token": subject,
            "subject_token_type": "urn:ietf:params:oauth:token-type:saml2",
        },
    )
    assert wrong_type.status_code == 400
    assert wrong_type.json()["error"] == "invalid_request"


def test_jwt_bearer_grant_rejects_bad_assertions(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["basic"]
    for assertion in ("garbage", f"{b64url(b'{}')}.{b64url(b'{}')}.sig"):
        bad = post_token(
            http,
            authorization_server,
            client,
            {"grant_type": GRANT_JWT_BEARER, "assertion": assertion},
        )
        assert bad.status_code == 400
        assert bad.json()["error"] == "invalid_grant"
    missing = post_token(http, authorization_server, client, {"grant_type": GRANT_JWT_BEARER})
    assert missing.json()["error"] == "invalid_request"


# ---------------------------------------------------------------------------------------
# browser flows


def test_code_flow_with_pkce_then_prompt_none(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["web"]
    with authorization_server.user_agent() as browser:
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(8)
        callback = browser.authorize(
            authorization_url(
                authorization_server,
                client,
                scope="openid profile",
                state=state,
                code_challenge=challenge,
                code_challenge_method="S256",
            )
        )
        assert callback.startswith(client.redirect_uri + "?")
        params = callback_params(callback)
        assert params["state"] == state
        assert params["iss"] == authorization_server.issuer

        response = post_token(
            http,
            authorization_server,
            client,
            {
                "grant_type": "authorization_code",
                "code": params["code"],
                "redirect_uri": client.redirect_uri,
                "code_verifier": verifier,
            },
        )
        assert response.status_code == 200, response.text
        tokens = response.json()
        assert {"access_token", "id_token", "refresh_token"} <= set(tokens)

        with http.get(
            authorization_server.endpoint("userinfo"),
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=TIMEOUT,
        ) as userinfo:
            assert userinfo.json()["sub"] == "alice"
            assert userinfo.json()["name"] == "Alice Example"

        silent = browser.authorize(
            authorization_url(authorization_server, client, scope="openid profile", prompt="none")
        )
        assert "code" in callback_params(silent), silent

    with authorization_server.user_agent() as fresh_browser:
        no_session = fresh_browser.authorize(
            authorization_url(authorization_server, client, prompt="none")
        )
    assert callback_params(no_session)["error"] == "login_required"


def test_consent_denied(authorization_server: AuthorizationServer):
    client = authorization_server.clients["web"]
    with authorization_server.user_agent() as browser:
        callback = browser.authorize(
            authorization_url(authorization_server, client), user="bob", consent=False
        )
    params = callback_params(callback)
    assert params["error"] == "access_denied"
    assert params["iss"] == authorization_server.issuer


def test_login_with_unknown_user_fails(authorization_server: AuthorizationServer):
    client = authorization_server.clients["web"]
    with (
        authorization_server.user_agent() as browser,
        pytest.raises(AuthorizationServerError, match="login failed"),
    ):
        browser.authorize(authorization_url(authorization_server, client), user="mallory")


def test_error_page_raises(authorization_server: AuthorizationServer):
    client = authorization_server.clients["web"]
    url = authorization_url(authorization_server, client, redirect_uri="http://127.0.0.1/other")
    with (
        authorization_server.user_agent() as browser,
        pytest.raises(AuthorizationServerError) as raised,
    ):
        browser.authorize(url)
    assert raised.value.error == "invalid_redirect_uri"


def test_refresh_token_rotation(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["public"]
    tokens = code_flow(http, authorization_server, client)
    first = tokens["refresh_token"]

    rotated = post_token(
        http, authorization_server, client, {"grant_type": "refresh_token", "refresh_token": first}
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first

    reused = post_token(
        http, authorization_server, client, {"grant_type": "refresh_token", "refresh_token": first}
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"


def test_par_request_uri(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["par"]
    assert client.client_secret is not None
    verifier, challenge = pkce_pair()
    with http.post(
        authorization_server.endpoint("pushed_authorization_request"),
        data={
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uri,
            "scope": "openid",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        auth=(client.client_id, client.client_secret),
        timeout=TIMEOUT,
    ) as pushed:
        assert pushed.status_code == 201, pushed.text
        request_uri = pushed.json()["request_uri"]
    assert request_uri.startswith("urn:ietf:params:oauth:request_uri:")
    assert pushed.json()["expires_in"] > 0

    url = (
        f"{authorization_server.authorization_endpoint}?"
        f"{urlencode({'client_id': client.client_id, 'request_uri': request_uri})}"
    )
    with authorization_server.user_agent() as browser:
        code = callback_params(browser.authorize(url))["code"]
    response = post_token(
        http,
        authorization_server,
        client,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client.redirect_uri,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.text


def test_jarm_and_form_post(authorization_server: AuthorizationServer):
    client = authorization_server.clients["web"]
    with authorization_server.user_agent() as browser:
        jarm = browser.authorize(
            authorization_url(authorization_server, client, response_mode="jwt")
        )
        response = callback_params(jarm)["response"]
        payload = json.loads(base64.urlsafe_b64decode(response.split(".")[1] + "=="))
        assert payload["iss"] == authorization_server.issuer
        assert payload["aud"] == client.client_id
        assert "code" in payload

        form_post = browser.authorize_response(
            authorization_url(authorization_server, client, response_mode="form_post")
        )
    assert form_post.method == "POST"
    assert form_post.url == client.redirect_uri
    assert "code" in form_post.params
    assert form_post.params["iss"] == authorization_server.issuer


def test_rp_initiated_logout(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["web"]
    with authorization_server.user_agent() as browser:
        callback = browser.authorize(authorization_url(authorization_server, client))
        assert "code" in callback_params(callback)
        logout = browser.logout(
            f"{authorization_server.endpoint('end_session')}?"
            + urlencode(
                {
                    "client_id": client.client_id,
                    "post_logout_redirect_uri": client.post_logout_redirect_uris[0],
                    "state": "bye",
                }
            )
        )
        assert logout == f"{client.post_logout_redirect_uris[0]}?state=bye"
        after = browser.authorize(authorization_url(authorization_server, client, prompt="none"))
    assert callback_params(after)["error"] == "login_required"


# ---------------------------------------------------------------------------------------
# device flow and CIBA


def device_authorization(
    http: requests.Session, server: AuthorizationServer, client: ClientConfig
) -> dict[str, Any]:
    with http.post(
        server.endpoint("device_authorization"),
        data={"client_id": client.client_id, "scope": "openid api:read"},
        timeout=TIMEOUT,
    ) as response:
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
    return result


def test_device_flow_approve_and_deny(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["public"]
    approved = device_authorization(http, authorization_server, client)
    assert approved["interval"] == 1
    poll = {"grant_type": GRANT_DEVICE_CODE, "device_code": approved["device_code"]}

    pending = post_token(http, authorization_server, client, poll)
    assert pending.json()["error"] == "authorization_pending"
    authorization_server.approve_device(approved["user_code"], user="bob")
    granted = post_token(http, authorization_server, client, poll)
    assert granted.status_code == 200, granted.text
    assert (
        get_resource(http, authorization_server, granted.json()["access_token"]).json()["sub"]
        == "bob"
    )
    assert granted.json()["refresh_token"]

    denied = device_authorization(http, authorization_server, client)
    authorization_server.deny_device(denied["user_code"])
    refused = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": GRANT_DEVICE_CODE, "device_code": denied["device_code"]},
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "access_denied"

    with pytest.raises(AuthorizationServerError):
        authorization_server.approve_device("BCDF-GHJK")


def test_short_lived_device_code_expires(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["device_short"]
    started = device_authorization(http, authorization_server, client)
    issued = time.time()
    assert started["expires_in"] <= 3
    # exp has whole-second resolution: wait until the second the code expires in.
    time.sleep(max(0.0, math.floor(issued) + started["expires_in"] - time.time()) + 0.05)
    expired = post_token(
        http,
        authorization_server,
        client,
        {"grant_type": GRANT_DEVICE_CODE, "device_code": started["device_code"]},
    )
    assert expired.status_code == 400
    assert expired.json()["error"] == "expired_token"


def ciba_request(
    http: requests.Session, server: AuthorizationServer, client: ClientConfig, user: str
) -> str:
    assert client.client_secret is not None
    with http.post(
        server.endpoint("backchannel_authentication"),
        data={"scope": "openid api:read", "login_hint": user, "binding_message": "W4SCT"},
        auth=(client.client_id, client.client_secret),
        timeout=TIMEOUT,
    ) as response:
        assert response.status_code == 200, response.text
        assert response.json()["interval"] == 1
        auth_req_id: str = response.json()["auth_req_id"]
    return auth_req_id


def test_ciba_approve_and_deny(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["basic"]
    auth_req_id = ciba_request(http, authorization_server, client, "alice")
    pending = [r for r in authorization_server.ciba_requests() if r["auth_req_id"] == auth_req_id]
    assert pending == [
        {
            "auth_req_id": auth_req_id,
            "client_id": client.client_id,
            "user": "alice",
            "scope": "openid api:read",
            "binding_message": "W4SCT",
            "status": "pending",
        }
    ]
    poll = {"grant_type": GRANT_CIBA, "auth_req_id": auth_req_id}
    assert post_token(http, authorization_server, client, poll).json()["error"] == (
        "authorization_pending"
    )
    authorization_server.approve_ciba(auth_req_id)
    granted = post_token(http, authorization_server, client, poll)
    assert granted.status_code == 200, granted.text
    assert {"access_token", "id_token", "refresh_token"} <= set(granted.json())

    denied_id = ciba_request(http, authorization_server, client, "bob")
    authorization_server.deny_ciba(denied_id)
    denied = post_token(
        http, authorization_server, client, {"grant_type": GRANT_CIBA, "auth_req_id": denied_id}
    )
    assert denied.status_code == 400
    assert denied.json()["error"] == "access_denied"


# ---------------------------------------------------------------------------------------
# JWT-signing tests (private_key_jwt, JWT bearer grant, DPoP); need `cryptography`


def _ec_private_key(jwk: dict[str, Any]) -> Any:
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")

    def number(name: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(jwk[name] + "=="), "big")

    public = ec.EllipticCurvePublicNumbers(number("x"), number("y"), ec.SECP256R1())
    return ec.EllipticCurvePrivateNumbers(number("d"), public).private_key()


def sign_es256(header: dict[str, Any], payload: dict[str, Any], key: Any) -> str:
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
    utils = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.utils")
    signing_input = (
        f"{b64url(json.dumps({'alg': 'ES256', **header}).encode())}."
        f"{b64url(json.dumps(payload).encode())}"
    )
    r, s = utils.decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def test_private_key_jwt_client_authentication(
    authorization_server: AuthorizationServer, http: requests.Session
):
    client = authorization_server.clients["private_key_jwt"]
    jwk = client.private_jwk_for("ES256")
    key = _ec_private_key(jwk)
    now = int(time.time())
    assertion = sign_es256(
        {"kid": jwk["kid"], "typ": "JWT"},
        {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": authorization_server.issuer,
            "jti": str(uuid.uuid4()),
            "iat": now,
            "exp": now + 60,
        },
        key,
    )
    with http.post(
        authorization_server.token_endpoint,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
        timeout=TIMEOUT,
    ) as response:
        assert response.status_code == 200, response.text


def test_jwt_bearer_grant(authorization_server: AuthorizationServer, http: requests.Session):
    client = authorization_server.clients["basic"]
    key = _ec_private_key(authorization_server.jwt_bearer_private_jwk)
    now = int(time.time())
    claims = {
        "iss": authorization_server.jwt_bearer_issuer,
        "sub": "alice",
        "aud": authorization_server.token_endpoint,
        "exp": now + 60,
        "iat": now,
        "jti": str(uuid.uuid4()),
    }
    header = {"typ": "JWT", "kid": authorization_server.jwt_bearer_private_jwk["kid"]}
    assertion = sign_es256(header, claims, key)
    data = {"grant_type": GRANT_JWT_BEARER, "assertion": assertion, "scope": "api:read"}
    ok = post_token(http, authorization_server, client, data)
    assert ok.status_code == 200, ok.text
    assert get_resource(http, authorization_server, ok.json()["access_token"]).json()["sub"] == (
        "alice"
    )
    replayed = post_token(http, authorization_server, client, data)
    assert replayed.json()["error"] == "invalid_grant"

    forged = sign_es256(
        {"typ": "JWT"},
        {**claims, "jti": "other"},
        _ec_private_key(authorization_server.clients["private_key_jwt"].private_jwk_for("ES256")),
    )
    rejected = post_token(
        http, authorization_server, client, {"grant_type": GRANT_JWT_BEARER, "assertion": forged}
    )
    assert rejected.json()["error"] == "invalid_grant"


def test_dpop_bound_token_with_nonces(
    authorization_server: AuthorizationServer, http: requests.Session
):
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    public_jwk = {
        "crv": "P-256",
        "kty": "EC",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    thumbprint = b64url(
        hashlib.sha256(json.dumps(public_jwk, separators=(",", ":")).encode()).digest()
    )

    def proof(method: str, url: str, nonce: str | None = None, token: str | None = None) -> str:
        claims: dict[str, Any] = {
            "htm": method,
            "htu": url,
            "iat": int(time.time()),
            "jti": str(uuid.uuid4()),
        }
        if nonce:
            claims["nonce"] = nonce
        if token:
            claims["ath"] = b64url(hashlib.sha256(token.encode()).digest())
        return sign_es256({"typ": "dpop+jwt", "jwk": public_jwk}, claims, key)

    client = authorization_server.clients["dpop"]
    endpoint = authorization_server.token_endpoint
    data = {"grant_type": "client_credentials", "scope": "api:read"}

    without_proof = post_token(http, authorization_server, client, data)
    assert without_proof.json()["error"] == "invalid_grant"

    first = post_token(http, authorization_server, client, data, {"DPoP": proof("POST", endpoint)})
    assert first.status_code == 400
    assert first.json()["error"] == "use_dpop_nonce"
    nonce = first.headers["DPoP-Nonce"]

    second = post_token(
        http, authorization_server, client, data, {"DPoP": proof("POST", endpoint, nonce)}
    )
    assert second.status_code == 200, second.text
    assert second.json()["token_type"] == "DPoP"
    token = second.json()["access_token"]

    url = authorization_server.resource_url
    headers = {"Authorization": f"DPoP {token}", "DPoP": proof("GET", url, token=token)}
    with http.get(url, headers=headers, timeout=TIMEOUT) as needs_nonce:
        assert needs_nonce.status_code == 401
        challenge = needs_nonce.headers["WWW-Authenticate"]
        assert challenge.startswith("DPoP ")
        assert 'error="use_dpop_nonce"' in challenge
        rs_nonce = needs_nonce.headers["DPoP-Nonce"]

    headers = {"Authorization": f"DPoP {token}", "DPoP": proof("GET", url, rs_nonce, token)}
    with http.get(url, headers=headers, timeout=TIMEOUT) as ok:
        assert ok.status_code == 200, ok.text
        assert ok.json()["cnf"] == {"jkt": thumbprint}
        assert ok.json()["token_type"] == "DPoP"

    as_bearer = get_resource(http, authorization_server, token)
    assert as_bearer.status_code == 401
    assert as_bearer.headers["WWW-Authenticate"].startswith("DPoP ")


def test_signed_request_object(authorization_server: AuthorizationServer):
    client = authorization_server.clients["jar"]
    jwk = client.private_jwk_for("ES256")
    now = int(time.time())
    _, challenge = pkce_pair()
    request_object = sign_es256(
        {"kid": jwk["kid"], "typ": "oauth-authz-req+jwt"},
        {
            "iss": client.client_id,
            "aud": authorization_server.issuer,
            "client_id": client.client_id,
            "response_type": "code",
            "redirect_uri": client.redirect_uri,
            "scope": "openid",
            "state": "jar-state",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "iat": now,
            "nbf": now,
            "exp": now + 60,
            "jti": str(uuid.uuid4()),
        },
        _ec_private_key(jwk),
    )
    query = urlencode({"client_id": client.client_id, "request": request_object})
    with authorization_server.user_agent() as browser:
        signed = callback_params(
            browser.authorize(f"{authorization_server.authorization_endpoint}?{query}")
        )
        assert signed["state"] == "jar-state"
        assert "code" in signed

        plain = callback_params(browser.authorize(authorization_url(authorization_server, client)))
    assert plain["error"] == "invalid_request"
