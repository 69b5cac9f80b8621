"""Client authentication: client_secret_basic, client_secret_post and none (public clients)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, unquote_plus

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    BaseClientAuthenticationMethod,
    ClientSecretBasic,
    ClientSecretPost,
    PublicApp,
)
from oauth2core._client_auth import looks_like_private_key

URL = "https://as.example.com/oauth/token"
SECRET = "p4ss:w%rd +x"


def basic_pair(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    assert scheme == "Basic"
    user, sep, password = base64.b64decode(encoded).decode().partition(":")
    assert sep == ":"
    return user, password


def form(body: str | bytes | None) -> dict[str, list[str]]:
    text = body.decode() if isinstance(body, bytes) else body or ""
    return parse_qs(text, keep_blank_values=True)


# ------------------------------------------------------------------------------ client_secret_basic


@pytest.mark.parametrize(
    ("client_id", "secret", "encoded_pair"),
    [
        ("client", "secret", "client:secret"),
        ("my:client", "a:b", "my%3Aclient:a%3Ab"),
        ("client", "100%", "client:100%25"),
        ("client", "with space", "client:with+space"),
        ("client", "plus+sign", "client:plus%2Bsign"),
        ("clïent", "sécret€", "cl%C3%AFent:s%C3%A9cret%E2%82%AC"),
        ("c/d?e", "&=#", "c%2Fd%3Fe:%26%3D%23"),
    ],
)
def test_basic_form_urlencodes_before_base64(client_id, secret, encoded_pair):
    """RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded first."""
    headers: dict[str, str | bytes] = {}
    data: dict[str, str | list[str]] = {"grant_type": "client_credentials"}
    ClientSecretBasic(client_id, secret).apply(data, headers, endpoint=URL)
    expected = base64.b64encode(encoded_pair.encode()).decode()
    assert headers["Authorization"] == f"Basic {expected}"
    assert data == {"grant_type": "client_credentials"}


@given(
    client_id=st.text(min_size=1).filter(lambda s: "\x00" not in s),
    # a secret that looks like a PEM or a JWK is refused on purpose (test_client.py)
    secret=st.text(min_size=1).filter(lambda s: not looks_like_private_key(s)),
)
@example(client_id="0", secret="{'kty").via("almost a JWK: still a secret")
def test_basic_round_trips(client_id, secret):
    try:
        client_id.encode()
        secret.encode()
    except UnicodeEncodeError:  # lone surrogates cannot be sent at all
        return
    headers: dict[str, str | bytes] = {}
    ClientSecretBasic(client_id, secret).apply({}, headers, endpoint=URL)
    header = headers["Authorization"]
    assert isinstance(header, str)
    user, password = basic_pair(header)
    assert ":" not in user
    assert (unquote_plus(user), unquote_plus(password)) == (client_id, secret)


def test_basic_with_plain_requests(mock_http):
    mock_http.post(URL, json={"access_token": "x", "token_type": "Bearer"})
    with requests.Session() as session:
        session.post(
            URL, data={"grant_type": "client_credentials"}, auth=ClientSecretBasic("id", SECRET)
        ).close()
    request = mock_http.calls[0].request
    assert basic_pair(request.headers["Authorization"]) == ("id", "p4ss%3Aw%25rd+%2Bx")
    assert form(request.body) == {"grant_type": ["client_credentials"]}
    assert "client_secret" not in form(request.body)


# ------------------------------------------------------------------------------ client_secret_post


def test_post_puts_id_and_secret_in_the_form():
    data: dict[str, str | list[str]] = {"grant_type": "client_credentials"}
    headers: dict[str, str | bytes] = {}
    ClientSecretPost("id", SECRET).apply(data, headers, endpoint=URL)
    assert data == {"grant_type": "client_credentials", "client_id": "id", "client_secret": SECRET}
    assert "Authorization" not in headers


def test_post_with_plain_requests(mock_http):
    mock_http.post(URL, status=200)
    with requests.Session() as session:
        session.post(
            URL,
            data={"grant_type": "client_credentials", "scope": "a b"},
            auth=ClientSecretPost("id", SECRET),
        ).close()
    request = mock_http.calls[0].request
    assert form(request.body) == {
        "grant_type": ["client_credentials"],
        "scope": ["a b"],
        "client_id": ["id"],
        "client_secret": [SECRET],
    }
    assert "Authorization" not in request.headers
    assert int(request.headers["Content-Length"]) == len(request.body)


# ------------------------------------------------------------------------------ none


def test_public_app_sends_client_id_only(mock_http):
    mock_http.post(URL, status=200)
    with requests.Session() as session:
        session.post(URL, data={"grant_type": "refresh_token"}, auth=PublicApp("public")).close()
    request = mock_http.calls[0].request
    assert form(request.body) == {"grant_type": ["refresh_token"], "client_id": ["public"]}
    assert "Authorization" not in request.headers


def test_public_app_on_an_empty_post(mock_http):
    mock_http.post(URL, status=200)
    with requests.Session() as session:
        session.post(URL, auth=PublicApp("public")).close()
    assert form(mock_http.calls[0].request.body) == {"client_id": ["public"]}


def test_auth_method_names():
    assert ClientSecretBasic.auth_method == "client_secret_basic"
    assert ClientSecretPost.auth_method == "client_secret_post"
    assert PublicApp.auth_method == "none"
    for cls in (ClientSecretBasic, ClientSecretPost, PublicApp):
        assert issubclass(cls, BaseClientAuthenticationMethod)
        assert issubclass(cls, requests.auth.AuthBase)


# ------------------------------------------------------------------------------ misuse


@pytest.mark.parametrize(
    "auth",
    [ClientSecretBasic("id", SECRET), ClientSecretPost("id", SECRET), PublicApp("id")],
    ids=["basic", "post", "none"],
)
def test_refuses_non_post_requests(mock_http, auth):
    with requests.Session() as session, pytest.raises(ValueError, match="form-encoded POST"):
        session.get(URL, auth=auth)
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize(
    "auth",
    [ClientSecretBasic("id", SECRET), ClientSecretPost("id", SECRET), PublicApp("id")],
    ids=["basic", "post", "none"],
)
def test_refuses_non_form_bodies(mock_http, auth):
    with requests.Session() as session, pytest.raises(ValueError, match="form-encoded POST"):
        session.post(URL, json={"grant_type": "client_credentials"}, auth=auth)
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize("client_id", ["", None, 42])
def test_client_id_must_be_a_non_empty_string(client_id):
    with pytest.raises(TypeError, match="client_id"):
        PublicApp(client_id)
    with pytest.raises(TypeError, match="client_id"):
        ClientSecretPost(client_id, SECRET)


@pytest.mark.parametrize("cls", [ClientSecretBasic, ClientSecretPost])
@pytest.mark.parametrize("secret", ["", None, b"bytes"])
def test_client_secret_must_be_a_non_empty_string(cls, secret):
    with pytest.raises(TypeError, match="client_secret"):
        cls("id", secret)


def test_base_class_has_no_apply():
    with pytest.raises(NotImplementedError):
        BaseClientAuthenticationMethod("id").apply({}, {}, endpoint=URL)


# ------------------------------------------------------------------------------ redaction


@pytest.mark.parametrize("cls", [ClientSecretBasic, ClientSecretPost])
def test_repr_and_str_redact_the_secret(cls):
    auth = cls("my-client", SECRET)
    for text in (repr(auth), str(auth)):
        assert SECRET not in text
        assert "my-client" in text
        assert "<redacted>" in text


def test_public_app_repr():
    assert repr(PublicApp("my-client")) == "PublicApp(client_id='my-client')"


def test_form_content_type_with_charset_is_accepted():
    request = requests.Request(
        "POST",
        "https://as.example.com/token",
        data={"grant_type": "client_credentials"},
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    ).prepare()
    ClientSecretPost("id", "secret")(request)
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
    assert parse_qs(body) == {
        "grant_type": ["client_credentials"],
        "client_id": ["id"],
        "client_secret": ["secret"],
    }
