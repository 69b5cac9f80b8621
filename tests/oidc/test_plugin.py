"""The plugin: what it registers, laziness, exports, the error tree, fail-closed extras."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import oauth2core
import oauth2core_oidc
from oauth2core import (
    AuthorizationResponseError,
    FeatureNotInstalled,
    InvalidAuthorizationResponse,
    OAuth2Client,
    OAuth2Error,
)
from oauth2core.testing import check_plugin, registry_from
from oauth2core_oidc import (
    InvalidIdToken,
    InvalidJarmResponse,
    InvalidRequestObject,
    JwtValidationError,
    MismatchingIdTokenIssuer,
    ValidationCode,
)

PLUGIN = "oauth2core_oidc._plugin"
JARM_MODES = ["form_post.jwt", "fragment.jwt", "jwt", "query.jwt"]


def run_python(code: str) -> Any:
    env = {**os.environ, "OAUTH2CORE_PLUGINS": "jwt,oidc"}
    env.pop("OAUTH2CORE_DISABLE_PLUGINS", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: Any = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_what_the_plugin_registers():
    kinds = check_plugin(PLUGIN).kinds()
    assert kinds["token_response_step"] == [("oauth2core_oidc.id_token",)]
    assert sorted(m for (m,) in kinds["response_mode"]) == JARM_MODES
    assert sorted(kinds["method"]) == [
        ("authorization_request", "sign"),
        ("authorization_request", "sign_and_encrypt"),
        ("client", "decode_endpoint_response"),
        ("client", "end_session_url"),
    ]
    options = {name for (name,) in kinds["client_keyword"]}
    assert {
        "id_token_signed_response_alg",
        "id_token_encrypted_response_alg",
        "userinfo_signed_response_alg",
        "authorization_server_jwks",
        "decryption_keys",
        "clock_skew",
    } <= options
    assert kinds["request_flow"] == [("oauth2core_oidc.introspection_jwt",)]
    assert sorted(c for (_, c) in kinds["error_code"]) == [
        "invalid_request_object",
        "invalid_request_uri",
        "request_not_supported",
        "request_uri_not_supported",
    ]


def test_it_provides_id_token_validation(registry):
    assert "id_token_validation" in registry.provides


def test_importing_the_plugin_loads_no_jose_library():
    out = run_python(
        """
        import json, sys
        import oauth2core_oidc._plugin
        import oauth2core
        oauth2core.default_registry()
        before = sorted(m for m in ("jwskate", "cryptography") if m in sys.modules)
        from oauth2core import IdToken, InvalidIdToken, end_session_url
        errors = sorted(m for m in ("jwskate", "cryptography") if m in sys.modules)
        IdToken.__name__
        print(json.dumps({"before": before, "errors": errors}))
        """
    )
    assert out == {"before": [], "errors": []}


def test_a_client_with_oidc_options_loads_no_jose_library_until_used():
    out = run_python(
        """
        import json, sys
        from oauth2core import OAuth2Client
        with OAuth2Client(
            "https://as.example.com/token",
            ("id", "secret"),
            issuer="https://as.example.com",
            authorization_endpoint="https://as.example.com/authorize",
            id_token_signed_response_alg="ES256",
        ) as client:
            request = client.authorization_request(response_mode="jwt")
        print(json.dumps(sorted(m for m in ("jwskate", "cryptography") if m in sys.modules)))
        """
    )
    assert out == []


def test_every_public_name_is_importable_from_oauth2core_and_the_package(registry, monkeypatch):
    from oauth2core import _plugins as plugins_module

    monkeypatch.setattr(plugins_module, "_default", registry)
    cached = set(vars(oauth2core))
    try:
        for name in oauth2core_oidc.__all__:
            assert getattr(oauth2core, name) is getattr(oauth2core_oidc, name), name
    finally:
        for name in set(vars(oauth2core)) - cached:
            delattr(oauth2core, name)


def test_the_extras_table_names_every_export():
    from oauth2core._extras import FEATURE_EXTRAS

    for name in oauth2core_oidc.__all__:
        assert FEATURE_EXTRAS["export"].get(name) == "oidc", name
    from oauth2core_oidc._settings import CLIENT_OPTIONS

    for name in CLIENT_OPTIONS:
        assert FEATURE_EXTRAS["keyword"].get(name) == "oidc", name


def test_public_classes_show_the_package():
    assert oauth2core_oidc.IdToken.__module__ == "oauth2core_oidc"
    assert oauth2core_oidc.Jwks.__module__ == "oauth2core_oidc"
    assert oauth2core_oidc.RequestParameterAuthorizationRequest.__module__ == "oauth2core_oidc"
    assert InvalidIdToken.__module__ == "oauth2core_oidc"


def test_the_error_tree():
    assert issubclass(MismatchingIdTokenIssuer, InvalidIdToken)
    assert issubclass(InvalidIdToken, JwtValidationError)
    assert issubclass(JwtValidationError, OAuth2Error)
    assert issubclass(JwtValidationError, ValueError)
    assert issubclass(InvalidJarmResponse, InvalidAuthorizationResponse)
    assert issubclass(InvalidJarmResponse, JwtValidationError)
    assert issubclass(InvalidRequestObject, AuthorizationResponseError)
    error = InvalidJarmResponse("x", code=ValidationCode.BAD_SIGNATURE, claim="alg")
    assert (error.code, error.claim, error.expected, error.received) == (
        "bad_signature",
        "alg",
        None,
        None,
    )


def test_request_object_errors_of_the_callback(client):
    request = client.authorization_request(scope="openid")
    callback = (
        f"https://app.example.com/callback?error=invalid_request_object&state={request.state}"
    )
    with pytest.raises(InvalidRequestObject):
        request.validate_callback(callback)


def test_without_the_plugin_oidc_options_name_the_extra():
    bare = registry_from()
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[oidc\]"):
        OAuth2Client("https://as.example.com/token", registry=bare, clock_skew=5)
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[oidc\]"):
        OAuth2Client(
            "https://as.example.com/token", registry=bare, id_token_signed_response_alg="ES256"
        )
