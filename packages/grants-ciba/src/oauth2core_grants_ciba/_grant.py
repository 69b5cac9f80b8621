"""The CIBA authentication request, the CIBA grant, and the polling job (CIBA Core, poll mode)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    BaseTokenEndpointPollingJob,
    FeatureNotInstalled,
    UnvalidatedIdToken,
    json_object_or_none,
)

from ._constants import BACKCHANNEL_AUTHENTICATION_ENDPOINT, CIBA_GRANT
from ._errors import BackChannelAuthenticationError, InvalidBackChannelAuthenticationResponse
from ._response import BackChannelAuthenticationResponse

if TYPE_CHECKING:
    import requests

    from oauth2core import OAuth2Client
    from oauth2core.hookspecs import FormData

__all__ = [
    "REQUEST_LIFETIME",
    "BackChannelAuthenticationPollingJob",
    "BackChannelAuthenticationPoolingJob",
    "backchannel_authentication_request",
    "ciba",
]

REQUEST_LIFETIME = 60
"""Seconds a signed authentication request is valid (its ``exp`` is ``iat`` + this)."""

_HINTS = ("login_hint", "login_hint_token", "id_token_hint")
_JWT_CLAIMS = frozenset({"iss", "aud", "iat", "nbf", "exp", "jti"})


def _joined(name: str, value: object) -> str | None:
    """A space-separated list (``scope``, ``acr_values``) from a string or strings."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if all(isinstance(item, str) for item in items):
            return " ".join(items)
    raise TypeError(f"{name} must be a string or an iterable of strings")


def _text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string")
    if not value:
        raise ValueError(f"{name} is empty")
    return value


def _form_value(name: str, value: object) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"parameter {name!r} must not be a boolean")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if items and all(isinstance(item, str) for item in items):
            return items  # a repeated parameter (RFC 8707 §2: resource)
    raise TypeError(f"parameter {name!r} must be a string, a number or a non-empty list of strings")


def backchannel_authentication_request(
    client: OAuth2Client,
    scope: str | Iterable[str] = "openid",
    *,
    login_hint: str | None = None,
    login_hint_token: str | None = None,
    id_token_hint: str | None = None,
    binding_message: str | None = None,
    user_code: str | None = None,
    requested_expiry: int | None = None,
    acr_values: str | Iterable[str] | None = None,
    client_notification_token: str | None = None,
    private_jwk: object = None,
    alg: str | None = None,
    **params: Any,
) -> BackChannelAuthenticationResponse:
    """Ask the server to authenticate a user on their own device (CIBA Core §7.1).

    Sent to the client's ``backchannel_authentication_endpoint`` with its client
    authentication. Poll for the token with :func:`ciba` or a
    :class:`BackChannelAuthenticationPollingJob`.

    :param scope: must contain ``openid`` (CIBA Core §7.1); a string or strings.
    :param login_hint: the user, as the server knows them (exactly one of the hints).
    :param login_hint_token: a token that identifies the user.
    :param id_token_hint: an ID token the server issued for the user.
    :param binding_message: a short text shown on both devices.
    :param user_code: a secret the user knows, when the server asks for one.
    :param requested_expiry: seconds the request should stay valid (a positive integer).
    :param acr_values: requested authentication context classes; a string or strings.
    :param client_notification_token: for ping and push modes (passed through).
    :param private_jwk: sign the request (CIBA Core §7.1.1): every parameter goes into a
        ``request`` JWT signed with this private key (a JWK, a PEM or a key object; needs
        ``pip install oauth2core[jwt]``). The JWT has ``iss`` (the client id), ``aud``
        (the client's issuer), ``iat``, ``nbf``, ``exp`` and ``jti``.
    :param alg: the signing algorithm (default: the key's).
    :param params: extra parameters and declared request options.
    :raises TypeError: not exactly one hint, or an argument of the wrong type.
    :raises ValueError: a scope without ``openid``, an empty hint, a bad expiry.
    :raises MissingEndpointUri: the client has no backchannel authentication endpoint.
    :raises EndpointError: the server refused (``UnknownUserId``,
        ``InvalidBindingMessage``...; :class:`BackChannelAuthenticationError` for other
        CIBA codes).
    :raises InvalidBackChannelAuthenticationResponse: the answer is not a valid response.
    """
    url = client.endpoint(BACKCHANNEL_AUTHENTICATION_ENDPOINT)
    hints = {
        name: _text(name, value)
        for name, value in zip(_HINTS, (login_hint, login_hint_token, id_token_hint), strict=True)
        if value is not None
    }
    if len(hints) != 1:
        raise TypeError(
            f"pass exactly one of login_hint, login_hint_token or id_token_hint (got {len(hints)})"
        )
    scope_value = _joined("scope", scope)
    if scope_value is None or "openid" not in scope_value.split():
        raise ValueError("a CIBA request's scope must contain 'openid' (CIBA Core §7.1)")
    if requested_expiry is not None:
        if isinstance(requested_expiry, bool) or not isinstance(requested_expiry, int):
            raise TypeError("requested_expiry must be an integer number of seconds")
        if requested_expiry <= 0:
            raise ValueError("requested_expiry must be a positive number of seconds")
    options, form = client.split_options(params)
    parameters: dict[str, object] = {
        "scope": scope_value,
        **hints,
        "acr_values": _joined("acr_values", acr_values),
        "binding_message": _text("binding_message", binding_message),
        "user_code": _text("user_code", user_code),
        "requested_expiry": requested_expiry,
        "client_notification_token": _text("client_notification_token", client_notification_token),
        **form,
    }
    parameters = {name: value for name, value in parameters.items() if value is not None}
    data: FormData
    if private_jwk is not None:
        data = {"request": _signed_request(client, parameters, private_jwk, alg)}
    elif alg is not None:
        raise TypeError("alg= applies to signed requests only: pass private_jwk= too")
    else:
        data = {name: _form_value(name, value) for name, value in parameters.items()}
    response = client.send("backchannel_authentication", url, data, options)
    if response.status_code != 200:  # CIBA Core §7.3: 200 OK
        _raise(client, response)
    _raise_for_error_body(client, response)
    return BackChannelAuthenticationResponse.from_response(response, clock=client.clock)


