"""Retrying the requests that are safe to repeat: an opt-in policy decided by urllib3's ``Retry``.

``Retry`` decides (which statuses, how many attempts, the backoff); the loop that sends
again is ours, so that every attempt passes through the whole request-flow chain (a fresh
client assertion, a fresh DPoP proof) and waits through an injectable sleeper.
"""

from __future__ import annotations

import calendar
import email.utils
import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final, Literal, cast, final
from urllib.parse import urlsplit, urlunsplit

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util import Retry

from ._clock import SYSTEM_CLOCK, Clock
from ._errors import TransportError

if TYPE_CHECKING:
    from urllib3.response import BaseHTTPResponse

__all__ = [
    "REPEATABLE_ENDPOINTS",
    "REPEATABLE_GRANT_TYPES",
    "RETRY_STATUSES",
    "RetryPolicy",
    "repeatable",
    "retry_after",
]

logger = logging.getLogger("oauth2core.retry")

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
"""The statuses an ``int`` policy retries: rate limited, or the server failed."""

REPEATABLE_ENDPOINTS: Final = frozenset({"discovery", "jwks", "introspection"})
"""Endpoints whose requests change nothing on the server, so sending one twice is harmless."""

REPEATABLE_GRANT_TYPES: Final = frozenset({"client_credentials"})
"""Grants whose token request spends nothing: a second attempt gets a token just the same.

A code (RFC 6749 §4.1.2: used once), a rotating refresh token, a device code or CIBA
request (their own ``slow_down`` logic), a password, a token exchange or a JWT bearer
assertion are never repeated by the policy.
"""


def repeatable(endpoint: str, data: Mapping[str, object] | None) -> bool:
    """Whether a request to ``endpoint`` with form ``data`` is safe to send again.

    The one place that knows it: :data:`REPEATABLE_ENDPOINTS`, and token requests whose
    ``grant_type`` is in :data:`REPEATABLE_GRANT_TYPES`.
    """
    if endpoint == "token":
        return data is not None and data.get("grant_type") in REPEATABLE_GRANT_TYPES
    return endpoint in REPEATABLE_ENDPOINTS


def _http_date(value: str) -> float | None:
    """The POSIX time of an HTTP-date (RFC 9110 §5.6.7), or None."""
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    offset = parsed[9] or 0  # HTTP-dates are in GMT
    try:
        return float(calendar.timegm((*parsed[:6], 0, 1, -1)) - offset)
    except (ValueError, OverflowError):
        return None


def _delta_seconds(value: str) -> float | None:
    text = value.strip()
    return float(int(text)) if text.isdigit() else None


