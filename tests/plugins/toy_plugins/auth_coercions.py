"""register_auth_coercions: ``auth=(client_id, {"kty": ...})`` and ``toy_key=``."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, ClassVar

import requests

from oauth2core import BaseClientAuthenticationMethod, hookimpl
from oauth2core.hookspecs import (
    AuthCoercion,
    AuthCoercionContext,
    ClientAuthMethod,
    Register,
)

ASSERTION_TYPE = "urn:example:params:oauth:client-assertion-type:toy"


class ToyKeyAuth(BaseClientAuthenticationMethod):
    """Authenticates with a made-up assertion naming the key id and the audience."""

    auth_method: ClassVar[str] = "toy_key_jwt"

    def __init__(self, client_id: str, key: Mapping[str, Any]) -> None:
        super().__init__(client_id)
        self.key = dict(key)

    def apply(
        self,
        data: dict[str, str | list[str]],
        headers: MutableMapping[str, str | bytes],
        *,
        endpoint: str,
        issuer: str | None = None,
    ) -> None:
        data["client_id"] = self.client_id
        data["client_assertion_type"] = ASSERTION_TYPE
        data["client_assertion"] = f"toy.{self.key.get('kid', '-')}.{issuer or endpoint}"


def is_toy_key(value: object) -> bool:
    return isinstance(value, Mapping) and "kty" in value


def coerce_toy_key(auth: object, context: AuthCoercionContext) -> requests.auth.AuthBase | None:
    if isinstance(auth, tuple) and len(auth) == 2 and is_toy_key(auth[1]):
        client_id, key = auth
        return ToyKeyAuth(client_id, key)
    if auth is None and "toy_key" in context.keywords:
        if context.client_id is None:
            raise TypeError("toy_key= needs client_id=")
        return ToyKeyAuth(context.client_id, context.keywords["toy_key"])
    return None


@hookimpl
def register_auth_coercions(register: Register[AuthCoercion]) -> None:
    register(AuthCoercion("toy_key", coerce_toy_key, frozenset({"toy_key"})))


@hookimpl
def register_client_auth_methods(register: Register[ClientAuthMethod]) -> None:
    register(ClientAuthMethod(ToyKeyAuth.auth_method, ToyKeyAuth))
