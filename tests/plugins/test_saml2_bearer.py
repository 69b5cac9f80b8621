"""The example third-party plugin (``tests/plugins/saml2-bearer``), end to end with mocked HTTP.

It is a real distribution installed in the workspace environment, found through its
``saml2-bearer`` entry point by the process registry.
"""

from __future__ import annotations

import base64

import pytest
import responses

import oauth2core
import oauth2core_example_saml2_bearer as saml2_plugin
from oauth2core import BearerToken, InvalidGrant, OAuth2Client
from oauth2core import _plugins as plugins_module
from oauth2core.testing import check_plugin, registry_from

TOKEN_URL = "https://as.example/oauth/token"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:saml2-bearer"
# Its standard base64 has padding and "+" / "/": the grant must send base64url, unpadded.
ASSERTION = b'<saml:Assertion ID="_a1" Version="2.0">~subject?</saml:Assertion>'
ENCODED = base64.urlsafe_b64encode(ASSERTION).rstrip(b"=").decode()


def sent_form(call: responses.Call) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    body = call.request.body
    return parse_qs(body.decode() if isinstance(body, bytes) else str(body or ""))


def token_json(**fields: object) -> dict[str, object]:
    return {"access_token": "at-saml", "token_type": "Bearer", "expires_in": 300, **fields}


def test_discovered_through_its_entry_point(fresh_default: None):
    registry = oauth2core.default_registry()
    info = next(plugin for plugin in registry.plugins if plugin.name == "saml2-bearer")
    assert info.module == "oauth2core_example_saml2_bearer"
    assert (info.distribution, info.version) == ("oauth2core-example-saml2-bearer", "0.1.0")
    assert registry.grants[GRANT_TYPE].function is saml2_plugin.saml2_bearer
    assert registry.client_method("saml2_bearer") is not None
    assert GRANT_TYPE == saml2_plugin.GRANT_TYPE


def test_saml2_bearer_sends_the_encoded_assertion_with_client_auth(
    fresh_default: None, mocked: responses.RequestsMock
):
    client = OAuth2Client(
        TOKEN_URL,
        client_id="client-1",
        client_secret="secret-1",
        token_endpoint_auth_method="client_secret_basic",
    )
    mocked.post(TOKEN_URL, json=token_json(scope="read write"))

    token = client.saml2_bearer(ASSERTION, scope=["read", "write"])

    assert isinstance(token, BearerToken)
    assert str(token) == "at-saml"
    assert token.scope == "read write"
    request = mocked.calls[0].request
    assert sent_form(mocked.calls[0]) == {
        "grant_type": [GRANT_TYPE],
        "assertion": [ENCODED],
        "scope": ["read write"],
    }
    standard = base64.b64encode(ASSERTION).decode()
    assert standard.endswith("=")  # so the unpadded, url-safe form above is a real check
    assert {"+", "/"} & set(standard)
    basic = base64.b64encode(b"client-1:secret-1").decode()
    assert request.headers["Authorization"] == f"Basic {basic}"


def test_saml2_bearer_with_client_secret_post_and_extra_parameters(
    fresh_default: None, mocked: responses.RequestsMock
):
    client = OAuth2Client(TOKEN_URL, ("client-1", "secret-1"))
    mocked.post(TOKEN_URL, json=token_json())

    client.saml2_bearer(ENCODED, resource=["https://a.example", "https://b.example"])

    assert sent_form(mocked.calls[0]) == {
        "grant_type": [GRANT_TYPE],
        "assertion": [ENCODED],  # already encoded: sent as given
        "resource": ["https://a.example", "https://b.example"],
        "client_id": ["client-1"],
        "client_secret": ["secret-1"],
    }


def test_saml2_bearer_errors_are_mapped_by_core(
    fresh_default: None, mocked: responses.RequestsMock
):
    client = OAuth2Client(TOKEN_URL, ("client-1", "secret-1"))
    mocked.post(
        TOKEN_URL,
        status=400,
        json={"error": "invalid_grant", "error_description": "assertion expired"},
    )
    with pytest.raises(InvalidGrant, match="assertion expired"):
        client.saml2_bearer(ASSERTION)


def test_saml2_bearer_through_an_explicit_registry(mocked: responses.RequestsMock):
    registry = registry_from(saml2_plugin)
    mocked.post(TOKEN_URL, json=token_json())
    OAuth2Client(TOKEN_URL, ("client-1", "secret-1"), registry=registry).saml2_bearer(ASSERTION)
    assert sent_form(mocked.calls[0])["grant_type"] == [GRANT_TYPE]


def test_check_plugin_reports_its_grant_and_method():
    report = check_plugin(saml2_plugin)
    assert report.plugin == "oauth2core_example_saml2_bearer"
    assert report.registered == (("grant", GRANT_TYPE), ("method", "client", "saml2_bearer"))
    assert report.kinds() == {"grant": [(GRANT_TYPE,)], "method": [("client", "saml2_bearer")]}
    assert GRANT_TYPE in report.registry.grants
    assert "client_credentials" in report.registry.grants


def test_blocked_plugin_is_absent_and_the_message_says_why(
    fresh_default: None, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(plugins_module.BLOCK_ENV, "saml2-bearer")
    client = OAuth2Client(TOKEN_URL, ("client-1", "secret-1"))
    assert GRANT_TYPE not in client.registry.grants
    assert not hasattr(client, "saml2_bearer")
    with pytest.raises(AttributeError, match=r"installed but disabled: 'saml2-bearer'"):
        client.saml2_bearer(ASSERTION)
