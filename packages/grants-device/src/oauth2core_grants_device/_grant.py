"""The device authorization request, the device code grant, and the polling job (RFC 8628)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    BaseTokenEndpointPollingJob,
    UnvalidatedIdToken,
    json_object_or_none,
)

from ._constants import DEVICE_AUTHORIZATION_ENDPOINT, DEVICE_CODE_GRANT
from ._errors import DeviceAuthorizationError, InvalidDeviceAuthorizationResponse
from ._response import DeviceAuthorizationResponse

if TYPE_CHECKING:
    import requests

    from oauth2core import OAuth2Client
    from oauth2core.hookspecs import FormData

__all__ = [
    "DeviceAuthorizationPollingJob",
    "DeviceAuthorizationPoolingJob",
    "authorize_device",
    "device_code",
]


def _form_value(name: str, value: object) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"form parameter {name!r} must not be a boolean")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if items and all(isinstance(item, str) for item in items):
            return items  # a repeated parameter (RFC 8707 §2: resource)
    raise TypeError(
        f"form parameter {name!r} must be a string, a number or a non-empty list of strings"
    )


def _scope(scope: object) -> str | None:
    if scope is None or isinstance(scope, str):
        return scope
    if isinstance(scope, Iterable) and not isinstance(scope, bytes | Mapping):
        items = list(scope)
        if all(isinstance(item, str) for item in items):
            return " ".join(items)
    raise TypeError("scope must be a string or an iterable of strings")


def authorize_device(
    client: OAuth2Client, *, scope: str | Iterable[str] | None = None, **params: Any
) -> DeviceAuthorizationResponse:
    """Start a device authorization (RFC 8628 §3.1): the codes to show the user.

    Sent to the client's ``device_authorization_endpoint`` with its client
    authentication (a public client sends its ``client_id``).

    :param client: the OAuth2Client.
    :param scope: the scope, as a string or an iterable of strings. With ``openid`` the
        token response will carry an ID token, so the device code grant then expects one.
    :param params: extra form parameters (``resource=``...) and declared request options.
    :raises MissingEndpointUri: the client has no device authorization endpoint.
    :raises EndpointError: the server refused (``InvalidClient``, ``InvalidScope``...;
        :class:`DeviceAuthorizationError` for other codes).
    :raises InvalidDeviceAuthorizationResponse: the answer is not a valid response.
    :raises TransportError: the request did not complete.
    """
    url = client.endpoint(DEVICE_AUTHORIZATION_ENDPOINT)
    options, form = client.split_options(params)
    requested_scope = _scope(scope)
    data: FormData = {
        name: _form_value(name, value)
        for name, value in {"scope": requested_scope, **form}.items()
        if value is not None
    }
    response = client.send("device_authorization", url, data, options)
    if response.status_code != 200:  # RFC 8628 §3.2: 200 OK
        client.raise_for_error(
            response,
            "device_authorization",
            InvalidDeviceAuthorizationResponse,
            DeviceAuthorizationError,
        )
    _raise_for_error_body(client, response)
    result = DeviceAuthorizationResponse.from_response(response, clock=client.clock)
    result.requested_scope = requested_scope
    return result


def _raise_for_error_body(client: OAuth2Client, response: requests.Response) -> None:
    """An error body sent with 200 is still an error."""
    body = json_object_or_none(response)  # anything else is parsed next
    if body is not None and "error" in body and "device_code" not in body:
        client.raise_for_error(
            response,
            "device_authorization",
            InvalidDeviceAuthorizationResponse,
            DeviceAuthorizationError,
        )


def device_code(
    client: OAuth2Client, device_code: str | DeviceAuthorizationResponse, **params: Any
) -> Any:
    """Poll the token endpoint once with the device code grant (RFC 8628 §3.4).

    :param device_code: the device code, or the :class:`DeviceAuthorizationResponse`
        (whose requested ``openid`` scope tells that an ID token will come).
    :param params: extra form parameters and request options, and
        ``id_token_validation=SKIP_ID_TOKEN_VALIDATION`` to accept an ID token without a
        validator installed.
    :returns: the token.
    :raises AuthorizationPending: the user has not completed the authorization yet.
    :raises SlowDown: poll less often (add 5 seconds to the interval).
    :raises ExpiredToken: the device code expired.
    :raises AccessDenied: the user denied the authorization.
    """
    if isinstance(device_code, DeviceAuthorizationResponse):
        if "openid" in (device_code.requested_scope or "").split():
            params.setdefault("expect_id_token", True)
        value = device_code.device_code
    elif isinstance(device_code, str):
        if not device_code:
            raise ValueError("device_code is empty")
        value = device_code
    else:
        raise TypeError("device_code must be a string or a DeviceAuthorizationResponse")
    return client.grant_request(DEVICE_CODE_GRANT, device_code=value, **params)


class DeviceAuthorizationPollingJob(BaseTokenEndpointPollingJob):
    """Polls the token endpoint with a device code until the user completes the authorization.

    Each call waits the interval, polls once and returns the token or None (pending or
    ``slow_down``, which adds ``slow_down_interval`` to the interval); :meth:`run` loops
    until the token. With a :class:`DeviceAuthorizationResponse`, the job stops with
    :class:`~oauth2core.ExpiredToken` once the code has expired by the client's clock.
    ::

        job = DeviceAuthorizationPollingJob(client, response)
        token = job.run()

    :param client: the OAuth2Client.
    :param device_code: the device code, or the :class:`DeviceAuthorizationResponse`.
    :param interval: seconds between polls (default: the response's, else 5).
    :param slow_down_interval: seconds added to the interval on each ``slow_down``.
    :param expires_in: seconds until a device code given as a string expires (default:
        the response's expiry).
    :param leeway: consider the code expired this many seconds early.
    :param timeout: give up with :class:`~oauth2core.PollingTimeout` after this many seconds.
    :param cancel: a :class:`threading.Event` that cancels the job
        (:class:`~oauth2core.PollingCancelled`), and ends its waits at once.
    :param sleeper: ``sleeper(seconds)`` waits (default :func:`time.sleep`).
    :param token_kwargs: passed to each ``device_code(...)`` call
        (``id_token_validation=``...).
    """

    def __init__(
        self,
        client: OAuth2Client,
        device_code: str | DeviceAuthorizationResponse,
        interval: float | None = None,
        slow_down_interval: float = 5,
        *,
        expires_in: float | None = None,
        leeway: float = 0,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        sleeper: Callable[[float], object] | None = None,
        **token_kwargs: Any,
    ) -> None:
        if isinstance(device_code, DeviceAuthorizationResponse):
            self.response: DeviceAuthorizationResponse | None = device_code
            self.device_code = device_code.device_code
            if interval is None:
                interval = device_code.interval
            if expires_in is None:
                remaining = device_code.remaining()
                expires_in = None if remaining is None else max(remaining, 0.0)
        elif isinstance(device_code, str) and device_code:
            self.response = None
            self.device_code = device_code
        else:
            raise TypeError(
                "device_code must be a non-empty string or a DeviceAuthorizationResponse"
            )
        if (
            self.response is not None
            and "openid" in (self.response.requested_scope or "").split()
            and "id_token_validation" not in client.registry.provides
            and token_kwargs.get("id_token_validation") is not SKIP_ID_TOKEN_VALIDATION
        ):
            raise UnvalidatedIdToken(None)  # fail now, not after the first wait
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
        """One device code token request."""
        code = self.response if self.response is not None else self.device_code
        return device_code(self.client, code, **self.token_kwargs)

    def __repr__(self) -> str:
        return (
            f"DeviceAuthorizationPollingJob(device_code=<redacted>, interval={self.interval:g}, "
            f"slow_down_interval={self.slow_down_interval:g})"
        )


DeviceAuthorizationPoolingJob = DeviceAuthorizationPollingJob.deprecated_alias(
    "DeviceAuthorizationPoolingJob"
)
"""Deprecated: requests_oauth2client's misspelled name of :class:`DeviceAuthorizationPollingJob`."""

for _public in (DeviceAuthorizationPollingJob, DeviceAuthorizationPoolingJob):
    _public.__module__ = "oauth2core_grants_device"  # tracebacks and reprs name the public package
del _public
