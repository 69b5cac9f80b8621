"""Property tests: any authorization callback gives a checked response or a typed error.

Arbitrary URLs, query strings, fragments and form_post mappings go through
``AuthorizationRequest.validate_callback``: it returns an AuthorizationResponse whose
state and issuer were checked, or raises ``InvalidAuthorizationResponse`` /
``AuthorizationResponseError`` (never a KeyError, TypeError or UnicodeError).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from oauth2core import (
    AuthorizationRequest,
    AuthorizationResponse,
    AuthorizationResponseError,
    InvalidAuthorizationResponse,
    MismatchingState,
)
from oauth2core.testing import registry_from

ISSUER = "https://as.example.com"
REDIRECT = "https://app.example.com/callback"
STATE = "the-state"
REGISTRY = registry_from()

RESERVED = [
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "nonce",
    "redirect_uri",
    "code_verifier",
    "issuer",
    "max_age",
    "acr_values",
    "options",
    "extra",
    "session_state",
]
names = st.sampled_from(RESERVED) | st.text(max_size=6)
values = st.sampled_from([STATE, ISSUER, "", "x"]) | st.text(max_size=8)
modes = st.sampled_from([None, "query", "fragment", "form_post"])


def _request(mode: str | None, iss_required: bool = False) -> AuthorizationRequest:
    return AuthorizationRequest(
        f"{ISSUER}/authorize",
        "client-1",
        REDIRECT,
        state=STATE,
        nonce="the-nonce",
        response_mode=mode,
        issuer=ISSUER,
        authorization_response_iss_parameter_supported=iss_required,
        registry=REGISTRY,
    )


def _validate(request: AuthorizationRequest, callback: object) -> AuthorizationResponse | None:
    try:
        return request.validate_callback(callback)  # type: ignore[arg-type]
    except (InvalidAuthorizationResponse, AuthorizationResponseError) as error:
        # the state is in expected/received, never the message (an echoed iss or error
        # code is not the state, even when a test server sends the same text)
        shown = str(error) if isinstance(error, MismatchingState) else ""
    assert STATE not in shown
    return None


def _check(response: AuthorizationResponse | None, params: dict[str, str], request) -> None:
    """A response is returned only for a callback that passes every check."""
    if response is None:
        return
    assert params.get("state") == STATE
    assert params.get("iss", ISSUER) == ISSUER
    assert "error" not in params
    assert params["code"]
    assert response.code == params["code"]
    # the request's own values are never replaced by callback parameters
    assert response.nonce == request.nonce
    assert response.redirect_uri == request.redirect_uri
    assert response.code_verifier == request.code_verifier


@given(pairs=st.lists(st.tuples(names, values), max_size=6), mode=modes, iss=st.booleans())
@example(pairs=[("code", "c"), ("state", STATE), ("nonce", "evil")], mode=None, iss=False).via(
    "a callback parameter named like a request field"
)
@example(pairs=[("code", "c"), ("state", STATE), ("options", "x")], mode=None, iss=False)
@example(pairs=[("state", STATE), ("iss", STATE)], mode=None, iss=False).via("found by the soak")
@example(pairs=[("state", "x"), ("error", STATE)], mode=None, iss=False)
def test_property_query_callbacks(pairs, mode, iss):
    request = _request(mode, iss)
    query = urlencode(pairs)
    in_fragment = mode == "fragment"
    url = f"{REDIRECT}#{query}" if in_fragment else f"{REDIRECT}?{query}"
    response = _validate(request, url)
    params = dict(pairs)
    if response is not None:
        assert len(params) == len(pairs)  # a repeated parameter is refused
        assert not (iss and "iss" not in params)
    _check(response, params, request)


raw = st.text(max_size=40) | st.text(st.sampled_from("?#&=%;/+:@ abc\x00é\ud800"), max_size=30)


@given(text=raw, mode=modes)
@example(text="?code=%ED%A0%80&state=" + STATE, mode=None).via("percent-encoded surrogate")
@example(text="#code=x&state=" + quote(STATE), mode="fragment")
def test_property_raw_callback_text(text, mode):
    request = _request(mode)
    response = _validate(request, REDIRECT + text)
    if response is not None:
        parts = urlsplit(REDIRECT + text)
        part = parts.fragment if mode == "fragment" else parts.query
        _check(response, dict(parse_qsl(part, keep_blank_values=True)), request)
    _validate(request, text)  # a bare query string, or a relative URL


@given(params=st.dictionaries(names, values | st.text(), max_size=6), mode=modes)
@example(params={"code": "c", "state": "\ud800"}, mode="form_post").via("a lone surrogate state")
@example(params={"code": "c", "state": STATE, "redirect_uri": "x"}, mode="form_post")
def test_property_form_post_mappings(params, mode):
    request = _request(mode)
    response = _validate(request, params)
    _check(response, params, request)
