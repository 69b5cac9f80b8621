"""ApiClient: a requests Session bound to the base URL of one API.

The client's credentials go only to URLs under that base URL: relative paths cannot leave
it, full URLs elsewhere are sent without them, and redirects never carry them away.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Final, Literal, Self, TypeAlias, cast
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from ._client import validate_endpoint
from ._http import NO_AUTH

__all__ = ["ApiClient", "InvalidPathParam"]

AuthLike: TypeAlias = (
    requests.auth.AuthBase
    | Callable[[requests.PreparedRequest], requests.PreparedRequest]
    | tuple[str, str]
    | None
)
"""What ``auth=`` accepts: a requests auth (a token, an auth handler, any callable) or a
``(username, password)`` tuple for HTTP Basic, as with requests."""

PathLike: TypeAlias = str | bytes | int | Iterable[str | bytes | int] | None
"""A path under ``base_url``: text (``"users/42"``), one part (``42``), or parts
(``["users", user_id]``, each part percent-encoded); None for ``base_url`` itself."""

Timeout: TypeAlias = float | tuple[float | None, float | None] | None
"""Seconds, a ``(connect, read)`` tuple, or None to wait forever (as in requests)."""

NoneFields: TypeAlias = Literal["exclude", "include", "empty"]
"""What becomes of None values in a mapping ``data`` or ``json``: dropped, kept, or ``""``."""

DEFAULT_TIMEOUT: Final = 60
"""Seconds; the default of requests_oauth2client's ApiClient."""


class InvalidPathParam(ValueError):
    """A path given to :class:`ApiClient` is refused: it could leave ``base_url``.

    Raised for ``.`` and ``..`` segments (also percent-encoded, like ``%2e%2e``), empty
    segments (``//host``), backslashes, absolute URLs inside a relative path, ``?`` or
    ``#`` in a text path, and empty parts. The message says why; it does not repeat the
    path, which is kept as the ``path`` attribute.

    :ivar path: the refused path, as given.
    :ivar reason: why it was refused.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"path refused: {reason}")


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<default>"


_UNSET: Final = _Unset()

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE).match
# RFC 3986 pchar without "%", plus "/": text made only of these needs no encoding
_PLAIN_PATH = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*").fullmatch
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SEPARATORS = re.compile(r"[/\\]")
_SEGMENT_SAFE: Final = "!$&'()*+,;=:@%"
_DOT_SEGMENTS: Final = frozenset({".", ".."})
_SESSION_MAPPINGS: Final = ("headers", "cookies", "params", "proxies")
_SESSION_VALUES: Final = ("verify", "cert", "stream", "trust_env", "max_redirects")
_DOT_REASON: Final = (
    "it holds a '.' or '..' segment (maybe percent-encoded), which can leave base_url"
)


def _is_dot(piece: str) -> bool:
    # "..;x" is ".." for servers that strip path parameters; some trim whitespace, or
    # stop at a NUL
    return piece.split(";", 1)[0].split("\x00", 1)[0].strip(" \t\r\n") in _DOT_SEGMENTS


def _why_unsafe(text: str) -> str | None:
    """Why ``text`` (one segment or part, raw or decoded) could leave the base path."""
    if "://" in text:
        return "it holds an absolute URL ('://')"
    if "." in text and any(_is_dot(piece) for piece in _SEPARATORS.split(text)):
        return _DOT_REASON
    return None


def _hosts(host: str) -> frozenset[str]:
    """``host`` as written and, for an internationalized name, as requests sends it."""
    try:
        return frozenset({host, host.encode("idna").decode("ascii")})
    except UnicodeError:
        return frozenset({host})


class _Scope:
    """The URLs that get credentials: same scheme, host and port, under one path prefix."""

    __slots__ = ("_hosts", "_path", "_path_prefix", "_port", "_scheme", "_text_prefix")

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._scheme = parts.scheme.lower()
        self._hosts = _hosts(parts.hostname or "")
        self._port = parts.port or _DEFAULT_PORTS.get(self._scheme)
        self._path = parts.path.rstrip("/")
        self._path_prefix = self._path + "/"
        self._text_prefix = f"{parts.scheme}://{parts.netloc}{self._path_prefix}"

    @classmethod
    def origin_of(cls, url: str) -> _Scope:
        """The scope of everything on the origin (scheme, host, port) of ``url``."""
        parts = urlsplit(url)
        return cls(f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/")

    def below(self, rest: str) -> _Scope:
        """The scope of ``<this scope's path>/<rest>``, an encoded path without dot segments."""
        child = object.__new__(_Scope)
        child._scheme, child._hosts, child._port = self._scheme, self._hosts, self._port
        origin = self._text_prefix[: len(self._text_prefix) - len(self._path_prefix)]
        child._path = (self._path_prefix + rest).rstrip("/")
        child._path_prefix = child._path + "/"
        child._text_prefix = origin + child._path_prefix
        return child

    def covers(self, url: str) -> bool:
        """True if ``url`` lies under this scope (and holds no dot segment)."""
        if url.startswith(self._text_prefix):
            rest = url[len(self._text_prefix) :].partition("?")[0].partition("#")[0]
        else:
            try:
                parts = urlsplit(url)
                port = parts.port
            except ValueError:
                return False
            scheme = parts.scheme.lower()
            if (
                scheme != self._scheme
                or "@" in parts.netloc
                or (parts.hostname or "") not in self._hosts
                or (port or _DEFAULT_PORTS.get(scheme)) != self._port
            ):
                return False
            path = parts.path or "/"
            if path == self._path:
                return True
            if not path.startswith(self._path_prefix):
                return False
            rest = path[len(self._path_prefix) :]
        if "\\" in rest:
            return False
        if "." not in rest and "%" not in rest:
            return True
        return _why_unsafe(rest) is None and _why_unsafe(unquote(rest)) is None


