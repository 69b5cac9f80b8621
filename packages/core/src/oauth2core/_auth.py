"""Auth handlers: requests auths that get, renew and attach tokens by themselves.

The hot path (a token that is fresh enough) reads one tuple, compares the clock with its
renewal instant, sets the header and appends a pre-bound response hook: no lock. A
renewal is single-flight: one thread requests the token, the others wait for its result
(or its exception). Each request is decided once: the token chosen is attached as is, so
no request fails on an expiry check made a moment later. Handlers sharing a token store
renew under the store's lock, one at a time (see :class:`TokenStore`).
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Any, NamedTuple

import requests

from ._clock import SYSTEM_CLOCK
from ._errors import InvalidGrant, OAuth2Error
from ._token_store import MemoryTokenStore, TokenStore
from ._tokens import BearerToken, ExpiredAccessToken

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._authorization import AuthorizationResponse
    from ._client import OAuth2Client

__all__ = [
    "NonRenewableTokenError",
    "OAuth2AccessTokenAuth",
    "OAuth2AuthorizationCodeAuth",
    "OAuth2ClientCredentialsAuth",
    "OAuth2ResourceOwnerPasswordAuth",
]


class NonRenewableTokenError(OAuth2Error):
    """The token has expired and the handler has no way to get another one."""


class _State(NamedTuple):
    """What the hot path reads, by index: one tuple, swapped atomically."""

    token: BearerToken
    renew_at: float
    header: str
    value: str
    authorize: Callable[[requests.PreparedRequest], requests.PreparedRequest] | None
    """None for tokens whose header is all there is to set (the common Bearer case)."""

    def __repr__(self) -> str:
        return f"_State({self.token!r}, renew_at={self.renew_at}, header={self.header!r})"


class _Flight:
    """One renewal in progress: the leader's result or exception, for every waiter."""

    __slots__ = ("done", "error", "state")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.state: _State | None = None
        self.error: BaseException | None = None

    def result(self) -> _State:
        """The new state, or the leader's exception raised again."""
        if self.error is not None:
            raise self.error
        if self.state is None:  # pragma: no cover - the leader sets one or the other
            raise RuntimeError("the renewal ended without a token")
        return self.state


class _NotRenewable(Exception):
    pass


def _renewal_kwargs(previous: BearerToken | None, token_kwargs: dict[str, Any]) -> dict[str, Any]:
    """``token_kwargs`` over the renewal options of ``previous`` (a DPoP token's key)."""
    if previous is None:
        return token_kwargs
    return {**previous.renewal_options(), **token_kwargs}


def _same(token: BearerToken, other: BearerToken | None) -> bool:
    """The same token, also when a persistent store loaded another copy of it."""
    return token is other or (other is not None and token.access_token == other.access_token)


