"""End to end: RFC 9207 issuer checks, resource indicators, optional PAR, prompt=none."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from oauth2core import (
    LoginRequired,
    MismatchingIssuer,
    MissingIssuer,
    OAuth2Client,
)
from tests.integration._authorization_server import AuthorizationServer
from tests.integration._library import get_resource, secret_of


def web_client(server: AuthorizationServer) -> OAuth2Client:
    config = server.clients["web"]
    return OAuth2Client.from_discovery_endpoint(
        issuer=server.issuer,
        auth=(config.client_id, secret_of(config)),
        redirect_uri=config.redirect_uri,
    )


def replace_param(url: str, name: str, value: str | None) -> str:
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if value is None:
        params.pop(name, None)
    else:
        params[name] = value
    return parts._replace(query=urlencode(params)).geturl()


def test_iss_from_another_server_is_refused(authorization_server):
    with web_client(authorization_server) as client, authorization_server.user_agent() as ua:
        request = client.authorization_request(scope="openid")
        callback = ua.authorize(request.uri)
        forged = replace_param(callback, "iss", "https://evil.example.com")
        with pytest.raises(MismatchingIssuer) as caught:
            request.validate_callback(forged)
        assert caught.value.expected == authorization_server.issuer
        stripped = replace_param(callback, "iss", None)
        # The server's metadata says it always sends iss: a callback without it is refused.
        with pytest.raises(MissingIssuer):
            request.validate_callback(stripped)
        response = request.validate_callback(callback)
        assert response.issuer == authorization_server.issuer


def test_resource_indicator_in_the_authorization_request(authorization_server):
    with web_client(authorization_server) as client, authorization_server.user_agent() as ua:
        request = client.authorization_request(
            scope="openid api:read", resource=authorization_server.resource_indicator
        )
        response = request.validate_callback(ua.authorize(request.uri))
        token = client.authorization_code(
            response,
            resource=authorization_server.resource_indicator,
        )
        described = get_resource(authorization_server, token).json()
        assert described["aud"] == authorization_server.resource_indicator
        assert "api:read" in described["scope"]


def test_optional_par_with_the_web_client(authorization_server):
    with web_client(authorization_server) as client, authorization_server.user_agent() as ua:
        request = client.authorization_request(scope="openid")
        pushed = client.pushed_authorization_request(request)
        assert set(parse_qs(urlsplit(pushed.uri).query)) == {"client_id", "request_uri"}
        response = pushed.validate_callback(ua.authorize(pushed.uri))
        token = client.authorization_code(response)
        assert token.access_token


def test_prompt_none_silent_reauthentication(authorization_server):
    with web_client(authorization_server) as client, authorization_server.user_agent() as ua:
        silent = client.authorization_request(scope="openid", prompt="none")
        # No session yet: the server answers login_required instead of showing a page.
        with pytest.raises(LoginRequired):
            silent.validate_callback(ua.authorize(silent.uri))

        first = client.authorization_request(scope="openid")
        client.authorization_code(first.validate_callback(ua.authorize(first.uri)))
        again = client.authorization_request(scope="openid", prompt="none")
        response = again.validate_callback(ua.authorize(again.uri))
        token = client.authorization_code(response)
        assert get_resource(authorization_server, token).json()["sub"] == "alice"
