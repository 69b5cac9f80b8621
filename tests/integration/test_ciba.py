"""End to end: CIBA in poll mode against the test server, in real time.

The server advertises ``interval: 1`` and knows the users alice and bob. ID tokens are
validated (oauth2core-oidc).
"""

from __future__ import annotations

import threading
import time
from importlib import metadata
from typing import Any

import pytest

from oauth2core import (
    AccessDenied,
    BearerToken,
    ExpiredToken,
    InvalidRequest,
    OAuth2Client,
)
from oauth2core_grants_ciba import (
    BackChannelAuthenticationPollingJob,
    BackChannelAuthenticationResponse,
    InvalidBindingMessage,
    UnknownUserId,
)
from oauth2core_oidc import IdToken
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource, library_client

pytestmark = pytest.mark.integration


def ciba_client(server: AuthorizationServer, name: str, **kwargs: Any) -> OAuth2Client:
    """The static client ``name``, with the endpoints from the server metadata."""
    return library_client(
        server,
        name,
        issuer=server.issuer,
        backchannel_authentication_endpoint=server.discovery["backchannel_authentication_endpoint"],
        **kwargs,
    )


def seen_by_server(server: AuthorizationServer, auth_req_id: str) -> dict[str, Any]:
    (entry,) = [r for r in server.ciba_requests() if r["auth_req_id"] == auth_req_id]
    return entry


@pytest.mark.parametrize("name", ["basic", "web", "post"])
def test_ciba_approved(authorization_server, name):
    with ciba_client(authorization_server, name) as client:
        response = client.backchannel_authentication_request(
            "openid profile", login_hint="alice", binding_message="oauth2core-42"
        )
        assert isinstance(response, BackChannelAuthenticationResponse)
        assert response.interval == 1
        assert 590 <= (response.expires_in or 0) <= 600
        entry = seen_by_server(authorization_server, response.auth_req_id)
        assert entry["client_id"] == authorization_server.clients[name].client_id
        assert (entry["user"], entry["binding_message"], entry["status"]) == (
            "alice",
            "oauth2core-42",
            "pending",
        )
        authorization_server.approve_ciba(response.auth_req_id)
        token = BackChannelAuthenticationPollingJob(client, response).run()
    assert isinstance(token, BearerToken)
    assert token.id_token
    assert get_resource(authorization_server, token).json()["sub"] == "alice"


def test_polling_while_the_user_approves(authorization_server):
    config = authorization_server.clients["basic"]
    with ciba_client(authorization_server, "basic") as client:
        response = client.backchannel_authentication_request(login_hint="bob")
        authorization_server.reset_token_request_counts()
        timer = threading.Timer(1.6, authorization_server.approve_ciba, (response.auth_req_id,))
        timer.start()
        started = time.monotonic()
        token = BackChannelAuthenticationPollingJob(client, response).run()
        timer.join()
    assert time.monotonic() - started >= 1.6
    assert authorization_server.token_request_count(config.client_id) >= 2
    assert get_resource(authorization_server, token).json()["sub"] == "bob"


def test_one_poll_with_the_client_method(authorization_server):
    with ciba_client(authorization_server, "web") as client:
        response = client.backchannel_authentication_request(login_hint="alice")
        authorization_server.approve_ciba(response.auth_req_id)
        token = client.ciba(response)
    assert token.refresh_token


def test_ciba_denied(authorization_server):
    with ciba_client(authorization_server, "basic") as client:
        response = client.backchannel_authentication_request(login_hint="alice")
        authorization_server.deny_ciba(response.auth_req_id)
        with pytest.raises(AccessDenied):
            BackChannelAuthenticationPollingJob(client, response).run()
    assert seen_by_server(authorization_server, response.auth_req_id)["status"] == "denied"


def test_ciba_expires(authorization_server):
    with ciba_client(authorization_server, "basic") as client:
        response = client.backchannel_authentication_request(login_hint="alice", requested_expiry=2)
        assert (response.expires_in or 0) <= 2
        with pytest.raises(ExpiredToken):
            BackChannelAuthenticationPollingJob(client, response).run()


def test_unknown_user(authorization_server):
    with ciba_client(authorization_server, "basic") as client:
        with pytest.raises(UnknownUserId) as caught:
            client.backchannel_authentication_request(login_hint="mallory")
    assert caught.value.error == "unknown_user_id"
    assert caught.value.status_code == 400


def test_invalid_binding_message(authorization_server):
    with ciba_client(authorization_server, "basic") as client:
        with pytest.raises(InvalidBindingMessage):
            client.backchannel_authentication_request(
                login_hint="alice", binding_message="spaces are not allowed here"
            )


def test_a_public_client_may_not_use_ciba(authorization_server):
    with ciba_client(authorization_server, "public") as client:
        with pytest.raises(InvalidRequest, match="not allowed"):
            client.backchannel_authentication_request(login_hint="alice")


def test_id_tokens_are_validated(authorization_server):
    with ciba_client(authorization_server, "basic") as client:
        response = client.backchannel_authentication_request(login_hint="alice")
        authorization_server.approve_ciba(response.auth_req_id)
        token = BackChannelAuthenticationPollingJob(client, response).run()
    assert isinstance(token.id_token, IdToken)  # oauth2core-oidc validated it
    assert token.id_token.subject == "alice"


def _jwt_installed() -> bool:
    try:
        metadata.distribution("oauth2core-clientauth-jwt")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _jwt_installed(), reason="signed requests need the 'signed' extra")
def test_signed_request(authorization_server):
    config = authorization_server.clients["private_key_jwt"]
    key = config.private_jwk
    assert key is not None
    with OAuth2Client.from_discovery_document(
        authorization_server.discovery, auth=(config.client_id, key)
    ) as client:
        response = client.backchannel_authentication_request(
            login_hint="alice", binding_message="signed", private_jwk=key
        )
        entry = seen_by_server(authorization_server, response.auth_req_id)
        assert (entry["user"], entry["binding_message"]) == ("alice", "signed")
        authorization_server.approve_ciba(response.auth_req_id)
        token = BackChannelAuthenticationPollingJob(client, response).run()
    assert get_resource(authorization_server, token).json()["sub"] == "alice"


@pytest.mark.skipif(not _jwt_installed(), reason="signed requests need the 'signed' extra")
def test_signed_request_with_a_key_the_server_does_not_know(authorization_server):
    from cryptography.hazmat.primitives.asymmetric import ec

    with ciba_client(authorization_server, "basic") as client:
        with pytest.raises(InvalidRequest, match="Request Object"):
            client.backchannel_authentication_request(
                login_hint="alice", private_jwk=ec.generate_private_key(ec.SECP256R1())
            )
