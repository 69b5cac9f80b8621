"""Driving request flows: nest the registered generators and send what they yield.

One driver sends through a Session (OAuth2Client); one response-hook adapter drives the
same chain for plain ``requests.get(url, auth=...)`` users.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import requests

from ._errors import PluginContractError, TransportError

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


def transport_error(err: requests.RequestException, request: Any) -> TransportError:
    """Wrap a requests failure; timeouts and connection failures are transient."""
    transient = isinstance(err, requests.Timeout | requests.ConnectionError) and not isinstance(
        err, requests.exceptions.SSLError
    )
    kind = type(err).__name__
    return TransportError(f"request failed ({kind})", transient=transient, request=request)


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
