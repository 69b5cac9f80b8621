"""The plugin: what it registers, its laziness, its exports."""

from __future__ import annotations

import json

import pytest

import oauth2core
from oauth2core import FeatureNotInstalled, OAuth2Client
from oauth2core.testing import check_plugin, registry_from
from oauth2core_tokentype_dpop import (
    DPoPKey,
    DPoPNonceCache,
    DPoPToken,
    DPoPTokenSerializer,
    InvalidDPoPAccessToken,
    InvalidDPoPAlg,
    InvalidDPoPKey,
    InvalidDPoPProof,
    UseDPoPNonce,
)

PLUGIN = "oauth2core_tokentype_dpop._plugin"
JOSE = ("jwskate", "cryptography")


def test_what_the_plugin_registers():
    report = check_plugin(PLUGIN)
    kinds = report.kinds()
    assert kinds["token_type"] == [("dpop",)]
    assert sorted(kinds["call_option"]) == [("allow_bearer_downgrade",), ("dpop",), ("dpop_key",)]
    assert sorted(kinds["client_keyword"]) == [("dpop_alg",), ("dpop_bound_access_tokens",)]
    assert kinds["request_flow"] == [("oauth2core_tokentype_dpop.proof",)]
    assert kinds["token_response_step"] == [("oauth2core_tokentype_dpop.token_type",)]
    assert sorted(kinds["error_code"]) == [
        ("pushed_authorization", "invalid_dpop_proof"),
        ("pushed_authorization", "use_dpop_nonce"),
        ("token", "invalid_dpop_proof"),
        ("token", "use_dpop_nonce"),
    ]
    exports = {name for (name,) in kinds["export"]}
    assert {"DPoPKey", "DPoPToken", "DPoPTokenSerializer", "UseDPoPNonce"} <= exports


def test_the_proof_flow_wraps_client_authentication(registry):
    names = [flow.name for flow in registry.flows_for("token")]
    assert names == ["oauth2core_tokentype_dpop.proof", "oauth2core.client_auth"]
    assert [f.name for f in registry.flows_for("userinfo")] == []


def test_token_type_lookup_is_case_insensitive(registry):
    assert registry.token_type("DPoP") is registry.token_type("dpop") is not None


def test_importing_the_plugin_loads_no_jose_library(run_python):
    result = run_python(
        f"""
        import json, sys
        import oauth2core_tokentype_dpop._plugin
        import oauth2core_tokentype_dpop as package
        from oauth2core import OAuth2Client, default_registry
        registry = default_registry()  # entry points: jwt and dpop
        assert "{PLUGIN}" in {{p.module for p in registry.plugins}}, registry.describe()
        client = OAuth2Client(
            "https://as.example.com/token",
            ("id", "secret"),
            authorization_endpoint="https://as.example.com/authorize",
            dpop_bound_access_tokens=True,
        )
        request = client.authorization_request(scope="read")
        light = (package.DPoPNonceCache, package.UseDPoPNonce, package.InvalidDPoPKey)
        before = {{name: name in sys.modules for name in {JOSE!r}}}
        from oauth2core import DPoPKey  # a heavy name: loads on first access
        after = {{name: name in sys.modules for name in {JOSE!r}}}
        print(json.dumps({{"before": before, "after": after, "module": DPoPKey.__module__}}))
        """
    )
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["before"] == dict.fromkeys(JOSE, False)
    assert out["after"] == dict.fromkeys(JOSE, True)
    assert out["module"] == "oauth2core_tokentype_dpop"


def test_from_oauth2core_import_the_dpop_names(registry, install_default):
    install_default(registry)
    from oauth2core import DPoPKey as ExportedKey
    from oauth2core import DPoPToken as ExportedToken

    assert ExportedKey is DPoPKey
    assert ExportedToken is DPoPToken
    assert oauth2core.DPoPTokenSerializer is DPoPTokenSerializer
    assert oauth2core.DPoPNonceCache is DPoPNonceCache
    assert oauth2core.UseDPoPNonce is UseDPoPNonce
    assert oauth2core.InvalidDPoPProof is InvalidDPoPProof
    assert oauth2core.InvalidDPoPKey is InvalidDPoPKey
    assert oauth2core.InvalidDPoPAlg is InvalidDPoPAlg
    assert oauth2core.InvalidDPoPAccessToken is InvalidDPoPAccessToken
    assert "DPoPKey" in dir(oauth2core)


def test_every_exported_name_names_the_dpop_extra_when_missing():
    from oauth2core._extras import FEATURE_EXTRAS
    from oauth2core_tokentype_dpop._plugin import EXPORTS

    assert {name for name in EXPORTS if FEATURE_EXTRAS["export"].get(name) != "dpop"} == set()


def test_the_package_has_no_other_names():
    import oauth2core_tokentype_dpop as package

    with pytest.raises(AttributeError):
        package.NoSuchName  # noqa: B018
    assert set(package.__all__) <= set(dir(package))


def test_without_the_plugin_the_options_name_the_extra(urls):
    bare = registry_from("oauth2core_clientauth_jwt._plugin")
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
        OAuth2Client(urls.token, ("c", "s"), registry=bare, dpop_alg="ES256")
    with OAuth2Client(urls.token, ("c", "s"), registry=bare) as client:
        with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
            client.client_credentials(allow_bearer_downgrade=True)
