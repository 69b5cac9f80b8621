"""Auth0's errors: rate limits at its OAuth endpoints, and the Management API's error shape.

::

    oauth2core.EndpointError
    └── TooManyRequests                      HTTP 429 / ``too_many_requests`` (transient)
    oauth2core.OAuth2Error + requests.HTTPError
    └── Auth0ManagementApiError              ``{"statusCode", "error", "message", "errorCode"}``
        └── Auth0ManagementApiTooManyRequests    HTTP 429 (transient)

Light: the entry point imports this module to register the ``too_many_requests`` code.
"""

from __future__ import annotations

import requests

from oauth2core import EndpointError, OAuth2Error, json_object_or_none
from oauth2core import retry_after as _retry_after

__all__ = [
    "Auth0ManagementApiError",
    "Auth0ManagementApiTooManyRequests",
    "TooManyRequests",
    "management_api_error",
    "retry_after",
]


def retry_after(response: requests.Response | None) -> float | None:
    """How many seconds to wait before trying again, as the server says; None if it does not.

    ``Retry-After`` (RFC 9110 §10.2.3) in delta-seconds or as an HTTP-date; without it,
    Auth0's ``X-RateLimit-Reset`` (the POSIX time at which the limit resets). Dates are
    compared with the response's ``Date`` header, else with the system clock; a moment in
    the past gives 0. Core's :func:`oauth2core.retry_after` parses both.
    """
    return _retry_after(response, reset_header="X-RateLimit-Reset")


class TooManyRequests(EndpointError):
    """``too_many_requests``, or any HTTP 429, from an Auth0 OAuth endpoint (``/oauth/token``...).

    Auth0 limits requests per tenant; a rate-limited request may succeed later, so the
    error is :attr:`transient`.

    :ivar retry_after: seconds to wait before trying again, when the server says (see
        :func:`retry_after`), else None.
    """

    @property
    def transient(self) -> bool:
        """Always True: the limit resets."""
        return True

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before trying again, or None when the server does not say."""
        return retry_after(self.response)


class Auth0ManagementApiError(OAuth2Error, requests.HTTPError):
    """An error answer (4xx, 5xx) of the Auth0 Management API.

    Its body is ``{"statusCode": 404, "error": "Not Found", "message": "...",
    "errorCode": "inexistent_user"}``; what is missing or not JSON is None (``error`` is
    then the HTTP reason). It is also a :class:`requests.HTTPError`, as an
    :class:`~oauth2core.ApiClient` error is, so existing ``except`` clauses keep working.

    :ivar response: the :class:`requests.Response`.
    :ivar status_code: the HTTP status code.
    :ivar error: the ``error`` (the HTTP reason phrase, e.g. ``"Bad Request"``).
    :ivar message: the ``message``, or None.
    :ivar error_code: the ``errorCode`` (``"invalid_body"``...), or None.
    """

    response: requests.Response

    def __init__(self, response: requests.Response) -> None:
        fields = json_object_or_none(response) or {}
        error, message, error_code = (
            value if isinstance(value, str) and value else None
            for value in (fields.get("error"), fields.get("message"), fields.get("errorCode"))
        )
        self.status_code = response.status_code
        self.error = error or response.reason or None
        self.message = message
        self.error_code = error_code
        text = f"Auth0 Management API: HTTP {self.status_code}"
        if self.error:
            text += f" {self.error}"
        if error_code:
            text += f" ({error_code})"
        if message:
            text += f": {message}"
        super().__init__(text, response=response)

    @property
    def transient(self) -> bool:
        """True when the server failed (5xx) or limited the rate (429)."""
        return self.status_code >= 500 or self.status_code == 429

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before trying again, or None when the server does not say."""
        return retry_after(self.response)


class Auth0ManagementApiTooManyRequests(Auth0ManagementApiError):
    """HTTP 429 from the Management API (``errorCode`` ``too_many_requests``); transient.

    :attr:`retry_after` says how long to wait, when the server does.
    """


def management_api_error(response: requests.Response) -> Auth0ManagementApiError:
    """The error for a Management API error answer."""
    if response.status_code == 429:
        return Auth0ManagementApiTooManyRequests(response)
    return Auth0ManagementApiError(response)


for _public in (TooManyRequests, Auth0ManagementApiError, Auth0ManagementApiTooManyRequests):
    _public.__module__ = "oauth2core_vendor_auth0"  # tracebacks and reprs name the public package
