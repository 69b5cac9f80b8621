"""The example third-party plugin (SAML 2.0 bearer grant) end to end.

The plugin is a separate distribution installed in the workspace and found through its
``oauth2core.plugins`` entry point: nothing here registers it by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import oauth2core
from oauth2core import InvalidGrant, InvalidRequest
from tests.integration._authorization_server import AuthorizationServer, saml2_bearer_assertion
from tests.integration._library import get_resource, library_client

pytestmark = pytest.mark.integration

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:saml2-bearer"


def test_the_plugin_is_discovered_through_its_entry_point():
    found = [p for p in oauth2core.plugins() if p.name == "saml2-bearer"]
    assert len(found) == 1
    assert found[0].distribution == "oauth2core-example-saml2-bearer"
    assert ("grant", GRANT_TYPE) in found[0].registered


@pytest.mark.parametrize("name", ["basic", "post"])
def test_saml2_bearer_with_an_encoded_assertion(
    authorization_server: AuthorizationServer, name: str
):
    with library_client(authorization_server, name) as client:
        token = client.saml2_bearer(saml2_bearer_assertion("alice"), scope="api:read")
    assert isinstance(token, oauth2core.BearerToken)
    assert token.scope == "api:read"
    described = get_resource(authorization_server, token).json()
    assert described["sub"] == "alice"
    assert described["client_id"] == authorization_server.clients[name].client_id
    assert described["scope"] == "api:read"


def test_saml2_bearer_with_assertion_bytes(authorization_server: AuthorizationServer):
    not_after = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    xml = (
        "<Assertion><Issuer>https://idp.example.test</Issuer><Subject>bob</Subject>"
        f"<NotOnOrAfter>{not_after}</NotOnOrAfter>"
        f"<Audience>{authorization_server.token_endpoint}</Audience></Assertion>"
    ).encode()
    with library_client(authorization_server, "basic") as client:
        token = client.saml2_bearer(
            xml, scope="api:read api:write", resource=authorization_server.resource_indicator
        )
    described = get_resource(authorization_server, token).json()
    assert described["sub"] == "bob"
    assert described["aud"] == authorization_server.resource_indicator
    assert described["scope"] == "api:read api:write"


@pytest.mark.parametrize(
    "assertion",
    [
        saml2_bearer_assertion("alice", issuer="https://evil.example.test"),
        saml2_bearer_assertion("mallory"),
        b"<Assertion><Issuer>https://idp.example.test</Issuer></Assertion>",
        b"not xml at all",
    ],
    ids=["untrusted-issuer", "unknown-subject", "no-subject", "not-xml"],
)
def test_a_bad_assertion_is_invalid_grant(
    authorization_server: AuthorizationServer, assertion: str | bytes
):
    with (
        library_client(authorization_server, "basic") as client,
        pytest.raises(InvalidGrant) as caught,
    ):
        client.saml2_bearer(assertion)
    assert caught.value.error == "invalid_grant"
    assert caught.value.response is not None
    assert caught.value.response.status_code == 400


def test_an_expired_assertion_is_invalid_grant(authorization_server: AuthorizationServer):
    expired = saml2_bearer_assertion("alice", not_on_or_after=datetime.now(UTC) - timedelta(1))
    with library_client(authorization_server, "post") as client, pytest.raises(InvalidGrant):
        client.saml2_bearer(expired)


def test_the_grant_without_an_assertion_is_invalid_request(
    authorization_server: AuthorizationServer,
):
    with library_client(authorization_server, "basic") as client, pytest.raises(InvalidRequest):
        client.grant_request(GRANT_TYPE)
