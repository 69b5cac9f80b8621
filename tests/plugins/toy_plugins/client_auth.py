"""register_client_auth_methods: ``toy_header`` authenticates the client with headers."""

from __future__ import annotations

import hashlib

import requests

from oauth2core import hookimpl
from oauth2core.hookspecs import ClientAuthMethod, Register

METHOD = "toy_header"


class ToyHeaderAuth(requests.auth.AuthBase):
    """Sends the client id and a digest of the secret in headers (a plain requests auth)."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["X-Toy-Client"] = self.client_id
        request.headers["X-Toy-Client-Proof"] = proof(self.client_secret)
        return request

    def __repr__(self) -> str:
        return f"ToyHeaderAuth(client_id={self.client_id!r}, client_secret=<redacted>)"


def proof(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@hookimpl
def register_client_auth_methods(register: Register[ClientAuthMethod]) -> None:
    register(ClientAuthMethod(METHOD, ToyHeaderAuth))
