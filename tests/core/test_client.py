"""OAuth2Client construction: auth shapes, keywords, endpoint checks, lifecycle, redaction."""

from __future__ import annotations

import pytest
import requests

from oauth2core import (
    ClientSecretBasic,
    ClientSecretPost,
    FeatureNotInstalled,
    OAuth2Client,
    OAuth2Error,
    PublicApp,
)

TOKEN_URL = "https://as.example.com/oauth/token"
SECRET = "very-secret-value"
PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
    "-----END PRIVATE KEY-----"
)
JWK_TEXT = '{"kty": "EC", "crv": "P-256", "d": "private-part", "x": "x", "y": "y"}'
JWK = {"kty": "EC", "crv": "P-256", "d": "private-part", "x": "x", "y": "y"}


@pytest.fixture
def build(registry):
    made: list[OAuth2Client] = []

    def make(*args, **kwargs):
        kwargs.setdefault("registry", registry)
        client = OAuth2Client(TOKEN_URL, *args, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


# ------------------------------------------------------------------------------ auth shapes


def test_auth_handler_is_used_as_is(build):
    handler = ClientSecretBasic("id", SECRET)
    assert build(handler).auth is handler


def test_any_requests_auth_is_accepted(build):
    handler = requests.auth.HTTPBasicAuth("id", SECRET)
    assert build(handler).auth is handler


def test_id_and_secret_tuple_is_client_secret_post(build):
    auth = build(("id", SECRET)).auth
    assert type(auth) is ClientSecretPost
    assert (auth.client_id, auth.client_secret) == ("id", SECRET)


def test_bare_client_id_is_a_public_client(build):
    auth = build("public-id").auth
    assert type(auth) is PublicApp
    assert auth.client_id == "public-id"


def test_client_id_and_secret_keywords(build):
    auth = build(client_id="id", client_secret=SECRET).auth
    assert type(auth) is ClientSecretPost
    assert (auth.client_id, auth.client_secret) == ("id", SECRET)


def test_client_id_keyword_alone_is_a_public_client(build):
    auth = build(client_id="id").auth
    assert type(auth) is PublicApp
    assert auth.client_id == "id"


def test_no_auth_at_all(build):
    assert build().auth is None


@pytest.mark.parametrize(
    ("method", "cls"),
    [("client_secret_basic", ClientSecretBasic), ("client_secret_post", ClientSecretPost)],
)
def test_token_endpoint_auth_method(build, method, cls):
    auth = build(client_id="id", client_secret=SECRET, token_endpoint_auth_method=method).auth
    assert type(auth) is cls
    assert (auth.client_id, auth.client_secret) == ("id", SECRET)


def test_token_endpoint_auth_method_none(build):
    auth = build(client_id="id", token_endpoint_auth_method="none").auth
    assert type(auth) is PublicApp


def test_unknown_token_endpoint_auth_method(build):
    with pytest.raises(ValueError, match="tls_client_auth"):
        build(client_id="id", client_secret=SECRET, token_endpoint_auth_method="tls_client_auth")


def test_token_endpoint_auth_method_needs_client_id(build):
    with pytest.raises(TypeError, match="client_id"):
        build(client_secret=SECRET, token_endpoint_auth_method="client_secret_basic")


def test_client_secret_without_client_id_is_refused(build):
    with pytest.raises(TypeError, match="client_id"):
        build(client_secret=SECRET)


@pytest.mark.parametrize(
    "keywords",
    [
        {"client_id": "id"},
        {"client_secret": SECRET},
        {"token_endpoint_auth_method": "client_secret_basic"},
    ],
)
def test_auth_and_credential_keywords_do_not_mix(build, keywords):
    with pytest.raises(TypeError, match="not both"):
        build(("id", SECRET), **keywords)


def test_unknown_keyword_is_a_type_error(build):
    with pytest.raises(TypeError, match="clientid"):
        build(("id", SECRET), clientid="typo")


@pytest.mark.parametrize("auth", [42, ("id", SECRET, "third"), ["id", SECRET], b"id"])
def test_unsupported_auth_values(build, auth):
    with pytest.raises(TypeError, match="auth="):
        build(auth)


# ------------------------------------------------------------------------------ private keys


def assert_names_jwt_extra(error: FeatureNotInstalled, *secrets: str) -> None:
    assert error.extra == "jwt"
    assert "oauth2core[jwt]" in str(error)
    assert isinstance(error, AttributeError)
    assert isinstance(error, OAuth2Error)
    for secret in secrets:
        assert secret not in str(error)
        assert secret not in repr(error)


@pytest.mark.parametrize("keyword", ["private_key", "private_jwk"])
def test_private_key_keywords_need_the_jwt_extra(build, keyword):
    with pytest.raises(FeatureNotInstalled) as excinfo:
        build(client_id="id", **{keyword: PEM})
    assert excinfo.value.feature == keyword
    assert_names_jwt_extra(excinfo.value, PEM)


@pytest.mark.parametrize(
    "key",
    [PEM, "  " + PEM, JWK_TEXT, JWK, JWK_TEXT.replace('"', "'")],
    ids=["pem", "indented-pem", "jwk-json", "jwk-dict", "jwk-python-repr"],
)
def test_a_private_key_is_never_a_client_secret(build, mock_http, key):
    with pytest.raises(FeatureNotInstalled) as excinfo:
        build(("id", key))
    assert_names_jwt_extra(excinfo.value, "private-part", "MIGHAgEAMBMG")
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize("key", [PEM, JWK_TEXT])
def test_a_private_key_is_never_a_client_secret_keyword(build, key):
    with pytest.raises(FeatureNotInstalled) as excinfo:
        build(client_id="id", client_secret=key)
    assert_names_jwt_extra(excinfo.value, "private-part", "MIGHAgEAMBMG")


@pytest.mark.parametrize("method", ["private_key_jwt", "client_secret_jwt"])
def test_jwt_auth_methods_need_the_jwt_extra(build, method):
    with pytest.raises(FeatureNotInstalled) as excinfo:
        build(client_id="id", client_secret=SECRET, token_endpoint_auth_method=method)
    assert excinfo.value.feature == method
    assert_names_jwt_extra(excinfo.value, SECRET)


# ------------------------------------------------------------------------------ endpoints


@pytest.mark.parametrize(
    "url",
    [
        "https://as.example.com/token",
        "https://as.example.com:8443/oauth2/v1/token?tenant=a",
        "http://localhost/token",
        "http://localhost:8080/token",
        "http://127.0.0.1:5000/token",
        "http://127.8.9.10/token",
        "http://[::1]:9000/token",
    ],
)
def test_accepted_endpoints(build, url):
    client = build(
        ("id", SECRET),
        authorization_endpoint=url,
        pushed_authorization_request_endpoint=url,
    )
    assert client.authorization_endpoint == url
    assert client.pushed_authorization_request_endpoint == url
    with OAuth2Client(url, registry=client.registry) as other:
        assert other.token_endpoint == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://as.example.com/token", "https"),
        ("http://10.0.0.1/token", "https"),
        ("http://localhost.example.com/token", "https"),
        ("ftp://as.example.com/token", "https"),
        ("as.example.com/token", "https"),
        ("https:///token", "no host"),
        ("https://as.example.com/token#frag", "fragment"),
        ("https://user@as.example.com/token", "credentials"),
        ("https://user:hunter2@as.example.com/token", "credentials"),
    ],
)
@pytest.mark.parametrize(
    "setting", ["token_endpoint", "authorization_endpoint", "pushed_authorization_request_endpoint"]
)
def test_refused_endpoints(registry, url, problem, setting):
    kwargs = {"token_endpoint": TOKEN_URL, "registry": registry, setting: url}
    with pytest.raises(ValueError, match=problem) as excinfo:
        OAuth2Client(**kwargs)
    assert setting in str(excinfo.value)
    assert "hunter2" not in str(excinfo.value)


