"""Request flows: nesting by phase, retries, skipped flows, closing, and the requests adapter."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import requests

from oauth2core import TransportError
from oauth2core._flows import FlowAuth, chain, send_through
from oauth2core.hookspecs import (
    CLIENT_AUTH_PHASE,
    RETRY_PHASE,
    TOKEN_PROOF_PHASE,
    FlowContext,
    RequestFlow,
)

URL = "https://api.example.com/things"


def prepared(url: str = URL) -> requests.PreparedRequest:
    return requests.Request("GET", url).prepare()


def fake_response(request: requests.PreparedRequest, status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.request = request
    response._content = b""
    return response


class Server:
    """A fake transport: answers each request with the next status, and records it."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[requests.PreparedRequest] = []

    def __call__(self, request: requests.PreparedRequest) -> requests.Response:
        self.requests.append(request)
        return fake_response(request, self.statuses.pop(0))


def tagging_flow(name: str, log: list[str]):
    """A flow that adds its name to a header and logs what it sees, in order."""

    def flow(request, context):
        log.append(f"{name}>")
        try:
            wire = request.copy()
            wire.headers["X-Flow"] = ",".join(filter(None, [wire.headers.get("X-Flow"), name]))
            response = yield wire
            log.append(f"<{name}:{response.status_code}")
        finally:
            log.append(f"closed:{name}")

    return flow


def retry_once_flow(log: list[str]):
    """Retry once on a 503."""

    def flow(request, context):
        try:
            response = yield request
            if response.status_code == 503:
                log.append("retry")
                yield request
        finally:
            log.append("closed:retry")

    return flow


CONTEXT = FlowContext("resource")


def test_no_flows_sends_the_request_as_is():
    server = Server(200)
    request = prepared()
    response = send_through(server, (), request, CONTEXT)
    assert response.status_code == 200
    assert server.requests == [request]


def test_flows_nest_outermost_first():
    log: list[str] = []
    flows = [
        RequestFlow("outer", RETRY_PHASE, tagging_flow("outer", log)),
        RequestFlow("inner", CLIENT_AUTH_PHASE, tagging_flow("inner", log)),
    ]
    server = Server(200)
    response = send_through(server, flows, prepared(), CONTEXT)
    assert response.status_code == 200
    assert server.requests[0].headers["X-Flow"] == "outer,inner"
    assert log == ["outer>", "inner>", "<inner:200", "closed:inner", "<outer:200", "closed:outer"]


def test_registry_orders_flows_by_phase(registry_with):
    log: list[str] = []

    def register_request_flows(register):
        # registered in scrambled order: the phase decides the nesting
        register(RequestFlow("test.proof", TOKEN_PROOF_PHASE, tagging_flow("proof", log)))
        register(RequestFlow("test.retry", RETRY_PHASE, tagging_flow("retry", log)))
        register(RequestFlow("test.auth", CLIENT_AUTH_PHASE + 1, tagging_flow("auth", log)))

    registry = registry_with("test_phase_plugin", register_request_flows=register_request_flows)
    flows = registry.flows_for("resource")
    assert [f.name for f in flows] == ["test.retry", "test.proof", "test.auth"]
    server = Server(200)
    send_through(server, flows, prepared(), CONTEXT)
    assert server.requests[0].headers["X-Flow"] == "retry,proof,auth"
    assert log[:3] == ["retry>", "proof>", "auth>"]


def test_registry_filters_flows_by_endpoint(registry_with):
    def register_request_flows(register):
        register(RequestFlow("test.token_only", 150, tagging_flow("t", []), frozenset({"token"})))
        register(RequestFlow("test.everywhere", 160, tagging_flow("e", [])))

    registry = registry_with("test_endpoint_plugin", register_request_flows=register_request_flows)
    assert [f.name for f in registry.flows_for("resource")] == ["test.everywhere"]
    assert [f.name for f in registry.flows_for("token")] == [
        "test.everywhere",
        "test.token_only",
        "oauth2core.client_auth",
    ]


