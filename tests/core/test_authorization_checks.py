"""Authorization callbacks: RFC 9207 issuer checks, error classes, OIDC parameters, properties."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oauth2core import (
    AccountSelectionRequired,
    AuthorizationRequest,
    AuthorizationResponseError,
    ConsentRequired,
    InteractionRequired,
    InvalidAuthorizationResponse,
    LoginRequired,
    MismatchingIssuer,
    MismatchingState,
    MissingIssuer,
    OAuth2Client,
    SessionSelectionRequired,
)
from oauth2core.testing import registry_from

AUTHORIZE = "https://as.example.com/authorize"
ISSUER = "https://as.example.com"
REDIRECT = "https://app.example.com/cb"
REGISTRY = registry_from()


def make(**kwargs: Any) -> AuthorizationRequest:
    kwargs.setdefault("registry", REGISTRY)
    kwargs.setdefault("state", "the-state")
    return AuthorizationRequest(AUTHORIZE, "client-1", REDIRECT, **kwargs)


def callback(**params: str) -> str:
    return f"{REDIRECT}?{urlencode(params)}"


def query(uri: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(uri).query)


# ------------------------------------------------------------------------------ RFC 9207


def test_matching_iss_is_kept_as_the_issuer():
    response = make(issuer=ISSUER).validate_callback(
        callback(code="c", state="the-state", iss=ISSUER)
    )
    assert response.iss == ISSUER
    assert response.issuer == ISSUER


def test_request_issuer_is_carried_without_iss():
    response = make(issuer=ISSUER).validate_callback(callback(code="c", state="the-state"))
    assert response.iss is None
    assert response.issuer == ISSUER


def test_mismatching_iss_is_refused_with_values_the_right_way_round():
    with pytest.raises(MismatchingIssuer) as caught:
        make(issuer=ISSUER).validate_callback(
            callback(code="c", state="the-state", iss="https://evil.example.com")
        )
    assert caught.value.expected == ISSUER
    assert caught.value.received == "https://evil.example.com"
    assert "mix-up" in str(caught.value)


def test_missing_iss_is_refused_when_the_server_always_sends_it():
    request = make(issuer=ISSUER, authorization_response_iss_parameter_supported=True)
    with pytest.raises(MissingIssuer) as caught:
        request.validate_callback(callback(code="c", state="the-state"))
    assert caught.value.expected == ISSUER
    assert caught.value.received is None


def test_iss_support_needs_the_issuer():
    with pytest.raises(ValueError, match="issuer"):
        make(authorization_response_iss_parameter_supported=True)


def test_iss_is_checked_before_the_error():
    request = make(issuer=ISSUER)
    with pytest.raises(MismatchingIssuer):
        request.validate_callback(callback(error="access_denied", state="the-state", iss="x"))


def test_client_takes_the_iss_flag_from_server_metadata():
    metadata = {
        "issuer": ISSUER,
        "token_endpoint": f"{ISSUER}/token",
        "authorization_endpoint": AUTHORIZE,
        "authorization_response_iss_parameter_supported": True,
    }
    client = OAuth2Client.from_discovery_document(metadata, auth="client-1", registry=REGISTRY)
    request = client.authorization_request(redirect_uri=REDIRECT)
    assert request.authorization_response_iss_parameter_supported is True
    with pytest.raises(MissingIssuer):
        request.validate_callback(callback(code="c", state=request.state or ""))


# ------------------------------------------------------------------------------ state


def test_state_mismatch_values_the_right_way_round():
    with pytest.raises(MismatchingState) as caught:
        make().validate_callback(callback(code="c", state="forged"))
    assert caught.value.expected == "the-state"
    assert caught.value.received == "forged"
    assert "forged" not in str(caught.value)
    assert "the-state" not in str(caught.value)


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("interaction_required", InteractionRequired),
        ("login_required", LoginRequired),
        ("account_selection_required", AccountSelectionRequired),
        ("session_selection_required", SessionSelectionRequired),
        ("consent_required", ConsentRequired),
        ("access_denied", AuthorizationResponseError),
    ],
)
def test_error_classes_by_code(code, cls):
    with pytest.raises(cls) as caught:
        make().validate_callback(
            callback(error=code, error_description="try again", state="the-state")
        )
    assert type(caught.value) is cls
    assert caught.value.error == code
    assert str(caught.value) == f"{code}: try again"


def test_error_description_without_error_is_an_error():
    with pytest.raises(AuthorizationResponseError) as caught:
        make().validate_callback(callback(error_description="oops", state="the-state"))
    assert caught.value.error == "missing_error_code"


# ------------------------------------------------------------------------------ parameters


def test_oidc_and_rfc_parameters_in_the_uri():
    details = [{"type": "payment_initiation", "amount": "10"}]
    request = make(
        scope=["openid", "profile"],
        resource=["https://a.example", "https://b.example"],
        max_age=300,
        prompt=["login", "consent"],
        login_hint="alice",
        acr_values=["urn:a", "urn:b"],
        claims={"id_token": {"email": None}},
        authorization_details=details,
    )
    args = query(request.uri)
    assert args["resource"] == ["https://a.example", "https://b.example"]
    assert args["max_age"] == ["300"]
    assert args["prompt"] == ["login consent"]
    assert args["login_hint"] == ["alice"]
    assert args["acr_values"] == ["urn:a urn:b"]
    assert json.loads(args["claims"][0]) == {"id_token": {"email": None}}
    assert json.loads(args["authorization_details"][0]) == details
    response = request.validate_callback(callback(code="c", state="the-state"))
    assert response.max_age == 300
    assert response.acr_values == "urn:a urn:b"
    assert response.nonce == request.nonce


@pytest.mark.parametrize("max_age", [-1, 1.5, True, "10"])
def test_bad_max_age(max_age):
    with pytest.raises(ValueError, match="max_age"):
        make(max_age=max_age)


def test_extra_response_parameters_are_readable():
    response = make().validate_callback(callback(code="c", state="the-state", session_state="s"))
    assert response.session_state == "s"
    with pytest.raises(AttributeError):
        response.missing  # noqa: B018


# ------------------------------------------------------------------------------ properties

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)


@given(state=TEXT.filter(bool), received=TEXT, code=TEXT, iss=st.one_of(st.none(), TEXT))
def test_property_callback_validation_accepts_only_the_right_state_and_issuer(
    state, received, code, iss
):
    request = make(state=state, issuer=ISSUER)
    params = {"code": code, "state": received}
    if iss is not None:
        params["iss"] = iss
    try:
        response = request.validate_callback(callback(**params))
    except (InvalidAuthorizationResponse, AuthorizationResponseError):
        return
    assert received == state
    assert iss in (None, ISSUER)
    assert response.code == code
    assert code


@given(pairs=st.lists(st.tuples(TEXT, TEXT), max_size=6))
def test_property_any_callback_gives_a_response_or_a_typed_error(pairs):
    request = make()
    try:
        request.validate_callback(REDIRECT + "?" + urlencode(pairs))
    except (InvalidAuthorizationResponse, AuthorizationResponseError):
        pass


# ------------------------------------------------------------------------------ serializer


def test_request_survives_the_redirect_in_serialized_form():
    from oauth2core import AuthorizationRequestSerializer

    request = make(
        scope="openid", issuer=ISSUER, resource=["r1", "r2"], max_age=60, custom_param="x"
    )
    serializer = AuthorizationRequestSerializer(REGISTRY)
    text = serializer.dumps(request)
    assert request.code_verifier is not None
    assert request.code_verifier not in text
    loaded = serializer.loads(text)
    assert loaded.uri == request.uri
    assert loaded.code_verifier == request.code_verifier
    response = loaded.validate_callback(callback(code="c", state="the-state", iss=ISSUER))
    assert response.code_verifier == request.code_verifier
    assert response.nonce == request.nonce
    with pytest.raises(MismatchingIssuer):
        loaded.validate_callback(callback(code="c", state="the-state", iss="https://x"))


@pytest.mark.parametrize("text", ["", "garbage", "eJyrrgUAAXUA-Q"])
def test_serializer_refuses_garbage(text):
    from oauth2core import AuthorizationRequestSerializer

    with pytest.raises(ValueError, match="not a serialized"):
        AuthorizationRequestSerializer(REGISTRY).loads(text)
