"""A private key given as ``private_jwk`` is really used (with oauth2core[jwt]).

The isolated run (only core and this package) skips this module: it needs the jwt
package. The all-packages run always has it, and tests/integration/test_vendor_auth0.py
also checks the key end to end there, without any skip.
"""

from __future__ import annotations

from typing import Any

import pytest
import responses

from oauth2core import Registry
from oauth2core.testing import registry_from

pytest.importorskip(
    "oauth2core_clientauth_jwt",
    reason="needs oauth2core[jwt] (oauth2core-clientauth-jwt): runs in the all-packages run",
)
jwskate = pytest.importorskip("jwskate", reason="installed with oauth2core[jwt]")

from oauth2core_clientauth_jwt import CLIENT_ASSERTION_TYPE, PrivateKeyJwt  # noqa: E402
from oauth2core_vendor_auth0 import Auth0Client, Auth0ManagementApiClient  # noqa: E402

ORIGIN = "https://acme.auth0.com"
ISSUER = f"{ORIGIN}/"


@pytest.fixture(scope="module")
def jwt_registry() -> Registry:
    return registry_from("oauth2core_clientauth_jwt._plugin", "oauth2core_vendor_auth0._plugin")


@pytest.fixture(scope="module")
def key() -> Any:
    return jwskate.Jwk.generate(alg="ES256", kid="key-1")


def assertion_claims(fields: dict[str, list[str]], key: Any) -> dict[str, Any]:
    assert fields["client_assertion_type"] == [CLIENT_ASSERTION_TYPE]
    assert "client_secret" not in fields
    jwt = jwskate.SignedJwt(fields["client_assertion"][0])
    assert jwt.verify_signature(key.public_jwk(), alg="ES256")
    claims: dict[str, Any] = jwt.claims
    return claims


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param(lambda key: {"client_id": "app", "private_jwk": dict(key)}, id="private_jwk"),
        pytest.param(lambda key: {"client_id": "app", "private_jwk": key.to_pem()}, id="pem"),
        pytest.param(lambda key: {"auth": ("app", dict(key))}, id="auth-tuple"),
    ],
)
def test_the_private_key_signs_a_client_assertion_for_the_issuer(
    jwt_registry: Registry,
    key: Any,
    credentials: Any,
    closing: Any,
    mocked: responses.RequestsMock,
    form: Any,
    token_response: dict[str, Any],
):
    mocked.post(f"{ORIGIN}/oauth/token", json=token_response)
    settings = credentials(key)
    client = closing(
        Auth0Client("acme", settings.pop("auth", None), registry=jwt_registry, **settings)
    )
    assert isinstance(client.auth, PrivateKeyJwt)
    client.client_credentials(audience="https://api.acme.com/")
    fields = form(mocked.calls[0])
    assert fields["client_id"] == ["app"]
    assert fields["audience"] == ["https://api.acme.com/"]
    claims = assertion_claims(fields, key)
    assert claims["iss"] == claims["sub"] == "app"
    assert claims["aud"] == ISSUER


def test_the_management_api_client_uses_the_key(
    jwt_registry: Registry,
    key: Any,
    closing: Any,
    mocked: responses.RequestsMock,
    form: Any,
    token_response: dict[str, Any],
):
    mocked.post(f"{ORIGIN}/oauth/token", json=token_response)
    mocked.get(f"{ORIGIN}/api/v2/users", json=[])
    a0mgmt = closing(
        Auth0ManagementApiClient(
            "acme", client_id="app", private_jwk=dict(key), registry=jwt_registry
        )
    )
    assert a0mgmt.get("users").json() == []
    fields = form(mocked.calls[0])
    assert fields["audience"] == [f"{ORIGIN}/api/v2/"]
    assert assertion_claims(fields, key)["aud"] == ISSUER