def test_a_retry_passes_again_through_inner_flows():
    log: list[str] = []
    flows = [
        RequestFlow("retry", RETRY_PHASE, retry_once_flow(log)),
        RequestFlow("auth", CLIENT_AUTH_PHASE, tagging_flow("auth", log)),
    ]
    server = Server(503, 200)
    response = send_through(server, flows, prepared(), CONTEXT)
    assert response.status_code == 200
    assert len(server.requests) == 2
    assert [r.headers["X-Flow"] for r in server.requests] == ["auth", "auth"]
    assert log == [
        "auth>",
        "<auth:503",
        "closed:auth",
        "retry",
        "auth>",
        "<auth:200",
        "closed:auth",
        "closed:retry",
    ]


def test_retry_is_not_made_when_not_needed():
    log: list[str] = []
    server = Server(200)
    flows = [RequestFlow("retry", RETRY_PHASE, retry_once_flow(log))]
    assert send_through(server, flows, prepared(), CONTEXT).status_code == 200
    assert len(server.requests) == 1
    assert "retry" not in log


def test_a_flow_returning_none_is_skipped():
    calls: list[FlowContext] = []

    def not_mine(request, context):
        calls.append(context)
        return None

    log: list[str] = []
    flows = [
        RequestFlow("skip", RETRY_PHASE, not_mine),
        RequestFlow("tag", CLIENT_AUTH_PHASE, tagging_flow("tag", log)),
    ]
    server = Server(200)
    send_through(server, flows, prepared(), CONTEXT)
    assert calls == [CONTEXT]
    assert server.requests[0].headers["X-Flow"] == "tag"


def test_chain_yields_wire_requests_and_returns_the_final_response():
    log: list[str] = []
    flows = [RequestFlow("retry", RETRY_PHASE, retry_once_flow(log))]
    request = prepared()
    wire = chain(flows, request, CONTEXT)
    assert next(wire) is request
    assert wire.send(fake_response(request, 503)) is request
    with pytest.raises(StopIteration) as stop:
        wire.send(fake_response(request, 201))
    assert stop.value.value.status_code == 201
    assert log == ["retry", "closed:retry"]


def test_flows_are_closed_when_abandoned():
    log: list[str] = []
    flows = [
        RequestFlow("outer", RETRY_PHASE, tagging_flow("outer", log)),
        RequestFlow("inner", CLIENT_AUTH_PHASE, tagging_flow("inner", log)),
    ]
    wire = chain(flows, prepared(), CONTEXT)
    next(wire)
    wire.close()
    assert log == ["outer>", "inner>", "closed:inner", "closed:outer"]


def test_flows_are_closed_when_sending_fails():
    log: list[str] = []
    flows = [
        RequestFlow("outer", RETRY_PHASE, tagging_flow("outer", log)),
        RequestFlow("inner", CLIENT_AUTH_PHASE, tagging_flow("inner", log)),
    ]

    def failing(request):
        raise TransportError("request failed", transient=True, request=request)

    with pytest.raises(TransportError) as excinfo:
        send_through(failing, flows, prepared(), CONTEXT)
    # closed by the driver, not later by the garbage collector: the traceback is alive here
    assert excinfo.value.transient is True
    assert log == ["outer>", "inner>", "closed:inner", "closed:outer"]


# ------------------------------------------------------------------------------ through a client


def test_client_retry_flow_gets_fresh_client_auth(registry_with, make_client, mock_http, endpoints):
    log: list[str] = []

    def register_request_flows(register):
        register(RequestFlow("test.retry", RETRY_PHASE, retry_once_flow(log), frozenset({"token"})))

    client = make_client(
        ("client-1", "s3cret"),
        registry=registry_with("test_retry_plugin", register_request_flows=register_request_flows),
    )
    mock_http.post(endpoints.token, status=503, body="busy")
    mock_http.post(endpoints.token, json={"access_token": "at", "token_type": "Bearer"})
    token = client.client_credentials()
    assert token.access_token == "at"
    assert log == ["retry", "closed:retry"]
    assert len(mock_http.calls) == 2
    for call in mock_http.calls:
        form = parse_qs(call.request.body)
        assert form["client_secret"] == ["s3cret"]
        assert form["grant_type"] == ["client_credentials"]


