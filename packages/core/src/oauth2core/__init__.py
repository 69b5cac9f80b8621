"""oauth2core: an extensible OAuth 2.x and OpenID Connect client built on requests.

Names provided by plugins (``PrivateKeyJwt``, ``DPoPKey``...) resolve lazily through the
plugin registry; ``hookimpl`` and ``__version__`` are lazy too, so importing oauth2core
loads neither pluggy nor stevedore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._api_client import ApiClient, InvalidPathParam
from ._auth import (
    NonRenewableTokenError,
    OAuth2AccessTokenAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2ResourceOwnerPasswordAuth,
)
from ._authorization import (
    AuthorizationRequest,
    AuthorizationRequestSerializer,
    AuthorizationResponse,
    PkceUtils,
    RequestUriParameterAuthorizationRequest,
)
from ._client import OAuth2Client, json_object, json_object_or_none, validate_endpoint
from ._client_auth import (
    BaseClientAuthenticationMethod,
    ClientSecretBasic,
    ClientSecretPost,
    PublicApp,
)
from ._clock import SYSTEM_CLOCK, Clock
from ._discovery import (
    oauth2_discovery_document_url,
    oidc_discovery_document_url,
    well_known_uri,
)
from ._errors import (
    AccessDenied,
    AccountSelectionRequired,
    AuthorizationPending,
    AuthorizationResponseError,
    ConfigurationError,
    ConsentRequired,
    EndpointError,
    ExpiredToken,
    FeatureImportError,
    FeatureNotInstalled,
    InteractionRequired,
    IntrospectionError,
    InvalidAuthorizationResponse,
    InvalidClient,
    InvalidDiscoveryDocument,
    InvalidGrant,
    InvalidRequest,
    InvalidResponse,
    InvalidScope,
    InvalidTarget,
    InvalidTokenResponse,
    LoginRequired,
    MismatchingIssuer,
    MismatchingState,
    MissingAuthCode,
    MissingEndpointUri,
    MissingIssuer,
    OAuth2Error,
    PluginConflictError,
    PluginContractError,
    PluginError,
    PluginLoadError,
    RequestTimeout,
    ResponseTooLarge,
    RevocationError,
    ServerError,
    SessionSelectionRequired,
    SlowDown,
    TemporarilyUnavailable,
    TransportError,
    UnauthorizedClient,
    UnexpectedRedirect,
    UnsupportedGrantType,
    UnsupportedTokenType,
    UnvalidatedIdToken,
    UserinfoError,
)
from ._expiry import Expiring, parse_seconds
from ._extras import extra_for
from ._http import DEFAULT_MAX_RESPONSE_SIZE, fetch_document
from ._lazy import lazy_attributes
from ._polling import (
    BaseTokenEndpointPollingJob,
    BaseTokenEndpointPoolingJob,
    PollingCancelled,
    PollingTimeout,
)
from ._retry import RetryPolicy, retry_after
from ._sentinels import SKIP_ID_TOKEN_VALIDATION
from ._token_store import MemoryTokenStore, TokenStore
from ._tokens import (
    BearerAuth,
    BearerToken,
    ExpiredAccessToken,
    IssuedToken,
    TokenSerializer,
)

if TYPE_CHECKING:
    import pluggy

    from ._plugins import build_registry, default_registry, plugins
    from ._registry import PluginInfo, Registry

    hookimpl: pluggy.HookimplMarker
    __version__: str

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "SKIP_ID_TOKEN_VALIDATION",
    "SYSTEM_CLOCK",
    "AccessDenied",
    "AccountSelectionRequired",
    "ApiClient",
    "AuthorizationPending",
    "AuthorizationRequest",
    "AuthorizationRequestSerializer",
    "AuthorizationResponse",
    "AuthorizationResponseError",
    "BaseClientAuthenticationMethod",
    "BaseTokenEndpointPollingJob",
    "BaseTokenEndpointPoolingJob",
    "BearerAuth",
    "BearerToken",
    "ClientSecretBasic",
    "ClientSecretPost",
    "Clock",
    "ConfigurationError",
    "ConsentRequired",
    "EndpointError",
    "ExpiredAccessToken",
    "ExpiredToken",
    "Expiring",
    "FeatureImportError",
    "FeatureNotInstalled",
    "InteractionRequired",
    "IntrospectionError",
    "InvalidAuthorizationResponse",
    "InvalidClient",
    "InvalidDiscoveryDocument",
    "InvalidGrant",
    "InvalidPathParam",
    "InvalidRequest",
    "InvalidResponse",
    "InvalidScope",
    "InvalidTarget",
    "InvalidTokenResponse",
    "IssuedToken",
    "LoginRequired",
    "MemoryTokenStore",
    "MismatchingIssuer",
    "MismatchingState",
    "MissingAuthCode",
    "MissingEndpointUri",
    "MissingIssuer",
    "NonRenewableTokenError",
    "OAuth2AccessTokenAuth",
    "OAuth2AuthorizationCodeAuth",
    "OAuth2Client",
    "OAuth2ClientCredentialsAuth",
    "OAuth2Error",
    "OAuth2ResourceOwnerPasswordAuth",
    "PkceUtils",
    "PluginConflictError",
    "PluginContractError",
    "PluginError",
    "PluginInfo",
    "PluginLoadError",
    "PollingCancelled",
    "PollingTimeout",
    "PublicApp",
    "Registry",
    "RequestTimeout",
    "RequestUriParameterAuthorizationRequest",
    "ResponseTooLarge",
    "RetryPolicy",
    "RevocationError",
    "ServerError",
    "SessionSelectionRequired",
    "SlowDown",
    "TemporarilyUnavailable",
    "TokenSerializer",
    "TokenStore",
    "TransportError",
    "UnauthorizedClient",
    "UnexpectedRedirect",
    "UnsupportedGrantType",
    "UnsupportedTokenType",
    "UnvalidatedIdToken",
    "UserinfoError",
    "__version__",
    "build_registry",
    "default_registry",
    "fetch_document",
    "hookimpl",
    "json_object",
    "json_object_or_none",
    "lazy_attributes",
    "oauth2_discovery_document_url",
    "oidc_discovery_document_url",
    "parse_seconds",
    "plugins",
    "retry_after",
    "validate_endpoint",
    "well_known_uri",
]


_PUBLIC_SUBMODULES = frozenset({"hookspecs", "testing"})

_LAZY_CORE = {
    "build_registry": "_plugins",
    "default_registry": "_plugins",
    "plugins": "_plugins",
    "PluginInfo": "_registry",
    "Registry": "_registry",
}
"""Core names whose modules load pluggy's world (the registry): imported on first use."""


def __getattr__(name: str) -> Any:
    """Lazy names: ``hookimpl``, ``__version__``, and names exported by plugins."""
    if name == "hookimpl":
        from ._markers import hookimpl

        return hookimpl
    if name == "__version__":
        from importlib.metadata import version

        return version("oauth2core")
    if name in _PUBLIC_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_CORE:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY_CORE[name]}", __name__), name)
        if isinstance(value, type):
            value.__module__ = __name__
        globals()[name] = value
        return value
    if name.startswith("_"):
        raise AttributeError(name)
    from ._plugins import default_registry

    export = default_registry().exports.get(name)
    if export is not None:
        import importlib

        module, _, attribute = export.target.partition(":")
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    if extra := extra_for("export", name):
        raise FeatureImportError(name, extra)
    raise AttributeError(f"module 'oauth2core' has no attribute {name!r}")


def __dir__() -> list[str]:
    from ._plugins import default_registry

    return sorted({*__all__, *default_registry().exports})


def _publish() -> None:
    """Show the public module in reprs and tracebacks (``oauth2core.InvalidGrant``)."""
    for name in __all__:
        value = globals().get(name)
        if isinstance(value, type) and value.__module__.startswith("oauth2core._"):
            value.__module__ = __name__


_publish()
