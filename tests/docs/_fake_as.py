"""A small fake Authorization Server and API, on ``responses``, for the documentation examples.

It answers for ``https://as.example.com`` (discovery, token endpoint for every grant the
docs show, PAR, device and CIBA endpoints, revocation, introspection, userinfo, JWKS, ID
tokens and JARM responses signed with a test key), ``https://api.example.com`` (an API
that accepts the tokens it issued, Bearer or DPoP) and the Auth0 tenant
``https://acme.eu.auth0.com`` (the same server behind Auth0's paths, plus the Management
API). State lives on the object, so the blocks of one page share it.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import requests
import responses
from jwskate import Jwk, Jwt

ISSUER = "https://as.example.com"
API = "https://api.example.com"
AUTH0_TENANT = "https://acme.eu.auth0.com"
CLIENTS: dict[str, str | None] = {"my-client": "my-secret", "my-app": None}
"""The registered clients: id -> secret (None: public, or authenticated by a JWT)."""
USER = "alice"

PATHS = {
    "token_endpoint": "/token",
    "authorization_endpoint": "/authorize",
    "pushed_authorization_request_endpoint": "/par",
    "revocation_endpoint": "/revoke",
    "introspection_endpoint": "/introspect",
    "userinfo_endpoint": "/userinfo",
    "jwks_uri": "/jwks",
    "device_authorization_endpoint": "/device_authorization",
    "backchannel_authentication_endpoint": "/bc-authorize",
    "end_session_endpoint": "/logout",
}
AUTH0_PATHS = {
    "token_endpoint": "/oauth/token",
    "authorization_endpoint": "/authorize",
    "pushed_authorization_request_endpoint": "/oauth/par",
    "revocation_endpoint": "/oauth/revoke",
    "userinfo_endpoint": "/userinfo",
    "jwks_uri": "/.well-known/jwks.json",
    "device_authorization_endpoint": "/oauth/device/code",
    "backchannel_authentication_endpoint": "/bc-authorize",
    "end_session_endpoint": "/oidc/logout",
}

_SIGNING_KEY: list[Jwk] = []


def signing_key() -> Jwk:
    """The server's RS256 key, generated once per process."""
    if not _SIGNING_KEY:
        _SIGNING_KEY.append(Jwk.generate(alg="RS256", key_size=2048, kid="as-key-1"))
    return _SIGNING_KEY[0]


Reply = tuple[int, dict[str, str], str]


