"""The JWK Set of an authorization server: fetched lazily, cached, refreshed on a new ``kid``."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import requests

from oauth2core import (
    DEFAULT_MAX_RESPONSE_SIZE,
    SYSTEM_CLOCK,
    Clock,
    RetryPolicy,
    fetch_document,
    validate_endpoint,
)
from oauth2core_clientauth_jwt import InvalidKey, VerificationKey, load_public_key

from ._errors import InvalidJwksResponse, JwtValidationError, ValidationCode

if TYPE_CHECKING:
    from collections.abc import Iterator

    from urllib3.util import Retry

__all__ = ["DEFAULT_JWKS_REFRESH_INTERVAL", "DEFAULT_JWKS_TTL", "Jwks"]

DEFAULT_JWKS_TTL: Final = 600.0
"""Seconds a fetched JWK Set is used before it is fetched again (on the next use)."""
DEFAULT_JWKS_REFRESH_INTERVAL: Final = 30.0
"""Minimum seconds between two fetches triggered by an unknown ``kid``."""


def _key_list(value: object) -> tuple[dict[str, Any], ...]:
    """The JWKs of a JWK Set (``{"keys": [...]}``), or of a list of JWKs."""
    if isinstance(value, Mapping) and "keys" in value:
        value = value["keys"]
    elif isinstance(value, Mapping) and "kty" in value:
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise TypeError("a JWK Set must be {'keys': [...]} or a list of JWKs")
    keys = tuple(dict(k) for k in value if isinstance(k, Mapping))
    if len(keys) != len(value):
        raise TypeError("every key of a JWK Set must be a JSON object")
    return keys


@final
class Jwks:
    """The public keys of an authorization server, to verify what it signs.

    Either static (``keys=``: a JWK Set ``{"keys": [...]}`` or a list of JWKs) or fetched from
    ``uri`` (the server's ``jwks_uri``): on first use, again once ``ttl`` seconds have passed,
    and once more when a JWT names a ``kid`` the set does not hold (a key rotation), at most
    once every ``refresh_interval`` seconds. A JWT without ``kid`` is verified when exactly
    one key of the set fits its ``alg``. Symmetric keys and keys with ``use: enc`` are never
    used to verify. Thread-safe.

    :param uri: the JWKS URL (https, or http on loopback).
    :param keys: static keys, instead of ``uri``.
    :param session: the :class:`requests.Session` to fetch with (a new one per fetch by default).
    :param timeout: seconds to wait for the server (or a ``(connect, read)`` pair).
    :param max_response_size: the largest JWK Set read, in bytes; a larger one raises
        :class:`~oauth2core.ResponseTooLarge`. The cache of a client uses the client's.
    :param clock: the clock of the cache (its monotonic time); inject one in tests.
    :param ttl: seconds a fetched set is used before the next use fetches it again.
    :param refresh_interval: minimum seconds between two fetches caused by an unknown ``kid``.
    :param allow_insecure_http: WARNING: accept a plain-http ``uri`` on other hosts than
        loopback, where the keys can be replaced in transit.
    :param retry: the :class:`~oauth2core.RetryPolicy` of the fetches (a JWKS fetch is safe
        to repeat); the cache of a client uses the client's. Default None: no retry.
    """

    __slots__ = (
        "_allow_insecure_http",
        "_clock",
        "_fetched_at",
        "_generation",
        "_lock",
        "_max_response_size",
        "_refresh_interval",
        "_retry",
        "_session",
        "_timeout",
        "_ttl",
        "_uri",
    )

    def __init__(
        self,
        uri: str | None = None,
        *,
        keys: object = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = 10.0,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        clock: Clock = SYSTEM_CLOCK,
        ttl: float = DEFAULT_JWKS_TTL,
        refresh_interval: float = DEFAULT_JWKS_REFRESH_INTERVAL,
        allow_insecure_http: bool = False,
        retry: int | Retry | RetryPolicy | None = None,
    ) -> None:
        if (uri is None) == (keys is None):
            raise TypeError("pass the JWKS uri= or static keys=, not both")
        self._uri = (
            None
            if uri is None
            else validate_endpoint("the JWKS uri", uri, allow_insecure_http=allow_insecure_http)
        )
        self._allow_insecure_http = allow_insecure_http
        self._session = session
        self._timeout = timeout
        self._max_response_size = max_response_size
        self._clock = clock
        self._retry = RetryPolicy.coerce(retry, clock=clock)
        self._ttl = float(ttl)
        self._refresh_interval = float(refresh_interval)
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._fetched_at: float | None = None
        if keys is not None:
            self._generation = _Generation(_key_list(keys))

    @property
    def uri(self) -> str | None:
        """The JWKS URL, or None for a static set."""
        return self._uri

    @property
    def keys(self) -> tuple[dict[str, Any], ...]:
        """The current keys (fetched first if needed): copies of the JWKs."""
        return tuple(dict(k) for k in self._current().keys)

    def refresh(self) -> None:
        """Fetch the set now (no-op for a static set).

        :raises InvalidJwksResponse: the server did not answer with a JWK Set.
        :raises UnexpectedRedirect: the JWKS URL redirected (never followed).
        :raises ResponseTooLarge: the set is larger than ``max_response_size``.
        :raises TransportError: the request did not complete.
        """
        if self._uri is not None:
            with self._lock:
                self._fetch()

    def verification_key(self, alg: str, kid: str | None) -> VerificationKey:
        """The key that verifies a JWS with header ``alg`` and ``kid``.

        :raises JwtValidationError: ``no_matching_key`` (none fits, even after one refresh)
            or ``ambiguous_key`` (several fit a header without ``kid``).
        :raises InvalidJwksResponse: a fetch failed to give a JWK Set.
        :raises TransportError: a fetch did not complete.
        """
        generation = self._current()
        found = generation.select(alg, kid)
        if found is None and self._may_refresh():
            with self._lock:
                if self._generation is generation and self._may_refresh():  # no one refreshed
                    self._fetch()
            found = self._current().select(alg, kid)
        if found is None:
            raise JwtValidationError(
                "no key of the authorization server fits the JWT header",
                code=ValidationCode.NO_MATCHING_KEY,
                claim="kid",
                expected=alg,
                received=kid,
            )
        return found

    def __repr__(self) -> str:
        source = f"uri={self._uri!r}" if self._uri is not None else "static"
        generation = self._generation
        count = "?" if generation is None else str(len(generation.keys))
        return f"Jwks({source}, keys={count})"

    # ------------------------------------------------------------------ internals

    def _current(self) -> _Generation:
        generation, fetched_at = self._generation, self._fetched_at
        if self._uri is None and generation is not None:
            return generation
        now = self._clock.monotonic()
        if generation is None or fetched_at is None or now - fetched_at >= self._ttl:
            with self._lock:
                if self._generation is generation:  # nobody fetched meanwhile
                    self._fetch()
                generation = self._generation
        assert generation is not None  # noqa: S101 - _fetch sets it or raises
        return generation

    def _may_refresh(self) -> bool:
        if self._uri is None:
            return False
        fetched_at = self._fetched_at
        return fetched_at is None or (
            self._clock.monotonic() - fetched_at >= self._refresh_interval
        )

    def _fetch(self) -> None:
        """GET the set; the caller holds the lock."""
        uri = self._uri
        assert uri is not None  # noqa: S101 - only called for a remote set
        if self._retry is None:
            response = self._get(uri)
        else:
            response = self._retry.call(
                lambda: self._get(uri), endpoint="jwks", method="GET", url=uri
            )
        if response.status_code != 200:
            raise InvalidJwksResponse(
                f"the JWKS endpoint answered HTTP {response.status_code}", response
            )
        try:
            body = response.json()
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            raise InvalidJwksResponse("the JWKS response is not JSON", response) from None
        keys = body.get("keys") if isinstance(body, dict) else None
        if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
            raise InvalidJwksResponse(
                "the JWKS response is not a JWK Set (an object with a list of keys)", response
            )
        self._generation = _Generation(tuple(keys))
        self._fetched_at = self._clock.monotonic()

    def _get(self, uri: str) -> requests.Response:
        return fetch_document(
            uri,
            endpoint="jwks",
            session=self._session,
            timeout=self._timeout,
            max_response_size=self._max_response_size,
            headers={"Accept": "application/json, application/jwk-set+json"},
        )


class _Generation:
    """One fetched (or static) set, with the verification keys loaded from it so far."""

    __slots__ = ("keys", "loaded")

    def __init__(self, keys: tuple[dict[str, Any], ...]) -> None:
        self.keys = keys
        self.loaded: dict[tuple[int, str], VerificationKey | None] = {}

    def _candidates(self, alg: str, kid: str | None) -> Iterator[VerificationKey]:
        for index, jwk in enumerate(self.keys):
            if kid is not None and jwk.get("kid") != kid:
                continue
            slot = (index, alg)
            if slot not in self.loaded:
                key: VerificationKey | None
                try:  # refuses symmetric keys, use=enc, weak RSA, an alg that does not fit
                    key = load_public_key(jwk, alg=alg)
                except (InvalidKey, TypeError):
                    key = None
                self.loaded[slot] = key
            found = self.loaded[slot]
            if found is not None:
                yield found

    def select(self, alg: str, kid: str | None) -> VerificationKey | None:
        """The one key that fits ``alg`` and ``kid``, None if none does."""
        candidates = list(self._candidates(alg, kid))
        if len(candidates) > 1:
            raise JwtValidationError(
                "several keys of the authorization server fit the JWT header: it needs a kid",
                code=ValidationCode.AMBIGUOUS_KEY,
                claim="kid",
                expected=alg,
                received=kid,
            )
        return candidates[0] if candidates else None


Jwks.__module__ = "oauth2core_oidc"  # shown as the public package in reprs and tracebacks
