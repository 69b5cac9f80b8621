"""Driving request flows: nest the registered generators and send what they yield.

One driver sends through a Session (OAuth2Client); one response-hook adapter drives the
same chain for plain ``requests.get(url, auth=...)`` users.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import requests
from urllib3.exceptions import ReadTimeoutError

from ._errors import PluginContractError, RequestTimeout, TransportError

if TYPE_CHECKING:
    from ._extensions import FlowContext, RequestFlow

__all__ = ["FlowAuth", "chain", "send_through"]

Wire = Generator[requests.PreparedRequest, requests.Response, requests.Response]


def chain(
    flows: Sequence[RequestFlow], request: requests.PreparedRequest, context: FlowContext
) -> Wire:
    """Yield each request to put on the wire; return the response the flows settle on.

    ``flows`` is outermost first. Every request an outer flow yields passes through all
    inner flows again, so each retry gets fresh client authentication and proofs.
    """
    if not flows:
        return (yield request)
    outer, inner = flows[0], flows[1:]
    generator = outer.flow(request, context)
    if generator is None:
        return (yield from chain(inner, request, context))
    try:
        try:
            sent = next(generator)
        except StopIteration:
            raise PluginContractError(
                outer.name, "its flow ended without yielding a request"
            ) from None
        while True:
            response = yield from chain(inner, sent, context)
            try:
                sent = generator.send(response)
            except StopIteration:
                return response
    finally:
        generator.close()


def send_through(
    send: Callable[[requests.PreparedRequest], requests.Response],
    flows: Sequence[RequestFlow],
    request: requests.PreparedRequest,
    context: FlowContext,
) -> requests.Response:
    """Run ``request`` through ``flows``, sending each wire request with ``send``."""
    if not flows:
        return send(request)
    wire = chain(flows, request, context)
    try:
        sent = next(wire)
        while True:
            response = send(sent)
            try:
                sent = wire.send(response)
            except StopIteration as stop:
                result: requests.Response = stop.value
                return result
    finally:
        wire.close()  # when send() raises, the flows are closed now, not at garbage collection


def transport_error(
    err: requests.RequestException,
    request: Any,
    *,
    endpoint: str | None = None,
    timeout: float | tuple[float, float] | None = None,
) -> TransportError:
    """Wrap a requests failure in the error tree, naming the endpoint and never the URL.

    Timeouts become :class:`RequestTimeout`; ``transient`` says whether the same request
    may succeed later (see :data:`TRANSIENT_FAILURES`).
    """
    where = f"the {endpoint} endpoint" if endpoint else "the server"
    if not isinstance(request, requests.PreparedRequest):
        request = None
    timed_out = _timeout_phase(err)
    if timed_out is not None:
        limit = _timeout_part(timeout, timed_out)
        within = f" within {limit:g} s" if limit is not None else ""
        verb = "could not be reached" if timed_out == "connect" else "did not answer"
        kind = type(err).__name__ if isinstance(err, requests.Timeout) else "ReadTimeout"
        return RequestTimeout(
            f"{where} {verb}{within} ({kind})",
            timeout=limit,
            request=request,
            endpoint=endpoint,
        )
    transient = isinstance(err, TRANSIENT_FAILURES) and not isinstance(err, PERMANENT_FAILURES)
    return TransportError(
        f"the request to {where} failed ({type(err).__name__})",
        transient=transient,
        request=request,
        endpoint=endpoint,
    )


TRANSIENT_FAILURES: tuple[type[requests.RequestException], ...] = (
    requests.Timeout,
    requests.ConnectionError,  # refused, reset, DNS failure, proxy unreachable
    requests.exceptions.ChunkedEncodingError,  # the connection broke in the middle of the body
    requests.exceptions.RetryError,  # the session's own urllib3 retries ran out
)
"""Failures after which the same request may succeed later."""

PERMANENT_FAILURES: tuple[type[requests.RequestException], ...] = (
    requests.exceptions.SSLError,  # a certificate or TLS configuration fault
)
"""Subclasses of :data:`TRANSIENT_FAILURES` that are not transient. Everything else
(invalid URL or header, too many redirects, a body that does not decode) is permanent."""


def _timeout_phase(err: requests.RequestException) -> str | None:
    """``"connect"`` or ``"read"`` (any other Timeout), or None if ``err`` is no timeout."""
    if isinstance(err, requests.ConnectTimeout):
        return "connect"
    if isinstance(err, requests.Timeout):
        return "read"
    # requests raises a ConnectionError, not a ReadTimeout, for a read timeout while a
    # streamed body is read
    if isinstance(err, requests.ConnectionError) and any(
        isinstance(arg, ReadTimeoutError) for arg in err.args
    ):
        return "read"
    return None


def _timeout_part(timeout: float | tuple[float, float] | None, phase: str) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[0] if phase == "connect" else timeout[1]
    return timeout


class FlowAuth(requests.auth.AuthBase):
    """Drive request flows from a requests auth (``requests.get(url, auth=FlowAuth(...))``).

    The first request goes through the chain when the auth is applied; a response hook
    feeds each response back, and sends any retry the flows yield on the same connection.
    """

    def __init__(self, flows: Sequence[RequestFlow], context: FlowContext) -> None:
        self.flows = tuple(flows)
        self.context = context

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Start the chain; the request it yields replaces ``request``."""
        # a copy: requests overwrites ``request`` with what this returns, and flows that
        # retry from the request they were given must see it unchanged
        wire = chain(self.flows, request.copy(), self.context)
        first = next(wire)

        def on_response(response: requests.Response, **kwargs: Any) -> requests.Response:
            while True:
                try:
                    retry = wire.send(response)
                except StopIteration as stop:
                    final: requests.Response = stop.value
                    return final
                response.content  # noqa: B018 - read the body so the connection is released
                response.close()
                retry.hooks["response"] = []
                new = response.connection.send(retry, **kwargs)
                new.history.append(response)
                new.request = retry
                response = new

        first.register_hook("response", on_response)
        return first
