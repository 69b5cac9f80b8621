"""The plugin: registrations, laziness, auth coercion, exports, the JWT bearer grant."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from cryptography.hazmat.primitives import serialization
from jwskate import Jwk, Jwt, SignedJwt

import oauth2core
from oauth2core import ClientSecretPost, InvalidGrant, OAuth2Client, PublicApp
from oauth2core.testing import check_plugin
from oauth2core_clientauth_jwt import (
    CLIENT_ASSERTION_TYPE,
    JWT_BEARER_GRANT,
    ClientSecretJwt,
    InvalidClientAssertionSigningKeyOrAlg,
    KeyErrorCode,
    PrivateKeyJwt,
    jwt_bearer,
    load_private_key,
)
from oauth2core_clientauth_jwt._coerce import looks_like_key

PLUGIN = "oauth2core_clientauth_jwt._plugin"
JOSE = ("jwskate", "cryptography")
TOKEN = {"access_token": "at", "token_type": "Bearer", "expires_in": 60}


def pem(key: Any, password: bytes | None = None) -> str:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    text: str = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()
    return text


# ------------------------------------------------------------------------------- registrations


def test_what_the_plugin_registers():
    report = check_plugin(PLUGIN)
    kinds = report.kinds()
    assert sorted(kinds["client_auth_method"]) == [("client_secret_jwt",), ("private_key_jwt",)]
    assert kinds["grant"] == [(JWT_BEARER_GRANT,)]
    assert kinds["method"] == [("client", "jwt_bearer")]
    assert sorted(kinds["client_keyword"]) == [("private_jwk",), ("private_key",)]
    assert kinds["auth_coercion"] == [("oauth2core_clientauth_jwt.private_key",)]
    exports = {name for (name,) in kinds["export"]}
    assert {"ClientSecretJwt", "PrivateKeyJwt", "SigningKey", "load_private_key"} <= exports


def test_importing_the_plugin_loads_no_jose_library(run_python):
    result = run_python(
        f"""
        import json, sys
        import oauth2core_clientauth_jwt._plugin
        import oauth2core_clientauth_jwt as package
        from oauth2core import OAuth2Client, default_registry
        registry = default_registry()  # entry points: this plugin
        assert "{PLUGIN}" in {{p.module for p in registry.plugins}}, registry.describe()
        client = OAuth2Client("https://as.example.com/token", ("id", "secret"))
        public = OAuth2Client("https://as.example.com/token", "id")
        light = (package.jwt_bearer, package.InvalidKey, package.JWT_BEARER_GRANT)
        before = {{name: name in sys.modules for name in {JOSE!r}}}
        package.PrivateKeyJwt  # a heavy name: loads on first access
        after = {{name: name in sys.modules for name in {JOSE!r}}}
        print(json.dumps({{"before": before, "after": after, "auth": repr(client.auth)}}))
        """
    )
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["before"] == dict.fromkeys(JOSE, False)
    assert out["after"] == dict.fromkeys(JOSE, True)
    assert out["auth"].startswith("ClientSecretPost(")


def test_from_oauth2core_import_private_key_jwt(registry, install_default):
    install_default(registry)
    from oauth2core import ClientSecretJwt as Exported
    from oauth2core import PrivateKeyJwt as ExportedKeyJwt

    assert Exported is ClientSecretJwt
    assert ExportedKeyJwt is PrivateKeyJwt
    assert oauth2core.load_private_key is load_private_key
    assert oauth2core.InvalidClientAssertionSigningKeyOrAlg is InvalidClientAssertionSigningKeyOrAlg
    assert "PrivateKeyJwt" in dir(oauth2core)


def test_from_oauth2core_import_through_the_entry_point(run_python):
    result = run_python(
        """
        from oauth2core import PrivateKeyJwt, SigningKey
        import oauth2core_clientauth_jwt as package
        assert PrivateKeyJwt is package.PrivateKeyJwt
        assert SigningKey is package.SigningKey
        print(PrivateKeyJwt.__module__)
        """
    )
    assert result.stdout.strip() == "oauth2core_clientauth_jwt"


def test_the_package_has_no_other_names():
    import oauth2core_clientauth_jwt as package

    with pytest.raises(AttributeError):
        package.NoSuchName  # noqa: B018
    assert set(package.__all__) <= set(dir(package))


# ------------------------------------------------------------------------------- looks_like_key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"kty": "EC"}, True),
        ({"k": "x"}, False),
        ("-----BEGIN PRIVATE KEY-----...", True),
        ("  \n-----BEGIN EC PRIVATE KEY-----", True),
        (b"-----BEGIN PRIVATE KEY-----", True),
        ('{"kty": "RSA", "n": "..."}', True),
        ("{not-a-jwk}", False),
        ("a-client-secret", False),
        ("", False),
        (42, False),
        (None, False),
    ],
)
def test_looks_like_key(value, expected):
    assert looks_like_key(value) is expected


def test_looks_like_key_knows_library_objects(keys):
    assert looks_like_key(keys.p256)
    assert looks_like_key(keys.p256.public_key())
    assert looks_like_key(Jwk(keys.p256))
    assert looks_like_key(load_private_key(keys.p256))


def test_detecting_shapes_loads_no_jose_library(run_python):
    result = run_python(
        """
        import json, sys
        from oauth2core_clientauth_jwt._coerce import looks_like_key
        found = [looks_like_key(v) for v in ({"kty": "EC"}, "-----BEGIN PRIVATE KEY-----", "x")]
        print(json.dumps([found, "jwskate" in sys.modules, "cryptography" in sys.modules]))
        """
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [[True, True, False], False, False]


# ------------------------------------------------------------------------------- coercion


@pytest.mark.parametrize(
    "shape", ["dict", "json", "jwskate", "cryptography", "pem", "pem-bytes", "signing-key"]
)
def test_auth_tuple_with_a_key_is_private_key_jwt(make_client, keys, shape):
    jwk = keys.jwk("p256")
    value: Any = {
        "dict": jwk,
        "json": json.dumps(jwk),
        "jwskate": Jwk(jwk),
        "cryptography": keys.p256,
        "pem": pem(keys.p256),
        "pem-bytes": pem(keys.p256).encode(),
        "signing-key": load_private_key(jwk, kid="k"),
    }[shape]
    client = make_client(("my-client", value))
    assert isinstance(client.auth, PrivateKeyJwt)
    assert client.auth.client_id == "my-client"
    assert client.auth.alg == "ES256"


@pytest.mark.parametrize("keyword", ["private_key", "private_jwk"])
def test_key_keywords(make_client, keys, keyword):
    client = make_client(client_id="my-client", **{keyword: keys.jwk("rsa", alg="PS256")})
    assert isinstance(client.auth, PrivateKeyJwt)
    assert (client.auth.client_id, client.auth.alg) == ("my-client", "PS256")


def test_an_encrypted_pem_goes_through_load_private_key(make_client, keys):
    text = pem(keys.p256, b"pem-password")
    by_tuple = make_client(("my-client", load_private_key(text, password="pem-password")))
    by_keyword = make_client(
        client_id="my-client", private_key=load_private_key(text, password=b"pem-password")
    )
    assert isinstance(by_tuple.auth, PrivateKeyJwt)
    assert isinstance(by_keyword.auth, PrivateKeyJwt)
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as caught:
        make_client(("my-client", text))
    assert caught.value.code == KeyErrorCode.PEM_PASSWORD


def test_secrets_and_ids_stay_with_core(make_client):
    assert isinstance(make_client(("my-client", "a-secret")).auth, ClientSecretPost)
    assert isinstance(make_client(client_id="my-client", client_secret="s").auth, ClientSecretPost)
    assert isinstance(make_client("my-client").auth, PublicApp)
    assert isinstance(make_client(client_id="my-client").auth, PublicApp)
    assert make_client().auth is None


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda k: k.rsa_1024, KeyErrorCode.WEAK_KEY),
        (lambda k: k.jwk("rsa_1024", alg="RS256"), KeyErrorCode.WEAK_KEY),
        (lambda k: k.public_jwk("p256"), KeyErrorCode.PUBLIC_KEY),
        (lambda k: k.p256.public_key(), KeyErrorCode.PUBLIC_KEY),
        (lambda k: {"kty": "oct", "k": "c2VjcmV0"}, KeyErrorCode.SYMMETRIC_KEY),
        (lambda k: "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END", KeyErrorCode.MALFORMED_KEY),
    ],
    ids=["rsa-1024", "rsa-1024-jwk", "public-jwk", "public-key", "oct-jwk", "bad-pem"],
)
def test_unusable_keys_are_refused_never_sent_as_secrets(make_client, keys, make, code):
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg) as caught:
        make_client(("my-client", make(keys)))
    assert caught.value.code == code
    with pytest.raises(InvalidClientAssertionSigningKeyOrAlg):
        make_client(client_id="my-client", private_key=make(keys))


def test_keyword_mistakes(make_client, keys):
    with pytest.raises(TypeError, match="not both"):
        make_client(client_id="c", private_key=keys.p256, private_jwk=keys.p256)
    with pytest.raises(TypeError, match="client_id"):
        make_client(private_key=keys.p256)
    with pytest.raises(TypeError, match="client_secret"):
        make_client(client_id="c", client_secret="s", private_key=keys.p256)
    with pytest.raises(TypeError, match="None"):
        make_client(client_id="c", private_key=None)
    with pytest.raises(TypeError):
        make_client(("c", "s"), private_key=keys.p256)


def test_a_private_key_given_as_client_secret_is_refused(make_client, keys):
    with pytest.raises(ValueError, match="private_key=") as caught:
        make_client(client_id="c", client_secret=pem(keys.p256))
    assert pem(keys.p256).splitlines()[1] not in str(caught.value)


def test_token_endpoint_auth_method(make_client, keys):
    secret_jwt = make_client(
        client_id="c", client_secret="a-secret", token_endpoint_auth_method="client_secret_jwt"
    )
    assert isinstance(secret_jwt.auth, ClientSecretJwt)
    key_jwt = make_client(
        client_id="c", private_key=keys.p256, token_endpoint_auth_method="private_key_jwt"
    )
    assert isinstance(key_jwt.auth, PrivateKeyJwt)
    with pytest.raises(TypeError, match="client_secret="):
        make_client(client_id="c", token_endpoint_auth_method="client_secret_jwt")
    with pytest.raises(TypeError, match="private_key="):
        make_client(client_id="c", token_endpoint_auth_method="private_key_jwt")


# ------------------------------------------------------------------------------- jwt bearer


@pytest.fixture
def issuer_key(keys):
    return load_private_key(keys.p256, kid="issuer-key")


def bearer_assertion(key: Any, urls: Any) -> str:
    return str(
        key.sign_jwt(
            {"iss": "https://idp.example", "sub": "alice", "aud": urls.issuer, "exp": 2_000_000_000}
        )
    )


def test_client_jwt_bearer(make_client, mock_http, issuer_key, urls, keys):
    mock_http.post(urls.token, json=TOKEN)
    client = make_client(("my-client", keys.ed25519), issuer=urls.issuer)
    assertion = bearer_assertion(issuer_key, urls)
    token = client.jwt_bearer(assertion, scope=["api:read", "api:write"], resource="https://rs")
    assert isinstance(token, oauth2core.BearerToken)
    form = parse_qs(mock_http.calls[0].request.body)
    assert form["grant_type"] == [JWT_BEARER_GRANT]
    assert form["assertion"] == [assertion]
    assert form["scope"] == ["api:read api:write"]
    assert form["resource"] == ["https://rs"]
    assert form["client_assertion_type"] == [CLIENT_ASSERTION_TYPE]  # the client authenticates


def test_typed_jwt_bearer_with_a_jwskate_token(make_client, mock_http, keys, urls):
    mock_http.post(urls.token, json=TOKEN)
    client = make_client(("my-client", "a-secret"))
    signed = Jwt.sign({"iss": "https://idp.example", "sub": "bob"}, Jwk(keys.p256), alg="ES256")
    assert isinstance(signed, SignedJwt)
    jwt_bearer(client, signed)
    form = parse_qs(mock_http.calls[0].request.body)
    assert form["assertion"] == [str(signed)]
    assert form["client_secret"] == ["a-secret"]


@pytest.mark.parametrize(
    ("assertion", "error"),
    [
        ("not-a-jwt", ValueError),
        ("a.b", ValueError),
        ("a.b .c", ValueError),
        (b"a.b.c", TypeError),
        (42, TypeError),
    ],
)
def test_jwt_bearer_argument_checks(make_client, assertion, error):
    client = make_client(("my-client", "a-secret"))
    with pytest.raises(error):
        client.jwt_bearer(assertion)


def test_a_refused_assertion_is_invalid_grant(make_client, mock_http, issuer_key, urls):
    mock_http.post(urls.token, status=400, json={"error": "invalid_grant"})
    client = make_client(("my-client", "a-secret"))
    assertion = bearer_assertion(issuer_key, urls)
    with pytest.raises(InvalidGrant) as caught:
        client.jwt_bearer(assertion)
    assert assertion not in str(caught.value)
    assert assertion not in repr(caught.value)


def test_jwt_bearer_is_not_on_a_client_without_the_plugin(urls):
    from oauth2core import FeatureNotInstalled
    from oauth2core.testing import registry_from

    with OAuth2Client(urls.token, ("c", "s"), registry=registry_from()) as client:
        with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[jwt\]"):
            client.jwt_bearer("a.b.c")
        with pytest.raises(FeatureNotInstalled):
            OAuth2Client(
                urls.token, client_id="c", private_key={"kty": "EC"}, registry=client.registry
            )


def test_client_clock_reaches_private_key_jwt(make_client, signing_keys, clock):
    client = make_client(("id", signing_keys["ES256"]), clock=clock)
    assert client.auth.clock is clock


def test_an_unclaimed_tuple_is_a_type_error_when_the_plugin_is_installed(make_client):
    with pytest.raises(TypeError):
        make_client(("id", 123))