def test_endpoint_must_be_a_string(registry):
    with pytest.raises(TypeError, match="token_endpoint"):
        OAuth2Client(b"https://as.example.com/token", registry=registry)  # type: ignore[arg-type]


def test_insecure_http_needs_the_explicit_opt_in(registry):
    url = "http://as.internal/token"
    with pytest.raises(ValueError, match="https"):
        OAuth2Client(url, registry=registry)
    with OAuth2Client(url, registry=registry, allow_insecure_http=True) as client:
        assert client.token_endpoint == url


# ------------------------------------------------------------------------------ lifecycle


class SpySession(requests.Session):
    closed = 0

    def close(self) -> None:
        self.closed += 1
        super().close()


def test_owned_session_is_closed_on_exit(build, monkeypatch):
    monkeypatch.setattr(requests, "Session", SpySession)
    with build(("id", SECRET)) as client:
        assert isinstance(client.session, SpySession)
        assert client.session.closed == 0
    assert client.session.closed == 1


def test_given_session_is_left_open(build):
    with SpySession() as session:
        with build(("id", SECRET), session=session) as client:
            assert client.session is session
        assert session.closed == 0


def test_exit_does_not_swallow_exceptions(build, monkeypatch):
    monkeypatch.setattr(requests, "Session", SpySession)
    client = build(("id", SECRET))
    with pytest.raises(RuntimeError, match="boom"), client:
        raise RuntimeError("boom")
    assert client.session.closed == 1


