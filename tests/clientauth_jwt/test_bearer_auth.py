"""OAuth2JwtBearerAuth: a fresh assertion for each token, from the client's clock."""

from __future__ import annotations

from urllib.parse import parse_qs

import requests
from jwskate import Jwk, SignedJwt

from oauth2core_clientauth_jwt import OAuth2JwtBearerAuth

API = "https://api.example.com/data"


def test_each_renewal_redeems_a_new_assertion(make_client, mock_http, signing_keys, clock, urls):
    key = signing_keys["ES256"]
    mock_http.post(
        urls.token, json={"access_token": "a1", "token_type": "Bearer", "expires_in": 60}
    )
    mock_http.post(
        urls.token, json={"access_token": "a2", "token_type": "Bearer", "expires_in": 60}
    )
    mock_http.get(API, json={})
    client = make_client("client-1", issuer=urls.issuer, clock=clock)
    auth = OAuth2JwtBearerAuth(client, key, {"iss": "me", "sub": "alice"}, scope="x", leeway=0)
    with requests.Session() as session:
        session.get(API, auth=auth).close()
    clock.advance(60)
    assert auth.renew_token().access_token == "a2"

    forms = [
        parse_qs(call.request.body) for call in mock_http.calls if call.request.url == urls.token
    ]
    assert [f["grant_type"] for f in forms] == [["urn:ietf:params:oauth:grant-type:jwt-bearer"]] * 2
    assert forms[0]["scope"] == ["x"]
    jwts = [SignedJwt(f["assertion"][0]) for f in forms]
    public = Jwk(key).public_jwk()
    for jwt in jwts:
        assert jwt.verify_signature(public, alg="ES256")
        assert jwt.claims["iss"] == "me"
        assert jwt.claims["sub"] == "alice"
        assert jwt.claims["aud"] == urls.issuer
        assert jwt.claims["exp"] - jwt.claims["iat"] == 60
    assert jwts[0].claims["jti"] != jwts[1].claims["jti"]
    assert jwts[1].claims["iat"] - jwts[0].claims["iat"] == 60  # from the client's clock
    assert key["d"] not in repr(auth)
