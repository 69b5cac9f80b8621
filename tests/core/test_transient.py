"""Every error class answers ``transient`` as documented: may the same request succeed later?

The walk covers core's tree and the classes of every installed plugin (its exports and
registered error codes). A class nobody documented here fails the first test, so a new
error class must state whether it is transient.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

import oauth2core
from oauth2core import (
    AuthorizationResponseError,
    EndpointError,
    InvalidResponse,
    OAuth2Error,
    TransportError,
)
from oauth2core._flows import transport_error

# How each class answers ``transient``:
STATUS = "status"  # True on 5xx and 429, False otherwise (the server decides by its status)
ALWAYS = "always"  # True: the code says the condition passes (slow_down, server_error...)
NEVER = "never"  # False: repeating the same request gives the same failure
FLAG = "flag"  # transport failures: timeouts and broken connections yes, TLS and URL no
REDIRECT_CODE = "redirect-code"  # authorization errors: server_error/temporarily_unavailable

EXPECTED: dict[str, str] = {
    # core
    "oauth2core.OAuth2Error": NEVER,
    "oauth2core.PluginError": NEVER,
    "oauth2core.PluginLoadError": NEVER,
    "oauth2core.PluginConflictError": NEVER,
    "oauth2core.PluginContractError": NEVER,
    "oauth2core.FeatureNotInstalled": NEVER,
    "oauth2core.FeatureImportError": NEVER,
    "oauth2core.ConfigurationError": NEVER,
    "oauth2core.MissingEndpointUri": NEVER,
    "oauth2core.TransportError": FLAG,
    "oauth2core.RequestTimeout": FLAG,
    "oauth2core.PollingCancelled": NEVER,
    "oauth2core.PollingTimeout": NEVER,
    "oauth2core.NonRenewableTokenError": NEVER,
    "oauth2core.ExpiredAccessToken": NEVER,
    "oauth2core.InvalidResponse": STATUS,
    "oauth2core.InvalidTokenResponse": STATUS,
    "oauth2core.InvalidDiscoveryDocument": STATUS,
    "oauth2core.ResponseTooLarge": STATUS,
    "oauth2core.UnexpectedRedirect": STATUS,
    "oauth2core.UnvalidatedIdToken": NEVER,
    "oauth2core.AuthorizationResponseError": REDIRECT_CODE,
    "oauth2core.InteractionRequired": REDIRECT_CODE,
    "oauth2core.LoginRequired": REDIRECT_CODE,
    "oauth2core.AccountSelectionRequired": REDIRECT_CODE,
    "oauth2core.SessionSelectionRequired": REDIRECT_CODE,
    "oauth2core.ConsentRequired": REDIRECT_CODE,
    "oauth2core.InvalidAuthorizationResponse": NEVER,
    "oauth2core.MismatchingState": NEVER,
    "oauth2core.MissingAuthCode": NEVER,
    "oauth2core.MissingIssuer": NEVER,
    "oauth2core.MismatchingIssuer": NEVER,
    "oauth2core.EndpointError": STATUS,
    "oauth2core.InvalidRequest": STATUS,
    "oauth2core.InvalidClient": STATUS,
    "oauth2core.InvalidGrant": STATUS,
    "oauth2core.UnauthorizedClient": STATUS,
    "oauth2core.UnsupportedGrantType": STATUS,
    "oauth2core.InvalidScope": STATUS,
    "oauth2core.InvalidTarget": STATUS,
    "oauth2core.AccessDenied": STATUS,
    "oauth2core.ServerError": ALWAYS,
    "oauth2core.TemporarilyUnavailable": ALWAYS,
    "oauth2core.AuthorizationPending": ALWAYS,
    "oauth2core.SlowDown": ALWAYS,
    "oauth2core.ExpiredToken": STATUS,
    "oauth2core.RevocationError": STATUS,
    "oauth2core.UnsupportedTokenType": STATUS,
    "oauth2core.IntrospectionError": STATUS,
    "oauth2core.UserinfoError": STATUS,
    # oauth2core[device]
    "oauth2core_grants_device.DeviceAuthorizationError": STATUS,
    "oauth2core_grants_device.InvalidDeviceAuthorizationResponse": STATUS,
    # oauth2core[ciba]
    "oauth2core_grants_ciba.BackChannelAuthenticationError": STATUS,
    "oauth2core_grants_ciba.ExpiredLoginHintToken": STATUS,
    "oauth2core_grants_ciba.UnknownUserId": STATUS,
    "oauth2core_grants_ciba.MissingUserCode": STATUS,
    "oauth2core_grants_ciba.InvalidUserCode": STATUS,
    "oauth2core_grants_ciba.InvalidBindingMessage": STATUS,
    "oauth2core_grants_ciba.InvalidBackChannelAuthenticationResponse": STATUS,
    # oauth2core[dpop]: the nonce retry already happened when UseDPoPNonce surfaces
    "oauth2core_tokentype_dpop.InvalidDPoPProof": STATUS,
    "oauth2core_tokentype_dpop.UseDPoPNonce": STATUS,
    # oauth2core[auth0]
    "oauth2core_vendor_auth0.TooManyRequests": ALWAYS,
    "oauth2core_vendor_auth0.Auth0ManagementApiError": STATUS,
    "oauth2core_vendor_auth0.Auth0ManagementApiTooManyRequests": STATUS,
    # oauth2core[oidc]: a JWT that fails a check fails it again
    "oauth2core_oidc.JwtValidationError": NEVER,
    "oauth2core_oidc.InvalidIdToken": NEVER,
    "oauth2core_oidc.MissingIdToken": NEVER,
    "oauth2core_oidc.MalformedIdToken": NEVER,
    "oauth2core_oidc.InvalidIdTokenEncryption": NEVER,
    "oauth2core_oidc.MismatchingIdTokenAlg": NEVER,
    "oauth2core_oidc.UnknownIdTokenKey": NEVER,
    "oauth2core_oidc.InvalidIdTokenSignature": NEVER,
    "oauth2core_oidc.MissingIdTokenClaim": NEVER,
    "oauth2core_oidc.MismatchingIdTokenIssuer": NEVER,
    "oauth2core_oidc.MismatchingIdTokenAudience": NEVER,
    "oauth2core_oidc.MismatchingIdTokenAzp": NEVER,
    "oauth2core_oidc.MismatchingIdTokenNonce": NEVER,
    "oauth2core_oidc.MismatchingIdTokenAcr": NEVER,
    "oauth2core_oidc.MismatchingIdTokenAuthTime": NEVER,
    "oauth2core_oidc.MismatchingIdTokenAtHash": NEVER,
    "oauth2core_oidc.MismatchingIdTokenCHash": NEVER,
    "oauth2core_oidc.MismatchingIdTokenSHash": NEVER,
    "oauth2core_oidc.ExpiredIdToken": NEVER,
    "oauth2core_oidc.IdTokenNotYetValid": NEVER,
    "oauth2core_oidc.MismatchingRefreshedIdToken": NEVER,
    "oauth2core_oidc.InvalidJarmResponse": NEVER,
    "oauth2core_oidc.InvalidUserinfoResponse": NEVER,
    "oauth2core_oidc.MismatchingUserinfoSubject": NEVER,
    "oauth2core_oidc.InvalidJwtIntrospectionResponse": NEVER,
    "oauth2core_oidc.InvalidJwksResponse": STATUS,
    "oauth2core_oidc.InvalidRequestObject": REDIRECT_CODE,
    "oauth2core_oidc.InvalidRequestUri": REDIRECT_CODE,
    "oauth2core_oidc.RequestNotSupported": REDIRECT_CODE,
    "oauth2core_oidc.RequestUriNotSupported": REDIRECT_CODE,
}


def _installed_packages() -> set[str]:
    """Import every installed plugin's classes; the top-level packages that provide them."""
    registry = oauth2core.build_registry(entry_points=True)
    packages = {"oauth2core"}
    for plugin in registry.plugins:
        importlib.import_module(plugin.module)
        packages.add(plugin.module.split(".")[0])
    for export in registry.exports.values():
        module, _, attribute = export.target.partition(":")
        getattr(importlib.import_module(module), attribute)
    for cls in registry.error_codes.values():
        packages.add(cls.__module__.split(".")[0])
    return packages


