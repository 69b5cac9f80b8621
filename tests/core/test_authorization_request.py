"""AuthorizationRequest: the URI, PKCE, callback validation, options, and PAR over mocked HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from oauth2core import (
    AuthorizationRequest,
    AuthorizationResponse,
    AuthorizationResponseError,
    EndpointError,
    FeatureNotInstalled,
    InvalidAuthorizationResponse,
    InvalidRequest,
    InvalidResponse,
    MismatchingState,
    MissingAuthCode,
    PkceUtils,
    RequestUriParameterAuthorizationRequest,
)
from oauth2core.hookspecs import FlowContext, RequestFlow, RequestOption

AUTHORIZE = "https://as.example.com/oauth/authorize"
REDIRECT = "https://app.example.com/callback"
SECRET = "client-secret-xyz"


def query(uri: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(uri).query, keep_blank_values=True)


@pytest.fixture
def make_request(registry):
    def make(**kwargs):
        kwargs.setdefault("redirect_uri", REDIRECT)
        kwargs.setdefault("registry", registry)
        return AuthorizationRequest(AUTHORIZE, "client-1", **kwargs)

    return make


# ------------------------------------------------------------------------------ the URI


def test_uri_parameters(make_request):
    request = make_request(scope=["openid", "profile"])
    params = query(request.uri)
    assert request.uri.startswith(AUTHORIZE + "?")
    assert params["client_id"] == ["client-1"]
    assert params["response_type"] == ["code"]
    assert params["redirect_uri"] == [REDIRECT]
    assert params["scope"] == ["openid profile"]
    assert params["state"] == [request.state]
    assert params["nonce"] == [request.nonce]
    assert params["code_challenge_method"] == ["S256"]
    assert params["code_challenge"] == [PkceUtils.derive_challenge(request.code_verifier)]
    assert "response_mode" not in params
    assert str(request) == request.uri
    assert all(len(values) == 1 for values in params.values())


def test_generated_values_are_long_and_fresh(make_request):
    first, second = make_request(), make_request()
    assert len(first.state) >= 32
    assert len(first.nonce) >= 32
    assert first.state != second.state
    assert first.nonce != second.nonce
    assert first.code_verifier != second.code_verifier


def test_nonce_only_with_openid(make_request):
    request = make_request(scope="read write")
    assert request.nonce is None
    assert "nonce" not in query(request.uri)
    assert "openid" not in query(request.uri)["scope"][0]


def test_explicit_nonce_without_openid_is_kept(make_request):
    assert query(make_request(scope="read", nonce="n-1").uri)["nonce"] == ["n-1"]


def test_default_scope_is_openid(registry):
    request = AuthorizationRequest(AUTHORIZE, "client-1", registry=registry)
    params = query(request.uri)
    assert params["scope"] == ["openid"]
    assert "nonce" in params
    assert "redirect_uri" not in params


def test_explicit_state_and_nonce(make_request):
    params = query(make_request(state="s-1", nonce="n-1").uri)
    assert params["state"] == ["s-1"]
    assert params["nonce"] == ["n-1"]


def test_no_state_and_no_nonce(make_request):
    request = make_request(state=None, nonce=None)
    params = query(request.uri)
    assert "state" not in params
    assert "nonce" not in params


@pytest.mark.parametrize("value", [42, b"bytes"])
def test_state_of_the_wrong_type(make_request, value):
    with pytest.raises(TypeError, match="state"):
        make_request(state=value)


def test_empty_scope_is_left_out(make_request):
    assert "scope" not in query(make_request(scope=[]).uri)
    assert "scope" not in query(make_request(scope="").uri)


def test_endpoint_query_is_kept(registry):
    request = AuthorizationRequest(AUTHORIZE + "?tenant=a", "client-1", registry=registry)
    params = query(request.uri)
    assert params["tenant"] == ["a"]
    assert params["client_id"] == ["client-1"]


def test_extra_keyword_arguments_are_parameters(make_request):
    request = make_request(
        prompt="consent", resource="https://api.example.com", max_age=0, login_hint=None
    )
    params = query(request.uri)
    assert params["prompt"] == ["consent"]
    assert params["resource"] == ["https://api.example.com"]
    assert params["max_age"] == ["0"]
    assert "login_hint" not in params
    assert request.options == {}


@pytest.mark.parametrize("option", ["dpop_key", "dpop"])
def test_options_of_absent_plugins_fail_closed(make_request, option):
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
        make_request(**{option: object()})


def test_repr_names_endpoint_and_client_only(make_request):
    request = make_request(code_verifier="v" * 43)
    assert repr(request) == f"AuthorizationRequest({AUTHORIZE!r}, client_id='client-1')"


def test_unknown_request_method_fails_closed(make_request):
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[oidc\]"):
        _ = make_request().sign
    with pytest.raises(AttributeError):
        _ = make_request().no_such_method


# ------------------------------------------------------------------------------ PKCE


def test_rfc7636_appendix_b_vector():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert PkceUtils.derive_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert PkceUtils.derive_challenge(verifier, "S256") == PkceUtils.derive_challenge(verifier)


def test_plain_challenge_and_unknown_method():
    assert PkceUtils.derive_challenge("abc", "plain") == "abc"
    with pytest.raises(ValueError, match="S512"):
        PkceUtils.derive_challenge("abc", "S512")


def test_generated_verifier():
    verifier = PkceUtils.generate_code_verifier()
    assert re.fullmatch(r"[A-Za-z0-9\-._~]{43,128}", verifier)
    assert len(verifier) == 128


def test_challenge_matches_the_verifier(make_request):
    request = make_request()
    digest = hashlib.sha256(request.code_verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert query(request.uri)["code_challenge"] == [expected]


def test_given_verifier_is_used(make_request):
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    request = make_request(code_verifier=verifier)
    assert request.code_verifier == verifier
    assert query(request.uri)["code_challenge"] == ["E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"]


def test_pkce_can_be_turned_off(make_request):
    request = make_request(code_challenge_method=None)
    params = query(request.uri)
    assert "code_challenge" not in params
    assert "code_challenge_method" not in params
    assert request.code_verifier is None
    response = request.validate_callback(f"?code=c&state={request.state}")
    assert response.code_verifier is None


def test_plain_pkce(make_request):
    request = make_request(code_challenge_method="plain")
    params = query(request.uri)
    assert params["code_challenge_method"] == ["plain"]
    assert params["code_challenge"] == [request.code_verifier]


# ------------------------------------------------------------------------------ callbacks


def test_callback_as_a_full_url(make_request):
    request = make_request(state="st")
    response = request.validate_callback(f"{REDIRECT}?code=the-code&state=st&iss=x&extra=1")
    assert isinstance(response, AuthorizationResponse)
    assert response.code == "the-code"
    assert response.state == "st"
    assert response.iss == "x"
    assert response.extra == {"extra": "1"}
    assert response.redirect_uri == REDIRECT
    assert response.code_verifier == request.code_verifier
    assert response.nonce == request.nonce


@pytest.mark.parametrize(
    "callback",
    ["code=the-code&state=st", "?code=the-code&state=st", "/callback?code=the-code&state=st"],
)
def test_callback_as_a_query_string(make_request, callback):
    assert make_request(state="st").validate_callback(callback).code == "the-code"


def test_callback_as_form_post_fields(make_request):
    request = make_request(state="st", response_mode="form_post")
    assert query(request.uri)["response_mode"] == ["form_post"]
    assert request.validate_callback({"code": "the-code", "state": "st"}).code == "the-code"


@pytest.mark.parametrize(
    "callback",
    [f"{REDIRECT}#code=the-code&state=st", "#code=the-code&state=st", "code=the-code&state=st"],
)
def test_callback_in_the_fragment(make_request, callback):
    request = make_request(state="st", response_mode="fragment")
    assert request.validate_callback(callback).code == "the-code"


def test_fragment_mode_ignores_the_query(make_request):
    request = make_request(state="st", response_mode="fragment")
    with pytest.raises(MismatchingState):
        request.validate_callback(f"{REDIRECT}?code=the-code&state=st")


def test_query_mode_ignores_the_fragment(make_request):
    with pytest.raises(MismatchingState):
        make_request(state="st").validate_callback(f"{REDIRECT}#code=the-code&state=st")


@pytest.mark.parametrize(
    "callback",
    [
        f"{REDIRECT}?code=c&state=other-state",
        f"{REDIRECT}?code=c",
        f"{REDIRECT}?code=c&state=",
        f"{REDIRECT}?code=c&state=the-state-",
        f"{REDIRECT}?code=c&State=the-state",
    ],
    ids=["mismatching", "missing", "empty", "longer", "wrong-case-name"],
)
def test_state_check(make_request, callback):
    with pytest.raises(MismatchingState) as excinfo:
        make_request(state="the-state").validate_callback(callback)
    assert isinstance(excinfo.value, InvalidAuthorizationResponse)
    assert isinstance(excinfo.value, ValueError)
    assert "the-state" not in str(excinfo.value)
    assert "other-state" not in str(excinfo.value)


def test_state_check_is_skipped_only_without_state(make_request):
    assert make_request(state=None).validate_callback("code=c").code == "c"


@pytest.mark.parametrize(
    "callback",
    ["code=a&code=b&state=st", "code=a&state=st&state=st", "code=a&state=st&iss=x&iss=y"],
)
def test_repeated_parameters_are_refused(make_request, callback):
    with pytest.raises(InvalidAuthorizationResponse, match="repeats"):
        make_request(state="st").validate_callback(callback)


def test_error_redirect(make_request):
    request = make_request(state="st")
    callback = (
        f"{REDIRECT}?error=access_denied&error_description=The+user+said+no"
        "&error_uri=https%3A%2F%2Fas.example.com%2Fe&state=st"
    )
    with pytest.raises(AuthorizationResponseError) as excinfo:
        request.validate_callback(callback)
    error = excinfo.value
    assert error.error == "access_denied"
    assert error.error_description == "The user said no"
    assert error.error_uri == "https://as.example.com/e"
    assert error.request is request
    assert str(error) == "access_denied: The user said no"


def test_error_redirect_with_a_wrong_state_is_a_state_error(make_request):
    with pytest.raises(MismatchingState):
        make_request(state="st").validate_callback("error=access_denied&state=forged")


@pytest.mark.parametrize("callback", ["state=st", "code=&state=st", "state=st&other=1"])
def test_missing_code(make_request, callback):
    with pytest.raises(MissingAuthCode):
        make_request(state="st").validate_callback(callback)


@pytest.mark.parametrize("mode", ["jwt", "query.jwt", "fragment.jwt", "form_post.jwt"])
def test_jarm_response_modes_need_the_oidc_extra(make_request, mode):
    request = make_request(state="st", response_mode=mode)
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[oidc\]") as excinfo:
        request.validate_callback("response=eyJhbGciOi.payload.sig")
    assert excinfo.value.extra == "oidc"


def test_unknown_response_mode(make_request):
    with pytest.raises(ValueError, match="bogus"):
        make_request(response_mode="bogus").validate_callback("code=c")


def test_callback_of_the_wrong_type(make_request):
    with pytest.raises(TypeError, match="callback"):
        make_request().validate_callback(b"code=c")


def test_authorization_response_repr_hides_the_code():
    response = AuthorizationResponse("secret-code", state="st", iss="https://as")
    assert "secret-code" not in repr(response)
    assert "secret-code" not in str(response)
    assert "https://as" in repr(response)


# ------------------------------------------------------------------------------ options


@pytest.fixture
def option_registry(registry_with):
    """A registry where a plugin declares the call option ``binding_key``.

    It adds the authorization parameter ``binding`` and records the options each token
    request sees.
    """
    seen: list[dict[str, object]] = []

    def record(request, context: FlowContext):
        seen.append(dict(context.options))
        yield request

    def register_request_options(register):
        register(RequestOption("binding_key", authorization_params=lambda v: {"binding": f"b-{v}"}))

    def register_request_flows(register):
        register(RequestFlow("test.record_options", 250, record))

    registry = registry_with(
        "test_options_plugin",
        register_request_options=register_request_options,
        register_request_flows=register_request_flows,
    )
    return registry, seen


def test_declared_options_are_kept_and_add_parameters(option_registry):
    registry, _ = option_registry
    request = AuthorizationRequest(
        AUTHORIZE, "client-1", registry=registry, binding_key="k1", prompt="login"
    )
    assert dict(request.options) == {"binding_key": "k1"}
    params = query(request.uri)
    assert params["binding"] == ["b-k1"]
    assert params["prompt"] == ["login"]
    assert "binding_key" not in params
    response = request.validate_callback(f"code=c&state={request.state}")
    assert dict(response.options) == {"binding_key": "k1"}


def test_options_travel_into_the_code_exchange(option_registry, make_client, mock_http, endpoints):
    registry, seen = option_registry
    client = make_client(("client-1", SECRET), registry=registry)
    request = client.authorization_request(scope="read", binding_key="k1")
    response = request.validate_callback(f"code=c&state={request.state}")
    mock_http.post(endpoints.token, json={"access_token": "at", "token_type": "Bearer"})
    client.authorization_code(response)
    assert seen == [{"binding_key": "k1"}]
    body = mock_http.calls[0].request.body
    assert "binding" not in body


def test_call_options_win_over_travelled_ones(option_registry, make_client, mock_http, endpoints):
    registry, seen = option_registry
    client = make_client(("client-1", SECRET), registry=registry)
    response = AuthorizationResponse("c", options={"binding_key": "old"})
    mock_http.post(endpoints.token, json={"access_token": "at", "token_type": "Bearer"})
    client.authorization_code(response, binding_key="new")
    assert seen == [{"binding_key": "new"}]


# ------------------------------------------------------------------------------ from a client


def test_client_authorization_request(make_client, endpoints):
    client = make_client("public-client", code_challenge_method=None)
    request = client.authorization_request(scope="read", state="st")
    params = query(request.uri)
    assert request.uri.startswith(endpoints.authorization + "?")
    assert params["client_id"] == ["public-client"]
    assert params["redirect_uri"] == [endpoints.redirect_uri]
    assert "code_challenge" not in params
    assert request.issuer == endpoints.issuer


def test_client_authorization_request_needs_a_client_id(make_client):
    with pytest.raises(ValueError, match="client_id"):
        make_client(None).authorization_request()


def test_client_authorization_request_needs_an_endpoint(make_client):
    with pytest.raises(AttributeError, match="authorization_endpoint"):
        make_client(authorization_endpoint=None).authorization_request()


# ------------------------------------------------------------------------------ PAR (RFC 9126)


REQUEST_URI = "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c"


@pytest.mark.parametrize("status", [201, 200])
def test_pushed_authorization_request(make_client, mock_http, endpoints, status):
    client = make_client(("client-1", SECRET))
    request = client.authorization_request(scope="openid", prompt="login")
    mock_http.post(
        endpoints.par, status=status, json={"request_uri": REQUEST_URI, "expires_in": 60}
    )
    pushed = client.pushed_authorization_request(request)
    assert isinstance(pushed, RequestUriParameterAuthorizationRequest)
    assert pushed.request_uri == REQUEST_URI
    assert query(pushed.uri) == {"client_id": ["client-1"], "request_uri": [REQUEST_URI]}
    assert pushed.uri.startswith(endpoints.authorization + "?")
    assert str(pushed) == pushed.uri
    (call,) = mock_http.calls
    sent = parse_qs(call.request.body)
    assert sent == {
        **{name: [value] for name, value in request.args.items()},
        "client_secret": [SECRET],
    }
    assert sent["prompt"] == ["login"]
    assert sent["code_challenge"] == [PkceUtils.derive_challenge(request.code_verifier)]
    response = pushed.validate_callback(f"code=c&state={request.state}")
    assert response.code_verifier == request.code_verifier
    with pytest.raises(MismatchingState):
        pushed.validate_callback("code=c&state=forged")


@pytest.mark.parametrize(
    "body", [{"expires_in": 60}, {"request_uri": ""}, {"request_uri": 42}, ["x"]]
)
def test_pushed_authorization_request_without_request_uri(make_client, mock_http, endpoints, body):
    client = make_client(("client-1", SECRET))
    mock_http.post(endpoints.par, status=201, json=body)
    with pytest.raises(InvalidResponse) as excinfo:
        client.pushed_authorization_request(client.authorization_request())
    assert excinfo.value.response is not None
    assert SECRET not in str(excinfo.value)


def test_pushed_authorization_request_error(make_client, mock_http, endpoints):
    client = make_client(("client-1", SECRET))
    mock_http.post(
        endpoints.par, status=400, json={"error": "invalid_request", "error_description": "no"}
    )
    with pytest.raises(EndpointError) as excinfo:
        client.pushed_authorization_request(client.authorization_request())
    assert type(excinfo.value) is InvalidRequest
    assert excinfo.value.error_description == "no"
    assert excinfo.value.status_code == 400


def test_pushed_authorization_request_server_failure(make_client, mock_http, endpoints):
    client = make_client(("client-1", SECRET))
    mock_http.post(endpoints.par, status=503, body="down", content_type="text/plain")
    with pytest.raises(InvalidResponse, match="503"):
        client.pushed_authorization_request(client.authorization_request())


def test_pushed_options_travel(option_registry, make_client, mock_http, endpoints):
    registry, seen = option_registry
    client = make_client(("client-1", SECRET), registry=registry)
    request = client.authorization_request(binding_key="k1")
    mock_http.post(endpoints.par, status=201, json={"request_uri": REQUEST_URI})
    pushed = client.pushed_authorization_request(request)
    assert seen == [{"binding_key": "k1"}]
    assert parse_qs(mock_http.calls[0].request.body)["binding"] == ["b-k1"]
    assert dict(pushed.options) == {"binding_key": "k1"}
    response = pushed.validate_callback(f"code=c&state={request.state}")
    assert dict(response.options) == {"binding_key": "k1"}


def test_pushed_options_of_absent_plugins_fail_closed(make_client, mock_http):
    client = make_client(("client-1", SECRET))
    request = client.authorization_request()
    with pytest.raises(FeatureNotInstalled, match=r"oauth2core\[dpop\]"):
        client.pushed_authorization_request(request, dpop_key=object())
    with pytest.raises(TypeError, match="typo_option"):
        client.pushed_authorization_request(request, typo_option=1)
    assert len(mock_http.calls) == 0


def test_pushed_call_options_win(option_registry, make_client, mock_http, endpoints):
    registry, seen = option_registry
    client = make_client(("client-1", SECRET), registry=registry)
    request = client.authorization_request(binding_key="k1")
    mock_http.post(endpoints.par, status=201, json={"request_uri": REQUEST_URI})
    client.pushed_authorization_request(request, binding_key="k2")
    assert seen == [{"binding_key": "k2"}]