def _raise(client: OAuth2Client, response: requests.Response) -> None:
    client.raise_for_error(
        response,
        "backchannel_authentication",
        InvalidBackChannelAuthenticationResponse,
        BackChannelAuthenticationError,
    )


def _raise_for_error_body(client: OAuth2Client, response: requests.Response) -> None:
    """An error body sent with 200 is still an error."""
    body = json_object_or_none(response)  # anything else is parsed next
    if body is not None and "error" in body and "auth_req_id" not in body:
        _raise(client, response)


def _signed_request(
    client: OAuth2Client, parameters: Mapping[str, object], private_jwk: object, alg: str | None
) -> str:
    """The signed authentication request (CIBA Core §7.1.1): no claim is ever null."""
    try:
        from oauth2core_clientauth_jwt import load_private_key
    except ImportError:
        raise FeatureNotInstalled("private_jwk", "jwt") from None
    taken = sorted(_JWT_CLAIMS & parameters.keys())
    if taken:
        raise ValueError(f"{', '.join(taken)} are claims of the signed request, not parameters")
    client_id = getattr(client.auth, "client_id", None)
    if not isinstance(client_id, str) or not client_id:
        raise ValueError("a signed CIBA request needs the client's client_id (its iss)")
    if not client.issuer:
        raise ValueError("a signed CIBA request needs the client's issuer (its aud)")
    key = load_private_key(private_jwk, alg=alg)
    now = int(client.clock.time())
    claims: dict[str, object] = {
        "iss": client_id,
        "aud": client.issuer,
        "iat": now,
        "nbf": now,
        "exp": now + REQUEST_LIFETIME,
        "jti": secrets.token_urlsafe(24),
        **parameters,
    }
    return key.sign_jwt({name: value for name, value in claims.items() if value is not None})


def ciba(
    client: OAuth2Client,
    auth_req_id: str | BackChannelAuthenticationResponse,
    **params: Any,
) -> Any:
    """Poll the token endpoint once with the CIBA grant (CIBA Core §10.1).

    CIBA tokens always come with an ID token: without a validator installed, pass
    ``id_token_validation=SKIP_ID_TOKEN_VALIDATION`` (checked before the request is sent).

    :param auth_req_id: the ``auth_req_id``, or the
        :class:`BackChannelAuthenticationResponse`.
    :param params: extra form parameters, request options and ``id_token_validation=``.
    :returns: the token.
    :raises AuthorizationPending: the user has not completed the authentication yet.
    :raises SlowDown: poll less often (add 5 seconds to the interval).
    :raises ExpiredToken: the ``auth_req_id`` expired.
    :raises AccessDenied: the user denied the request.
    :raises UnvalidatedIdToken: no ID token validator and no opt-out.
    """
    if isinstance(auth_req_id, BackChannelAuthenticationResponse):
        value = auth_req_id.auth_req_id
    elif isinstance(auth_req_id, str):
        if not auth_req_id:
            raise ValueError("auth_req_id is empty")
        value = auth_req_id
    else:
        raise TypeError("auth_req_id must be a string or a BackChannelAuthenticationResponse")
    params.setdefault("expect_id_token", True)
    return client.grant_request(CIBA_GRANT, auth_req_id=value, **params)