def test_client_flow_sees_the_endpoint_and_form(registry_with, make_client, mock_http, endpoints):
    seen: list[FlowContext] = []

    def spy(request, context):
        seen.append(context)
        yield request

    def register_request_flows(register):
        register(RequestFlow("test.spy", TOKEN_PROOF_PHASE, spy))

    client = make_client(
        ("client-1", "s3cret"),
        registry=registry_with("test_spy_plugin", register_request_flows=register_request_flows),
    )
    mock_http.post(endpoints.token, json={"access_token": "at", "token_type": "Bearer"})
    client.client_credentials(scope="a")
    (context,) = seen
    assert context.endpoint == "token"
    assert context.client is client
    assert context.data is not None
    assert dict(context.data) == {"grant_type": "client_credentials", "scope": "a"}
    assert "client_secret" not in context.data


# ------------------------------------------------------------------------------ FlowAuth


def challenge_flow(log: list[str]):
    """Answer a 401 with a second try that carries a proof header (a nonce-retry shape)."""

    def flow(request, context):
        first = request.copy()
        first.headers["X-Proof"] = "first"
        response = yield first
        log.append(f"got {response.status_code}")
        if response.status_code == 401:
            retry = request.copy()
            retry.headers["X-Proof"] = "second:" + response.headers["X-Nonce"]
            response = yield retry
            log.append(f"got {response.status_code}")
        log.append("done")

    return flow


def test_flow_auth_retries_after_a_401(mock_http):
    log: list[str] = []
    auth = FlowAuth([RequestFlow("challenge", 200, challenge_flow(log))], CONTEXT)
    mock_http.get(URL, status=401, headers={"X-Nonce": "n-1"})
    mock_http.get(URL, status=200, json={"ok": True})
    with requests.Session() as session:
        response = session.get(URL, auth=auth)
        response.close()
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert [r.status_code for r in response.history] == [401]
    assert [c.request.headers["X-Proof"] for c in mock_http.calls] == ["first", "second:n-1"]
    assert log == ["got 401", "got 200", "done"]


def test_flow_auth_without_retry(mock_http):
    log: list[str] = []
    auth = FlowAuth([RequestFlow("challenge", 200, challenge_flow(log))], CONTEXT)
    mock_http.get(URL, status=200)
    with requests.Session() as session:
        response = session.get(URL, auth=auth)
        response.close()
    assert response.status_code == 200
    assert response.history == []
    assert len(mock_http.calls) == 1
    assert log == ["got 200", "done"]


def test_flow_auth_with_nested_flows(mock_http):
    log: list[str] = []
    auth = FlowAuth(
        [
            RequestFlow("retry", RETRY_PHASE, retry_once_flow(log)),
            RequestFlow("tag", CLIENT_AUTH_PHASE, tagging_flow("tag", log)),
        ],
        CONTEXT,
    )
    mock_http.get(URL, status=503)
    mock_http.get(URL, status=204)
    with requests.Session() as session:
        response = session.get(URL, auth=auth)
        response.close()
    assert response.status_code == 204
    assert [c.request.headers["X-Flow"] for c in mock_http.calls] == ["tag", "tag"]
    assert log[-1] == "closed:retry"


def test_a_flow_that_never_yields_is_a_contract_error():
    from oauth2core import PluginContractError

    def lazy(request, context):
        def never(ready: bool):
            if ready:
                yield request

        return never(False)

    flow = RequestFlow("lazy", TOKEN_PROOF_PHASE, lazy)
    with pytest.raises(PluginContractError, match="lazy"):
        send_through(Server(200), [flow], prepared(), FlowContext("resource"))
