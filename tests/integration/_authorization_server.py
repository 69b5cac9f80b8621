"""Python side of the test Authorization Server in ``authorization_server/``.

The server is a small Node.js program built on oidc-provider. This module starts and
stops it (:func:`run_authorization_server`), describes its static clients (read from
the same ``clients.json`` the server reads) and drives the end-user steps that would
otherwise need a browser (:class:`UserAgent`) or a second device (the ``/__test__/``
admin routes wrapped by :class:`AuthorizationServer`).

Only URLs on ``http://127.0.0.1`` are ever requested.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests

SERVER_DIR = Path(__file__).resolve().parent / "authorization_server"
CLIENTS_FILE = SERVER_DIR / "clients.json"
LOOPBACK_HOST = "127.0.0.1"
HTTP_TIMEOUT = 10.0

GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_CIBA = "urn:openid:params:grant-type:ciba"
GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
GRANT_SAML2_BEARER = "urn:ietf:params:oauth:grant-type:saml2-bearer"
GRANT_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


class AuthorizationServerError(RuntimeError):
    """The test server answered with an error page or something the helper did not expect."""

    def __init__(
        self, message: str, *, error: str | None = None, description: str | None = None
    ) -> None:
        super().__init__(message)
        self.error = error
        self.description = description


def ensure_loopback(url: str) -> str:
    """Return ``url`` if it targets ``http://127.0.0.1``, else raise ``ValueError``."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK_HOST:
        raise ValueError(f"refusing to request {url!r}: only http://{LOOPBACK_HOST} is allowed")
    return url


# ---------------------------------------------------------------------------------------
# Static configuration shared with the Node server (clients.json + keys/)


@dataclass(frozen=True)
class User:
    """An end-user known to the test server."""

    username: str
    password: str
    name: str
    email: str


@dataclass(frozen=True)
class ClientConfig:
    """A static client registered at the test server."""

    name: str
    client_id: str
    client_secret: str | None
    auth_method: str
    private_jwk: dict[str, Any] | None
    """First private key of a ``private_key_jwt`` client (ES256), else ``None``."""
    private_jwks: tuple[dict[str, Any], ...]
    """All private keys of the client, ES256 first then RS256 (2048-bit)."""
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    grant_types: tuple[str, ...]
    application_type: str
    access_token_ttl: int
    device_code_ttl: int
    description: str
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    """Extra client metadata, e.g. ``{"dpop_bound_access_tokens": True}``."""

    @property
    def redirect_uri(self) -> str:
        """The (first) registered redirect URI."""
        return self.redirect_uris[0]

    @property
    def is_public(self) -> bool:
        """Whether the client does not authenticate (``token_endpoint_auth_method=none``)."""
        return self.auth_method == "none"

    def private_jwk_for(self, alg: str) -> dict[str, Any]:
        """The private JWK registered for signing algorithm ``alg`` (``ES256`` or ``RS256``)."""
        for jwk in self.private_jwks:
            if jwk.get("alg") == alg:
                return jwk
        raise KeyError(f"client {self.name!r} has no {alg} key")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_shared_config(path: Path = CLIENTS_FILE) -> dict[str, Any]:
    """Raw content of ``clients.json``."""
    data = _read_json(path)
    if not isinstance(data, dict):
        raise TypeError(f"{path} must contain a JSON object")
    return data


def load_clients(path: Path = CLIENTS_FILE) -> dict[str, ClientConfig]:
    """Static clients keyed by short name (``basic``, ``post``, ``web``, ...)."""
    shared = load_shared_config(path)
    defaults: dict[str, Any] = shared["defaults"]
    clients: dict[str, ClientConfig] = {}
    for name, entry in shared["clients"].items():
        grant_types = entry["grant_types"]
        if isinstance(grant_types, str):
            grant_types = defaults["grant_type_sets"][grant_types]
        jwks = tuple(_read_json(path.parent / file) for file in entry.get("private_jwk_files", []))
        clients[name] = ClientConfig(
            name=name,
            client_id=entry["client_id"],
            client_secret=entry.get("client_secret"),
            auth_method=entry["token_endpoint_auth_method"],
            private_jwk=jwks[0] if jwks else None,
            private_jwks=jwks,
            redirect_uris=tuple(entry.get("redirect_uris", defaults["redirect_uris"])),
            post_logout_redirect_uris=tuple(
                entry.get("post_logout_redirect_uris", defaults["post_logout_redirect_uris"])
            ),
            grant_types=tuple(grant_types),
            application_type=entry.get("application_type", "web"),
            access_token_ttl=int(entry.get("access_token_ttl", defaults["access_token_ttl"])),
            device_code_ttl=int(entry.get("device_code_ttl", defaults["device_code_ttl"])),
            description=entry.get("description", ""),
            metadata=dict(entry.get("metadata", {})),
        )
    return clients


