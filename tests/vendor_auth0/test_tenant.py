"""The tenant rules of the ``auth0`` profile, and the metadata they give."""

from __future__ import annotations

import pytest

from oauth2core_vendor_auth0 import auth0_metadata, auth0_tenant

VALID = [
    ("acme", "acme.auth0.com"),
    ("ACME", "acme.auth0.com"),
    ("acme-dev", "acme-dev.auth0.com"),
    ("acme.eu", "acme.eu.auth0.com"),
    ("acme.us", "acme.us.auth0.com"),
    ("acme.au", "acme.au.auth0.com"),
    ("acme.jp", "acme.jp.auth0.com"),
    ("Acme.EU", "acme.eu.auth0.com"),
    ("acme.auth0.com", "acme.auth0.com"),
    ("acme.eu.auth0.com", "acme.eu.auth0.com"),
    ("acme.auth0.com.", "acme.auth0.com"),
    ("login.acme.com", "login.acme.com"),
    ("id.login.acme.co.uk", "id.login.acme.co.uk"),
    ("https://acme.auth0.com", "acme.auth0.com"),
    ("https://acme.auth0.com/", "acme.auth0.com"),
    ("HTTPS://Login.Acme.com", "login.acme.com"),
    ("https://acme.com", "acme.com"),  # a two-label custom domain, with its scheme
    ("https://acme.eu", "acme.eu"),  # with a scheme, a host is taken as it is
    ("https://login.acme.com:8443", "login.acme.com:8443"),
    ("  acme  ", "acme.auth0.com"),
    ("bücher.example.com", "xn--bcher-kva.example.com"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("http://localhost:5000", "http://localhost:5000"),
    ("http://[::1]:5000", "http://[::1]:5000"),
    ("https://localhost:8443", "localhost:8443"),
]

INVALID = [
    ("acme.com", "neither <name> nor <name>.<region>.*https://acme.com"),
    ("acme.uk", "neither <name> nor <name>.<region>"),
    ("auth0.com", "neither <name> nor <name>.<region>"),
    ("ftp://acme.auth0.com", "unsupported scheme 'ftp'"),
    ("file:///etc/hosts", "unsupported scheme 'file'"),
    ("javascript://acme", "unsupported scheme 'javascript'"),
    ("http://acme.auth0.com", "plain http is accepted for loopback hosts only"),
    ("http://acme", "plain http is accepted for loopback hosts only"),
    ("https://acme", "a URL must name a full domain.*pass 'acme' without a scheme"),
    ("acme.auth0.com/api/v2", "without a path"),
    ("https://acme.auth0.com/authorize", "without a path"),
    ("acme?x=1", "without a path, a query"),
    ("https://acme.auth0.com#x", "or a fragment"),
    ("https://acme.auth0.com:port", "the port is not a number"),
    ("", "has no host"),
    ("https://", "has no host"),
    ("acme_corp", "not a valid host name"),
    ("-acme", "not a valid host name"),
    ("ac me", "not a valid host name"),
    ("10.1.2.3", "an IP address is not an Auth0 tenant"),
    ("https://[2001:db8::1]", "an IP address is not an Auth0 tenant"),
]


@pytest.mark.parametrize(("tenant", "host"), VALID)
def test_tenant_table(tenant: str, host: str):
    assert auth0_tenant(tenant) == host


@pytest.mark.parametrize(("tenant", "host"), VALID)
def test_normalising_is_idempotent_for_auth0_hosts(tenant: str, host: str):
    if host.endswith(".auth0.com") or host.startswith("http://"):
        assert auth0_tenant(host) == host


@pytest.mark.parametrize(("tenant", "problem"), INVALID)
def test_refused_tenants_name_the_problem(tenant: str, problem: str):
    with pytest.raises(ValueError, match=problem):
        auth0_tenant(tenant)


def test_credentials_are_refused_and_never_echoed():
    with pytest.raises(ValueError, match="must not carry credentials") as caught:
        auth0_tenant("https://admin:CANARY-pw@acme.auth0.com")
    assert "CANARY" not in str(caught.value)


def test_a_tenant_is_a_string():
    with pytest.raises(TypeError, match="must be a string"):
        auth0_tenant(b"acme")  # type: ignore[arg-type]


def test_metadata():
    assert auth0_metadata("acme.eu") == {
        "issuer": "https://acme.eu.auth0.com/",
        "token_endpoint": "https://acme.eu.auth0.com/oauth/token",
        "authorization_endpoint": "https://acme.eu.auth0.com/authorize",
        "revocation_endpoint": "https://acme.eu.auth0.com/oauth/revoke",
        "userinfo_endpoint": "https://acme.eu.auth0.com/userinfo",
        "device_authorization_endpoint": "https://acme.eu.auth0.com/oauth/device/code",
        "jwks_uri": "https://acme.eu.auth0.com/.well-known/jwks.json",
        "end_session_endpoint": "https://acme.eu.auth0.com/oidc/logout",
        "pushed_authorization_request_endpoint": "https://acme.eu.auth0.com/oauth/par",
        "backchannel_authentication_endpoint": "https://acme.eu.auth0.com/bc-authorize",
    }


def test_metadata_of_a_custom_domain():
    metadata = auth0_metadata("https://login.acme.com/")
    assert metadata["issuer"] == "https://login.acme.com/"
    assert metadata["token_endpoint"] == "https://login.acme.com/oauth/token"


def test_loopback_http_is_kept_in_every_url():
    metadata = auth0_metadata("http://127.0.0.1:8080")
    assert metadata["issuer"] == "http://127.0.0.1:8080/"
    assert all(url.startswith("http://127.0.0.1:8080/") for url in metadata.values())


def test_metadata_refuses_what_the_tenant_rules_refuse():
    with pytest.raises(ValueError, match="unsupported scheme"):
        auth0_metadata("ftp://acme")
