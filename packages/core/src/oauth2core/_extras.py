"""Which ``oauth2core`` extra provides a first-party feature.

Core imports nothing of its plugins: this small table only lets a call to an absent
feature fail closed with an error that says what to install.
"""

from __future__ import annotations

from types import MethodType
from typing import TYPE_CHECKING, Any, Literal

from ._errors import FeatureNotInstalled

if TYPE_CHECKING:
    from ._registry import Registry

__all__ = ["FEATURE_EXTRAS", "extra_for", "plugin_method"]

FEATURE_EXTRAS: dict[str, dict[str, str]] = {
    "method": {
        "authorize_device": "device",
        "device_code": "device",
        "backchannel_authentication_request": "ciba",
        "ciba": "ciba",
        "jwt_bearer": "jwt",
        "end_session_url": "oidc",
        "decode_endpoint_response": "oidc",
        "sign": "oidc",
        "sign_and_encrypt": "oidc",
    },
    "keyword": {
        "private_key": "jwt",
        "private_jwk": "jwt",
        "id_token_signed_response_alg": "oidc",
        "id_token_encrypted_response_alg": "oidc",
        "id_token_encrypted_response_enc": "oidc",
        "userinfo_signed_response_alg": "oidc",
        "userinfo_encrypted_response_alg": "oidc",
        "userinfo_encrypted_response_enc": "oidc",
        "authorization_signed_response_alg": "oidc",
        "authorization_encrypted_response_alg": "oidc",
        "authorization_encrypted_response_enc": "oidc",
        "introspection_signed_response_alg": "oidc",
        "introspection_encrypted_response_alg": "oidc",
        "introspection_encrypted_response_enc": "oidc",
        "authorization_server_jwks": "oidc",
        "decryption_keys": "oidc",
        "id_token_decryption_key": "oidc",
        "clock_skew": "oidc",
        "dpop_bound_access_tokens": "dpop",
        "dpop_alg": "dpop",
    },
    "option": {"dpop": "dpop", "dpop_key": "dpop", "allow_bearer_downgrade": "dpop"},
    "export": {
        "ClientSecretJwt": "jwt",
        "PrivateKeyJwt": "jwt",
        "BaseClientAssertionAuthenticationMethod": "jwt",
        "OAuth2JwtBearerAuth": "jwt",
        "InvalidClientAssertionSigningKeyOrAlg": "jwt",
        "InvalidKey": "jwt",
        "SigningKey": "jwt",
        "VerificationKey": "jwt",
        "load_private_key": "jwt",
        "load_public_key": "jwt",
        "load_secret_key": "jwt",
        "DeviceAuthorizationResponse": "device",
        "DeviceAuthorizationPollingJob": "device",
        "DeviceAuthorizationPoolingJob": "device",
        "DeviceAuthorizationError": "device",
        "InvalidDeviceAuthorizationResponse": "device",
        "OAuth2DeviceCodeAuth": "device",
        "render_user_instructions": "device",
        "BackChannelAuthenticationResponse": "ciba",
        "BackChannelAuthenticationPollingJob": "ciba",
        "BackChannelAuthenticationPoolingJob": "ciba",
        "BackChannelAuthenticationError": "ciba",
        "InvalidBackChannelAuthenticationResponse": "ciba",
        "ExpiredLoginHintToken": "ciba",
        "UnknownUserId": "ciba",
        "MissingUserCode": "ciba",
        "InvalidUserCode": "ciba",
        "InvalidBindingMessage": "ciba",
        "Auth0Client": "auth0",
        "Auth0ManagementApiClient": "auth0",
        "DPoPKey": "dpop",
        "DPoPToken": "dpop",
        "DPoPTokenSerializer": "dpop",
        "DPoPNonceCache": "dpop",
        "UseDPoPNonce": "dpop",
        "InvalidDPoPKey": "dpop",
        "InvalidDPoPAlg": "dpop",
        "InvalidDPoPProof": "dpop",
        "InvalidDPoPAccessToken": "dpop",
        "IdToken": "oidc",
        "validate_id_token": "oidc",
        "Jwks": "oidc",
        "RequestParameterAuthorizationRequest": "oidc",
        "sign_request": "oidc",
        "sign_and_encrypt_request": "oidc",
        "validate_jarm_response": "oidc",
        "decode_endpoint_response": "oidc",
        "end_session_url": "oidc",
        "token_hash": "oidc",
        "ValidationCode": "oidc",
        "JwtValidationError": "oidc",
        "InvalidIdToken": "oidc",
        "MissingIdToken": "oidc",
        "MalformedIdToken": "oidc",
        "InvalidIdTokenEncryption": "oidc",
        "MismatchingIdTokenAlg": "oidc",
        "UnknownIdTokenKey": "oidc",
        "InvalidIdTokenSignature": "oidc",
        "MissingIdTokenClaim": "oidc",
        "MismatchingIdTokenIssuer": "oidc",
        "MismatchingIdTokenAudience": "oidc",
        "MismatchingIdTokenAzp": "oidc",
        "MismatchingIdTokenNonce": "oidc",
        "MismatchingIdTokenAcr": "oidc",
        "MismatchingIdTokenAuthTime": "oidc",
        "MismatchingIdTokenAtHash": "oidc",
        "MismatchingIdTokenCHash": "oidc",
        "MismatchingIdTokenSHash": "oidc",
        "ExpiredIdToken": "oidc",
        "IdTokenNotYetValid": "oidc",
        "MismatchingRefreshedIdToken": "oidc",
        "InvalidJarmResponse": "oidc",
        "InvalidUserinfoResponse": "oidc",
        "MismatchingUserinfoSubject": "oidc",
        "InvalidJwtIntrospectionResponse": "oidc",
        "InvalidJwksResponse": "oidc",
        "InvalidRequestObject": "oidc",
        "InvalidRequestUri": "oidc",
        "RequestNotSupported": "oidc",
        "RequestUriNotSupported": "oidc",
    },
    "client_auth_method": {"client_secret_jwt": "jwt", "private_key_jwt": "jwt"},
    "token_type": {"dpop": "dpop"},
    "vendor_profile": {"auth0": "auth0"},
    "response_mode": {
        "jwt": "oidc",
        "query.jwt": "oidc",
        "fragment.jwt": "oidc",
        "form_post.jwt": "oidc",
    },
}
"""Kind of name -> name -> extra."""


