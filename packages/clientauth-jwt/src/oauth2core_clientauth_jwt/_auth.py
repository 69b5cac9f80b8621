"""An auth handler that gets its tokens with fresh JWT bearer assertions (RFC 7523 §2.1)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from oauth2core import BearerToken, OAuth2AccessTokenAuth

from ._grant import jwt_bearer
from ._jose import load_private_key

if TYPE_CHECKING:
    from oauth2core import OAuth2Client, TokenStore

__all__ = ["OAuth2JwtBearerAuth"]


class OAuth2JwtBearerAuth(OAuth2AccessTokenAuth):
    """Signs a new assertion and redeems it whenever the token needs renewal.

    :param client: the OAuth2Client that requests the tokens.
    :param private_key: the assertion signing key (any shape ``load_private_key`` takes).
    :param claims: the assertion's claims besides ``aud``/``iat``/``exp``/``jti`` (at least
        ``iss`` and ``sub``, RFC 7523 §3), or a callable returning them for each assertion.
    :param audience: the ``aud``; by default the client's issuer, else its token endpoint.
    :param lifetime: seconds the assertion is valid.
    :param alg: the signature algorithm, when the key does not fix it.
    :param token_kwargs: passed to each ``client.jwt_bearer(...)`` (``scope=``...).
    """

    def __init__(
        self,
        client: OAuth2Client,
        private_key: object,
        claims: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
        *,
        audience: str | None = None,
        lifetime: int = 60,
        alg: str | None = None,
        leeway: float = 20,
        token: BearerToken | str | None = None,
        store: TokenStore | None = None,
        store_key: str = "token",
        **token_kwargs: Any,
    ) -> None:
        self.signing_key = load_private_key(private_key, alg=alg)
        self._signer = self.signing_key.signer(typ="JWT")
        self.claims = claims
        self.audience = audience or client.issuer or client.token_endpoint
        self.lifetime = lifetime
        super().__init__(
            client, token, leeway=leeway, store=store, store_key=store_key, **token_kwargs
        )

    def assertion(self) -> str:
        """A new signed assertion, with a unique ``jti``."""
        claims = self.claims() if callable(self.claims) else self.claims
        now = int(self.client.clock.time())
        return self._signer(
            {
                **claims,
                "aud": self.audience,
                "iat": now,
                "exp": now + self.lifetime,
                "jti": str(uuid.uuid4()),
            }
        )

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        """Redeem a fresh assertion (assertions are single-use: never refresh)."""
        token: BearerToken = jwt_bearer(self.client, self.assertion(), **self.token_kwargs)
        return token

    def __repr__(self) -> str:
        return f"OAuth2JwtBearerAuth(client={self.client!r}, key={self.signing_key!r})"
