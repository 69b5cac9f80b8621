"""The auth handler's hot path: a cached token, against a handler that sets a static header.

No network: each call gets a fresh prepared GET (made outside the timed loop), and the
timed loop is ``for request in batch: handler(request)`` for every side alike.
"""

from __future__ import annotations

import requests

from ._config import Config
from ._libs import (
    HTTPS_RESOURCE_URL,
    HTTPS_TOKEN_URL,
    LIBRARIES,
    OAUTH2CORE,
    OAUTHLIB,
    Handler,
    StaticHeader,
    StaticHeaderWithHook,
    cached_handler,
)
from ._table import Row, duration, ratio
from ._timing import fresh_requests, interleaved, median, per_call, ratios

ACCESS_TOKEN = "cached-access-token"  # noqa: S105 - a fake token
STATIC = "static header"
STATIC_HOOK = "static header + hook"
TARGET = 2.0


def rows(config: Config) -> list[Row]:
    """The hot-path row."""
    template = requests.Request("GET", HTTPS_RESOURCE_URL).prepare()
    handlers: dict[str, Handler] = {
        STATIC: StaticHeader(f"Bearer {ACCESS_TOKEN}"),
        STATIC_HOOK: StaticHeaderWithHook(f"Bearer {ACCESS_TOKEN}"),
    }
    for library in LIBRARIES:
        handlers[library] = cached_handler(library, HTTPS_TOKEN_URL, ACCESS_TOKEN)
    for name, handler in handlers.items():  # every side does the same work
        (request,) = fresh_requests(template, 1)
        request = handler(request)
        assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}", name
    samples = interleaved(
        {
            name: per_call(handler, template, config.handler_calls)
            for name, handler in handlers.items()
        },
        config.rounds,
    )
    relative = ratios(samples, STATIC)
    cells = {
        library: f"{ratio(relative[library])} ({duration(median(samples[library]))})"
        for library in LIBRARIES
    }
    value = relative[OAUTH2CORE]
    notes = [
        f"Per call, median of {config.rounds} interleaved samples of {config.handler_calls} calls "
        "on fresh prepared requests; the ratio is the median of per-round ratios to a handler "
        f"that sets one static header ({duration(median(samples[STATIC]))} per call). A static "
        f"header plus one appended pre-bound response hook, the floor of a handler that arms a "
        f"401 retry, is {ratio(relative[STATIC_HOOK])}. Authlib: `OAuth2Session.token_auth`; "
        f"{OAUTHLIB}: `requests_oauthlib.OAuth2` over a `BackendApplicationClient` (it never "
        "renews, and `OAuth2Session` adds the token the same way inside `request()`).",
    ]
    return [
        Row(
            "handler",
            "auth handler with a cached token, x a handler that sets a static header",
            cells,
            f"<= {TARGET:g}x (it also arms the 401 retry; 1.5x without it)",
            value <= TARGET,
            notes,
        )
    ]
