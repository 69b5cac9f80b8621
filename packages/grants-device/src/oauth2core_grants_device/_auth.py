"""OAuth2DeviceCodeAuth: a requests auth that polls for its first token, then refreshes it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from oauth2core import (
    BearerToken,
    EndpointError,
    OAuth2AccessTokenAuth,
    TokenStore,
)

from ._grant import DeviceAuthorizationPollingJob
from ._response import DeviceAuthorizationResponse

if TYPE_CHECKING:
    from oauth2core import OAuth2Client

__all__ = ["OAuth2DeviceCodeAuth"]


class OAuth2DeviceCodeAuth(OAuth2AccessTokenAuth):
    """Polls with a device code when it needs its first token, then refreshes that token.

    The first request through this auth runs a :class:`DeviceAuthorizationPollingJob`
    (waiting through its sleeper) until the user completes the authorization; the device
    code is then spent, and later renewals use the refresh token. If polling ends with a
    server refusal (``AccessDenied``, ``ExpiredToken``...) the code is dropped and the error
    raised; after a cancel, a timeout or a network failure, the next request resumes
    polling.

    :param client: the OAuth2Client.
    :param device_code: the device code, or the :class:`DeviceAuthorizationResponse`;
        None with a ``token`` to refresh only.
    :param leeway: renew this many seconds before the token expires.
    :param interval: seconds between polls (default: the response's, else 5).
    :param slow_down_interval: seconds added to the interval on each ``slow_down``.
    :param expires_in: seconds until a device code given as a string expires.
    :param token: a token to start with.
    :param store: where the token is kept (in memory by default).
    :param store_key: the token's key in ``store``.
    :param timeout: give up polling after this many seconds from the handler's creation.
    :param cancel: a :class:`threading.Event` that cancels polling.
    :param sleeper: ``sleeper(seconds)`` waits between polls (default :func:`time.sleep`).
    :param token_kwargs: passed to each token request, polls and refreshes alike
        (``id_token_validation=SKIP_ID_TOKEN_VALIDATION`` for an ``openid`` scope without
        a validator installed).
    """

    def __init__(
        self,
        client: OAuth2Client,
        device_code: str | DeviceAuthorizationResponse | None,
        *,
        leeway: float = 20,
        interval: float | None = None,
        slow_down_interval: float = 5,
        expires_in: float | None = None,
        token: BearerToken | str | None = None,
        store: TokenStore | None = None,
        store_key: str = "token",
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        sleeper: Callable[[float], object] | None = None,
        **token_kwargs: Any,
    ) -> None:
        self.polling_job: DeviceAuthorizationPollingJob | None = None
        if device_code is not None:
            self.polling_job = DeviceAuthorizationPollingJob(
                client,
                device_code,
                interval,
                slow_down_interval,
                expires_in=expires_in,
                timeout=timeout,
                cancel=cancel,
                sleeper=sleeper,
                **token_kwargs,
            )
        super().__init__(
            client, token, leeway=leeway, store=store, store_key=store_key, **token_kwargs
        )

    @property
    def device_code(self) -> str | None:
        """The device code not redeemed yet, or None."""
        job = self.polling_job
        return job.device_code if job is not None else None

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        """Poll with the device code the first time, refresh afterwards."""
        job = self.polling_job
        if job is None:
            return super().fetch_token(previous)
        try:
            token: BearerToken = job.run()
        except EndpointError as error:
            if not error.transient:
                self.polling_job = None  # refused for good: the code cannot be used again
            raise
        self.polling_job = None
        return token

    def __repr__(self) -> str:
        pending = ", device_code=<redacted>" if self.polling_job is not None else ""
        return f"OAuth2DeviceCodeAuth(client={self.client!r}{pending}, token={self.token!r})"


for _public in (OAuth2DeviceCodeAuth,):
    _public.__module__ = "oauth2core_grants_device"  # tracebacks and reprs name the public package
del _public