def load_users(path: Path = CLIENTS_FILE) -> dict[str, User]:
    """End-users keyed by username (``alice``, ``bob``)."""
    shared = load_shared_config(path)
    return {
        username: User(
            username=username,
            password=entry["password"],
            name=entry["name"],
            email=entry["email"],
        )
        for username, entry in shared["users"].items()
    }


def saml2_bearer_assertion(
    subject: str = "alice",
    *,
    issuer: str = "https://idp.example.test",
    not_on_or_after: datetime | None = None,
    audience: str | None = None,
) -> str:
    """Build a toy SAML 2.0 bearer assertion accepted by the test server (see README.md).

    Returns the ``assertion`` form parameter: base64url (no padding) of a tiny XML
    document ``<Assertion><Issuer>..</Issuer><Subject>..</Subject>...</Assertion>``.
    """
    children = [f"<Issuer>{issuer}</Issuer>", f"<Subject>{subject}</Subject>"]
    if not_on_or_after is not None:
        children.append(f"<NotOnOrAfter>{not_on_or_after.isoformat()}</NotOnOrAfter>")
    if audience is not None:
        children.append(f"<Audience>{audience}</Audience>")
    xml = f"<Assertion>{''.join(children)}</Assertion>"
    return base64.urlsafe_b64encode(xml.encode()).rstrip(b"=").decode()


# ---------------------------------------------------------------------------------------
# HTML scraping for the interaction, logout and form_post pages


