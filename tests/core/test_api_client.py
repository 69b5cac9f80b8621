"""ApiClient: paths under base_url, credentials scoped to it, redirects, errors, timeouts."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from oauth2core import ApiClient, BearerAuth, BearerToken, InvalidPathParam

BASE = "https://api.example.com/v1"
TOKEN = "tok-0123456789"
BEARER = f"Bearer {TOKEN}"
ANY_URL = re.compile(r".*")


@pytest.fixture
def api() -> Iterator[ApiClient]:
    with ApiClient(BASE, auth=BearerToken(TOKEN)) as client:
        yield client


def sent(mock: responses.RequestsMock, index: int = -1) -> requests.PreparedRequest:
    request = mock.calls[index].request
    assert isinstance(request, requests.PreparedRequest)
    return request


class KeyAuth(requests.auth.AuthBase):
    """A credential in a custom header, plus a response hook: what requests never strips."""

    def __init__(self) -> None:
        self.hooked: list[str] = []

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["X-Api-Key"] = "key-secret"
        request.register_hook("response", self.on_response)
        return request

    def on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        self.hooked.append(response.url)
        return response


# ---------------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        pytest.param("http://api.example.com/v1", "https", id="plain_http"),
        pytest.param("ftp://api.example.com/v1", "https", id="other_scheme"),
        pytest.param("https://user:pw@api.example.com/v1", "credentials", id="userinfo"),
        pytest.param("https://api.example.com/v1?x=1", "query", id="query"),
        pytest.param("https://api.example.com/v1?", "query", id="empty_query"),
        pytest.param("https://api.example.com/v1#", "fragment", id="empty_fragment"),
        pytest.param("https://api.example.com/v1/../admin", "'..'", id="dot_segment"),
        pytest.param("https://api.example.com/v1/%2e%2e/admin", "'..'", id="encoded_dots"),
        pytest.param("https://api.example.com//v1", "'//'", id="empty_segment"),
        pytest.param("https:///v1", "host", id="no_host"),
    ],
)
def test_bad_base_url_is_refused(base_url, message):
    with pytest.raises(ValueError, match=message) as info:
        ApiClient(base_url)
    assert "pw" not in str(info.value)


def test_base_url_must_be_a_string():
    with pytest.raises(TypeError):
        ApiClient(b"https://api.example.com")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8080/api", "http://localhost/api", "http://[::1]:9/"]
)
def test_plain_http_is_accepted_on_loopback(base_url):
    assert ApiClient(base_url).base_url == base_url


def test_plain_http_elsewhere_needs_the_named_opt_out():
    api = ApiClient("http://api.example.com/v1", allow_insecure_http=True)
    assert api.to_absolute_url("x") == "http://api.example.com/v1/x"


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param("a-token", id="string"),
        pytest.param(42, id="int"),
        pytest.param(("only-one",), id="short_tuple"),
        pytest.param(("user", 3), id="bad_tuple"),
    ],
)
def test_bad_auth_is_refused(auth):
    with pytest.raises(TypeError):
        ApiClient(BASE, auth=auth)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"session": object()}, TypeError, id="session"),
        pytest.param({"raise_for_status": 1}, TypeError, id="raise_for_status"),
        pytest.param({"none_fields": "drop"}, ValueError, id="none_fields"),
        pytest.param({"bool_fields": ("yes",)}, ValueError, id="bool_fields"),
        pytest.param({"bool_fields": [True, False]}, ValueError, id="bool_fields_list"),
        pytest.param({"user_agent": "x"}, TypeError, id="unknown_setting"),
        pytest.param({"headers": {"authorization": "Bearer x"}}, ValueError, id="auth_header"),
    ],
)
def test_bad_settings_are_refused(kwargs, error):
    with pytest.raises(error):
        ApiClient(BASE, **kwargs)


def test_session_settings_are_written_into_the_session():
    session = requests.Session()
    session.headers["X-Kept"] = "1"
    api = ApiClient(
        BASE,
        session=session,
        headers={"X-App": "demo"},
        cookies={"c": "1"},
        params={"lang": "en"},
        proxies={"https": "http://proxy.example.com:3128"},
        verify="/path/to/ca.pem",
        cert=("c.pem", "k.pem"),
        stream=True,
        trust_env=False,
        max_redirects=3,
    )
    assert api.session is session
    assert session.headers["X-Kept"] == "1"
    assert session.headers["X-App"] == "demo"
    assert session.cookies["c"] == "1"
    assert session.params == {"lang": "en"}
    assert session.proxies == {"https": "http://proxy.example.com:3128"}
    assert session.verify == "/path/to/ca.pem"
    assert session.cert == ("c.pem", "k.pem")
    assert session.stream is True
    assert session.trust_env is False
    assert session.max_redirects == 3


def test_settings_are_exposed_read_only(api):
    assert api.base_url == BASE
    assert isinstance(api.auth, BearerToken)
    assert api.timeout == 60
    assert api.raise_for_status is True
    assert api.none_fields == "exclude"
    assert api.bool_fields == ("true", "false")
    with pytest.raises(AttributeError):
        api.base_url = "https://evil.example.com"


def test_tuple_auth_is_http_basic(mock_http):
    mock_http.add(responses.GET, f"{BASE}/me")
    ApiClient(BASE, auth=("user", "pw")).get("me")
    assert sent(mock_http).headers["Authorization"] == "Basic dXNlcjpwdw=="


def test_repr_shows_no_secret():
    text = repr(ApiClient(BASE, auth=BearerToken("very-secret-token")))
    assert "very-secret-token" not in text
    assert text == (
        "ApiClient('https://api.example.com/v1', auth=<BearerToken>, timeout=60, "
        "raise_for_status=True)"
    )
    assert "pw" not in repr(ApiClient(BASE, auth=("user", "pw")))
    assert "auth=None" in repr(ApiClient(BASE))


# ---------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    ("path", "url"),
    [
        (None, BASE),
        ("", BASE),
        ("/", BASE),
        ("users", f"{BASE}/users"),
        ("/users/42", f"{BASE}/users/42"),
        ("users/", f"{BASE}/users/"),
        ("users/a b", f"{BASE}/users/a%20b"),
        ("café", f"{BASE}/caf%C3%A9"),
        ("a%2Fb", f"{BASE}/a%2Fb"),
        ("100%", f"{BASE}/100%25"),
        ("v:1@x;y=z,w", f"{BASE}/v:1@x;y=z,w"),
        ("...", f"{BASE}/..."),
        (".well-known/x", f"{BASE}/.well-known/x"),
        ("a..b", f"{BASE}/a..b"),
        (b"users/42", f"{BASE}/users/42"),
        (42, f"{BASE}/42"),
        (["users", "a/b", 42], f"{BASE}/users/a%2Fb/42"),
        (("users", "?#%", b"x"), f"{BASE}/users/%3F%23%25/x"),
        (["café", "a b"], f"{BASE}/caf%C3%A9/a%20b"),
        ([], BASE),
        ("https://elsewhere.example.com/x?y=1", "https://elsewhere.example.com/x?y=1"),
        ("HTTP://elsewhere.example.com/", "HTTP://elsewhere.example.com/"),
    ],
)
def test_paths_join_under_base_url(api, path, url):
    assert api.to_absolute_url(path) == url


def test_trailing_slash_of_base_url_is_not_doubled():
    api = ApiClient(BASE + "/")
    assert api.to_absolute_url("users") == f"{BASE}/users"
    assert api.to_absolute_url() == BASE + "/"
    assert ApiClient("https://api.example.com").to_absolute_url("x") == (
        "https://api.example.com/x"
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        pytest.param("..", "'..'", id="dotdot"),
        pytest.param(".", "'..'", id="dot"),
        pytest.param("a/../../admin", "'..'", id="dotdot_inside"),
        pytest.param("%2e%2e/admin", "'..'", id="encoded_dotdot"),
        pytest.param("%2E%2e", "'..'", id="encoded_dotdot_case"),
        pytest.param(".%2e/admin", "'..'", id="half_encoded_dotdot"),
        pytest.param("a%2f..%2fadmin", "'..'", id="encoded_slash_dotdot"),
        pytest.param("a%5c..%5cadmin", "'..'", id="encoded_backslash_dotdot"),
        pytest.param("..;/admin", "'..'", id="path_parameter_dotdot"),
        pytest.param(".. /admin", "'..'", id="dotdot_space"),
        pytest.param("%2e%2e%00x/admin", "'..'", id="dotdot_nul"),
        pytest.param("//evil.example.com/x", "'//'", id="scheme_relative"),
        pytest.param("a//b", "'//'", id="empty_segment"),
        pytest.param("\\\\evil.example.com\\x", "backslash", id="backslashes"),
        pytest.param("a\\..\\b", "backslash", id="backslash_dotdot"),
        pytest.param("ftp://evil.example.com/", "absolute URL", id="other_scheme_url"),
        pytest.param(" https://evil.example.com/", "absolute URL", id="padded_url"),
        pytest.param("x/http%3A%2F%2Fevil.example.com", "absolute URL", id="encoded_url"),
        pytest.param("users?admin=1", "params=", id="query"),
        pytest.param("users#x", "params=", id="fragment"),
        pytest.param("\ud800", "Unicode", id="lone_surrogate"),
        pytest.param(b"\xff", "UTF-8", id="not_utf8"),
        pytest.param([".."], "'..'", id="part_dotdot"),
        pytest.param(["."], "'..'", id="part_dot"),
        pytest.param(["%2e%2e"], "'..'", id="part_encoded_dotdot"),
        pytest.param(["a/../b"], "'..'", id="part_with_dotdot"),
        pytest.param(["a\\..\\b"], "'..'", id="part_with_backslash_dotdot"),
        pytest.param(["https://evil.example.com"], "absolute URL", id="part_url"),
        pytest.param(["users", ""], "empty part", id="empty_part"),
        pytest.param(["\udfff"], "Unicode", id="part_surrogate"),
        pytest.param([b"\xfe"], "UTF-8", id="part_not_utf8"),
    ],
)
def test_paths_that_could_leave_base_url_are_refused(api, mock_http, path, reason):
    with pytest.raises(InvalidPathParam, match=re.escape(reason)) as info:
        api.get(path)
    assert isinstance(info.value, ValueError)
    assert info.value.path == path
    assert info.value.reason in str(info.value)


@pytest.mark.parametrize("path", [3.5, True, object(), [1.5], [None], [True]])
def test_paths_of_other_types_are_a_type_error(api, path):
    with pytest.raises(TypeError):
        api.to_absolute_url(path)


# ---------------------------------------------------------------------- sub-clients


def test_sub_clients_keep_auth_headers_and_settings(mock_http):
    session = requests.Session()
    api = ApiClient(
        BASE,
        auth=BearerToken(TOKEN),
        session=session,
        timeout=5,
        raise_for_status=False,
        headers={"X-App": "demo"},
    )
    mock_http.add(responses.GET, f"{BASE}/users/42/roles", status=404)
    users = api.users
    assert users.base_url == f"{BASE}/users"
    response = users[42].get("roles")
    assert response.status_code == 404  # raise_for_status=False is kept
    request = sent(mock_http)
    assert request.headers["Authorization"] == BEARER
    assert request.headers["X-App"] == "demo"
    assert mock_http.calls[0].request.req_kwargs["timeout"] == 5
    assert users.session is session
    assert users.auth is api.auth
    assert (users.timeout, users.none_fields, users.bool_fields) == (
        5,
        "exclude",
        ("true", "false"),
    )


def test_sub_clients_by_item_and_by_attribute_are_the_same(api):
    assert api["users"].base_url == api.users.base_url == f"{BASE}/users"
    assert api["users", "a/b"].base_url == f"{BASE}/users/a%2Fb"
    assert api.users.admins.base_url == f"{BASE}/users/admins"
    assert api["get"].base_url == f"{BASE}/get"


def test_sub_clients_do_not_touch_the_shared_session(api):
    before = dict(api.session.headers)
    api.users.admins["x"]
    assert dict(api.session.headers) == before


def test_sub_client_paths_are_checked(api):
    with pytest.raises(InvalidPathParam):
        api[".."]
    with pytest.raises(InvalidPathParam, match="absolute URL"):
        api["https://evil.example.com/"]
    with pytest.raises(InvalidPathParam):
        api["a", "..", "b"]


def test_private_and_dunder_names_are_not_sub_clients(api):
    with pytest.raises(AttributeError):
        api._users  # noqa: B018
    assert not hasattr(api, "__deepcopy_me__")
    copied = copy.copy(api)
    assert copied.base_url == BASE
    with pytest.raises(TypeError):
        iter(api)


def test_sub_client_credentials_stay_under_its_own_base(mock_http):
    users = ApiClient(BASE, auth=BearerToken(TOKEN)).users
    mock_http.add(responses.GET, f"{BASE}/groups")
    users.get(f"{BASE}/groups")
    assert "Authorization" not in sent(mock_http).headers


def test_context_manager_closes_only_its_own_session(monkeypatch):
    closed: list[requests.Session] = []
    monkeypatch.setattr(requests.Session, "close", lambda self: closed.append(self))
    with ApiClient(BASE) as own:
        with own.users:
            pass
        assert closed == []
    assert closed == [own.session]
    given_session = requests.Session()
    with ApiClient(BASE, session=given_session):
        pass
    assert closed == [own.session]


def test_exceptions_inside_the_context_manager_propagate():
    with pytest.raises(KeyError), ApiClient(BASE):
        raise KeyError("x")


# ---------------------------------------------------------------------- requests and credentials


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_method_shortcuts(api, mock_http, method):
    mock_http.add(method.upper(), f"{BASE}/things/1", json={"ok": True})
    response = getattr(api, method)("things/1")
    assert response.json() == {"ok": True}
    request = sent(mock_http)
    assert request.method == method.upper()
    assert request.headers["Authorization"] == BEARER


def test_request_to_base_url_itself(api, mock_http):
    mock_http.add("OPTIONS", BASE)
    api.request("options")
    assert sent(mock_http).headers["Authorization"] == BEARER


def test_request_keywords_reach_requests(api, mock_http):
    seen: list[int] = []
    mock_http.add(responses.POST, f"{BASE}/upload")
    api.post(
        "upload",
        params={"a": "1"},
        headers={"X-Call": "yes"},
        cookies={"k": "v"},
        files={"f": ("f.txt", b"data")},
        hooks={"response": lambda r, **kw: seen.append(r.status_code)},
    )
    request = sent(mock_http)
    assert request.url == f"{BASE}/upload?a=1"
    assert request.headers["X-Call"] == "yes"
    assert request.headers["Cookie"] == "k=v"
    assert isinstance(request.body, bytes)
    assert b"data" in request.body
    assert seen == [200]


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}",
        f"{BASE}/",
        f"{BASE}/users?x=1",
        "https://API.EXAMPLE.COM/v1/users",
        "HTTPS://api.example.com:443/v1/users",
    ],
)
def test_full_url_under_base_gets_credentials(api, mock_http, url):
    mock_http.add(responses.GET, ANY_URL)
    api.get(url)
    assert sent(mock_http).headers["Authorization"] == BEARER


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://evil.example.com/v1/users", id="other_host"),
        pytest.param("https://api.example.com.evil.example.com/v1/", id="suffix_host"),
        pytest.param("https://api.example.com:8443/v1/users", id="other_port"),
        pytest.param("http://api.example.com/v1/users", id="other_scheme"),
        pytest.param("https://api.example.com/v2/users", id="other_path"),
        pytest.param("https://api.example.com/v1x", id="not_a_segment_boundary"),
        pytest.param("https://api.example.com/", id="host_root"),
        pytest.param("https://api.example.com/v1/../admin", id="dot_segments"),
        pytest.param("https://api.example.com/v1/%2e%2e/admin", id="encoded_dot_segments"),
        pytest.param("https://api.example.com/v1/a%2f..%2f..%2fadmin", id="encoded_slashes"),
        pytest.param("https://api.example.com/v1/..;/admin", id="path_parameter"),
        pytest.param("https://api.example.com/v1/\\..\\admin", id="backslashes"),
        pytest.param("https://user@api.example.com/v1/users", id="userinfo"),
    ],
)
def test_full_url_elsewhere_goes_without_credentials(api, mock_http, url):
    mock_http.add(responses.GET, ANY_URL)
    api.get(url)
    assert "Authorization" not in sent(mock_http).headers


def test_full_url_elsewhere_with_its_own_auth(api, mock_http):
    mock_http.add(responses.GET, ANY_URL)
    api.get("https://other.example.com/x", auth=BearerAuth("other-token"))
    assert sent(mock_http).headers["Authorization"] == "Bearer other-token"
    api.get("users", auth=("u", "p"))
    assert sent(mock_http).headers["Authorization"] == "Basic dTpw"


def test_client_without_auth_sends_none(mock_http):
    mock_http.add(responses.GET, f"{BASE}/x")
    ApiClient(BASE).get("x")
    assert "Authorization" not in sent(mock_http).headers


# ---------------------------------------------------------------------- redirects


def test_redirects_are_not_followed_by_default(api, mock_http):
    mock_http.add(
        responses.GET, f"{BASE}/old", status=302, headers={"Location": "https://evil.example.com/"}
    )
    response = api.get("old")
    assert response.status_code == 302
    assert len(mock_http.calls) == 1


def _redirect(mock: responses.RequestsMock, source: str, target: str, status: int = 302) -> None:
    mock.add(responses.GET, source, status=status, headers={"Location": target})


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("https://evil.example.com/v1/landing", id="other_host"),
        pytest.param("https://api.example.com:8443/v1/landing", id="other_port"),
        pytest.param("http://api.example.com/v1/landing", id="downgrade"),
        pytest.param("https://api.example.com/elsewhere/landing", id="same_host_other_path"),
        pytest.param("/elsewhere/landing", id="relative_location"),
    ],
)
def test_followed_redirect_out_of_base_url_carries_no_credentials(mock_http, target):
    auth = KeyAuth()
    api = ApiClient(BASE, auth=auth)
    _redirect(mock_http, f"{BASE}/start", target)
    mock_http.add(responses.GET, ANY_URL, status=401, headers={"WWW-Authenticate": "Bearer"})
    response = api.get("start", allow_redirects=True, raise_for_status=False)
    assert response.status_code == 401
    first, second = sent(mock_http, 0), sent(mock_http, 1)
    assert first.headers["X-Api-Key"] == "key-secret"
    assert "X-Api-Key" not in second.headers
    assert "Authorization" not in second.headers
    assert auth.hooked == [f"{BASE}/start"]  # the hook armed by auth did not see the hop
    assert [r.status_code for r in response.history] == [302]


def test_plain_requests_would_leak_the_custom_header(mock_http):
    """Why ApiClient follows redirects itself: requests keeps such headers across hosts."""
    _redirect(mock_http, f"{BASE}/start", "https://evil.example.com/")
    mock_http.add(responses.GET, "https://evil.example.com/")
    requests.Session().get(f"{BASE}/start", auth=KeyAuth())
    assert sent(mock_http, 1).headers["X-Api-Key"] == "key-secret"


def test_followed_redirect_under_base_url_gets_fresh_credentials(mock_http):
    auth = KeyAuth()
    api = ApiClient(BASE, auth=auth)
    _redirect(mock_http, f"{BASE}/a", "/v1/b", status=301)
    _redirect(mock_http, f"{BASE}/b", f"{BASE}/c", status=307)
    mock_http.add(responses.GET, f"{BASE}/c", json={"ok": True})
    response = api.get("a", allow_redirects=True)
    assert response.json() == {"ok": True}
    assert [sent(mock_http, i).headers["X-Api-Key"] for i in range(3)] == ["key-secret"] * 3
    assert auth.hooked == [f"{BASE}/a", f"{BASE}/b", f"{BASE}/c"]
    assert [r.url for r in response.history] == [f"{BASE}/a", f"{BASE}/b"]


def test_redirect_back_into_base_url_gets_credentials_again(mock_http):
    api = ApiClient(BASE, auth=BearerToken(TOKEN))
    _redirect(mock_http, f"{BASE}/a", "https://cdn.example.com/x")
    _redirect(mock_http, "https://cdn.example.com/x", f"{BASE}/b")
    mock_http.add(responses.GET, f"{BASE}/b")
    api.get("a", allow_redirects=True)
    headers = [sent(mock_http, i).headers.get("Authorization") for i in range(3)]
    assert headers == [BEARER, None, BEARER]


def test_redirects_keep_the_callers_hooks_and_requests_semantics(mock_http):
    seen: list[str] = []
    api = ApiClient(BASE, auth=BearerToken(TOKEN))
    mock_http.add(responses.POST, f"{BASE}/form", status=303, headers={"Location": f"{BASE}/done"})
    mock_http.add(responses.GET, f"{BASE}/done")
    response = api.post(
        "form",
        data={"a": "1"},
        allow_redirects=True,
        hooks={"response": lambda r, **kw: seen.append(r.url)},
    )
    assert response.url == f"{BASE}/done"
    assert seen == [f"{BASE}/form", f"{BASE}/done"]
    second = sent(mock_http, 1)
    assert second.method == "GET"  # 303: the body is dropped
    assert second.body is None


def test_per_call_auth_follows_redirects_on_its_origin_only(api, mock_http):
    _redirect(mock_http, "https://other.example.com/a", "https://other.example.com/b")
    _redirect(mock_http, "https://other.example.com/b", "https://third.example.com/c")
    mock_http.add(responses.GET, "https://third.example.com/c")
    api.get("https://other.example.com/a", auth=BearerAuth("other"), allow_redirects=True)
    headers = [sent(mock_http, i).headers.get("Authorization") for i in range(3)]
    assert headers == ["Bearer other", "Bearer other", None]


def test_redirects_without_credentials_are_left_to_requests(mock_http):
    _redirect(mock_http, "https://other.example.com/a", f"{BASE}/b")
    mock_http.add(responses.GET, f"{BASE}/b")
    ApiClient(BASE, auth=BearerToken(TOKEN)).get(
        "https://other.example.com/a", allow_redirects=True
    )
    assert "Authorization" not in sent(mock_http, 1).headers  # never added on a redirect


def test_too_many_redirects(mock_http):
    api = ApiClient(BASE, auth=BearerToken(TOKEN), max_redirects=2)
    mock_http.add(responses.GET, ANY_URL, status=302, headers={"Location": f"{BASE}/loop"})
    with pytest.raises(requests.TooManyRedirects) as info:
        api.get("loop", allow_redirects=True)
    assert info.value.response is not None
    assert len(mock_http.calls) == 3


# ---------------------------------------------------------------------- errors


def test_error_status_raises_http_error(api, mock_http):
    mock_http.add(responses.GET, f"{BASE}/missing", status=404)
    with pytest.raises(requests.HTTPError, match="404 Client Error") as info:
        api.get("missing")
    assert info.value.response is not None
    assert info.value.response.status_code == 404
    assert TOKEN not in str(info.value)


def test_raise_for_status_per_call(mock_http):
    mock_http.add(responses.GET, f"{BASE}/broken", status=503)
    assert ApiClient(BASE).get("broken", raise_for_status=False).status_code == 503
    with pytest.raises(requests.HTTPError, match="503 Server Error"):
        ApiClient(BASE, raise_for_status=False).get("broken", raise_for_status=True)
    assert ApiClient(BASE, raise_for_status=False).get("broken").status_code == 503


def test_http_error_message_hides_userinfo(api, mock_http):
    mock_http.add(responses.GET, ANY_URL, status=403)
    with pytest.raises(requests.HTTPError) as info:
        api.get("https://user:pass-word@other.example.com/x")
    assert "pass-word" not in str(info.value)
    assert "other.example.com/x" in str(info.value)


def test_network_errors_are_requests_errors(api, mock_http):
    mock_http.add(responses.GET, f"{BASE}/slow", body=requests.ConnectTimeout("slow"))
    with pytest.raises(requests.ConnectTimeout):
        api.get("slow")


# ---------------------------------------------------------------------- timeouts


def _timeout_sent(mock: responses.RequestsMock) -> Any:
    return getattr(mock.calls[-1].request, "req_kwargs")["timeout"]  # noqa: B009


def test_default_timeout_applies_to_every_request(mock_http):
    mock_http.add(responses.GET, ANY_URL)
    api = ApiClient(BASE)
    api.get("x")
    assert _timeout_sent(mock_http) == 60
    api.get("https://other.example.com/")
    assert _timeout_sent(mock_http) == 60
    ApiClient(BASE, timeout=(3.05, 27)).users.get()
    assert _timeout_sent(mock_http) == (3.05, 27)


@pytest.mark.parametrize(
    ("timeout", "expected"), [(5, 5), (0.5, 0.5), (None, None), ((1, None), (1, None))]
)
def test_timeout_per_call(mock_http, timeout, expected):
    mock_http.add(responses.GET, ANY_URL)
    ApiClient(BASE).get("x", timeout=timeout)
    assert _timeout_sent(mock_http) == expected


def test_timeout_none_means_no_timeout_not_the_default(mock_http):
    mock_http.add(responses.GET, ANY_URL)
    ApiClient(BASE, timeout=None).get("x")
    assert _timeout_sent(mock_http) is None


@pytest.mark.parametrize(
    ("timeout", "error"),
    [
        (0, ValueError),
        (-1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ((0, 5), ValueError),
        ((1, 2, 3), ValueError),
        (True, TypeError),
        ("10", TypeError),
    ],
)
def test_bad_timeouts_are_refused(api, timeout, error):
    with pytest.raises(error):
        ApiClient(BASE, timeout=timeout)
    with pytest.raises(error):
        api.get("x", timeout=timeout)


# ---------------------------------------------------------------------- none_fields, bool_fields


def test_none_and_bool_fields_default(api, mock_http):
    mock_http.add(responses.POST, ANY_URL)
    data = {"a": None, "b": True, "c": False, "d": "x"}
    params = {"p": True, "q": None}
    body = {"n": None, "t": True, "nested": {"n": None}}
    originals = copy.deepcopy((data, params, body))
    api.post("form", data=data, params=params)
    request = sent(mock_http)
    assert parse_qs(str(request.body)) == {"b": ["true"], "c": ["false"], "d": ["x"]}
    assert parse_qs(urlsplit(str(request.url)).query) == {"p": ["true"]}
    api.post("json", json=body)
    assert sent(mock_http).body == b'{"t": true, "nested": {"n": null}}'
    assert (data, params, body) == originals  # the caller's dicts are never changed


def test_none_fields_empty_and_include(mock_http):
    mock_http.add(responses.POST, ANY_URL)
    api = ApiClient(BASE, none_fields="empty", bool_fields=None)
    api.post("x", data={"a": None, "b": True})
    assert parse_qs(str(sent(mock_http).body), keep_blank_values=True) == {
        "a": [""],
        "b": ["True"],
    }
    api.post("x", json={"a": None}, none_fields="include")
    assert sent(mock_http).body == b'{"a": null}'
    api.post("x", data={"b": False}, bool_fields=("1", "0"))
    assert sent(mock_http).body == "b=0"


def test_non_mapping_bodies_are_sent_as_given(api, mock_http):
    mock_http.add(responses.POST, ANY_URL)
    api.post("x", data=b"raw", params=[("a", "1")])
    assert sent(mock_http).body == b"raw"
    api.post("x", json=[None, True])
    assert sent(mock_http).body == b"[null, true]"


def test_bad_per_call_field_options(api):
    with pytest.raises(ValueError, match="none_fields"):
        api.post("x", data={}, none_fields="drop")
    with pytest.raises(ValueError, match="bool_fields"):
        api.post("x", data={}, bool_fields="yes")


# ---------------------------------------------------------------------- property tests

BASE_SEGMENTS = ["v1"]
TRICKY = [
    "..", ".", "%2e", "%2E", "%2e%2e", "/", "//", "\\", "%5c", "%2f", "%2F", "?", "#", ";",
    "://", "http:", "https:", " ", "\t", "%", "%25", "~", "a", "é", "日本", "@", ":", "..;",
    "\x00", "%00", "evil.example.com",
]  # fmt: skip
texts = st.lists(st.sampled_from(TRICKY) | st.text(max_size=4), max_size=8).map("".join)
parts = st.lists(texts | st.integers(min_value=0), max_size=5)


def stays_under_base(url: str) -> bool:
    """Would ``url``, as requests sends it, stay under BASE for a server that decodes
    percent-escapes, reads backslashes as slashes, strips ``;`` parameters and whitespace,
    and stops at a NUL?"""
    wire = urlsplit(requests.Request("GET", url).prepare().url)
    if (wire.scheme, wire.hostname, wire.port or 443) != ("https", "api.example.com", 443):
        return False
    stack: list[str] = []
    for raw in re.split(r"[/\\]", unquote(wire.path))[1:]:
        segment = raw.split(";", 1)[0].split("\x00", 1)[0].strip(" \t\r\n")
        if segment == "..":
            if not stack:
                return False
            stack.pop()
        elif segment != ".":
            stack.append(raw)
        if len(stack) < len(BASE_SEGMENTS) and stack != BASE_SEGMENTS[: len(stack)]:
            return False
    return stack[: len(BASE_SEGMENTS)] == BASE_SEGMENTS


@given(path=texts | parts)
def test_property_relative_paths_stay_under_base_url_or_are_refused(path):
    api = ApiClient(BASE)
    try:
        url = api.to_absolute_url(path)
    except InvalidPathParam:
        return
    if isinstance(path, str) and re.match(r"https?://", path, re.IGNORECASE):
        return  # a full URL, used as is: the next property covers it
    assert stays_under_base(url), url


@given(path=texts | parts)
def test_property_sub_clients_stay_under_base_url_or_are_refused(path):
    try:
        sub = ApiClient(BASE)[path]
    except InvalidPathParam:
        return
    assert stays_under_base(sub.to_absolute_url("x"))


schemes = st.sampled_from(["https", "HTTPS", "http"])
hosts = st.sampled_from(
    ["api.example.com", "API.Example.COM", "evil.example.com", "api.example.com.evil.com"]
)
ports = st.sampled_from(["", ":443", ":8443", ":80"])
userinfo = st.sampled_from(["", "", "", "user@", "user:pw@"])
url_paths = st.lists(
    st.sampled_from(["v1", "v2", "v1x", "users", "..", ".", "%2e%2e", "%2E.", "a;b", "..;", "é"])
    | texts.filter(lambda t: "/" not in t and "?" not in t and "#" not in t),
    max_size=5,
).map(lambda segments: "/" + "/".join(segments))
queries = st.sampled_from(["", "?x=1", "?next=/v1/../admin", "#frag"])


@st.composite
def full_urls(draw: st.DrawFn) -> str:
    return (
        f"{draw(schemes)}://{draw(userinfo)}{draw(hosts)}{draw(ports)}"
        f"{draw(url_paths)}{draw(queries)}"
    )


def _with_recorded_call(api: ApiClient, url: str) -> requests.PreparedRequest | None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, ANY_URL)
        try:
            api.get(url)
        except (requests.exceptions.InvalidURL, UnicodeError):
            return None  # requests itself refuses the URL: nothing is sent
        return sent(mock)


@given(url=full_urls())
def test_property_full_urls_get_credentials_only_under_base_url(url):
    request = _with_recorded_call(ApiClient(BASE, auth=BearerToken(TOKEN)), url)
    if request is None:
        return
    parts_ = urlsplit(url)
    same_origin = (
        parts_.scheme.lower() == "https"
        and "@" not in parts_.netloc
        and parts_.hostname == "api.example.com"
        and parts_.port in (None, 443)
    )
    if request.headers.get("Authorization") == BEARER:  # (userinfo gives requests' Basic)
        assert same_origin, url
        assert stays_under_base(url), url
    elif same_origin and "%" not in parts_.path and "\\" not in parts_.path:
        # a plain path under base_url with no dot segment must get the credentials
        segments = parts_.path.split("/")[1:]
        plain = all(s.split(";")[0].strip() not in (".", "..") for s in segments)
        under = parts_.path == "/v1" or parts_.path.startswith("/v1/")
        assert not (plain and under), url


@given(segments=st.lists(st.text(alphabet="abcXYZ019-_~", min_size=1), max_size=4))
def test_property_clean_full_urls_under_base_url_get_credentials(segments):
    url = "/".join([BASE, *segments])
    request = _with_recorded_call(ApiClient(BASE, auth=BearerToken(TOKEN)), url)
    assert request is not None
    assert request.headers["Authorization"] == BEARER
