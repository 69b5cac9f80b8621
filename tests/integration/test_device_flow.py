"""End to end: the device authorization grant (RFC 8628) against the test server, in real time.

The server advertises ``interval: 1``; client ``device_short`` has 3-second device codes.
Polling uses the real ``time.sleep`` (or a real cancel event).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from oauth2core import (
    AccessDenied,
    BearerToken,
    ExpiredToken,
    OAuth2Client,
    PollingCancelled,
    PollingTimeout,
)
from oauth2core_grants_device import (
    DeviceAuthorizationPollingJob,
    DeviceAuthorizationResponse,
    OAuth2DeviceCodeAuth,
    render_user_instructions,
)
from oauth2core_oidc import IdToken
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource, library_client

pytestmark = pytest.mark.integration


def device_client(server: AuthorizationServer, name: str, **kwargs: Any) -> OAuth2Client:
    """The static client ``name``, with the endpoints from the server metadata."""
    return library_client(
        server,
        name,
        issuer=server.issuer,
        device_authorization_endpoint=server.discovery["device_authorization_endpoint"],
        **kwargs,
    )


def later(seconds: float, action: Any, *args: Any) -> threading.Timer:
    """Run ``action(*args)`` in ``seconds`` on another thread (a user acting meanwhile)."""
    timer = threading.Timer(seconds, action, args)
    timer.daemon = True
    timer.start()
    return timer


@pytest.mark.parametrize("name", ["public", "web", "basic"])
def test_device_flow_approved(authorization_server, name):
    with device_client(authorization_server, name) as client:
        response = client.authorize_device(scope="api:read offline_access")
        assert isinstance(response, DeviceAuthorizationResponse)
        assert response.interval == 1
        assert response.verification_uri.startswith(authorization_server.issuer)
        assert response.verification_uri_complete is not None
        assert response.user_code in response.verification_uri_complete
        assert 590 <= (response.expires_in or 0) <= 600
        authorization_server.approve_device(response.user_code)
        token = DeviceAuthorizationPollingJob(client, response).run()
    assert isinstance(token, BearerToken)
    assert token.refresh_token
    described = get_resource(authorization_server, token).json()
    assert described["sub"] == "alice"
    assert described["client_id"] == authorization_server.clients[name].client_id


def test_polling_while_the_user_approves(authorization_server):
    config = authorization_server.clients["public"]
    with device_client(authorization_server, "public") as client:
        response = client.authorize_device(scope="api:read")
        authorization_server.reset_token_request_counts()
        timer = later(1.6, authorization_server.approve_device, response.user_code)
        started = time.monotonic()
        token = DeviceAuthorizationPollingJob(client, response).run()
        timer.join()
    assert time.monotonic() - started >= 1.6
    assert authorization_server.token_request_count(config.client_id) >= 2  # pending first
    assert get_resource(authorization_server, token).status_code == 200


def test_openid_scope_gets_a_validated_id_token(authorization_server):
    with device_client(authorization_server, "basic") as client:
        response = client.authorize_device(scope="openid api:read")
        authorization_server.approve_device(response.user_code)
        token = DeviceAuthorizationPollingJob(client, response).run()
    assert isinstance(token.id_token, IdToken)  # oauth2core-oidc validated it
    assert token.id_token.subject == "alice"


def test_device_flow_denied(authorization_server):
    with device_client(authorization_server, "web") as client:
        response = client.authorize_device(scope="api:read")
        authorization_server.deny_device(response.user_code)
        with pytest.raises(AccessDenied) as caught:
            DeviceAuthorizationPollingJob(client, response).run()
    assert caught.value.response is not None


def test_device_code_expires(authorization_server):
    with device_client(authorization_server, "device_short") as client:
        response = client.authorize_device(scope="api:read")
        assert (response.expires_in or 0) <= 3
        started = time.monotonic()
        with pytest.raises(ExpiredToken):  # by the job's clock, or the server's word
            DeviceAuthorizationPollingJob(client, response).run()
        assert time.monotonic() - started < 4.5
        # without the response's expiry, the server's answer decides
        with pytest.raises(ExpiredToken) as caught:
            DeviceAuthorizationPollingJob(client, response.device_code, interval=1).run()
    assert caught.value.response is not None
    assert caught.value.error == "expired_token"


def test_cancel_with_a_real_event(authorization_server):
    cancel = threading.Event()
    with device_client(authorization_server, "public") as client:
        response = client.authorize_device(scope="api:read")
        job = DeviceAuthorizationPollingJob(client, response, interval=30, cancel=cancel)
        later(0.3, cancel.set)
        started = time.monotonic()
        with pytest.raises(PollingCancelled):
            job.run()
    assert time.monotonic() - started < 5  # the wait ended with the event, not the interval


def test_overall_timeout(authorization_server):
    with device_client(authorization_server, "public") as client:
        response = client.authorize_device(scope="api:read")
        started = time.monotonic()
        with pytest.raises(PollingTimeout):
            DeviceAuthorizationPollingJob(client, response, timeout=1.5).run()
    assert 1.4 <= time.monotonic() - started < 4


def test_auth_handler_polls_then_refreshes(authorization_server):
    with device_client(authorization_server, "public") as client:
        response = client.authorize_device(scope="api:read offline_access")
        auth = OAuth2DeviceCodeAuth(client, response)
        later(0.5, authorization_server.approve_device, response.user_code)
        first = get_resource(authorization_server, auth)
        assert first.status_code == 200
        assert first.json()["sub"] == "alice"
        assert auth.device_code is None
        before = auth.token
        assert before is not None
        renewed = auth.renew_token()  # the refresh token grant now (rotated by this server)
        assert renewed.access_token != before.access_token
        assert renewed.refresh_token not in (None, before.refresh_token)
        assert get_resource(authorization_server, auth).status_code == 200


def test_auth_handler_with_openid_and_the_opt_out(authorization_server):
    with device_client(authorization_server, "web") as client:
        response = client.authorize_device(scope="openid api:read")
        authorization_server.approve_device(response.user_code)
        auth = OAuth2DeviceCodeAuth(client, response)
        assert get_resource(authorization_server, auth).status_code == 200
        assert auth.token is not None
        assert auth.token.id_token


def test_user_instructions(authorization_server):
    with device_client(authorization_server, "public") as client:
        response = client.authorize_device(scope="api:read")
    text = render_user_instructions(response)
    assert response.verification_uri in text
    assert response.user_code in text
    assert str(response.verification_uri_complete) in text
    assert response.device_code not in text
    assert "expires in 10 minutes" in text


def test_from_discovery(authorization_server):
    config = authorization_server.clients["public"]
    with OAuth2Client.from_discovery_endpoint(
        issuer=authorization_server.issuer, auth=config.client_id
    ) as client:
        response = client.authorize_device(scope="api:read")
        authorization_server.approve_device(response.user_code)
        token = client.device_code(response)  # one poll, the user has already approved
    assert get_resource(authorization_server, token).json()["sub"] == "alice"