@dataclass
class _Form:
    id: str | None
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _PageParser(HTMLParser):
    """Collects forms (with their named fields) and elements carrying an ``id``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.elements: dict[str, dict[str, str]] = {}
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        element_id = attributes.get("id")
        if element_id:
            self.elements[element_id] = attributes
        if tag == "form":
            self._current = _Form(
                id=element_id,
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").upper(),
            )
            self.forms.append(self._current)
        elif tag == "input" and attributes.get("name"):
            owner = self._owner(attributes)
            if owner is not None and attributes.get("type", "text") in {"hidden", "text"}:
                owner.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None

    def _owner(self, attributes: Mapping[str, str]) -> _Form | None:
        form_id = attributes.get("form")
        if form_id:
            return self.form(form_id)
        return self._current

    def form(self, form_id: str) -> _Form | None:
        return next((form for form in self.forms if form.id == form_id), None)


def _parse_page(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


# ---------------------------------------------------------------------------------------
# Browser stand-in


@dataclass(frozen=True)
class AuthorizationResponse:
    """Where the authorization server sent the user agent back to the client.

    ``method`` is ``GET`` for redirects (``params`` then holds the query, or the fragment
    for ``response_mode=fragment``) and ``POST`` for ``form_post`` response modes
    (``params`` holds the form fields and ``url`` is the form action).
    """

    url: str
    method: str
    params: dict[str, str]


class UserAgent:
    """A browser stand-in: a ``requests.Session`` with a cookie jar that logs in and consents.

    Use as a context manager or call :meth:`close`.
    """

    def __init__(self, server: AuthorizationServer) -> None:
        self._server = server
        self.session = requests.Session()

    def __enter__(self) -> UserAgent:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying HTTP session."""
        self.session.close()

    def _request(
        self, method: str, url: str, data: Mapping[str, str] | None = None
    ) -> requests.Response:
        ensure_loopback(url)
        response = self.session.request(
            method, url, data=data, allow_redirects=False, timeout=HTTP_TIMEOUT
        )
        response.close()
        return response

    def _is_server_url(self, url: str) -> bool:
        parts, issuer = urlsplit(url), urlsplit(self._server.issuer)
        return (parts.scheme, parts.netloc) == (issuer.scheme, issuer.netloc)

    def authorize(
        self,
        authorization_url: str,
        *,
        user: str = "alice",
        consent: bool = True,
        password: str | None = None,
    ) -> str:
        """Run an authorization request to its end and return the callback URL.

        Follows the server's redirects, logs ``user`` in when asked to, grants consent
        (or, with ``consent=False``, cancels at the consent page, which yields
        ``error=access_denied``) and stops at the redirect to the client, which is not
        followed. Works for ``prompt=none`` (no page is shown then) and for PAR
        ``request_uri`` URLs. For ``form_post`` response modes the form fields are
        returned as the query of the form's action URL; see :meth:`authorize_response`.
        Raises :class:`AuthorizationServerError` when the server shows an error page.
        """
        response = self.authorize_response(
            authorization_url, user=user, consent=consent, password=password
        )
        if response.method == "GET":
            return response.url
        return f"{response.url}?{urlencode(response.params)}"

    def authorize_response(
        self,
        authorization_url: str,
        *,
        user: str = "alice",
        consent: bool = True,
        password: str | None = None,
    ) -> AuthorizationResponse:
        """Like :meth:`authorize`, but return the method, URL and parameters separately."""
        if password is None:
            known = self._server.users.get(user)
            password = known.password if known else ""
        method, url, data = "GET", authorization_url, None
        for _ in range(20):
            response = self._request(method, url, data)
            if response.is_redirect:
                location = urljoin(url, response.headers["Location"])
                if not self._is_server_url(location):
                    return AuthorizationResponse(location, "GET", _response_params(location))
                method, url, data = "GET", location, None
                continue
            if response.status_code != 200 and "text/html" not in response.headers.get(
                "Content-Type", ""
            ):
                raise AuthorizationServerError(
                    f"unexpected {response.status_code} response from {url}: {response.text[:500]}"
                )

            page = _parse_page(response.text)
            _raise_for_error_page(page, url, response)
            interaction = page.elements.get("interaction")
            if interaction is not None:
                prompt = interaction.get("data-prompt")
                if prompt == "login":
                    if "login-error" in page.elements:
                        raise AuthorizationServerError(f"login failed for user {user!r}")
                    form = page.form("login")
                    data = {"login": user, "password": password}
                elif prompt == "consent":
                    form = page.form("confirm" if consent else "abort")
                    data = {}
                else:
                    raise AuthorizationServerError(f"unknown interaction prompt {prompt!r}")
                if form is None:
                    raise AuthorizationServerError(f"no form for prompt {prompt!r} at {url}")
                method, url = "POST", urljoin(url, form.action)
                continue

            # form_post / form_post.jwt: an auto-submitting form pointing at the client.
            for form in page.forms:
                action = urljoin(url, form.action)
                if form.method == "POST" and not self._is_server_url(action):
                    return AuthorizationResponse(action, "POST", dict(form.fields))
            raise AuthorizationServerError(
                f"unexpected page from {url} (HTTP {response.status_code}): {response.text[:500]}"
            )
        raise AuthorizationServerError("too many steps in the authorization request")

    def logout(self, end_session_url: str) -> str:
        """Run an RP-initiated logout request, confirming the sign-out.

        Returns the ``post_logout_redirect_uri`` redirect (not followed) or, when the
        server shows its own "signed out" page, the URL of that page.
        """
        method, url, data = "GET", end_session_url, None
        for _ in range(10):
            response = self._request(method, url, data)
            if response.is_redirect:
                location = urljoin(url, response.headers["Location"])
                if not self._is_server_url(location):
                    return location
                method, url, data = "GET", location, None
                continue
            page = _parse_page(response.text)
            _raise_for_error_page(page, url, response)
            if "logged-out" in page.elements:
                return url
            form = page.form("op.logoutForm")
            if form is None:
                raise AuthorizationServerError(
                    f"unexpected page from {url} (HTTP {response.status_code}): "
                    f"{response.text[:500]}"
                )
            method, url, data = "POST", urljoin(url, form.action), {**form.fields, "logout": "yes"}
        raise AuthorizationServerError("too many steps in the logout request")


def _response_params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return dict(parse_qsl(parts.fragment or parts.query, keep_blank_values=True))


