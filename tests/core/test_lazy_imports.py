"""``import oauth2core`` stays light; lazy names resolve on first use (fresh interpreters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import version

import pytest

HEAVY = ("pluggy", "stevedore", "jwskate", "cryptography")


def run(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    env = {**os.environ, "OAUTH2CORE_PLUGINS": ""}  # no entry-point plugin: deterministic
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
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_import_loads_no_heavy_module():
    out = run(
        f"""
        import json, sys
        import oauth2core
        print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))
        """
    )
    assert out == dict.fromkeys(HEAVY, False)


def test_hookimpl_is_lazy():
    out = run(
        """
        import json, sys
        import oauth2core
        before = "pluggy" in sys.modules
        marker = oauth2core.hookimpl
        print(json.dumps({
            "before": before,
            "after": "pluggy" in sys.modules,
            "project": marker.project_name,
            "stevedore": "stevedore" in sys.modules,
        }))
        """
    )
    assert out == {"before": False, "after": True, "project": "oauth2core", "stevedore": False}


def test_version_is_lazy():
    out = run(
        """
        import json, sys
        import oauth2core
        print(json.dumps({"version": oauth2core.__version__, "pluggy": "pluggy" in sys.modules}))
        """
    )
    assert out == {"version": version("oauth2core"), "pluggy": False}


def test_building_a_client_loads_no_jose_library():
    out = run(
        """
        import json, sys
        from oauth2core import OAuth2Client
        with OAuth2Client("https://as.example.com/token", ("id", "secret")) as client:
            pass
        print(json.dumps({name: name in sys.modules for name in ("jwskate", "cryptography")}))
        """
    )
    assert out == {"jwskate": False, "cryptography": False}


@pytest.mark.parametrize(
    ("name", "extra"),
    [("DPoPKey", "dpop"), ("PrivateKeyJwt", "jwt"), ("IdToken", "oidc")],
)
def test_plugin_export_without_its_plugin(name, extra):
    out = run(
        f"""
        import json
        try:
            from oauth2core import {name}
        except ImportError as err:
            import oauth2core
            print(json.dumps({{
                "type": type(err).__name__,
                "feature_import_error": isinstance(err, oauth2core.FeatureImportError),
                "oauth2_error": isinstance(err, oauth2core.OAuth2Error),
                "extra": err.extra,
                "message": str(err),
            }}))
        else:
            print(json.dumps({{"type": None}}))
        """
    )
    assert out["type"] == "FeatureImportError"
    assert out["feature_import_error"] is True
    assert out["oauth2_error"] is True
    assert out["extra"] == extra
    assert f"oauth2core[{extra}]" in str(out["message"])


def test_unknown_name_is_an_attribute_error():
    out = run(
        """
        import json
        import oauth2core
        try:
            oauth2core.NoSuchName
        except AttributeError as err:
            print(json.dumps({"type": type(err).__name__, "message": str(err)}))
        """
    )
    assert out["type"] == "AttributeError"
    assert "NoSuchName" in str(out["message"])


def test_public_submodules():
    out = run(
        """
        import json, sys
        from oauth2core import hookspecs
        import oauth2core
        print(json.dumps({
            "hookspecs": hookspecs.__name__,
            "testing": oauth2core.testing.__name__,
            "has_spec": hasattr(hookspecs, "register_grants"),
        }))
        """
    )
    assert out == {
        "hookspecs": "oauth2core.hookspecs",
        "testing": "oauth2core.testing",
        "has_spec": True,
    }


def test_private_names_are_not_resolved_through_plugins():
    out = run(
        """
        import json, sys
        import oauth2core
        try:
            oauth2core._not_there
        except AttributeError:
            ok = True
        print(json.dumps({"ok": ok, "pluggy": "pluggy" in sys.modules}))
        """
    )
    assert out == {"ok": True, "pluggy": False}