def _json(status: int, body: object, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(body)


def _error(status: int, error: str, description: str = "") -> Reply:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return _json(status, body)


def _form(request: requests.PreparedRequest) -> dict[str, str]:
    body = request.body
    text = body.decode() if isinstance(body, bytes) else str(body or "")
    return dict(parse_qsl(text))


def _header(request: requests.PreparedRequest, name: str) -> str:
    value = request.headers.get(name, "")
    return value.decode() if isinstance(value, bytes) else value


def _unverified_claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def _s256(verifier: str) -> str:
    import hashlib

    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Issued:
    """What the server remembers of an access or refresh token."""

    client_id: str
    scope: str
    subject: str | None
    dpop: bool = False
    auth_time: int = 0


@dataclass
class FakeAuthorizationServer:
    """The server's state: clients, codes, tokens, pending device and CIBA requests."""

    issuer: str = ISSUER
    paths: dict[str, str] = field(default_factory=lambda: dict(PATHS))
    pushed: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, Issued] = field(default_factory=dict)
    refresh_tokens: dict[str, Issued] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests_seen: list[requests.PreparedRequest] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """The server's scheme and host."""
        return self.issuer.rstrip("/")

    def metadata(self) -> dict[str, Any]:
        """The discovery document (RFC 8414, OpenID Connect Discovery)."""
        return {
            "issuer": self.issuer,
            **{name: self.origin + path for name, path in self.paths.items()},
            "authorization_response_iss_parameter_supported": True,
            "response_modes_supported": ["query", "jwt"],
            "code_challenge_methods_supported": ["S256"],
            "dpop_signing_alg_values_supported": ["ES256", "RS256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    # ------------------------------------------------------------------ wiring

    def install(self, mock: responses.RequestsMock, *, except_under: str = "") -> None:
        """Answer every request to this server's origin (but those under ``except_under``)."""
        skip = f"(?!{re.escape(except_under)})" if except_under else ""
        pattern = re.compile(re.escape(self.origin) + skip + r"(/.*)?$")
        for method in ("GET", "POST"):
            mock.add_callback(method, pattern, callback=self.dispatch)

    def dispatch(self, request: requests.PreparedRequest) -> Reply:
        """Route one request by path."""
        self.requests_seen.append(request)
        path = urlsplit(request.url or "").path
        if path.startswith("/.well-known/") and path.endswith(
            ("openid-configuration", "oauth-authorization-server")
        ):
            return _json(200, self.metadata())
        names = {value: key for key, value in self.paths.items()}
        handler = {
            "token_endpoint": self.token,
            "pushed_authorization_request_endpoint": self.par,
            "revocation_endpoint": self.revoke,
            "introspection_endpoint": self.introspect,
            "userinfo_endpoint": self.userinfo,
            "jwks_uri": self.jwks,
            "device_authorization_endpoint": self.device_authorization,
            "backchannel_authentication_endpoint": self.backchannel_authentication,
        }.get(names.get(path, ""))
        if handler is None:
            return _json(404, {"error": "not_found"})
        return handler(request)

    # ------------------------------------------------------------------ the user

    def sign_in(self, uri: str) -> str:
        """The browser round trip: ``alice`` signs in and consents; the callback URL."""
        params = dict(parse_qsl(urlsplit(uri).query))
        if "request_uri" in params:
            params = {**self.pushed[params["request_uri"]], **params}
        if "request" in params:
            params = {**params, **_unverified_claims(params["request"])}
        code = secrets.token_urlsafe(16)
        self.codes[code] = params
        answer = {"code": code, "iss": self.issuer}
        if "state" in params:
            answer["state"] = params["state"]
        redirect_uri = params["redirect_uri"]
        if params.get("response_mode") == "jwt":  # JARM
            claims = {**answer, "aud": params["client_id"], "exp": int(time.time()) + 60}
            return f"{redirect_uri}?{urlencode({'response': self.sign(claims)})}"
        return f"{redirect_uri}?{urlencode(answer)}"

    # ------------------------------------------------------------------ endpoints

    def authenticate(self, request: requests.PreparedRequest, form: dict[str, str]) -> str | None:
        """The authenticated client id, or None when client authentication fails."""
        header = _header(request, "Authorization")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            client_id, secret = unquote_plus(client_id), unquote_plus(secret)  # RFC 6749 §2.3.1
        elif "client_assertion" in form:
            claims = _unverified_claims(form["client_assertion"])
            return claims["iss"] if claims.get("iss") in CLIENTS else None
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id not in CLIENTS:
            return None
        expected = CLIENTS[client_id]
        if expected is None:
            return client_id if not secret else None
        return client_id if secrets.compare_digest(secret, expected) else None

    def token(self, request: requests.PreparedRequest) -> Reply:
        """The token endpoint: every grant of the docs."""
        form = _form(request)
        client_id = self.authenticate(request, form)
        if client_id is None:
            return _error(401, "invalid_client", "client authentication failed")
        grant_type = form.get("grant_type", "")
        dpop = "DPoP" in request.headers
        scope = form.get("scope", "")
        subject: str | None = USER
        auth_time = int(time.time())
        nonce: str | None = None
        if grant_type == "client_credentials":
            subject = None
        elif grant_type == "authorization_code":
            params = self.codes.pop(form.get("code", ""), None)
            if params is None:
                return _error(400, "invalid_grant", "unknown or used code")
            challenge = params.get("code_challenge")
            if challenge and _s256(form.get("code_verifier", "")) != challenge:
                return _error(400, "invalid_grant", "PKCE verification failed")
            scope, nonce = params.get("scope", ""), params.get("nonce")
        elif grant_type == "refresh_token":
            issued = self.refresh_tokens.get(form.get("refresh_token", ""))
            if issued is None:
                return _error(400, "invalid_grant", "unknown refresh token")
            scope, subject, auth_time = issued.scope, issued.subject, issued.auth_time
        elif grant_type == "password":
            if (form.get("username"), form.get("password")) != (USER, "alice's password"):
                return _error(400, "invalid_grant", "wrong username or password")
        elif grant_type in (
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:openid:params:grant-type:ciba",
        ):
            key = form.get("device_code") or form.get("auth_req_id", "")
            state = self.pending.get(key)
            if state is None:
                return _error(400, "invalid_grant")
            state["polls"] += 1
            if state["polls"] < 2:  # the user approves between the first and second poll
                return _error(400, "authorization_pending")
            del self.pending[key]
            scope = state["scope"]
        elif grant_type not in (
            "urn:ietf:params:oauth:grant-type:token-exchange",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "urn:ietf:params:oauth:grant-type:saml2-bearer",
        ):
            return _error(400, "unsupported_grant_type")
        return self.issue(
            Issued(client_id, scope, subject, dpop, auth_time), nonce=nonce, grant_type=grant_type
        )

    def issue(self, issued: Issued, *, nonce: str | None, grant_type: str) -> Reply:
        """A successful token response."""
        client_id, scope, subject = issued.client_id, issued.scope, issued.subject
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = issued
        body: dict[str, Any] = {
            "access_token": access_token,
            "token_type": "DPoP" if issued.dpop else "Bearer",
            "expires_in": 3600,
        }
        if scope:
            body["scope"] = scope
        if grant_type.endswith("token-exchange"):
            body["issued_token_type"] = "urn:ietf:params:oauth:token-type:access_token"
        if subject is not None and grant_type != "urn:ietf:params:oauth:grant-type:token-exchange":
            refresh_token = secrets.token_urlsafe(24)
            self.refresh_tokens[refresh_token] = issued
            body["refresh_token"] = refresh_token
        if subject is not None and "openid" in scope.split():
            now = int(time.time())
            claims = {"iss": self.issuer, "sub": subject, "aud": client_id, "iat": now}
            claims.update(exp=now + 300, auth_time=issued.auth_time)
            if nonce and grant_type == "authorization_code":
                claims["nonce"] = nonce
            body["id_token"] = self.sign(claims)
        return _json(200, body, **({"Cache-Control": "no-store"}))

    def sign(self, claims: dict[str, Any]) -> str:
        """A JWT signed with the server's key."""
        return str(Jwt.sign(claims, key=signing_key(), alg="RS256"))

    def par(self, request: requests.PreparedRequest) -> Reply:
        """Pushed authorization requests (RFC 9126)."""
        form = _form(request)
        if self.authenticate(request, form) is None:
            return _error(401, "invalid_client")
        request_uri = f"urn:ietf:params:oauth:request_uri:{secrets.token_urlsafe(8)}"
        self.pushed[request_uri] = form
        return _json(201, {"request_uri": request_uri, "expires_in": 60})

    def revoke(self, request: requests.PreparedRequest) -> Reply:
        """Revocation (RFC 7009)."""
        token = _form(request).get("token", "")
        self.tokens.pop(token, None)
        self.refresh_tokens.pop(token, None)
        return 200, {}, ""

    def introspect(self, request: requests.PreparedRequest) -> Reply:
        """Introspection (RFC 7662)."""
        form = _form(request)
        if self.authenticate(request, form) is None:
            return _error(401, "invalid_client")
        issued = self.tokens.get(form.get("token", ""))
        if issued is None:
            return _json(200, {"active": False})
        answer: dict[str, Any] = {"active": True, "client_id": issued.client_id}
        answer.update(scope=issued.scope, token_type="DPoP" if issued.dpop else "Bearer")
        if issued.subject:
            answer["sub"] = issued.subject
        return _json(200, answer)

    def userinfo(self, request: requests.PreparedRequest) -> Reply:
        """UserInfo (OIDC Core §5.3)."""
        issued = self.bearer(request)
        if issued is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, ""
        return _json(200, {"sub": issued.subject, "name": "Alice", "email": "alice@example.com"})

    def jwks(self, request: requests.PreparedRequest) -> Reply:
        """The server's public keys."""
        return _json(200, {"keys": [signing_key().public_jwk().to_dict()]})

    def device_authorization(self, request: requests.PreparedRequest) -> Reply:
        """Device authorization (RFC 8628 §3.2)."""
        form = _form(request)
        if self.authenticate(request, form) is None:
            return _error(401, "invalid_client")
        device_code = secrets.token_urlsafe(16)
        self.pending[device_code] = {"polls": 0, "scope": form.get("scope", "")}
        return _json(
            200,
            {
                "device_code": device_code,
                "user_code": "WDJB-MJHT",
                "verification_uri": f"{self.origin}/device",
                "verification_uri_complete": f"{self.origin}/device?user_code=WDJB-MJHT",
                "expires_in": 600,
                "interval": 5,
            },
        )

    def backchannel_authentication(self, request: requests.PreparedRequest) -> Reply:
        """CIBA backchannel authentication (poll mode)."""
        form = _form(request)
        if self.authenticate(request, form) is None:
            return _error(401, "invalid_client")
        auth_req_id = secrets.token_urlsafe(16)
        self.pending[auth_req_id] = {"polls": 0, "scope": form.get("scope", "")}
        return _json(200, {"auth_req_id": auth_req_id, "expires_in": 120, "interval": 5})

    # ------------------------------------------------------------------ resource servers

    def bearer(self, request: requests.PreparedRequest) -> Issued | None:
        """The token a resource request carries, when this server issued it and it is valid."""
        scheme, _, value = _header(request, "Authorization").partition(" ")
        issued = self.tokens.get(value)
        if issued is None or scheme.lower() != ("dpop" if issued.dpop else "bearer"):
            return None
        if issued.dpop and "DPoP" not in request.headers:
            return None
        return issued

    def api(self, request: requests.PreparedRequest) -> Reply:
        """``https://api.example.com`` (and Auth0's Management API): echoes what it saw."""
        self.requests_seen.append(request)
        issued = self.bearer(request)
        if issued is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, ""
        parts = urlsplit(request.url or "")
        return _json(
            200,
            {
                "method": request.method,
                "path": parts.path,
                "query": dict(parse_qsl(parts.query)),
                "client_id": issued.client_id,
                "token_type": "DPoP" if issued.dpop else "Bearer",
            },
        )

    def install_api(self, mock: responses.RequestsMock, origin: str) -> None:
        """Serve the echo API at ``origin``."""
        pattern = re.compile(re.escape(origin) + r"(/.*)?$")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            mock.add_callback(method, pattern, callback=self.api)


@dataclass
class FakeWorld:
    """Every fake server a page may talk to."""

    server: FakeAuthorizationServer = field(default_factory=FakeAuthorizationServer)
    auth0: FakeAuthorizationServer = field(
        default_factory=lambda: FakeAuthorizationServer(
            issuer=f"{AUTH0_TENANT}/", paths=dict(AUTH0_PATHS)
        )
    )

    def install(self, mock: responses.RequestsMock) -> None:
        """Answer for the AS, the API, the Auth0 tenant and its Management API."""
        self.auth0.install_api(mock, f"{AUTH0_TENANT}/api/v2")
        self.server.install_api(mock, API)
        self.auth0.install(mock, except_under="/api/v2")
        self.server.install(mock)