def _raise_for_error_page(page: _PageParser, url: str, response: requests.Response) -> None:
    error = page.elements.get("error")
    if error is not None:
        code = error.get("data-error") or "error"
        description = error.get("data-error-description") or ""
        raise AuthorizationServerError(
            f"authorization server error page at {url} (HTTP {response.status_code}): "
            f"{code}: {description}",
            error=code,
            description=description,
        )


# ---------------------------------------------------------------------------------------
# Running server


class AuthorizationServer:
    """A running test authorization server, plus helpers for its test-only routes."""

    def __init__(self, issuer: str) -> None:
        self.issuer = ensure_loopback(issuer).rstrip("/")
        port = urlsplit(self.issuer).port
        if port is None:
            raise ValueError(f"issuer {issuer!r} has no port")
        self.port: int = port
        shared = load_shared_config()
        self.clients: dict[str, ClientConfig] = load_clients()
        self.users: dict[str, User] = load_users()
        self.resource_indicator: str = self.issuer + shared["resource_server"]["path"]
        """Resource indicator (RFC 8707) and audience of the protected API."""
        self.api_scopes: tuple[str, ...] = tuple(shared["resource_server"]["scopes"])
        self.resource_url: str = f"{self.resource_indicator}/resource"
        """``GET`` protected resource describing the presented access token."""
        self.echo_url: str = f"{self.resource_indicator}/echo"
        """Protected resource accepting any method, echoing method, query and body too."""
        self.saml2_trusted_issuer: str = shared["saml2_bearer"]["trusted_issuer"]
        self.jwt_bearer_issuer: str = shared["jwt_bearer"]["issuer"]
        self.jwt_bearer_private_jwk: dict[str, Any] = _read_json(
            SERVER_DIR / shared["jwt_bearer"]["private_jwk_file"]
        )
        self._session = requests.Session()
        self.discovery: dict[str, Any] = self._get_json("/.well-known/openid-configuration")

    def close(self) -> None:
        """Close the HTTP session used for the admin routes."""
        self._session.close()

    # -- URLs -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return ensure_loopback(urljoin(self.issuer + "/", path.lstrip("/")))

    def endpoint(self, name: str) -> str:
        """An endpoint from the discovery document, e.g. ``endpoint("token")``."""
        value = self.discovery[f"{name}_endpoint"]
        if not isinstance(value, str):
            raise TypeError(f"{name}_endpoint is not a string")
        return value

    @property
    def token_endpoint(self) -> str:
        """The token endpoint."""
        return self.endpoint("token")

    @property
    def authorization_endpoint(self) -> str:
        """The authorization endpoint."""
        return self.endpoint("authorization")

    def user_agent(self) -> UserAgent:
        """A new browser stand-in with an empty cookie jar (close it when done)."""
        return UserAgent(self)

    # -- admin routes -----------------------------------------------------------------

    def _get_json(self, path: str) -> Any:
        response = self._session.get(self.url(path), timeout=HTTP_TIMEOUT)
        with response:
            response.raise_for_status()
            return response.json()

    def _admin(self, method: str, path: str, body: Mapping[str, str] | None = None) -> Any:
        response = self._session.request(method, self.url(path), json=body, timeout=HTTP_TIMEOUT)
        with response:
            payload = response.json()
            if response.status_code >= 400:
                raise AuthorizationServerError(
                    f"{method} {path} failed with HTTP {response.status_code}: {payload}",
                    error=payload.get("error"),
                    description=payload.get("error_description"),
                )
            return payload

    def approve_device(self, user_code: str, *, user: str = "alice") -> None:
        """Approve a device authorization request (RFC 8628) as ``user``."""
        self._admin("POST", "/__test__/device/approve", {"user_code": user_code, "user": user})

    def deny_device(self, user_code: str) -> None:
        """Deny a device authorization request; polling then yields ``access_denied``."""
        self._admin("POST", "/__test__/device/deny", {"user_code": user_code})

    def approve_ciba(self, auth_req_id: str) -> None:
        """Approve a CIBA request on behalf of the user named in its ``login_hint``."""
        self._admin("POST", "/__test__/ciba/approve", {"auth_req_id": auth_req_id})

    def deny_ciba(self, auth_req_id: str) -> None:
        """Deny a CIBA request; polling then yields ``access_denied``."""
        self._admin("POST", "/__test__/ciba/deny", {"auth_req_id": auth_req_id})

    def ciba_requests(self) -> list[dict[str, Any]]:
        """CIBA requests seen by the server, oldest first.

        Each entry has ``auth_req_id``, ``client_id``, ``user``, ``scope``,
        ``binding_message`` and ``status`` (``pending``, ``approved`` or ``denied``).
        """
        result = self._admin("GET", "/__test__/ciba/requests")
        if not isinstance(result, list):
            raise TypeError("unexpected /__test__/ciba/requests payload")
        return result

    def token_request_counts(self) -> dict[str, int]:
        """Token endpoint requests per client_id since the last reset."""
        result = self._admin("GET", "/__test__/token-requests")
        return {str(key): int(value) for key, value in result.items()}

    def token_request_count(self, client_id: str) -> int:
        """Token endpoint requests made by ``client_id`` since the last reset."""
        return self.token_request_counts().get(client_id, 0)

    def reset_token_request_counts(self) -> None:
        """Reset all token endpoint request counters."""
        self._admin("DELETE", "/__test__/token-requests")