def _tree(root: type) -> Iterator[type]:
    sub: type
    for sub in root.__subclasses__():
        yield sub
        yield from _tree(sub)


def _key(cls: type) -> str:
    return f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


def error_classes() -> dict[str, type[OAuth2Error]]:
    """The public classes of the tree defined by oauth2core and its installed plugins."""
    packages = _installed_packages()
    return {
        _key(cls): cls
        for cls in [OAuth2Error, *_tree(OAuth2Error)]
        if cls.__module__.split(".")[0] in packages and not cls.__name__.startswith("_")
    }


CLASSES = error_classes()


def test_every_error_class_has_a_documented_expectation():
    undocumented = sorted(CLASSES.keys() - EXPECTED.keys())
    assert undocumented == [], "say in EXPECTED whether these are transient"
    assert {"oauth2core.InvalidGrant", "oauth2core.SlowDown"} <= CLASSES.keys()


def answer(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers["Content-Type"] = "application/json"
    response._content = b'{"error": "x"}'
    return response


def build(cls: Any, status: int, code: str = "some_code") -> Any:
    """An instance of ``cls`` for an answer with ``status`` (when it carries one)."""
    response = answer(status)
    special: dict[str, Callable[[], Any]] = {
        "ResponseTooLarge": lambda: cls("token", 10, response),
        "UnexpectedRedirect": lambda: cls("redirected", response, endpoint="token", location=None),
        "PluginLoadError": lambda: cls("ep", None, RuntimeError("x")),
        "PluginConflictError": lambda: cls(("grant", "x"), "a", "b"),
        "PluginContractError": lambda: cls("plugin", "broken"),
        "FeatureNotInstalled": lambda: cls("device_code", "device"),
        "FeatureImportError": lambda: cls("DPoPKey", "dpop"),
        "MissingEndpointUri": lambda: cls("revocation_endpoint"),
        "UnvalidatedIdToken": lambda: cls(response),
    }
    if cls.__name__ in special:
        instance: OAuth2Error = special[cls.__name__]()
        return instance
    parameters = list(inspect.signature(cls.__init__).parameters)[1:]
    if issubclass(cls, EndpointError):
        return cls(response, code)
    if issubclass(cls, AuthorizationResponseError):
        return cls(None, code)
    if issubclass(cls, InvalidResponse):
        return cls("bad answer", response)
    if parameters[:1] == ["response"]:  # Auth0ManagementApiError
        return cls(response)
    return cls("failed")


CASES = sorted((name, rule) for name, rule in EXPECTED.items() if name in CLASSES and rule != FLAG)


@pytest.mark.parametrize(("name", "rule"), CASES, ids=[name for name, _ in CASES])
def test_transient_as_documented(name: str, rule: str):
    cls = CLASSES[name]
    for status in (400, 401, 403, 404, 429, 500, 502, 503, 504):
        if rule == REDIRECT_CODE:
            for code in ("server_error", "temporarily_unavailable"):
                assert build(cls, status, code).transient is True
            for code in ("access_denied", "login_required", "invalid_request_uri"):
                assert build(cls, status, code).transient is False
            continue
        expected = {
            STATUS: status >= 500 or status == 429,
            ALWAYS: True,
            NEVER: False,
        }[rule]
        assert build(cls, status).transient is expected, status


@pytest.mark.parametrize(
    ("failure", "transient"),
    [
        (requests.ConnectionError("refused"), True),
        (requests.ConnectTimeout("connect"), True),
        (requests.ReadTimeout("read"), True),
        (requests.exceptions.ChunkedEncodingError("broken"), True),
        (requests.exceptions.SSLError("certificate verify failed"), False),
        (requests.exceptions.InvalidURL("bad"), False),
        (requests.exceptions.InvalidHeader("bad"), False),
        (requests.exceptions.TooManyRedirects("loop"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_transport_failures(failure: requests.RequestException, transient: bool):
    error = transport_error(failure, None)
    assert isinstance(error, TransportError)
    assert _key(type(error)) in EXPECTED
    assert error.transient is transient


def test_the_transient_codes_say_so_whatever_the_status():
    for name in ("SlowDown", "AuthorizationPending", "ServerError", "TemporarilyUnavailable"):
        assert getattr(oauth2core, name).code_transient is True
    assert EndpointError.code_transient is None