def extra_for(kind: str, name: str) -> str | None:
    """The extra that provides ``name`` of ``kind``, or None if no first-party plugin does."""
    return FEATURE_EXTRAS[kind].get(name.lower() if kind == "token_type" else name)


def plugin_method(
    obj: object, name: str, target: Literal["client", "authorization_request"]
) -> Any:
    """``obj.name`` from the methods plugins registered for ``target``, bound to ``obj``.

    Shared by the ``__getattr__`` of OAuth2Client and AuthorizationRequest: a name of an
    absent first-party feature raises :class:`FeatureNotInstalled` naming its extra; any
    other unknown name an :class:`AttributeError` that lists disabled plugins.
    """
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        registry: Registry = object.__getattribute__(obj, "registry")
    except AttributeError:  # during __init__, before the registry is set
        raise AttributeError(name) from None
    method = registry.client_method(name, target)
    if method is not None:
        return MethodType(method.function, obj)
    if extra := extra_for("method", name):
        raise FeatureNotInstalled(name, extra)
    owner = type(obj).__name__
    message = f"{owner!r} object has no attribute {name!r}: no enabled plugin provides it"
    if registry.disabled:
        names = ", ".join(repr(n) for n in registry.disabled)
        message += (
            f" (installed but disabled: {names}; see OAUTH2CORE_PLUGINS and "
            "OAUTH2CORE_DISABLE_PLUGINS)"
        )
    raise AttributeError(message)