def retry_after(
    response: requests.Response | None,
    *,
    reset_header: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> float | None:
    """How many seconds to wait before trying again, as the server says; None if it does not.

    ``Retry-After`` (RFC 9110 §10.2.3) in delta-seconds or as an HTTP-date. A date is
    compared with the response's ``Date`` header (so a skewed local clock does not
    matter), else with ``clock``; a moment in the past gives 0. The one parser of the
    project: errors' ``retry_after`` and :class:`RetryPolicy` use it.

    :param reset_header: a header holding the POSIX time at which a rate limit resets,
        read when there is no ``Retry-After`` (Auth0's ``X-RateLimit-Reset``).
    """
    if response is None:
        return None
    headers = response.headers
    value = headers.get("Retry-After")
    target: float | None = None
    if value is not None:
        seconds = _delta_seconds(value)
        if seconds is not None:
            return seconds
        target = _http_date(value)
    elif reset_header is not None and (reset := headers.get(reset_header)) is not None:
        target = _delta_seconds(reset)
    if target is None:
        return None
    date = headers.get("Date")
    now = _http_date(date) if date is not None else None
    if now is None:
        now = clock.time()
    return float(max(0, math.ceil(target - now)))


def _default_retry(total: int) -> Retry:
    return Retry(
        total=total,
        redirect=0,
        other=0,
        allowed_methods=None,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.5,
        backoff_jitter=0.25,
        backoff_max=30,
        retry_after_max=30,
        raise_on_status=False,
    )


class _Answer:
    """What ``Retry.increment`` reads of a response: its status, and no redirect."""

    __slots__ = ("status",)

    def __init__(self, status: int) -> None:
        self.status = status

    def get_redirect_location(self) -> Literal[False]:
        return False


def _wire_error(err: TransportError, url: str) -> Urllib3Error:
    """The urllib3 error ``Retry`` counts for ``err``: a connect or a read failure."""
    cause = err.__cause__
    reason = cause.args[0] if isinstance(cause, requests.RequestException) and cause.args else None
    reason = getattr(reason, "reason", reason)  # requests wraps urllib3's MaxRetryError
    if isinstance(cause, requests.ConnectTimeout) or isinstance(reason, NewConnectionError):
        return ConnectTimeoutError("the connection failed")  # nothing reached the server
    if isinstance(cause, requests.Timeout):
        return ReadTimeoutError(None, url, "read timed out")  # type: ignore[arg-type]
    return ProtocolError("the connection broke")


def _public_url(url: str) -> str:
    """``url`` without query, fragment or credentials: what a log line may show."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@final
class RetryPolicy:
    """An opt-in retry policy for the requests that are safe to repeat.

    Off by default. ``OAuth2Client(..., retry=3)`` retries up to 3 times (4 attempts in
    all), and so do the discovery fetch of :meth:`OAuth2Client.from_discovery_endpoint`
    and the JWKS fetches of ``oauth2core[oidc]``, which use their client's policy.

    **What is repeated**: only requests whose repetition cannot spend or change anything:
    discovery, JWKS, introspection, and token requests of the ``client_credentials``
    grant (one table in ``oauth2core``, by endpoint name and grant type). Never an
    authorization code redemption (a code is used once, RFC 6749 §4.1.2), a refresh (the
    refresh token may rotate), a device or CIBA poll (RFC 8628 §3.5 ``slow_down`` has its
    own logic), PAR, password, token exchange, JWT bearer, revocation or userinfo.

    **When**: a :class:`TransportError` that is :attr:`~OAuth2Error.transient` (connect
    failures and timeouts, read timeouts, broken connections; never TLS or URL faults), or
    a status the ``Retry`` retries (an ``int`` policy: 429, 500, 502, 503, 504). A 4xx
    other than 429 is never retried. ``Retry``'s ``allowed_methods`` is not used: the
    endpoint decides, as above.

    **How long to wait**: ``Retry-After`` on 429 and 503 (:func:`retry_after`; delta-seconds
    or HTTP-date), else urllib3's exponential backoff (``backoff_factor``,
    ``backoff_jitter``, capped at ``backoff_max``; the first retry is immediate). A
    ``Retry-After`` longer than ``retry_after_max`` gives up at once: the error is raised
    rather than waited for.

    **Giving up** raises the last error, typed as without a policy (an
    :class:`EndpointError` or :class:`InvalidResponse` with its ``response`` and
    ``retry_after``, or the :class:`TransportError`), never urllib3's ``MaxRetryError``.

    **Logging**: each retry logs one WARNING on the ``oauth2core.retry`` logger: endpoint,
    method, URL without query string, status or error class, attempt n/total and delay;
    never a header, a body or a secret.

    :param retry: a number of retries after the first attempt (with backoff factor 0.5,
        jitter 0.25 s, waits capped at 30 s and ``retry_after_max`` 30 s), or a
        :class:`urllib3.util.Retry` for full control of the counters and waits.
    :param sleeper: ``sleeper(seconds)`` waits between attempts (default
        :func:`time.sleep`; ``oauth2core.testing.FakeSleeper`` in tests).
    :param clock: the clock an HTTP-date ``Retry-After`` is compared with when the
        response has no ``Date``.
    """

    __slots__ = ("clock", "retry", "sleeper")

    def __init__(
        self,
        retry: int | Retry,
        *,
        sleeper: Callable[[float], object] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if isinstance(retry, Retry):
            retry = retry.new(allowed_methods=None)
        elif isinstance(retry, bool) or not isinstance(retry, int):
            raise TypeError("retry must be a number of retries or a urllib3 Retry")
        elif retry < 0:
            raise ValueError("retry must be a non-negative number of retries")
        else:
            retry = _default_retry(retry)
        self.retry: Retry = retry
        self.sleeper: Callable[[float], object] = time.sleep if sleeper is None else sleeper
        self.clock = clock

    @classmethod
    def coerce(
        cls, retry: int | Retry | RetryPolicy | None, *, clock: Clock = SYSTEM_CLOCK
    ) -> RetryPolicy | None:
        """The policy ``retry=`` stands for: None (no retry), a policy, or one built from it."""
        if retry is None or isinstance(retry, RetryPolicy):
            return retry
        return cls(retry, clock=clock)

    def call(
        self,
        attempt: Callable[[], requests.Response],
        *,
        endpoint: str,
        method: str,
        url: str,
    ) -> requests.Response:
        """Run ``attempt`` until it gives a response the policy keeps, or the policy gives up.

        For plugins fetching a repeatable resource themselves (the oidc JWKS cache).
        ``attempt`` sends the request once: it returns the response, or raises a
        :class:`TransportError` (chained from the requests exception). Call it only for a
        request that is safe to repeat.

        :returns: the first response not retried, or the last one when attempts ran out.
        :raises TransportError: a permanent one at once, a transient one once attempts ran out.
        """
        retry = self.retry
        shown = _public_url(url)
        while True:
            try:
                response = attempt()
            except TransportError as err:
                if not err.transient:
                    raise
                advanced = _advance(retry, method, shown, error=_wire_error(err, shown))
                if advanced is None:
                    raise
                retry = advanced
                cause = type(err.__cause__ or err).__name__
                delay = retry.get_backoff_time()
            else:
                status = response.status_code
                if not (status == 429 or status >= 500):  # never a 4xx but 429
                    return response
                wait = self._server_wait(retry, response)
                if not retry.is_retry(method, status, wait is not None):
                    return response
                if wait is not None and wait > retry.retry_after_max:
                    logger.warning(
                        "not retrying the %s request (%s %s): HTTP %d asks to wait %ss, "
                        "more than retry_after_max (%ss)",
                        endpoint,
                        method,
                        shown,
                        status,
                        wait,
                        retry.retry_after_max,
                    )
                    return response
                advanced = _advance(retry, method, shown, status=status)
                if advanced is None:
                    return response
                retry = advanced
                response.close()
                cause = f"HTTP {status}"
                delay = retry.get_backoff_time() if wait is None else wait
            total = self.retry.total
            logger.warning(
                "retrying the %s request (%s %s) after %s: attempt %d/%s in %.2fs",
                endpoint,
                method,
                shown,
                cause,
                len(retry.history) + 1,
                total + 1 if isinstance(total, int) and not isinstance(total, bool) else "?",
                delay,
            )
            if delay > 0:
                self.sleeper(delay)

    def _server_wait(self, retry: Retry, response: requests.Response) -> float | None:
        """The ``Retry-After`` wait the policy respects for ``response``, or None.

        Our parser, not urllib3's: it reads dates against the response's ``Date``, and the
        wait must be the ``retry_after`` the error would carry.
        """
        if (
            retry.respect_retry_after_header
            and response.status_code in Retry.RETRY_AFTER_STATUS_CODES
        ):
            return retry_after(response, clock=self.clock)
        return None

    def __repr__(self) -> str:
        return f"RetryPolicy({self.retry!r})"


def _advance(
    retry: Retry,
    method: str,
    url: str,
    *,
    status: int | None = None,
    error: Urllib3Error | None = None,
) -> Retry | None:
    """``retry`` counted one more failure, or None when it is exhausted."""
    answer = None if status is None else cast("BaseHTTPResponse", _Answer(status))
    try:
        return retry.increment(method, url, response=answer, error=error)
    except (MaxRetryError, Urllib3Error):  # exhausted, or that kind of retry is disabled
        return None
