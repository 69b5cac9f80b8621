"""Talking to the Authorization Server: bounded waits, bounded bodies, no redirects.

Every response oauth2core reads from the server (endpoint calls, discovery, JWKS) is
streamed and read here under a size cap; resource-server responses (ApiClient) are not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

import requests

from ._errors import ResponseTooLarge, UnexpectedRedirect
from ._flows import transport_error

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "NO_AUTH",
    "TimeoutValue",
    "check_max_response_size",
    "check_timeout",
    "fetch_document",
    "receive",
]

DEFAULT_MAX_RESPONSE_SIZE: Final = 1024 * 1024
"""The default cap, in bytes, on a response body from the server (1 MiB): token responses,
metadata and key sets are a few kilobytes."""

DEFAULT_TIMEOUT: Final = 10.0
"""The default seconds to wait for the server, to connect and then between bytes."""

TimeoutValue = float | tuple[float, float]
"""Seconds to wait: one number for both, or ``(connect, read)``."""

_CHUNK: Final = 64 * 1024


class _NoAuth(requests.auth.AuthBase):
    """Leaves the request alone, so that requests adds no session or ``.netrc`` credentials.

    requests adds those to any request that has no auth of its own.
    """

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


NO_AUTH: Final = _NoAuth()
"""The auth of requests that must carry only the credentials oauth2core puts on them."""


def _seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and value > 0:
            return value
    return None


def check_timeout(value: object) -> TimeoutValue:
    """A valid ``timeout=``: a positive number of seconds, or a ``(connect, read)`` pair.

    There is no "wait forever": a server that never answers must not hang the client.

    :raises TypeError: anything else (None included).
    """
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    if isinstance(value, tuple) and len(value) == 2:
        connect, read = _seconds(value[0]), _seconds(value[1])
        if connect is not None and read is not None:
            return (connect, read)
    raise TypeError(
        "timeout must be a positive number of seconds or a (connect, read) pair of them"
    )


def check_max_response_size(value: object) -> int:
    """A valid ``max_response_size=``: a positive number of bytes.

    :raises TypeError: not an integer.
    :raises ValueError: not positive.
    """
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("max_response_size must be an integer number of bytes")
    if value <= 0:
        raise ValueError("max_response_size must be positive")
    return value


def _where(location: str) -> str:
    """A redirect target without credentials, query or fragment."""
    parts = urlsplit(location)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    origin = f"{parts.scheme}://{host}{port}" if parts.scheme else ""
    return origin + parts.path


def refuse_redirect(response: requests.Response, endpoint: str, *, show_target: bool) -> None:
    """Raise :class:`UnexpectedRedirect` for a 3xx answer with a ``Location``.

    A 3xx without one redirects nowhere and is handled as any other unexpected status.

    :param show_target: name the target in the message (for endpoints carrying no secret).
    """
    location = response.headers.get("Location")
    if location is None or not 300 <= response.status_code < 400:
        return
    _discard(response)
    target = f" to {_where(location)}" if show_target else ""
    raise UnexpectedRedirect(
        f"the {endpoint} endpoint redirected (HTTP {response.status_code}){target}; "
        "oauth2core never follows redirects from the authorization server",
        response,
        endpoint=endpoint,
        location=location,
    )


def read_capped(response: requests.Response, endpoint: str, limit: int) -> requests.Response:
    """Read the body of a streamed ``response``, at most ``limit`` bytes (decoded).

    A larger declared ``Content-Length`` is refused before reading; otherwise reading stops
    at ``limit + 1`` bytes. Then the connection is closed and :class:`ResponseTooLarge`
    raised, with the body left empty.

    :raises requests.RequestException: the body could not be read (the caller wraps it).
    """
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        _too_large(response, endpoint, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(min(_CHUNK, limit + 1)):
            size += len(chunk)
            if size > limit:
                _too_large(response, endpoint, limit)
            chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    response._content = b"".join(chunks)
    response._content_consumed = True  # requests' own flag
    return response


def _too_large(response: requests.Response, endpoint: str, limit: int) -> None:
    _discard(response)
    raise ResponseTooLarge(endpoint, limit, response)


def _discard(response: requests.Response) -> None:
    """Close the connection without reading on; the response keeps an empty body."""
    response.close()  # an unread body cannot go back to the pool: the socket is closed
    response._content = b""
    response._content_consumed = True  # requests' own flag


def receive(
    response: requests.Response, endpoint: str, limit: int, *, show_target: bool = False
) -> requests.Response:
    """A streamed answer checked (no redirect) and read (under ``limit``)."""
    refuse_redirect(response, endpoint, show_target=show_target)
    return read_capped(response, endpoint, limit)


def fetch_document(
    url: str,
    *,
    endpoint: str,
    session: requests.Session | None = None,
    timeout: TimeoutValue = DEFAULT_TIMEOUT,
    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    """GET a public document of the server (metadata, key set) the way oauth2core reads.

    For plugins fetching from the authorization server: the body is read under
    ``max_response_size``, a redirect is refused (its target is named: such documents
    carry no secret), and failures are typed. The status is left to the caller.

    :param endpoint: names the document in errors (``"discovery"``, ``"jwks"``).
    :param session: the session to use (a new one, closed afterwards, by default).
    :raises UnexpectedRedirect: the server answered with a redirect.
    :raises ResponseTooLarge: the body is larger than ``max_response_size``.
    :raises RequestTimeout: the server did not answer within ``timeout``.
    :raises TransportError: the request did not complete.
    """
    timeout = check_timeout(timeout)
    limit = check_max_response_size(max_response_size)
    http = requests.Session() if session is None else session
    try:
        try:
            response = http.get(
                url,
                headers=dict(headers or {}),
                auth=NO_AUTH,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            )
            return receive(response, endpoint, limit, show_target=True)
        except requests.RequestException as err:
            raise transport_error(err, err.request, endpoint=endpoint, timeout=timeout) from err
    finally:
        if session is None:
            http.close()