# ---------------------------------------------------------------------------------------
# Process management


def node_executable() -> str | None:
    """Path of ``node``, or ``None`` when it is not installed."""
    return shutil.which("node")


def ensure_node_modules(*, timeout: float = 300.0) -> None:
    """Run ``npm ci`` in the server folder when its dependencies are not installed yet."""
    if (SERVER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise AuthorizationServerError("npm is required to install the test server's packages")
    result = subprocess.run(  # noqa: S603 - fixed command line
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=SERVER_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AuthorizationServerError(
            f"npm ci failed with exit code {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    finally:
        lines.put(None)


def _log_tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return ""


def _wait_for_discovery(issuer: str, deadline: float) -> None:
    url = ensure_loopback(f"{issuer}/.well-known/openid-configuration")
    with requests.Session() as session:
        while True:
            try:
                response = session.get(url, timeout=2)
                response.close()
                if response.status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AuthorizationServerError(f"discovery document not served at {url}")
            time.sleep(0.1)


@contextlib.contextmanager
def run_authorization_server(
    log_path: Path,
    *,
    startup_timeout: float = 20.0,
    discovery_timeout: float = 10.0,
    stop_timeout: float = 5.0,
) -> Iterator[AuthorizationServer]:
    """Start the Node server on a free port, yield it once ready, then stop it.

    Runs ``npm ci`` first if the server's packages are missing. The server's stderr goes
    to ``log_path``. Raises :class:`AuthorizationServerError` when node is missing, when
    the ready line does not arrive within ``startup_timeout`` seconds or when discovery
    is not served within ``discovery_timeout`` seconds after it. On exit the process is
    terminated (SIGTERM), then killed if it has not stopped after ``stop_timeout``.
    """
    node = node_executable()
    if node is None:
        raise AuthorizationServerError("node is not installed")
    ensure_node_modules()

    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command line
            [node, "server.mjs"],
            cwd=SERVER_DIR,
            env={**os.environ, "PORT": "0"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
    if process.stdout is None:  # pragma: no cover - stdout=PIPE guarantees a stream
        raise AuthorizationServerError("no stdout pipe")
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(
        target=_read_lines, args=(process.stdout, lines), name="authorization-server-stdout"
    )
    reader.daemon = True
    reader.start()
    server: AuthorizationServer | None = None
    try:
        deadline = time.monotonic() + startup_timeout
        ready: dict[str, Any] | None = None
        while ready is None:
            remaining = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                line = ""
            if line is None or (line == "" and time.monotonic() >= deadline):
                raise AuthorizationServerError(
                    "test authorization server did not start "
                    f"(exit code {process.poll()}):\n{_log_tail(log_path)}"
                )
            with contextlib.suppress(ValueError):
                parsed = json.loads(line)
                if isinstance(parsed, dict) and "issuer" in parsed:
                    ready = parsed
        _wait_for_discovery(str(ready["issuer"]), time.monotonic() + discovery_timeout)
        server = AuthorizationServer(str(ready["issuer"]))
        yield server
    finally:
        if server is not None:
            server.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=stop_timeout)
        reader.join(timeout=stop_timeout)
        process.stdout.close()