class OAuth2AccessTokenAuth(requests.auth.AuthBase):
    """Attaches an access token, and refreshes it with its refresh token when it expires.

    :param client: the OAuth2Client that renews the token.
    :param token: the token to start with (a token object or an access token string).
    :param leeway: renew this many seconds before expiry; clamped to half of the token's
        remaining life, so a token shorter than the leeway is still used.
    :param store: where the token is loaded from and saved to (in memory by default).
    :param store_key: the key of the token in ``store``.
    :param token_kwargs: passed to each token request (``scope=``, ``resource=``...).
    """

    def __init__(
        self,
        client: OAuth2Client,
        token: BearerToken | str | None = None,
        *,
        leeway: float = 20,
        store: TokenStore | None = None,
        store_key: str = "token",
        **token_kwargs: Any,
    ) -> None:
        self.client = client
        self.leeway = leeway
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.store_key = store_key
        self.token_kwargs = token_kwargs
        clock = client.clock
        self._monotonic = time.monotonic if clock is SYSTEM_CLOCK else clock.monotonic
        self._lock = threading.Lock()
        self._flight: _Flight | None = None
        self._state: _State | None = None
        self._refused: InvalidGrant | None = None
        self._hook = self._on_response
        if isinstance(token, str):
            token = BearerToken(token, clock=client.clock)
        if token is not None:
            self.store.save(store_key, token)
            self._adopt(token)
        elif (stored := self.store.load(store_key)) is not None:
            self._adopt(stored)

    # ---------------------------------------------------------------- the hot path

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Attach a fresh enough token (renewing it first if needed) and arm the 401 retry."""
        state = self._state
        if state is None or self._monotonic() >= state[1]:
            state = self._renew(state)
        if state[4] is None:
            request.headers[state[2]] = state[3]
        else:
            request = state[4](request)  # a proof flow (DPoP) may return another request
        request.hooks["response"].append(self._hook)
        return request

    @property
    def token(self) -> BearerToken | None:
        """The current token, or None before the first one."""
        state = self._state
        return state.token if state is not None else None

    # ---------------------------------------------------------------- renewal

    def renew_token(self) -> BearerToken:
        """Get a new token now (single-flight with concurrent requests)."""
        return self._renew(self._state).token

    def forget_token(self) -> None:
        """Drop the current token, here and in the store; the next request gets a new one."""
        with self._lock:
            self._state = None
            self.store.delete(self.store_key)

    def _renew(self, seen: _State | None) -> _State:
        """Replace ``seen`` with a fresh token, unless another thread already did."""
        with self._lock:
            state = self._state
            if state is not seen and state is not None and self._monotonic() < state.renew_at:
                return state
            flight = self._flight
            leader = flight is None
            if flight is None:
                flight = self._flight = _Flight()
        if leader:
            try:
                flight.state = self._obtain(seen.token if seen is not None else None)
            except BaseException as err:
                flight.error = err
            finally:
                with self._lock:
                    self._flight = None
                flight.done.set()
        else:
            flight.done.wait()
        return flight.result()

    def _obtain(self, current: BearerToken | None) -> _State:
        """A fresh token: from the store if another holder renewed it, else from the server.

        The store's lock is held throughout, so the holders of one store renew one at a time.
        """
        with self.store.lock(self.store_key):
            return self._obtain_locked(current)

    def _obtain_locked(self, current: BearerToken | None) -> _State:
        stored = self.store.load(self.store_key)
        if stored is not None and not _same(stored, current) and not self._due(stored):
            return self._adopt(stored)
        # The store's token is the latest: its refresh token is the one not yet rotated.
        previous = stored if stored is not None else current
        try:
            new = self.fetch_token(previous)
        except _NotRenewable as err:
            if previous is not None and not self._expired(previous):
                return self._adopt(previous, use_until_expiry=True)
            raise NonRenewableTokenError(str(err)) from None
        except InvalidGrant as err:
            refused, self._refused = self._refused, None
            if err is not refused or previous is None:
                raise
            return self._adopt_rotated(previous, err)
        if self._expired(new):
            raise ExpiredAccessToken("the server issued an access token that has expired")
        if not self.store.compare_and_swap(self.store_key, stored, new):
            winner = self.store.load(self.store_key)
            if winner is not None and not _same(winner, stored) and not self._due(winner):
                return self._adopt(winner)
            self.store.save(self.store_key, new)
        return self._adopt(new)

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        """Request a new token from the server; subclasses define the grant.

        This one refreshes ``previous`` with its refresh token, keeping that refresh token
        when the response carries none (RFC 6749 §6).
        """
        if previous is None or not previous.refresh_token:
            raise _NotRenewable("the access token has expired and there is no refresh token")
        return self._refresh(previous)

    def _adopt_rotated(self, refused: BearerToken, error: InvalidGrant) -> _State:
        """After ``refused`` failed to refresh: the store's token, if another holder rotated it.

        The store is read once, with no loop: anything but another token that has not
        expired raises ``error`` (RFC 6749 §5.2, §6; RFC 9700 §4.14.2 on rotation).
        """
        rotated = self.store.load(self.store_key)
        if rotated is None or _same(rotated, refused) or self._expired(rotated):
            raise error
        return self._adopt(rotated)

    def _refresh(self, previous: BearerToken) -> BearerToken:
        try:
            new: BearerToken = self.client.refresh_token(previous, **self.token_kwargs)
        except InvalidGrant as err:
            self._refused = err  # a refresh refused, not another grant: see _obtain_locked
            raise
        if new.refresh_token is None:
            new.refresh_token = previous.refresh_token
        return new

    def _adopt(self, token: BearerToken, *, use_until_expiry: bool = False) -> _State:
        renew_at = token.deadline if use_until_expiry else self._renew_at(token)
        plain = type(token).authorize is BearerToken.authorize
        state = _State(
            token,
            math.inf if renew_at is None else renew_at,
            token.AUTHORIZATION_HEADER,
            token.authorization_header(),
            None if plain else token.authorize,
        )
        self._state = state
        return state

    def _renew_at(self, token: BearerToken) -> float:
        """When to renew: ``leeway`` before expiry, at most half of the remaining life."""
        deadline = token.deadline
        if deadline is None:
            return math.inf
        remaining = max(deadline - self._monotonic(), 0.0)
        return deadline - min(self.leeway, remaining / 2)

    def _due(self, token: BearerToken) -> bool:
        return self._monotonic() >= self._renew_at(token)

    def _expired(self, token: BearerToken) -> bool:
        deadline = token.deadline
        return deadline is not None and self._monotonic() >= deadline

    # ---------------------------------------------------------------- the 401 retry

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """On ``401`` with ``error="invalid_token"`` (RFC 6750 §3.1), renew once and resend.

        Only requests whose body can be sent again are resent; the original response is
        returned when the token cannot be renewed.
        """
        if response.status_code != 401:
            return response
        from ._client import challenge_param

        challenge = response.headers.get("WWW-Authenticate", "")
        request = response.request
        if challenge_param(challenge, "error") != "invalid_token" or getattr(
            request, "_oauth2core_retried", False
        ):
            return response
        if request.body is not None and not isinstance(request.body, str | bytes):
            return response  # a stream or a file: it cannot be replayed
        state = self._state
        used = request.headers.get(state.token.AUTHORIZATION_HEADER) if state else None
        if state is None or used == state.token.authorization_header():
            try:
                state = self._renew(state)
            except NonRenewableTokenError:
                return response
        retry = state.token.authorize(request.copy())  # may return another request (DPoP)
        retry._oauth2core_retried = True  # type: ignore[attr-defined]
        response.content  # noqa: B018 - read the body so the connection is released
        response.close()
        new = response.connection.send(retry, **kwargs)
        new.history.append(response)
        new.request = retry
        return new

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self.client!r}, token={self.token!r})"


class OAuth2ClientCredentialsAuth(OAuth2AccessTokenAuth):
    """Gets a token with the client credentials grant on first use, and again on expiry.

    :param token_kwargs: passed to each ``client.client_credentials(...)`` (``scope=``,
        ``resource=``, ``audience=``...).
    """

    def __init__(
        self,
        client: OAuth2Client,
        *,
        leeway: float = 20,
        token: BearerToken | str | None = None,
        store: TokenStore | None = None,
        store_key: str = "token",
        **token_kwargs: Any,
    ) -> None:
        super().__init__(
            client, token, leeway=leeway, store=store, store_key=store_key, **token_kwargs
        )

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        """A new client credentials token (bound to the key of ``previous``, if any)."""
        token: BearerToken = self.client.client_credentials(
            **_renewal_kwargs(previous, self.token_kwargs)
        )
        return token


class OAuth2AuthorizationCodeAuth(OAuth2AccessTokenAuth):
    """Exchanges an authorization code on first use, then refreshes the token.

    :param code: the authorization code, or the AuthorizationResponse (with its PKCE
        verifier and redirect URI); it is redeemed once.
    """

    def __init__(
        self,
        client: OAuth2Client,
        code: str | AuthorizationResponse | None,
        *,
        leeway: float = 20,
        token: BearerToken | str | None = None,
        store: TokenStore | None = None,
        store_key: str = "token",
        **token_kwargs: Any,
    ) -> None:
        self.code = code
        super().__init__(
            client, token, leeway=leeway, store=store, store_key=store_key, **token_kwargs
        )

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        """Redeem the code the first time, refresh afterwards."""
        code, self.code = self.code, None
        if code is not None:
            token: BearerToken = self.client.authorization_code(code, **self.token_kwargs)
            return token
        return super().fetch_token(previous)


class OAuth2ResourceOwnerPasswordAuth(OAuth2AccessTokenAuth):
    """Gets a token with the password grant; refreshes it when it can, else asks again."""

    def __init__(
        self,
        client: OAuth2Client,
        *,
        username: str,
        password: str,
        leeway: float = 20,
        token: BearerToken | str | None = None,
        store: TokenStore | None = None,
        store_key: str = "token",
        **token_kwargs: Any,
    ) -> None:
        self.username = username
        self.password = password
        super().__init__(
            client, token, leeway=leeway, store=store, store_key=store_key, **token_kwargs
        )

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        """Refresh when there is a refresh token, else use the password grant."""
        if previous is not None and previous.refresh_token:
            return self._refresh(previous)
        token: BearerToken = self.client.resource_owner_password(
            self.username, self.password, **_renewal_kwargs(previous, self.token_kwargs)
        )
        return token

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client={self.client!r}, username={self.username!r}, "
            "password=<redacted>)"
        )
