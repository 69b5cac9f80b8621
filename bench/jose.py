"""Signing costs: a private_key_jwt assertion per token request, a DPoP proof per API request.

Both are absolute times per call (ES256, one P-256 key loaded once), each library's
handler applied to a fresh prepared request: a form POST to the token endpoint for the
assertion, a GET for the proof. Libraries are sampled in interleaved rounds.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import authlib.integrations.requests_client as authlib_requests  # type: ignore[import-untyped,import-not-found,unused-ignore]
import jwskate
import requests
import requests_oauth2client as r2c  # type: ignore[import-not-found,unused-ignore]
from authlib.oauth2.rfc7523 import PrivateKeyJWT  # type: ignore[import-untyped,import-not-found,unused-ignore]
from joserfc.jwk import ECKey  # type: ignore[import-not-found,unused-ignore]

from oauth2core_clientauth_jwt import PrivateKeyJwt

from ._config import Config
from ._libs import (
    AUTHLIB,
    CLIENT_ID,
    HTTPS_RESOURCE_URL,
    HTTPS_TOKEN_URL,
    OAUTH2CORE,
    OAUTHLIB,
    R2C,
    Handler,
)
from ._table import Row, milliseconds
from ._timing import fresh_requests, interleaved, median, per_call

ASSERTION_TARGET = 0.2e-3
PROOF_TARGET = 0.1e-3
ACCESS_TOKEN = "dpop-access-token"  # noqa: S105 - a fake token
NOT_LANDED = "not measured yet (package not landed)"


def jwt_header(token: str) -> dict[str, object]:
    """The decoded protected header of a compact JWS."""
    encoded = token.split(".")[0]
    header: dict[str, object] = json.loads(base64.urlsafe_b64decode(encoded + "=="))
    return header


def measure(
    handlers: dict[str, Handler], template: requests.PreparedRequest, config: Config
) -> dict[str, float]:
    """Median seconds per call of each handler, in interleaved rounds."""
    samples = interleaved(
        {
            name: per_call(handler, template, config.signatures)
            for name, handler in handlers.items()
        },
        config.rounds,
    )
    return {name: median(values) for name, values in samples.items()}


def assertion_row(config: Config, jwk: jwskate.Jwk) -> Row:
    """private_key_jwt: the client authentication handler on a token request."""
    template = requests.Request(
        "POST", HTTPS_TOKEN_URL, data={"grant_type": "client_credentials"}
    ).prepare()
    session = authlib_requests.OAuth2Session(
        CLIENT_ID,
        ECKey.import_key(dict(jwk)),
        token_endpoint_auth_method="private_key_jwt",  # noqa: S106 - a method name
    )
    session.register_client_auth_method(PrivateKeyJWT(HTTPS_TOKEN_URL, alg="ES256"))
    handlers: dict[str, Handler] = {
        OAUTH2CORE: PrivateKeyJwt(CLIENT_ID, dict(jwk)),
        R2C: r2c.PrivateKeyJwt(CLIENT_ID, jwk),
        AUTHLIB: session.client_auth("private_key_jwt"),  # what its fetch_token() applies
    }
    for name, handler in handlers.items():  # every side signs an ES256 assertion
        (request,) = fresh_requests(template, 1)
        body = handler(request).body
        text = body.decode() if isinstance(body, bytes) else str(body)
        (assertion,) = parse_qs(text)["client_assertion"]
        assert jwt_header(assertion)["alg"] == "ES256", name
    costs = measure(handlers, template, config)
    cells = {name: milliseconds(cost) for name, cost in costs.items()}
    cells[OAUTHLIB] = "n/a"
    note = (
        f"Per token request, median of {config.rounds} interleaved samples of "
        f"{config.signatures}: the handler applied to a prepared form POST (it parses the "
        "form, signs a fresh assertion, encodes the form again). Key loaded once: oauth2core "
        "`PrivateKeyJwt(client_id, jwk)`, requests-oauth2client `PrivateKeyJwt(client_id, jwk)`, "
        "Authlib `OAuth2Session(client_id, ECKey, ...)` with a registered "
        '`PrivateKeyJWT(url, alg="ES256")`, its `client_auth("private_key_jwt")`. '
        "requests-oauthlib has no private_key_jwt (only hand-made `client_assertion` "
        "parameters)."
    )
    return Row(
        "private_key_jwt",
        "private_key_jwt assertion (ES256) per token request",
        cells,
        "<= 0.2 ms",
        costs[OAUTH2CORE] <= ASSERTION_TARGET,
        [note],
    )


def dpop_handler() -> Handler | None:
    """oauth2core's DPoP token (a fresh ES256 key), or None when the package cannot yet."""
    try:
        from oauth2core_tokentype_dpop import DPoPKey, DPoPToken

        token = DPoPToken(ACCESS_TOKEN, dpop_key=DPoPKey.generate("ES256"))
        (request,) = fresh_requests(requests.Request("GET", HTTPS_RESOURCE_URL).prepare(), 1)
        request = token(request)
        if request.headers.get("Authorization") != f"DPoP {ACCESS_TOKEN}":
            return None
        proof = request.headers.get("DPoP")
        if not isinstance(proof, str) or jwt_header(proof).get("alg") != "ES256":
            return None
    except Exception:  # a package being written may fail in any way
        return None
    return token


def dpop_row(config: Config) -> Row:
    """DPoP: a proof per API request."""
    template = requests.Request("GET", HTTPS_RESOURCE_URL).prepare()
    r2c_token: Handler = r2c.DPoPToken(ACCESS_TOKEN, _dpop_key=r2c.DPoPKey.generate(alg="ES256"))
    handlers: dict[str, Handler] = {R2C: r2c_token}
    oauth2core_token = dpop_handler()
    if oauth2core_token is not None:
        handlers[OAUTH2CORE] = oauth2core_token
    costs = measure(handlers, template, config)
    cells = {name: milliseconds(cost) for name, cost in costs.items()}
    cells.setdefault(OAUTH2CORE, NOT_LANDED)
    cells[AUTHLIB] = cells[OAUTHLIB] = "n/a"
    note = (
        f"Per API request, median of {config.rounds} interleaved samples of "
        f"{config.signatures}: `token(request)` on a prepared GET with a DPoP token bound to an "
        "ES256 key (expiry check, `Authorization: DPoP`, a fresh proof with `ath`, the nonce "
        "retry hook). Authlib and requests-oauthlib have no DPoP."
    )
    if oauth2core_token is None:
        note += (
            " oauth2core: `oauth2core_tokentype_dpop` could not yet make and use an ES256 "
            "`DPoPKey`."
        )
    return Row(
        "dpop",
        "DPoP proof (ES256) per API request",
        cells,
        "<= 0.1 ms",
        None if OAUTH2CORE not in costs else costs[OAUTH2CORE] <= PROOF_TARGET,
        [note],
    )


def rows(config: Config) -> list[Row]:
    """The assertion and proof rows."""
    jwk = jwskate.Jwk.generate(alg="ES256").with_kid_thumbprint()
    return [assertion_row(config, jwk), dpop_row(config)]
