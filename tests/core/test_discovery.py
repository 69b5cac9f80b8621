"""Server metadata: well-known URLs and building clients from documents."""

from __future__ import annotations

import pytest
import requests

import oauth2core
from oauth2core import InvalidDiscoveryDocument, OAuth2Client, TransportError

ISSUER = "https://as.example.com"
DOCUMENT = {
    "issuer": ISSUER,
    "token_endpoint": f"{ISSUER}/token",
    "authorization_endpoint": f"{ISSUER}/authorize",
    "revocation_endpoint": f"{ISSUER}/revoke",
    "introspection_endpoint": f"{ISSUER}/introspect",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/jwks",
    "device_authorization_endpoint": f"{ISSUER}/device",
    "backchannel_authentication_endpoint": f"{ISSUER}/bc-authorize",
    "pushed_authorization_request_endpoint": f"{ISSUER}/par",
    "end_session_endpoint": f"{ISSUER}/logout",
    "authorization_response_iss_parameter_supported": True,
    "id_token_signing_alg_values_supported": ["RS256", "ES256"],
}


@pytest.mark.parametrize(
    ("issuer", "oidc", "oauth2"),
    [
        (
            "https://as.example.com",
            "https://as.example.com/.well-known/openid-configuration",
            "https://as.example.com/.well-known/oauth-authorization-server",
        ),
        (
            "https://as.example.com/tenant1",
            "https://as.example.com/tenant1/.well-known/openid-configuration",
            "https://as.example.com/.well-known/oauth-authorization-server/tenant1",
        ),
        (
            "https://as.example.com/tenant1/",
            "https://as.example.com/tenant1/.well-known/openid-configuration",
            "https://as.example.com/.well-known/oauth-authorization-server/tenant1",
        ),
    ],
)
def test_well_known_urls(issuer, oidc, oauth2):
    assert oauth2core.oidc_discovery_document_url(issuer) == oidc
    assert oauth2core.oauth2_discovery_document_url(issuer) == oauth2


def test_document_gives_every_endpoint(registry):
    client = OAuth2Client.from_discovery_document(DOCUMENT, ISSUER, auth="id", registry=registry)
    for name in OAuth2Client.ENDPOINTS:
        assert getattr(client, name) == DOCUMENT[name]
    assert client.issuer == ISSUER
    assert client.metadata["authorization_response_iss_parameter_supported"] is True
    assert client.metadata["id_token_signing_alg_values_supported"] == ["RS256", "ES256"]


def test_keywords_win_over_the_document(registry):
    client = OAuth2Client.from_discovery_document(
        DOCUMENT, auth="id", userinfo_endpoint=f"{ISSUER}/other", registry=registry
    )
    assert client.userinfo_endpoint == f"{ISSUER}/other"


def test_a_token_endpoint_keyword_wins_over_the_document(registry):
    client = OAuth2Client.from_discovery_document(
        DOCUMENT, auth="id", token_endpoint=f"{ISSUER}/mtls/token", registry=registry
    )
    assert client.token_endpoint == f"{ISSUER}/mtls/token"
    without = {key: value for key, value in DOCUMENT.items() if key != "token_endpoint"}
    client = OAuth2Client.from_discovery_document(
        without, auth="id", token_endpoint=f"{ISSUER}/token", registry=registry
    )
    assert client.token_endpoint == f"{ISSUER}/token"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": "https://evil.example.com"}, "not the expected"),
        ({"issuer": ISSUER + "/"}, "not the expected"),
        ({"issuer": None}, "no issuer"),
        ({"token_endpoint": None}, "no token_endpoint"),
        ({"revocation_endpoint": 42}, "not a string"),
    ],
)
def test_bad_documents(registry, change, message):
    document = {k: v for k, v in {**DOCUMENT, **change}.items() if v is not None}
    with pytest.raises(InvalidDiscoveryDocument, match=message):
        OAuth2Client.from_discovery_document(document, ISSUER, auth="id", registry=registry)


def test_insecure_endpoint_in_document_is_refused(registry):
    document = {**DOCUMENT, "userinfo_endpoint": "http://as.example.com/userinfo"}
    with pytest.raises(InvalidDiscoveryDocument, match="https"):  # server input: a typed error
        OAuth2Client.from_discovery_document(document, auth="id", registry=registry)
    client = OAuth2Client.from_discovery_document(
        document, auth="id", registry=registry, allow_insecure_http=True
    )
    assert client.userinfo_endpoint == "http://as.example.com/userinfo"


def test_from_discovery_endpoint(registry, mock_http):
    mock_http.get(oauth2core.oidc_discovery_document_url(ISSUER), json=DOCUMENT)
    with OAuth2Client.from_discovery_endpoint(
        issuer=ISSUER, auth=("id", "secret"), registry=registry, timeout=3
    ) as client:
        assert client.token_endpoint == DOCUMENT["token_endpoint"]
        assert client.timeout == 3
    assert mock_http.calls[0].request.headers["Accept"] == "application/json"


@pytest.mark.parametrize(
    ("kwargs", "body"),
    [
        ({"status": 404, "body": "not found"}, None),
        ({"status": 200, "body": "<html/>", "content_type": "text/html"}, None),
        ({"status": 200}, ["a", "list"]),
    ],
)
def test_from_discovery_endpoint_failures(registry, mock_http, kwargs, body):
    url = oauth2core.oidc_discovery_document_url(ISSUER)
    if body is not None:
        mock_http.get(url, json=body, **kwargs)
    else:
        mock_http.get(url, **kwargs)
    with pytest.raises(InvalidDiscoveryDocument) as caught:
        OAuth2Client.from_discovery_endpoint(issuer=ISSUER, registry=registry)
    assert caught.value.response is not None


def test_from_discovery_endpoint_timeout(registry, mock_http):
    mock_http.get(oauth2core.oidc_discovery_document_url(ISSUER), body=requests.Timeout("slow"))
    with pytest.raises(TransportError) as caught:
        OAuth2Client.from_discovery_endpoint(issuer=ISSUER, registry=registry)
    assert caught.value.transient is True
    assert isinstance(caught.value, requests.RequestException)


def test_from_discovery_endpoint_needs_url_or_issuer():
    with pytest.raises(TypeError):
        OAuth2Client.from_discovery_endpoint()
