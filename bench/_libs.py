"""The four libraries, each building the same objects through its public API.

oauth2core and requests-oauth2client hand out auth handlers (``auth=`` of requests).
Authlib's handler is the ``token_auth`` of its ``OAuth2Session``, which renews client
credentials tokens when the session knows its token endpoint and grant type.
requests-oauthlib adds the token inside ``OAuth2Session.request``; its requests auth is
``requests_oauthlib.OAuth2`` (over the same oauthlib ``BackendApplicationClient``), and
neither renews a client credentials token.

The peers come with the ``bench`` dependency group only: where it is not installed (the
type check of CI), their imports are ignored and their names are ``Any``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import authlib.integrations.requests_client as authlib_requests  # type: ignore[import-untyped,import-not-found,unused-ignore]
import oauthlib.oauth2 as oauthlib_oauth2  # type: ignore[import-untyped,import-not-found,unused-ignore]
import requests
import requests_oauth2client as r2c  # type: ignore[import-not-found,unused-ignore]
import requests_oauthlib  # type: ignore[import-untyped,import-not-found,unused-ignore]
from requests.adapters import HTTPAdapter

import oauth2core

OAUTH2CORE = "oauth2core"
R2C = "requests-oauth2client"
AUTHLIB = "Authlib"
OAUTHLIB = "requests-oauthlib"
LIBRARIES = (OAUTH2CORE, R2C, AUTHLIB, OAUTHLIB)

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-client-secret"  # noqa: S105 - the loopback server's fake client
HTTPS_TOKEN_URL = "https://as.example/oauth/token"  # noqa: S105 - a URL, not a secret
"""For what never leaves the process: an https URL, so that every library validates it."""
HTTPS_RESOURCE_URL = "https://api.example/resource"

Handler = Callable[[requests.PreparedRequest], requests.PreparedRequest]
S = TypeVar("S", bound=requests.Session)

# oauthlib refuses plain http unless told otherwise; the loopback server is plain http.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")


class StaticHeader(requests.auth.AuthBase):
    """The floor: a handler that sets one fixed header."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.value
        return request


class StaticHeaderWithHook(StaticHeader):
    """The floor of a handler that also arms a retry: a header and a pre-bound hook."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self._hook = self.on_response

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.value
        request.hooks["response"].append(self._hook)
        return request

    def on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        return response


def pooled(session: S) -> S:
    """``session``, its pool keeping 32 connections per host (one per bench thread)."""
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def token_dict(access_token: str, lifetime: int) -> dict[str, Any]:
    """A token response as the dict-based libraries keep it."""
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": lifetime}


# ---------------------------------------------------------------- construction


def construct(library: str) -> Callable[[], object]:
    """``OAuth2Client(token_endpoint, auth)`` or its equivalent, with its Session."""
    if library == OAUTH2CORE:
        return lambda: oauth2core.OAuth2Client(HTTPS_TOKEN_URL, (CLIENT_ID, CLIENT_SECRET))
    if library == R2C:
        return lambda: r2c.OAuth2Client(HTTPS_TOKEN_URL, (CLIENT_ID, CLIENT_SECRET))
    if library == AUTHLIB:
        return lambda: authlib_requests.OAuth2Session(
            CLIENT_ID,
            CLIENT_SECRET,
            token_endpoint=HTTPS_TOKEN_URL,
            grant_type="client_credentials",
        )
    if library == OAUTHLIB:
        return lambda: requests_oauthlib.OAuth2Session(
            client=oauthlib_oauth2.BackendApplicationClient(client_id=CLIENT_ID)
        )
    raise ValueError(library)


# ---------------------------------------------------------------- a handler with a cached token


def cached_handler(library: str, token_url: str, access_token: str) -> Handler:
    """A client credentials handler holding a token valid for an hour."""
    if library == OAUTH2CORE:
        client = oauth2core.OAuth2Client(token_url, (CLIENT_ID, CLIENT_SECRET))
        token = oauth2core.BearerToken(access_token, expires_in=3600)
        return oauth2core.OAuth2ClientCredentialsAuth(client, token=token)
    if library == R2C:
        r2c_client = r2c.OAuth2Client(
            token_url, (CLIENT_ID, CLIENT_SECRET), testing=token_url.startswith("http:")
        )
        r2c_token = r2c.BearerToken(access_token, expires_in=3600)
        handler: Handler = r2c.OAuth2ClientCredentialsAuth(r2c_client, token=r2c_token)
        return handler
    if library == AUTHLIB:
        session = authlib_session(token_url, token=token_dict(access_token, 3600))
        authlib_handler: Handler = session.token_auth
        return authlib_handler
    if library == OAUTHLIB:
        client = oauthlib_oauth2.BackendApplicationClient(
            client_id=CLIENT_ID, token=token_dict(access_token, 3600)
        )
        oauthlib_handler: Handler = requests_oauthlib.OAuth2(client=client)
        return oauthlib_handler
    raise ValueError(library)


def authlib_session(token_url: str, *, leeway: float = 60, token: Any = None) -> Any:
    """Authlib's client credentials session: it renews by itself once it has a token."""
    return pooled(
        authlib_requests.OAuth2Session(
            CLIENT_ID,
            CLIENT_SECRET,
            token_endpoint=token_url,
            grant_type="client_credentials",
            token=token,
            leeway=leeway,
        )
    )