def _check_base_url(base_url: object, *, allow_insecure_http: bool) -> str:
    url = validate_endpoint("base_url", base_url, allow_insecure_http=allow_insecure_http)
    if "?" in url or "#" in url:
        raise ValueError("base_url must not have a query or a fragment")
    path = urlsplit(url).path
    if "\\" in path or "//" in path.rstrip("/") or _why_unsafe(unquote(path)) is not None:
        raise ValueError("base_url must not hold '.' or '..' segments, '//' or backslashes")
    return url


def _seconds(value: object, *, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{what} must be a number of seconds, a (connect, read) tuple, or None")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(
            f"{what} must be a positive, finite number of seconds (0 would make every "
            "request fail; pass None to wait forever)"
        )
    return value


def _check_timeout(value: object) -> Timeout:
    """Validate a timeout: None (no timeout), seconds, or a ``(connect, read)`` tuple."""
    if value is None:
        return None
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError("a timeout tuple is (connect, read)")
        connect, read = (None if v is None else _seconds(v, what="timeout") for v in value)
        return (connect, read)
    return _seconds(value, what="timeout")


def _check_none_fields(value: object) -> NoneFields:
    if value not in ("exclude", "include", "empty"):
        raise ValueError("none_fields must be 'exclude', 'include' or 'empty'")
    return value


def _check_bool_fields(value: object) -> tuple[str, str] | None:
    if value is None:
        return None
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(item, str) for item in value)
    ):
        raise ValueError("bool_fields must be a (true_value, false_value) tuple of str, or None")
    return (value[0], value[1])


def _coerce_auth(auth: object) -> requests.auth.AuthBase | Callable[..., Any] | None:
    if auth is None:
        return None
    if isinstance(auth, tuple):
        if len(auth) == 2 and all(isinstance(item, str | bytes) for item in auth):
            return requests.auth.HTTPBasicAuth(auth[0], auth[1])
        raise TypeError("an auth tuple is (username, password)")
    if isinstance(auth, str | bytes):
        raise TypeError("auth must be a requests auth, not a string: for a token use BearerAuth")
    if callable(auth):
        return cast("Callable[..., Any]", auth)
    raise TypeError("auth must be a requests auth (AuthBase or callable), a tuple, or None")


