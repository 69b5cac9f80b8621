"""OAuth2DeviceCodeAuth: polls through its job (and sleeper) for a first token, then refreshes."""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AccessDenied,
    NonRenewableTokenError,
    OAuth2AccessTokenAuth,
    PollingCancelled,
    ServerError,
    UnvalidatedIdToken,
)
from oauth2core_grants_device import (
    DEVICE_CODE_GRANT,
    DeviceAuthorizationResponse,
    OAuth2DeviceCodeAuth,
)

ISSUER = "https://as.example.com"
TOKEN = f"{ISSUER}/oauth/token"
API = "https://api.example.com/things"


class TokenEndpoint:
    """Answers ``pending`` times authorization_pending, then numbered tokens."""

    def __init__(self, pending: int = 0, error: str | None = None) -> None:
        self.pending = pending
        self.error = error
        self.forms: list[dict[str, list[str]]] = []
        self.issued = 0

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = parse_qs(request.body)
        self.forms.append(form)
        if form["grant_type"] == [DEVICE_CODE_GRANT]:
            if self.pending:
                self.pending -= 1
                return 400, {}, json.dumps({"error": "authorization_pending"})
            if self.error:
                return 400, {}, json.dumps({"error": self.error})
        self.issued += 1
        body = {
            "access_token": f"at-{self.issued}",
            "token_type": "Bearer",
            "expires_in": 60,
        }
        if self.issued == 1:
            body["refresh_token"] = "rt-1"
        return 200, {}, json.dumps(body)


@pytest.fixture
def api(mock_http: responses.RequestsMock) -> responses.RequestsMock:
    mock_http.assert_all_requests_are_fired = False
    mock_http.get(API, json={"ok": True})
    return mock_http


def call(auth: requests.auth.AuthBase) -> requests.PreparedRequest:
    with requests.Session() as session:
        response = session.get(API, auth=auth)
    assert response.request is not None
    return response.request


def test_polls_for_the_first_token_then_refreshes(client, api, clock, sleeper):
    endpoint = TokenEndpoint(pending=2)
    api.add_callback("POST", TOKEN, callback=endpoint)
    response = DeviceAuthorizationResponse(
        "dc-1", "UC-1", f"{ISSUER}/device", expires_in=600, interval=3, clock=clock
    )
    auth = OAuth2DeviceCodeAuth(client, response, sleeper=sleeper)
    assert isinstance(auth, OAuth2AccessTokenAuth)
    assert (auth.device_code, auth.token) == ("dc-1", None)

    assert call(auth).headers["Authorization"] == "Bearer at-1"
    assert sleeper.waits == [3, 3, 3]  # through the job's sleeper, at the response's interval
    assert auth.device_code is None  # spent
    assert [f["grant_type"][0] for f in endpoint.forms] == [DEVICE_CODE_GRANT] * 3

    assert call(auth).headers["Authorization"] == "Bearer at-1"  # cached
    clock.advance(60)
    assert call(auth).headers["Authorization"] == "Bearer at-2"
    assert endpoint.forms[-1]["grant_type"] == ["refresh_token"]
    assert endpoint.forms[-1]["refresh_token"] == ["rt-1"]
    assert auth.token is not None
    assert auth.token.refresh_token == "rt-1"  # kept when the server does not rotate it


def test_device_code_string_keyword(client, api, sleeper):
    api.add_callback("POST", TOKEN, callback=TokenEndpoint())
    auth = OAuth2DeviceCodeAuth(client, device_code="dc-2", interval=1, sleeper=sleeper)
    assert call(auth).headers["Authorization"] == "Bearer at-1"
    assert sleeper.waits == [1]


def test_token_kwargs_go_to_polls_and_refreshes(client, api, clock, sleeper):
    endpoint = TokenEndpoint()
    api.add_callback("POST", TOKEN, callback=endpoint)
    auth = OAuth2DeviceCodeAuth(client, "dc-3", sleeper=sleeper, resource="https://api.example.com")
    call(auth)
    clock.advance(60)
    call(auth)
    assert [f["resource"] for f in endpoint.forms] == [["https://api.example.com"]] * 2


def test_openid_needs_the_opt_out(client, api, clock, sleeper):
    response = DeviceAuthorizationResponse("dc", "UC", f"{ISSUER}/d", clock=clock)
    response.requested_scope = "openid"
    with pytest.raises(UnvalidatedIdToken):
        OAuth2DeviceCodeAuth(client, response, sleeper=sleeper)
    auth = OAuth2DeviceCodeAuth(
        client, response, sleeper=sleeper, id_token_validation=SKIP_ID_TOKEN_VALIDATION
    )
    assert auth.polling_job is not None
    assert auth.polling_job.token_kwargs == {"id_token_validation": SKIP_ID_TOKEN_VALIDATION}


def test_denied_drops_the_device_code(client, api, sleeper):
    api.add_callback("POST", TOKEN, callback=TokenEndpoint(error="access_denied"))
    auth = OAuth2DeviceCodeAuth(client, "dc-4", sleeper=sleeper)
    with pytest.raises(AccessDenied):
        call(auth)
    assert auth.device_code is None
    with pytest.raises(NonRenewableTokenError):
        call(auth)


def test_transient_errors_keep_the_device_code(client, api, sleeper):
    endpoint = TokenEndpoint(error="server_error")
    api.add_callback("POST", TOKEN, callback=endpoint)
    auth = OAuth2DeviceCodeAuth(client, "dc-5", sleeper=sleeper)
    with pytest.raises(ServerError):
        call(auth)
    assert auth.device_code == "dc-5"
    endpoint.error = None
    assert call(auth).headers["Authorization"] == "Bearer at-1"


def test_cancel_keeps_the_device_code(client, api, clock):
    api.add_callback("POST", TOKEN, callback=TokenEndpoint(pending=1))
    cancel = threading.Event()

    waits: list[float] = []

    def sleeper(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)
        if len(waits) == 2:  # cancelled while waiting for the second poll
            cancel.set()

    auth = OAuth2DeviceCodeAuth(client, "dc-6", cancel=cancel, sleeper=sleeper)
    with pytest.raises(PollingCancelled):
        call(auth)
    assert auth.device_code == "dc-6"
    cancel.clear()
    assert call(auth).headers["Authorization"] == "Bearer at-1"  # the same job resumes
    assert waits == [5, 5, 5]


def test_with_a_token_and_no_device_code(client, api, clock):
    endpoint = TokenEndpoint()
    api.add_callback("POST", TOKEN, callback=endpoint)
    auth = OAuth2DeviceCodeAuth(client, None, token="given")
    assert call(auth).headers["Authorization"] == "Bearer given"
    assert endpoint.forms == []
    assert "device_code" not in repr(auth)


def test_repr_hides_the_device_code(client):
    text = repr(OAuth2DeviceCodeAuth(client, "dc-secret"))
    assert "dc-secret" not in text
    assert "device_code=<redacted>" in text