def oauthlib_session(token: Any = None) -> Any:
    """requests-oauthlib's client credentials session."""
    return pooled(
        requests_oauthlib.OAuth2Session(
            client=oauthlib_oauth2.BackendApplicationClient(client_id=CLIENT_ID), token=token
        )
    )


# ---------------------------------------------------------------- a GET through the library


Get = Callable[[], requests.Response]


def cached_get(library: str, token_url: str, resource_url: str, access_token: str) -> Get:
    """A keep-alive GET of ``resource_url`` the way each library is used, token cached."""
    if library == AUTHLIB:
        authlib = authlib_session(token_url, token=token_dict(access_token, 3600))
        return lambda: authlib.get(resource_url, timeout=10)  # type: ignore[no-any-return,unused-ignore]
    if library == OAUTHLIB:
        oauthlib = oauthlib_session(token_dict(access_token, 3600))
        return lambda: oauthlib.get(resource_url, timeout=10)  # type: ignore[no-any-return,unused-ignore]
    handler = cached_handler(library, token_url, access_token)
    api = requests.Session()
    return lambda: api.get(resource_url, auth=handler, timeout=10)


class Shared:
    """One library's client credentials handler, shared by every thread of a run.

    :meth:`get` is what a thread calls: one GET of the resource through the shared handler,
    over one shared Session whose pool keeps a connection per thread.
    """

    def __init__(self, library: str, token_url: str, resource_url: str, leeway: float) -> None:
        self.sessions: list[requests.Session] = []
        self._prefetch: Callable[[], object]
        self.get: Get
        if library in (OAUTH2CORE, R2C):
            api, token_session = pooled(requests.Session()), pooled(requests.Session())
            self.sessions += [api, token_session]
            credentials = (CLIENT_ID, CLIENT_SECRET)
            auth: oauth2core.OAuth2ClientCredentialsAuth | Any
            if library == OAUTH2CORE:
                client = oauth2core.OAuth2Client(token_url, credentials, session=token_session)
                auth = oauth2core.OAuth2ClientCredentialsAuth(client, leeway=leeway)
            else:
                r2c_client = r2c.OAuth2Client(
                    token_url, credentials, session=token_session, testing=True
                )
                # its leeway is annotated int; a float works the same (a timedelta of seconds)
                leeway_arg: Any = leeway
                auth = r2c.OAuth2ClientCredentialsAuth(r2c_client, leeway=leeway_arg)
            self._prefetch = auth.renew_token
            self.get = lambda: api.get(resource_url, auth=auth, timeout=10)
        elif library == AUTHLIB:
            session = authlib_session(token_url, leeway=leeway)
            self.sessions.append(session)
            self._prefetch = session.fetch_token
            self.get = lambda: session.get(resource_url, timeout=10)  # type: ignore[no-any-return,unused-ignore]
        elif library == OAUTHLIB:
            oauthlib = oauthlib_session()
            self.sessions.append(oauthlib)
            self._prefetch = lambda: oauthlib.fetch_token(
                token_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
            )
            self.get = lambda: oauthlib.get(resource_url, timeout=10)  # type: ignore[no-any-return,unused-ignore]
        else:
            raise ValueError(library)

    def prefetch(self) -> None:
        """Get a first token now (the only way for Authlib and requests-oauthlib)."""
        self._prefetch()

    def close(self) -> None:
        """Close the sessions (and their connections)."""
        for session in self.sessions:
            session.close()