def _rewrite(value: Any, none_fields: NoneFields | None, bools: tuple[str, str] | None) -> Any:
    """A rewritten copy of a mapping's None and boolean values; the caller's is left alone."""
    if not isinstance(value, Mapping) or (
        bools is None and none_fields not in ("exclude", "empty")
    ):
        return value
    fields: dict[Any, Any] = {}
    for key, item in value.items():
        if item is None:
            if none_fields == "exclude":
                continue
            if none_fields == "empty":
                item = ""
        elif bools is not None and isinstance(item, bool):
            item = bools[0] if item else bools[1]
        fields[key] = item
    return fields


def _raise_http_error(response: requests.Response) -> None:
    """``response.raise_for_status()``, with any userinfo of the URL kept out of the message."""
    try:
        response.raise_for_status()
    except requests.HTTPError as err:
        url = response.url or ""
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            raise
        shown = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        raise requests.HTTPError(str(err).replace(url, shown), response=response) from None


class ApiClient:
    """A :class:`requests.Session` bound to the base URL of an API, with its credentials.

    ``api.get("users/42")`` sends ``GET <base_url>/users/42`` with ``auth`` (typically a
    :class:`BearerToken` or an auth handler that renews tokens)::

        api = ApiClient("https://api.example.com/v1", auth=token)
        api.get("users/42").json()
        api.post(["users", user_id, "roles"], json={"role": "admin"})
        api.users.get(42)  # sub-clients: api.users, api["users"]

    **Paths.** A relative path is joined under ``base_url``: a leading ``/`` does not reset
    it to the host root. A path given as parts (a list or tuple) is joined with ``/`` and
    each part is percent-encoded (a ``/`` inside a part becomes ``%2F``). A path that could
    leave ``base_url`` (``..``, ``%2e%2e``, ``//host``, backslashes, a URL inside a relative
    path) raises :class:`InvalidPathParam`. A full ``http(s)://`` URL is used as is.

    **Sub-clients.** ``api.users`` and ``api["users"]`` (or ``api["users", user_id]``) are
    clients rooted under this one: they share its session and keep its credentials and
    settings. Use ``api["get"]`` for a path named like an attribute of ApiClient.

    **Credentials stay under base_url.** ``auth`` is sent only to URLs with the scheme,
    host and port of ``base_url`` and under its path (on a segment boundary). A full URL
    elsewhere goes out without it, unless that call passes its own ``auth=``. Redirects are
    not followed unless a call passes ``allow_redirects=True``; then ``auth`` is applied
    again to each hop that lies in the same scope, and to no other (neither its headers nor
    the response hooks it arms).

    **Errors.** With ``raise_for_status`` (the default, overridable per call), a 4xx or 5xx
    answer raises :class:`requests.HTTPError`, as ``response.raise_for_status()`` does.
    Network failures raise requests' own exceptions (``requests.Timeout``...).

    **Threads.** One client may serve many threads; the auth handlers renew their token
    once for all of them. requests keeps 10 connections per host: for more threads, pass
    a ``session`` with a larger pool, e.g. one mounting
    ``requests.adapters.HTTPAdapter(pool_maxsize=32)``, or each request beyond 10 at a
    time opens a connection and drops it ("Connection pool is full" in urllib3's log).

    :param base_url: the root of the API: https (plain http only on loopback, or with
        ``allow_insecure_http``), no query, no fragment, no credentials.
    :param auth: the credentials: a requests auth (a token, an auth handler, a callable)
        or a ``(username, password)`` tuple; None for none.
    :param session: the Session to use. Without one, the client creates its own, and
        closes it when used as a context manager.
    :param raise_for_status: raise :class:`requests.HTTPError` on a 4xx or 5xx answer.
    :param timeout: the timeout of every request, in seconds or as a ``(connect, read)``
        tuple; None waits forever. 0 and negative values are refused.
    :param none_fields: what becomes of None values in a mapping ``data`` or ``json``:
        ``"exclude"`` drops them, ``"empty"`` sends ``""``, ``"include"`` keeps them.
    :param bool_fields: the strings that replace True and False values in a mapping
        ``data`` or ``params``; None sends requests' ``"True"``/``"False"``.
    :param allow_insecure_http: WARNING: accept a plain http ``base_url`` on a host that
        is not loopback, so credentials travel unencrypted.
    :param session_kwargs: Session settings: ``headers``, ``cookies``, ``params`` and
        ``proxies`` are merged into the session's; ``verify``, ``cert``, ``stream``,
        ``trust_env`` and ``max_redirects`` are set. An ``Authorization`` header is refused
        here (it would go to every URL): pass ``auth=``.
    :raises ValueError: a bad ``base_url`` or setting.
    :raises TypeError: an argument of the wrong type or an unknown session setting.
    """

    __slots__ = (
        "_auth",
        "_base_url",
        "_bool_fields",
        "_none_fields",
        "_owns_session",
        "_prefix",
        "_raise_for_status",
        "_scope",
        "_session",
        "_timeout",
    )

    # with __getitem__ defined, Python would otherwise iterate api[0], api[1]... forever
    __iter__: ClassVar[None] = None

    def __init__(
        self,
        base_url: str,
        auth: AuthLike = None,
        *,
        session: requests.Session | None = None,
        raise_for_status: bool = True,
        timeout: Timeout = DEFAULT_TIMEOUT,
        none_fields: NoneFields = "exclude",
        bool_fields: tuple[str, str] | None = ("true", "false"),
        allow_insecure_http: bool = False,
        **session_kwargs: Any,
    ) -> None:
        if session is not None and not isinstance(session, requests.Session):
            raise TypeError("session must be a requests.Session")
        if not isinstance(raise_for_status, bool):
            raise TypeError("raise_for_status must be True or False")
        base_url = _check_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self._set_base(base_url, _Scope(base_url))
        self._auth = _coerce_auth(auth)
        self._timeout = _check_timeout(timeout)
        self._raise_for_status = raise_for_status
        self._none_fields = _check_none_fields(none_fields)
        self._bool_fields = _check_bool_fields(bool_fields)
        unknown = session_kwargs.keys() - {*_SESSION_MAPPINGS, *_SESSION_VALUES}
        if unknown:
            raise TypeError(
                f"unknown ApiClient argument(s) {', '.join(sorted(unknown))}; session settings "
                f"are {', '.join(_SESSION_MAPPINGS + _SESSION_VALUES)}"
            )
        headers = session_kwargs.get("headers") or {}
        if any(str(name).lower() == "authorization" for name in headers):
            raise ValueError(
                "an Authorization header on the session would be sent to every URL: "
                "pass auth= instead, so that it goes only to base_url"
            )
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        for name, value in session_kwargs.items():
            if name in _SESSION_MAPPINGS:
                if value is not None:
                    getattr(self._session, name).update(value)
            else:
                setattr(self._session, name, value)

    def _set_base(self, base_url: str, scope: _Scope) -> None:
        self._base_url = base_url
        self._prefix = base_url.rstrip("/") + "/"
        self._scope = scope

    # ------------------------------------------------------------------ settings

    @property
    def base_url(self) -> str:
        """The root URL of the API, as given."""
        return self._base_url

    @property
    def auth(self) -> requests.auth.AuthBase | Callable[..., Any] | None:
        """The credentials sent to URLs under :attr:`base_url`, or None."""
        return self._auth

    @property
    def session(self) -> requests.Session:
        """The underlying :class:`requests.Session` (shared with sub-clients)."""
        return self._session

    @property
    def timeout(self) -> Timeout:
        """The default timeout of each request."""
        return self._timeout

    @property
    def raise_for_status(self) -> bool:
        """Whether a 4xx or 5xx answer raises :class:`requests.HTTPError` by default."""
        return self._raise_for_status

    @property
    def none_fields(self) -> NoneFields:
        """What becomes of None values in a mapping ``data`` or ``json``."""
        return self._none_fields

    @property
    def bool_fields(self) -> tuple[str, str] | None:
        """The strings sent for True and False in a mapping ``data`` or ``params``."""
        return self._bool_fields

    # ------------------------------------------------------------------ URLs

    def to_absolute_url(self, path: PathLike = None) -> str:
        """The URL a request for ``path`` goes to.

        :param path: a path under :attr:`base_url` (text, a part, or parts), a full
            ``http(s)://`` URL (returned as is), or None for :attr:`base_url` itself.
        :returns: the absolute URL.
        :raises InvalidPathParam: the path could leave :attr:`base_url`.
        :raises TypeError: ``path`` has an unsupported type.
        """
        return self._resolve(path)[0]

    def _resolve(self, path: PathLike) -> tuple[str, bool]:
        """The URL for ``path``, and whether it lies under :attr:`base_url`."""
        if isinstance(path, str):
            if _ABSOLUTE(path) is not None:
                return path, self._scope.covers(path)
            return self._join_text(path), True
        if path is None:
            return self._base_url, True
        if isinstance(path, bytes):
            return self._resolve(self._decode(path, path))
        return self._join_parts(path), True

    def _relative(self, path: PathLike) -> str:
        """The URL of a relative ``path``; full URLs are refused."""
        if isinstance(path, str | bytes):
            text = self._decode(path, path) if isinstance(path, bytes) else path
            return self._join_text(text)
        if path is None:
            return self._base_url
        return self._join_parts(path)

    @staticmethod
    def _decode(value: bytes, path: object) -> str:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidPathParam(path, "it is not UTF-8") from None

    def _join_text(self, path: str) -> str:
        rest = path[1:] if path[:1] == "/" else path
        if not rest:
            return self._base_url
        if (
            _PLAIN_PATH(rest) is not None
            and "//" not in path
            and ("." not in rest or not any(_is_dot(s) for s in rest.split("/")))
        ):
            return self._prefix + rest
        return self._prefix + self._encode_text(path, rest)

    @staticmethod
    def _encode_text(path: str, rest: str) -> str:
        if "://" in rest:
            raise InvalidPathParam(path, "it holds an absolute URL ('://')")
        if "\\" in rest:
            raise InvalidPathParam(path, "it holds a backslash, which some servers read as '/'")
        if "?" in rest or "#" in rest:
            raise InvalidPathParam(
                path, "a text path cannot hold '?' or '#': pass the query as params="
            )
        if rest[:1] == "/" or "//" in rest:
            raise InvalidPathParam(path, "it holds an empty segment ('//')")
        segments = []
        for segment in rest.split("/"):
            try:
                encoded = quote(_STRAY_PERCENT.sub("%25", segment), safe=_SEGMENT_SAFE)
            except UnicodeEncodeError:
                raise InvalidPathParam(path, "it is not valid Unicode") from None
            if (reason := _why_unsafe(unquote(encoded))) is not None:
                raise InvalidPathParam(path, reason)
            segments.append(encoded)
        return "/".join(segments)

    def _join_parts(self, path: object) -> str:
        if isinstance(path, int) and not isinstance(path, bool):
            path = (path,)
        if not isinstance(path, Iterable):
            raise TypeError("path must be a str, bytes, int, an iterable of parts, or None")
        encoded = []
        for part in path:
            if isinstance(part, str):
                text = part
            elif isinstance(part, bytes):
                text = self._decode(part, path)
            elif isinstance(part, int) and not isinstance(part, bool):
                text = str(part)
            else:
                raise TypeError("each path part must be a str, bytes or int")
            if not text:
                raise InvalidPathParam(path, "it holds an empty part")
            reason = _why_unsafe(text) or _why_unsafe(unquote(text))
            if reason is not None:
                raise InvalidPathParam(path, reason)
            try:
                encoded.append(quote(text, safe=""))
            except UnicodeEncodeError:
                raise InvalidPathParam(path, "it is not valid Unicode") from None
        return self._prefix + "/".join(encoded) if encoded else self._base_url

    # ------------------------------------------------------------------ sub-clients

    def __getitem__(self, path: PathLike) -> Self:
        """A sub-client rooted at ``path`` under this one.

        It shares the session and keeps the credentials and every setting; its credentials
        go only under its own base URL.

        :raises InvalidPathParam: ``path`` could leave :attr:`base_url` or is a full URL.
        """
        clone = copy.copy(self)
        url = self._relative(path)
        rest = url[len(self._prefix) :] if url.startswith(self._prefix) else ""
        clone._set_base(url, self._scope.below(rest) if rest else self._scope)
        clone._owns_session = False
        return clone

    def __getattr__(self, name: str) -> Self:
        """``api.users`` is ``api["users"]`` (names starting with ``_`` excepted).

        Use ``api["get"]`` for a path named like an attribute of ApiClient.
        """
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    # ------------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: PathLike = None,
        *,
        auth: AuthLike = None,
        timeout: Timeout | _Unset = _UNSET,
        allow_redirects: bool = False,
        raise_for_status: bool | None = None,
        none_fields: NoneFields | None = None,
        bool_fields: tuple[str, str] | _Unset | None = _UNSET,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        headers: Any = None,
        cookies: Any = None,
        files: Any = None,
        hooks: Any = None,
        stream: bool | None = None,
        verify: bool | str | None = None,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Send a request to ``path`` and return the response.

        :param method: the HTTP method.
        :param path: see :meth:`to_absolute_url`.
        :param auth: credentials for this call instead of the client's; they go to the URL
            of this call, even outside :attr:`base_url` (and on redirects, to its origin).
        :param timeout: this call's timeout (None: wait forever); default :attr:`timeout`.
        :param allow_redirects: follow redirects; the client's credentials are applied to
            each hop under :attr:`base_url` only. (Without it, the ``next`` of a redirect
            response is requests' copy of the sent request, credentials included: do not
            send it elsewhere by hand.)
        :param raise_for_status: overrides :attr:`raise_for_status` for this call.
        :param none_fields: overrides :attr:`none_fields` for this call.
        :param bool_fields: overrides :attr:`bool_fields` for this call.
        :param params: the query string parameters.
        :param data: the body: a mapping (form-encoded), bytes, text or a file.
        :param json: a body to send as JSON.
        :param headers: headers for this call, merged over the session's.
        :param cookies: cookies for this call.
        :param files: files for a multipart upload.
        :param hooks: requests event hooks for this call.
        :param stream: do not download the body at once.
        :param verify: TLS verification (True, or a CA bundle path) for this call.
        :param cert: the client certificate for this call.
        :param proxies: proxies for this call.
        :returns: the :class:`requests.Response`.
        :raises InvalidPathParam: the path could leave :attr:`base_url`.
        :raises requests.HTTPError: a 4xx or 5xx answer, when ``raise_for_status``.
        :raises requests.RequestException: the request failed (timeout, connection...).
        """
        url, inside = self._resolve(path)
        if auth is None:
            sent_auth = self._auth if inside else None
        else:
            sent_auth = _coerce_auth(auth)
        if isinstance(timeout, _Unset):
            timeout = self._timeout
        else:
            timeout = _check_timeout(timeout)
        if data is not None or json is not None or params is not None:
            nones = self._none_fields if none_fields is None else _check_none_fields(none_fields)
            bools = (
                self._bool_fields
                if isinstance(bool_fields, _Unset)
                else _check_bool_fields(bool_fields)
            )
            data = _rewrite(data, nones, bools)
            json = _rewrite(json, nones, None)
            params = _rewrite(params, None, bools)
        if allow_redirects and sent_auth is not None:
            response = self._follow_redirects(
                requests.Request(
                    method=method.upper(),
                    url=url,
                    headers=headers,
                    files=files,
                    data=data or {},
                    json=json,
                    params=params or {},
                    auth=NO_AUTH,
                    cookies=cookies,
                    hooks=hooks,
                ),
                sent_auth,
                self._scope if inside else _Scope.origin_of(url),
                timeout=timeout,
                proxies=proxies,
                stream=stream,
                verify=verify,
                cert=cert,
            )
        else:
            response = self._session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                cookies=cookies,
                files=files,
                auth=NO_AUTH if sent_auth is None else sent_auth,
                timeout=timeout,
                allow_redirects=allow_redirects,
                proxies=proxies,
                hooks=hooks,
                stream=stream,
                verify=verify,
                cert=cert,
                json=json,
            )
        if response.status_code >= 400 and (
            self._raise_for_status if raise_for_status is None else raise_for_status
        ):
            _raise_http_error(response)
        return response

    def _follow_redirects(
        self,
        request: requests.Request,
        auth: Callable[..., Any],
        scope: _Scope,
        *,
        timeout: Timeout,
        proxies: Any,
        stream: bool | None,
        verify: bool | str | None,
        cert: Any,
    ) -> requests.Response:
        """Send ``request`` and follow redirects, applying ``auth`` only to hops in ``scope``.

        requests would resend the first request's headers (all but ``Authorization``, and
        that one too on the same host) and its response hooks to every hop; here each hop
        starts from the request as it was before ``auth`` touched it.
        """
        session = self._session
        clean = session.prepare_request(request)
        settings = session.merge_environment_settings(
            clean.url or "", proxies or {}, stream, verify, cert
        )
        history: list[requests.Response] = []
        first = True
        while True:
            sent = clean
            if first or scope.covers(clean.url or ""):
                sent = clean.copy()
                sent.hooks = {event: list(hooks) for event, hooks in clean.hooks.items()}
                sent = auth(sent)
            first = False
            response = session.send(sent, timeout=timeout, allow_redirects=False, **settings)
            if not response.is_redirect:
                break
            if len(history) >= session.max_redirects:
                raise requests.TooManyRedirects(
                    f"Exceeded {session.max_redirects} redirects.", response=response
                )
            hops = session.resolve_redirects(
                response, clean, yield_requests=True, timeout=timeout, **settings
            )
            following = cast("requests.PreparedRequest | None", next(hops, None))
            if following is None:
                break
            history.append(response)
            clean = following
        if history:
            response.history = history
        return response

    def get(self, path: PathLike = None, **kwargs: Any) -> requests.Response:
        """Send a GET request; see :meth:`request` for the parameters."""
        return self.request("GET", path, **kwargs)

    def post(self, path: PathLike = None, **kwargs: Any) -> requests.Response:
        """Send a POST request; see :meth:`request` for the parameters."""
        return self.request("POST", path, **kwargs)

    def put(self, path: PathLike = None, **kwargs: Any) -> requests.Response:
        """Send a PUT request; see :meth:`request` for the parameters."""
        return self.request("PUT", path, **kwargs)

    def patch(self, path: PathLike = None, **kwargs: Any) -> requests.Response:
        """Send a PATCH request; see :meth:`request` for the parameters."""
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: PathLike = None, **kwargs: Any) -> requests.Response:
        """Send a DELETE request; see :meth:`request` for the parameters."""
        return self.request("DELETE", path, **kwargs)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the session if this client created it; a given session stays open."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        auth = "None" if self._auth is None else f"<{type(self._auth).__name__}>"
        return (
            f"{type(self).__name__}({self._base_url!r}, auth={auth}, timeout={self._timeout!r}, "
            f"raise_for_status={self._raise_for_status!r})"
        )