def test_enter_returns_the_client(build):
    client = build()
    with client as entered:
        assert entered is client


def test_default_registry_and_session(mock_http):
    with OAuth2Client(TOKEN_URL, ("id", SECRET)) as client:
        assert isinstance(client.session, requests.Session)
        assert "client_credentials" in client.registry.grants


# ------------------------------------------------------------------------------ repr and features


@pytest.mark.parametrize(
    "kwargs",
    [
        {"auth": ("id", SECRET)},
        {"auth": ClientSecretBasic("id", SECRET)},
        {"client_id": "id", "client_secret": SECRET},
        {
            "client_id": "id",
            "client_secret": SECRET,
            "token_endpoint_auth_method": "client_secret_basic",
        },
    ],
)
def test_repr_redacts_the_secret(build, kwargs):
    client = build(**kwargs)
    for text in (repr(client), str(client)):
        assert SECRET not in text
        assert TOKEN_URL in text
        assert "'id'" in text


@pytest.mark.parametrize(
    ("method", "extra"),
    [("authorize_device", "device"), ("ciba", "ciba"), ("jwt_bearer", "jwt")],
)
def test_plugin_methods_fail_closed_naming_the_extra(build, method, extra):
    client = build(("id", SECRET))
    with pytest.raises(FeatureNotInstalled, match=rf"oauth2core\[{extra}\]"):
        getattr(client, method)
    assert not hasattr(client, method)


def test_unknown_attribute(build):
    with pytest.raises(AttributeError, match="no_such_method"):
        _ = build().no_such_method


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_private_key_as_secret_is_refused_with_an_explicit_method(build, method):
    with pytest.raises(ValueError, match="never sent as a secret") as caught:
        build(client_id="id", client_secret=PEM, token_endpoint_auth_method=method)
    assert PEM not in str(caught.value)


def test_private_key_as_secret_is_refused_by_the_classes():
    from oauth2core import ClientSecretBasic, ClientSecretPost

    for cls in (ClientSecretBasic, ClientSecretPost):
        with pytest.raises(ValueError, match="oauth2core\\[jwt\\]"):
            cls("id", JWK_TEXT)


def test_tokens_use_the_client_clock(registry, mock_http, clock):
    mock_http.post(TOKEN_URL, json={"access_token": "a", "token_type": "Bearer", "expires_in": 60})
    with OAuth2Client(TOKEN_URL, ("id", SECRET), registry=registry, clock=clock) as client:
        token = client.client_credentials()
    assert token.expires_in == 60
    clock.advance(59)
    assert token.expires_in == 1
    assert token.is_expired() is False
    clock.advance(1)
    assert token.is_expired() is True
