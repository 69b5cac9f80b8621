"""Every extension point, exercised by a toy plugin through ``registry_from(...)``.

Each test builds a registry from core's built-ins and one module of ``toy_plugins/``,
hands it to ``OAuth2Client(..., registry=...)`` and mocks HTTP with ``responses``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import oauth2core
from oauth2core import (
    SKIP_ID_TOKEN_VALIDATION,
    AuthorizationResponseError,
    BearerToken,
    ClientSecretPost,
    EndpointError,
    FeatureImportError,
    InvalidAuthorizationResponse,
    InvalidGrant,
    InvalidTokenResponse,
    MismatchingState,
    OAuth2Client,
    Registry,
    UnvalidatedIdToken,
)
from oauth2core._flows import FlowAuth
from oauth2core.hookspecs import AuthCoercion, AuthCoercionContext, FlowContext
from oauth2core.testing import registry_from

Toy = Callable[[str], ModuleType]

ISSUER = "https://as.example"
TOKEN_URL = "https://as.example/oauth/token"
AUTHORIZE_URL = "https://as.example/authorize"
PAR_URL = "https://as.example/par"
REDIRECT_URI = "https://client.example/cb"
CLIENT_AUTH = {"client_id": "client-1", "client_secret": "secret-1"}
BASIC = base64.b64encode(b"client-1:secret-1").decode()


def sent_form(call: Any) -> dict[str, str]:
    """The form a mocked call sent (each field once)."""
    body = call.request.body
    text = body.decode() if isinstance(body, bytes) else body or ""
    fields = parse_qs(text, keep_blank_values=True)
    assert all(len(values) == 1 for values in fields.values()), fields
    return {name: values[0] for name, values in fields.items()}


def query_of(uri: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(uri).query)


def token_json(**fields: Any) -> dict[str, Any]:
    return {"access_token": "at-1", "token_type": "Bearer", "expires_in": 300, **fields}


def client_for(
    registry: Registry, auth: Any = ("client-1", "secret-1"), **kwargs: Any
) -> OAuth2Client:
    return OAuth2Client(
        TOKEN_URL,
        auth,
        registry=registry,
        issuer=ISSUER,
        authorization_endpoint=AUTHORIZE_URL,
        pushed_authorization_request_endpoint=PAR_URL,
        redirect_uri=REDIRECT_URI,
        **kwargs,
    )


# ------------------------------------------------------------------------------ register_grants


def test_grant_adds_a_client_method_that_sends_its_form(toy: Toy, mocked: responses.RequestsMock):
    grants = toy("grants")
    registry = registry_from(grants)
    assert registry.grants[grants.GRANT_TYPE].method == "toy_ticket"
    mocked.post(TOKEN_URL, json=token_json())

    token = client_for(registry).toy_ticket(
        "ticket-1", scope=["read", "write"], audience="https://api.example", unused=None
    )

    assert isinstance(token, BearerToken)
    assert str(token) == "at-1"
    assert sent_form(mocked.calls[0]) == {
        "grant_type": grants.GRANT_TYPE,
        "ticket": "ticket-1",
        "scope": "read write",
        "audience": "https://api.example",
        **CLIENT_AUTH,
    }


def test_grant_method_is_absent_from_a_registry_without_the_plugin():
    client = client_for(registry_from())
    assert not hasattr(client, "toy_ticket")
    with pytest.raises(AttributeError, match="'toy_ticket': no enabled plugin provides it"):
        client.toy_ticket  # noqa: B018


def test_grant_errors_are_mapped_by_core(toy: Toy, mocked: responses.RequestsMock):
    registry = registry_from(toy("grants"))
    mocked.post(TOKEN_URL, status=400, json={"error": "invalid_grant", "error_description": "no"})
    with pytest.raises(InvalidGrant, match="invalid_grant: no"):
        client_for(registry).toy_ticket("ticket-1")


# ----------------------------------------------------------------- register_client_auth_methods


def test_client_auth_method_is_built_by_name_and_applied(toy: Toy, mocked: responses.RequestsMock):
    client_auth = toy("client_auth")
    client = client_for(
        registry_from(client_auth),
        auth=None,
        client_id="client-1",
        client_secret="secret-1",
        token_endpoint_auth_method=client_auth.METHOD,
    )
    assert isinstance(client.auth, client_auth.ToyHeaderAuth)
    assert "secret-1" not in repr(client)
    mocked.post(TOKEN_URL, json=token_json())

    client.client_credentials(scope="read")

    request = mocked.calls[0].request
    assert request.headers["X-Toy-Client"] == "client-1"
    assert request.headers["X-Toy-Client-Proof"] == client_auth.proof("secret-1")
    assert sent_form(mocked.calls[0]) == {"grant_type": "client_credentials", "scope": "read"}


def test_client_auth_method_applies_to_every_backend_request(
    toy: Toy, mocked: responses.RequestsMock
):
    client_auth = toy("client_auth")
    client = client_for(
        registry_from(client_auth),
        auth=None,
        client_id="client-1",
        client_secret="secret-1",
        token_endpoint_auth_method=client_auth.METHOD,
    )
    mocked.post(PAR_URL, status=201, json={"request_uri": "urn:example:par:1"})
    client.pushed_authorization_request(client.authorization_request(scope="read"))
    assert mocked.calls[0].request.headers["X-Toy-Client"] == "client-1"


def test_unregistered_client_auth_method_is_refused():
    with pytest.raises(ValueError, match="unknown token_endpoint_auth_method 'toy_header'"):
        client_for(
            registry_from(),
            auth=None,
            client_id="client-1",
            client_secret="secret-1",
            token_endpoint_auth_method="toy_header",
        )


# ------------------------------------------------------------------------ register_token_types


@pytest.mark.parametrize("token_type", ["Toy", "toy", "TOY"])
def test_token_type_builds_the_plugin_token_case_insensitively(
    toy: Toy, mocked: responses.RequestsMock, token_type: str
):
    token_types = toy("token_types")
    registry = registry_from(token_types)
    assert registry.token_type(token_type) is registry.token_types["toy"]
    mocked.post(TOKEN_URL, json={"access_token": "at-toy", "token_type": token_type})

    token = client_for(registry).client_credentials()

    assert isinstance(token, token_types.ToyToken)
    assert (token.access_token, token.token_type) == ("at-toy", token_type)
    assert token.grant_type == "client_credentials"


def test_bearer_stays_with_core_next_to_a_plugin_token_type(
    toy: Toy, mocked: responses.RequestsMock
):
    mocked.post(TOKEN_URL, json=token_json(token_type="bearer"))
    token = client_for(registry_from(toy("token_types"))).client_credentials()
    assert isinstance(token, BearerToken)


def test_plugin_token_type_refuses_a_malformed_response(toy: Toy, mocked: responses.RequestsMock):
    mocked.post(TOKEN_URL, json={"token_type": "Toy"})
    with pytest.raises(InvalidTokenResponse, match="needs an access_token"):
        client_for(registry_from(toy("token_types"))).client_credentials()


def test_token_type_without_its_plugin_is_a_typed_error(mocked: responses.RequestsMock):
    mocked.post(TOKEN_URL, json={"access_token": "at-toy", "token_type": "Toy"})
    with pytest.raises(InvalidTokenResponse, match="unsupported token_type 'Toy'"):
        client_for(registry_from()).client_credentials()


# -------------------------------------------------------------------- register_vendor_profiles


def test_vendor_profile_builds_a_client(toy: Toy, mocked: responses.RequestsMock):
    registry = registry_from(toy("vendor_profiles"))
    client = OAuth2Client.from_vendor_profile(
        "toyco", "acme", ("client-1", "secret-1"), registry=registry
    )
    assert client.registry is registry
    assert client.token_endpoint == "https://acme.toyco.example/oauth/token"
    assert client.issuer == "https://acme.toyco.example/"
    assert client.authorization_endpoint == "https://acme.toyco.example/authorize"
    mocked.post("https://acme.toyco.example/oauth/token", json=token_json())

    assert isinstance(client.client_credentials(), BearerToken)
    assert sent_form(mocked.calls[0]) == {"grant_type": "client_credentials", **CLIENT_AUTH}


def test_vendor_profile_keywords_win_over_the_profile(toy: Toy):
    client = OAuth2Client.from_vendor_profile(
        "toyco", "acme", registry=registry_from(toy("vendor_profiles")), issuer="https://id.example"
    )
    assert client.issuer == "https://id.example"
    assert client.token_endpoint == "https://acme.toyco.example/oauth/token"


def test_vendor_profile_refuses_a_tenant_it_cannot_use(toy: Toy):
    with pytest.raises(ValueError, match="not a toyco tenant"):
        OAuth2Client.from_vendor_profile(
            "toyco", "acme.evil.example/", registry=registry_from(toy("vendor_profiles"))
        )


def test_vendor_profile_without_its_plugin_is_unknown():
    with pytest.raises(ValueError, match="unknown vendor profile 'toyco'"):
        OAuth2Client.from_vendor_profile("toyco", "acme", registry=registry_from())


# ------------------------------------------------------------------------ register_error_codes


@pytest.fixture
def error_codes(toy: Toy) -> ModuleType:
    return toy("error_codes")


def test_error_code_for_one_endpoint_wins_there(
    error_codes: ModuleType, mocked: responses.RequestsMock
):
    mocked.post(TOKEN_URL, status=400, json={"error": "toy_error", "error_description": "toy"})
    with pytest.raises(error_codes.ToyTokenError) as caught:
        client_for(registry_from(error_codes)).client_credentials()
    assert (caught.value.error, caught.value.error_description) == ("toy_error", "toy")
    assert caught.value.status_code == 400


def test_error_code_falls_back_to_the_one_for_every_endpoint(
    error_codes: ModuleType, mocked: responses.RequestsMock
):
    client = client_for(registry_from(error_codes))
    mocked.post(PAR_URL, status=400, json={"error": "toy_error"})
    with pytest.raises(error_codes.ToyError) as caught:
        client.pushed_authorization_request(client.authorization_request(scope="read"))
    assert type(caught.value) is error_codes.ToyError


def test_error_code_of_another_endpoint_is_not_used(
    error_codes: ModuleType, mocked: responses.RequestsMock
):
    registry = registry_from(error_codes)
    assert registry.error_class("revocation", "toy_revocation_only", EndpointError) is (
        error_codes.ToyRevocationError
    )
    mocked.post(TOKEN_URL, status=400, json={"error": "toy_revocation_only"})
    with pytest.raises(EndpointError) as caught:
        client_for(registry).client_credentials()
    assert type(caught.value) is EndpointError


def test_core_codes_still_map_next_to_plugin_codes(
    error_codes: ModuleType, mocked: responses.RequestsMock
):
    mocked.post(TOKEN_URL, status=400, json={"error": "invalid_grant"})
    with pytest.raises(InvalidGrant):
        client_for(registry_from(error_codes)).client_credentials()


def test_authorization_response_code_is_raised_by_validate_callback(error_codes: ModuleType):
    request = client_for(registry_from(error_codes)).authorization_request(scope="read")
    callback = f"{REDIRECT_URI}?error=toy_denied&error_description=nope&state={request.state}"
    with pytest.raises(error_codes.ToyDenied) as caught:
        request.validate_callback(callback)
    assert (caught.value.error, caught.value.error_description) == ("toy_denied", "nope")
    assert caught.value.request is request


def test_endpoint_codes_do_not_apply_to_authorization_responses(error_codes: ModuleType):
    request = client_for(registry_from(error_codes)).authorization_request(scope="read")
    with pytest.raises(AuthorizationResponseError) as caught:
        request.validate_callback(f"{REDIRECT_URI}?error=toy_error&state={request.state}")
    assert type(caught.value) is AuthorizationResponseError


# ---------------------------------------------------------------------------- register_exports


def test_export_resolves_lazily_through_the_process_registry(
    toy: Toy, install_default: Callable[[Registry], None]
):
    exports = toy("exports")
    install_default(registry_from(exports))
    assert "ToyThing" not in vars(oauth2core)

    assert oauth2core.ToyThing is exports.ToyThing
    from oauth2core import ToyThing

    assert ToyThing is exports.ToyThing
    assert "ToyThing" in dir(oauth2core)


def test_export_is_absent_without_its_plugin(install_default: Callable[[Registry], None]):
    install_default(registry_from())
    assert not hasattr(oauth2core, "ToyThing")
    with pytest.raises(ImportError, match="ToyThing"):
        from oauth2core import ToyThing  # noqa: F401


def test_first_party_export_without_its_plugin_names_the_extra(
    install_default: Callable[[Registry], None],
):
    install_default(registry_from())
    with pytest.raises(FeatureImportError, match=r"pip install oauth2core\[jwt\]") as caught:
        from oauth2core import PrivateKeyJwt  # noqa: F401
    assert isinstance(caught.value, ImportError)
    assert (caught.value.feature, caught.value.extra) == ("PrivateKeyJwt", "jwt")


# --------------------------------------------------------------------- register_client_methods


def test_client_method_is_bound_to_the_client(toy: Toy):
    client = client_for(registry_from(toy("client_methods")))
    assert client.toy_describe("!") == f"client of {TOKEN_URL}!"
    assert not hasattr(client, "toy_sign")


def test_authorization_request_method_is_bound_to_the_request(toy: Toy):
    request = client_for(registry_from(toy("client_methods"))).authorization_request(scope="read")
    assert request.toy_sign("key-1") == f"signed(client-1,{request.state},key-1)"
    assert not hasattr(request, "toy_describe")


def test_authorization_request_method_is_absent_without_its_plugin():
    request = client_for(registry_from()).authorization_request(scope="read")
    with pytest.raises(AttributeError, match="'toy_sign': no enabled plugin provides it"):
        request.toy_sign  # noqa: B018


# --------------------------------------------------------------------- register_auth_coercions

TOY_KEY = {"kty": "OKP", "crv": "Ed25519", "kid": "key-1"}


def test_auth_coercion_claims_a_client_id_and_key_tuple(toy: Toy, mocked: responses.RequestsMock):
    coercions = toy("auth_coercions")
    client = client_for(registry_from(coercions), auth=("client-1", TOY_KEY))
    assert isinstance(client.auth, coercions.ToyKeyAuth)
    mocked.post(TOKEN_URL, json=token_json())

    client.client_credentials()

    assert sent_form(mocked.calls[0]) == {
        "grant_type": "client_credentials",
        "client_id": "client-1",
        "client_assertion_type": coercions.ASSERTION_TYPE,
        "client_assertion": f"toy.key-1.{ISSUER}",
    }


def test_auth_coercion_claims_a_constructor_keyword(toy: Toy):
    coercions = toy("auth_coercions")
    registry = registry_from(coercions)
    assert "toy_key" in registry.coercion_keywords

    client = client_for(registry, auth=None, client_id="client-1", toy_key=TOY_KEY)

    assert isinstance(client.auth, coercions.ToyKeyAuth)
    assert (client.auth.client_id, client.auth.key) == ("client-1", TOY_KEY)
    assert dict(client.options) == {}


def test_claimed_keyword_works_with_the_method_name(toy: Toy):
    coercions = toy("auth_coercions")
    client = client_for(
        registry_from(coercions),
        auth=None,
        client_id="client-1",
        toy_key=TOY_KEY,
        token_endpoint_auth_method="toy_key_jwt",
    )
    assert isinstance(client.auth, coercions.ToyKeyAuth)


def test_core_still_takes_plain_secrets_next_to_a_coercion(toy: Toy):
    client = client_for(registry_from(toy("auth_coercions")), auth=("client-1", "secret-1"))
    assert isinstance(client.auth, ClientSecretPost)


def test_plugin_coercions_are_asked_before_core(make_plugin: Callable[..., ModuleType]):
    """A shape core would take as a secret goes to the plugin that claims it."""
    claimed = requests.auth.HTTPBasicAuth("client-1", "claimed")

    def coerce(auth: object, context: AuthCoercionContext) -> requests.auth.AuthBase | None:
        if isinstance(auth, tuple) and str(auth[1]).startswith("toy-key:"):
            return claimed
        return None

    plugin = make_plugin("toy_plugin", auth_coercions=[AuthCoercion("toy", coerce)])
    registry = registry_from(plugin)
    assert client_for(registry, auth=("client-1", "toy-key:1")).auth is claimed
    assert isinstance(client_for(registry, auth=("client-1", "secret-1")).auth, ClientSecretPost)


# -------------------------------------------------------------------- register_request_options


@pytest.fixture
def options_client(toy: Toy) -> OAuth2Client:
    return client_for(registry_from(toy("request_options")))


def test_call_option_leaves_the_form_and_reaches_flows_and_steps(
    options_client: OAuth2Client, mocked: responses.RequestsMock
):
    assert "toy_key_id" in options_client.registry.call_options
    mocked.post(TOKEN_URL, json=token_json())

    token = options_client.client_credentials(toy_key_id="k1", resource="https://api.example")

    request = mocked.calls[0].request
    assert request.headers["X-Toy-Key-Id"] == "k1"
    assert request.headers["X-Toy-Endpoint"] == "token"
    assert sent_form(mocked.calls[0]) == {
        "grant_type": "client_credentials",
        "resource": "https://api.example",
        **CLIENT_AUTH,
    }
    assert token.extra["toy_key_id_seen"] == "k1"


def test_flows_and_steps_see_no_option_when_none_is_passed(
    options_client: OAuth2Client, mocked: responses.RequestsMock
):
    mocked.post(TOKEN_URL, json=token_json())
    token = options_client.client_credentials()
    assert "X-Toy-Key-Id" not in mocked.calls[0].request.headers
    assert "toy_key_id_seen" not in token.extra


def test_undeclared_keyword_is_form_data(mocked: responses.RequestsMock):
    mocked.post(TOKEN_URL, json=token_json())
    client_for(registry_from()).client_credentials(toy_key_id="k1")
    assert sent_form(mocked.calls[0])["toy_key_id"] == "k1"


def test_token_request_refuses_an_undeclared_option(options_client: OAuth2Client):
    with pytest.raises(TypeError, match="unexpected options"):
        options_client.token_request({"grant_type": "client_credentials"}, toy_unknown="x")


def test_client_option_is_kept_in_client_options(toy: Toy):
    registry = registry_from(toy("request_options"))
    client = client_for(registry, toy_bound=True)
    assert dict(client.options) == {"toy_bound": True}
    with pytest.raises(TypeError, match="unexpected keyword argument 'toy_unknown'"):
        client_for(registry, toy_unknown=True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'toy_key_id'"):
        client_for(registry, toy_key_id="k1")  # a call option is not a client option


def test_client_option_without_its_plugin_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'toy_bound'"):
        client_for(registry_from(), toy_bound=True)


def test_call_option_travels_from_the_authorization_request_into_the_code_exchange(
    options_client: OAuth2Client, mocked: responses.RequestsMock
):
    request = options_client.authorization_request(scope="read", toy_key_id="k2")
    assert dict(request.options) == {"toy_key_id": "k2"}
    query = query_of(request.uri)
    assert query["toy_jkt"] == ["jkt-k2"]
    assert "toy_key_id" not in query

    response = request.validate_callback(f"{REDIRECT_URI}?code=code-1&state={request.state}")
    assert dict(response.options) == {"toy_key_id": "k2"}
    mocked.post(TOKEN_URL, json=token_json())
    token = options_client.authorization_code(response)

    call = mocked.calls[0]
    assert call.request.headers["X-Toy-Key-Id"] == "k2"
    assert sent_form(call) == {
        "grant_type": "authorization_code",
        "code": "code-1",
        "code_verifier": request.code_verifier,
        "redirect_uri": REDIRECT_URI,
        **CLIENT_AUTH,
    }
    assert token.extra["toy_key_id_seen"] == "k2"


def test_call_keyword_wins_over_the_travelled_option(
    options_client: OAuth2Client, mocked: responses.RequestsMock
):
    request = options_client.authorization_request(scope="read", toy_key_id="k2")
    response = request.validate_callback(f"{REDIRECT_URI}?code=code-1&state={request.state}")
    mocked.post(TOKEN_URL, json=token_json())
    options_client.authorization_code(response, toy_key_id="k3")
    assert mocked.calls[0].request.headers["X-Toy-Key-Id"] == "k3"


def test_call_option_travels_through_par_into_the_code_exchange(
    options_client: OAuth2Client, mocked: responses.RequestsMock
):
    request = options_client.authorization_request(scope="read", toy_key_id="k2")
    mocked.post(PAR_URL, status=201, json={"request_uri": "urn:example:par:1", "expires_in": 60})
    mocked.post(TOKEN_URL, json=token_json())

    pushed = options_client.pushed_authorization_request(request)

    par = mocked.calls[0]
    assert par.request.headers["X-Toy-Key-Id"] == "k2"
    assert par.request.headers["X-Toy-Endpoint"] == "pushed_authorization"
    par_form = sent_form(par)
    assert par_form["toy_jkt"] == "jkt-k2"
    assert "toy_key_id" not in par_form
    assert par_form["client_secret"] == "secret-1"
    assert query_of(pushed.uri) == {"client_id": ["client-1"], "request_uri": ["urn:example:par:1"]}
    assert dict(pushed.options) == {"toy_key_id": "k2"}

    response = pushed.validate_callback(f"{REDIRECT_URI}?code=code-2&state={request.state}")
    token = options_client.authorization_code(response)

    assert mocked.calls[1].request.headers["X-Toy-Key-Id"] == "k2"
    assert sent_form(mocked.calls[1])["code"] == "code-2"
    assert token.extra["toy_key_id_seen"] == "k2"


# --------------------------------------------------------------------- register_request_flows


@pytest.fixture
def flows_client(toy: Toy) -> OAuth2Client:
    return client_for(registry_from(toy("request_flows")))


def test_flows_nest_by_phase_not_registration_order(flows_client: OAuth2Client):
    def names(endpoint: str) -> list[str]:
        return [flow.name for flow in flows_client.registry.flows_for(endpoint)]

    assert names("token") == ["toy_retry", "toy_proof", "toy_token_only", "oauth2core.client_auth"]
    assert names("pushed_authorization") == ["toy_retry", "toy_proof", "oauth2core.client_auth"]
    assert names("resource") == ["toy_retry", "toy_proof"]


def test_flow_retries_once_on_use_nonce_through_client_auth_again(
    flows_client: OAuth2Client, mocked: responses.RequestsMock
):
    mocked.post(TOKEN_URL, status=400, json={"error": "use_nonce"}, headers={"X-Toy-Nonce": "n-1"})
    mocked.post(TOKEN_URL, json=token_json())

    token = flows_client.client_credentials(scope="read")

    assert isinstance(token, BearerToken)
    first, second = (call.request for call in mocked.calls)
    assert first.headers["X-Toy-Proof"] == "proof"
    assert second.headers["X-Toy-Proof"] == "proof;nonce=n-1"
    for call in mocked.calls:
        # Client authentication runs on each attempt, nearest the wire: the proof flow
        # wraps it, so it saw the form before the secret was added.
        assert sent_form(call) == {
            "grant_type": "client_credentials",
            "scope": "read",
            **CLIENT_AUTH,
        }
        assert call.request.headers["X-Toy-Saw-Secret"] == "False"
        assert call.request.headers["X-Toy-Trace"] == "toy_retry,toy_proof,toy_token_only"


def test_flow_retries_on_a_401_nonce_challenge_with_basic_auth_each_time(
    toy: Toy, mocked: responses.RequestsMock
):
    client = client_for(
        registry_from(toy("request_flows")),
        auth=None,
        client_id="client-1",
        client_secret="secret-1",
        token_endpoint_auth_method="client_secret_basic",
    )
    challenge = {"WWW-Authenticate": 'DPoP error="use_nonce"', "X-Toy-Nonce": "n-2"}
    mocked.post(TOKEN_URL, status=401, json={"error": "use_nonce"}, headers=challenge)
    mocked.post(TOKEN_URL, json=token_json())

    client.client_credentials()

    assert [c.request.headers["X-Toy-Proof"] for c in mocked.calls] == ["proof", "proof;nonce=n-2"]
    for call in mocked.calls:
        assert call.request.headers["Authorization"] == f"Basic {BASIC}"
        assert sent_form(call) == {"grant_type": "client_credentials"}


def test_nonce_retry_is_bounded(flows_client: OAuth2Client, mocked: responses.RequestsMock):
    for nonce in ("n-1", "n-2"):
        mocked.post(
            TOKEN_URL, status=400, json={"error": "use_nonce"}, headers={"X-Toy-Nonce": nonce}
        )
    with pytest.raises(EndpointError) as caught:
        flows_client.client_credentials()
    assert caught.value.error == "use_nonce"
    assert len(mocked.calls) == 2


def test_retry_policy_resends_through_the_inner_flows(
    flows_client: OAuth2Client, mocked: responses.RequestsMock
):
    mocked.post(TOKEN_URL, status=503, json={"error": "temporarily_unavailable"})
    mocked.post(TOKEN_URL, json=token_json())

    assert isinstance(flows_client.client_credentials(), BearerToken)

    assert len(mocked.calls) == 2
    for call in mocked.calls:
        assert call.request.headers["X-Toy-Proof"] == "proof"
        assert call.request.headers["X-Toy-Trace"] == "toy_retry,toy_proof,toy_token_only"
        assert sent_form(call)["client_secret"] == "secret-1"


def test_flow_for_the_token_endpoint_does_not_run_for_par(
    flows_client: OAuth2Client, mocked: responses.RequestsMock
):
    mocked.post(PAR_URL, status=201, json={"request_uri": "urn:example:par:1"})
    mocked.post(TOKEN_URL, json=token_json())

    flows_client.pushed_authorization_request(flows_client.authorization_request(scope="read"))
    flows_client.client_credentials()

    par, token = (call.request for call in mocked.calls)
    assert "X-Toy-Token-Only" not in par.headers
    assert par.headers["X-Toy-Trace"] == "toy_retry,toy_proof"
    assert sent_form(mocked.calls[0])["client_secret"] == "secret-1"
    assert token.headers["X-Toy-Token-Only"] == "token"


def test_flows_apply_to_userinfo_without_client_auth(toy: Toy, mocked: responses.RequestsMock):
    client = client_for(
        registry_from(toy("request_flows")), userinfo_endpoint="https://as.example/userinfo"
    )
    challenge = {"WWW-Authenticate": 'Bearer error="use_nonce"', "X-Toy-Nonce": "n-3"}
    mocked.get("https://as.example/userinfo", status=401, headers=challenge)
    mocked.get("https://as.example/userinfo", json={"sub": "user-1"})

    assert client.userinfo("at-1") == {"sub": "user-1"}

    proofs = [call.request.headers["X-Toy-Proof"] for call in mocked.calls]
    assert proofs == ["proof", "proof;nonce=n-3"]
    for call in mocked.calls:
        assert call.request.headers["Authorization"] == "Bearer at-1"
        assert call.request.headers["X-Toy-Trace"] == "toy_retry,toy_proof"


def test_plain_requests_users_get_the_same_flows(toy: Toy, mocked: responses.RequestsMock):
    """One response-hook adapter drives the flows of ``requests.get(url, auth=...)``."""
    registry = registry_from(toy("request_flows"))
    auth = FlowAuth(registry.flows_for("resource"), FlowContext("resource"))
    challenge = {"WWW-Authenticate": 'DPoP error="use_nonce"', "X-Toy-Nonce": "n-4"}
    mocked.get("https://api.example/data", status=401, headers=challenge)
    mocked.get("https://api.example/data", json={"ok": True})

    with requests.Session() as session:
        response = session.get("https://api.example/data", auth=auth)

    assert response.json() == {"ok": True}
    proofs = [call.request.headers["X-Toy-Proof"] for call in mocked.calls]
    assert proofs == ["proof", "proof;nonce=n-4"]
    assert [r.status_code for r in response.history] == [401]


# -------------------------------------------------------------- register_token_response_steps


def test_steps_enrich_the_token_in_registration_order(toy: Toy, mocked: responses.RequestsMock):
    mocked.post(TOKEN_URL, json=token_json())
    token = client_for(registry_from(toy("token_response_steps"))).client_credentials()
    assert token.extra["toy_grant_type"] == "client_credentials"
    assert token.extra["toy_status"] == 200
    assert token.extra["toy_steps"] == ["toy_enrich", "toy_stamp"]


def test_id_token_without_a_validator_needs_the_sentinel(mocked: responses.RequestsMock):
    client = client_for(registry_from())
    assert "id_token_validation" not in client.registry.provides
    mocked.post(TOKEN_URL, json=token_json(id_token="toy.id.token"))
    with pytest.raises(UnvalidatedIdToken):
        client.client_credentials()
    token = client.client_credentials(id_token_validation=SKIP_ID_TOKEN_VALIDATION)
    assert token.id_token == "toy.id.token"


def test_step_providing_id_token_validation_lets_the_response_through(
    toy: Toy, mocked: responses.RequestsMock
):
    client = client_for(registry_from(toy("id_token_validation")))
    assert "id_token_validation" in client.registry.provides
    mocked.post(TOKEN_URL, json=token_json(id_token="toy.id.token"))

    token = client.client_credentials()

    assert token.id_token == "toy.id.token"
    assert token.extra["toy_id_token_validated"] is True


def test_openid_request_without_a_validator_is_refused_before_sending(
    mocked: responses.RequestsMock,
):
    with pytest.raises(UnvalidatedIdToken):
        client_for(registry_from()).client_credentials(scope="openid")
    assert len(mocked.calls) == 0


def test_openid_code_exchange_goes_through_a_validating_step(
    toy: Toy, mocked: responses.RequestsMock
):
    client = client_for(registry_from(toy("id_token_validation")))
    request = client.authorization_request(scope="openid")
    assert request.nonce
    response = request.validate_callback(f"{REDIRECT_URI}?code=code-1&state={request.state}")
    mocked.post(TOKEN_URL, json=token_json(id_token="toy.id.token"))

    token = client.authorization_code(response)

    assert token.extra["toy_id_token_validated"] is True


def test_step_refuses_a_response_by_raising(toy: Toy, mocked: responses.RequestsMock):
    mocked.post(TOKEN_URL, json=token_json(id_token="forged"))
    with pytest.raises(InvalidTokenResponse, match="does not validate"):
        client_for(registry_from(toy("id_token_validation"))).client_credentials()


# --------------------------------------------------------------------- register_response_modes


@pytest.fixture
def response_modes(toy: Toy) -> ModuleType:
    return toy("response_modes")


def wrapped_request(response_modes: ModuleType) -> Any:
    client = client_for(registry_from(response_modes))
    return client.authorization_request(scope="read", response_mode=response_modes.MODE)


def test_response_mode_unwraps_before_the_state_and_code_checks(response_modes: ModuleType):
    request = wrapped_request(response_modes)
    assert query_of(request.uri)["response_mode"] == ["toy.wrapped"]
    wrapped = response_modes.wrap({"code": "code-1", "state": request.state, "iss": ISSUER})

    response = request.validate_callback(f"{REDIRECT_URI}?wrapped={wrapped}")

    assert (response.code, response.iss) == ("code-1", ISSUER)
    assert response.code_verifier == request.code_verifier


def test_response_mode_state_check_runs_on_the_unwrapped_parameters(response_modes: ModuleType):
    request = wrapped_request(response_modes)
    wrapped = response_modes.wrap({"code": "code-1", "state": "forged"})
    with pytest.raises(MismatchingState):
        request.validate_callback(f"{REDIRECT_URI}?wrapped={wrapped}&state={request.state}")


def test_response_mode_error_inside_the_wrapper_is_raised(response_modes: ModuleType):
    request = wrapped_request(response_modes)
    wrapped = response_modes.wrap({"error": "access_denied", "state": request.state})
    with pytest.raises(AuthorizationResponseError) as caught:
        request.validate_callback(f"{REDIRECT_URI}?wrapped={wrapped}")
    assert caught.value.error == "access_denied"


def test_response_mode_handler_refuses_what_it_cannot_unwrap(response_modes: ModuleType):
    request = wrapped_request(response_modes)
    with pytest.raises(InvalidAuthorizationResponse, match="no 'wrapped'"):
        request.validate_callback(f"{REDIRECT_URI}?code=code-1&state={request.state}")


def test_response_mode_without_its_plugin_is_refused():
    request = client_for(registry_from()).authorization_request(
        scope="read", response_mode="toy.wrapped"
    )
    with pytest.raises(ValueError, match=r"unsupported response_mode 'toy\.wrapped'"):
        request.validate_callback(f"{REDIRECT_URI}?code=code-1&state={request.state}")