class BackChannelAuthenticationPollingJob(BaseTokenEndpointPollingJob):
    """Polls the token endpoint with an ``auth_req_id`` until the user authenticates.

    Each call waits the interval, polls once and returns the token or None (pending or
    ``slow_down``, which adds ``slow_down_interval`` to the interval); :meth:`run` loops
    until the token. With a :class:`BackChannelAuthenticationResponse`, the job stops with
    :class:`~oauth2core.ExpiredToken` once the request has expired by the client's clock.
    ::

        job = BackChannelAuthenticationPollingJob(
            client, response, id_token_validation=SKIP_ID_TOKEN_VALIDATION
        )
        token = job.run()

    :param client: the OAuth2Client.
    :param auth_req_id: the ``auth_req_id``, or the response.
    :param interval: seconds between polls (default: the response's, else 5).
    :param slow_down_interval: seconds added to the interval on each ``slow_down``.
    :param expires_in: seconds until an ``auth_req_id`` given as a string expires
        (default: the response's expiry).
    :param leeway: consider the request expired this many seconds early.
    :param timeout: give up with :class:`~oauth2core.PollingTimeout` after this many seconds.
    :param cancel: a :class:`threading.Event` that cancels the job
        (:class:`~oauth2core.PollingCancelled`), and ends its waits at once.
    :param sleeper: ``sleeper(seconds)`` waits (default :func:`time.sleep`).
    :param token_kwargs: passed to each ``ciba(...)`` call (``id_token_validation=``...).
    """

    def __init__(
        self,
        client: OAuth2Client,
        auth_req_id: str | BackChannelAuthenticationResponse,
        *,
        interval: float | None = None,
        slow_down_interval: float = 5,
        expires_in: float | None = None,
        leeway: float = 0,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        sleeper: Callable[[float], object] | None = None,
        **token_kwargs: Any,
    ) -> None:
        if isinstance(auth_req_id, BackChannelAuthenticationResponse):
            self.auth_req_id = auth_req_id.auth_req_id
            if interval is None:
                interval = auth_req_id.interval
            if expires_in is None:
                remaining = auth_req_id.remaining()
                expires_in = None if remaining is None else max(remaining, 0.0)
        elif isinstance(auth_req_id, str) and auth_req_id:
            self.auth_req_id = auth_req_id
        else:
            raise TypeError(
                "auth_req_id must be a non-empty string or a BackChannelAuthenticationResponse"
            )
        if (
            "id_token_validation" not in client.registry.provides
            and token_kwargs.get("id_token_validation") is not SKIP_ID_TOKEN_VALIDATION
        ):
            raise UnvalidatedIdToken(None)  # CIBA tokens carry an ID token: fail now
        super().__init__(
            client,
            interval=interval,
            slow_down_interval=slow_down_interval,
            expires_in=expires_in,
            leeway=leeway,
            timeout=timeout,
            cancel=cancel,
            sleeper=sleeper,
            **token_kwargs,
        )

    def token_request(self) -> Any:
        """One CIBA token request."""
        return ciba(self.client, self.auth_req_id, **self.token_kwargs)

    def __repr__(self) -> str:
        return (
            "BackChannelAuthenticationPollingJob(auth_req_id=<redacted>, "
            f"interval={self.interval:g}, slow_down_interval={self.slow_down_interval:g})"
        )


BackChannelAuthenticationPoolingJob = BackChannelAuthenticationPollingJob.deprecated_alias(
    "BackChannelAuthenticationPoolingJob"
)
"""Deprecated: requests_oauth2client's misspelled name of the CIBA polling job."""

for _public in (BackChannelAuthenticationPollingJob, BackChannelAuthenticationPoolingJob):
    _public.__module__ = "oauth2core_grants_ciba"  # tracebacks and reprs name the public package
del _public
