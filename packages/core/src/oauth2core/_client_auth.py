"""Client authentication at the token endpoint: client_secret_basic, client_secret_post, none."""

from __future__ import annotations

import base64
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import parse_qsl, quote_plus

import requests

if TYPE_CHECKING:
    from ._extensions import FormData

__all__ = [
    "BaseClientAuthenticationMethod",
    "ClientSecretBasic",
    "ClientSecretPost",
    "PublicApp",
    "looks_like_private_key",
]

_FORM = "application/x-www-form-urlencoded"
_PRIVATE_KEY_MARKERS = ("-----BEGIN", '{"kty"', "{'kty'")


def looks_like_private_key(value: str) -> bool:
    """True for a PEM or a serialized JWK: never send it as a client secret."""
    return value.lstrip().startswith(_PRIVATE_KEY_MARKERS)


class BaseClientAuthenticationMethod(requests.auth.AuthBase):
    """Base of the client authentication methods.

    OAuth2Client calls :meth:`apply` on the form before it is encoded. Used as a plain
    requests auth (``requests.post(url, data=form, auth=ClientSecretPost(...))``), the
    instance re-reads the encoded form and applies the same change; it only accepts
    form-encoded POST requests.
    """

    auth_method: ClassVar[str]
    """The ``token_endpoint_auth_method`` name (RFC 7591 §2)."""

    def __init__(self, client_id: str) -> None:
        if not isinstance(client_id, str) or not client_id:
            raise TypeError("client_id must be a non-empty string")
        self.client_id = client_id

    def apply(
        self,
        data: FormData,
        headers: MutableMapping[str, str | bytes],
        *,
        endpoint: str,
        issuer: str | None = None,
    ) -> None:
        """Authenticate a request to ``endpoint`` by changing its form ``data`` or ``headers``.

        :param issuer: the server's issuer when known (the audience of client assertions).
        """
        raise NotImplementedError

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Authenticate a prepared form POST (for use with plain requests)."""
        content_type = request.headers.get("Content-Type")
        if isinstance(content_type, bytes):
            content_type = content_type.decode("latin-1")
        media_type = content_type.split(";")[0].strip().lower() if content_type else None
        if request.method != "POST" or media_type not in (None, _FORM):
            raise ValueError("client authentication applies to form-encoded POST requests only")
        body = request.body
        text = body.decode() if isinstance(body, bytes) else body if isinstance(body, str) else ""
        data: FormData = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            previous = data.get(name)
            if previous is None:
                data[name] = value
            elif isinstance(previous, list):
                previous.append(value)
            else:
                data[name] = [previous, value]
        self.apply(data, request.headers, endpoint=request.url or "")
        request.prepare_body(data, None)
        return request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r})"


class _SecretMethod(BaseClientAuthenticationMethod):
    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__(client_id)
        if not isinstance(client_secret, str) or not client_secret:
            raise TypeError("client_secret must be a non-empty string")
        if looks_like_private_key(client_secret):
            raise ValueError(
                "client_secret looks like a private key, which is never sent as a secret: "
                "use private_key_jwt (pip install oauth2core[jwt])"
            )
        self.client_secret = client_secret

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, client_secret=<redacted>)"


class ClientSecretBasic(_SecretMethod):
    """``client_secret_basic``: HTTP Basic with the form-urlencoded id and secret.

    RFC 6749 §2.3.1 requires both to be ``application/x-www-form-urlencoded`` before
    base64 (requests_oauth2client 1.8 skipped that, breaking secrets with ``:`` or ``%``).
    """

    auth_method: ClassVar[str] = "client_secret_basic"

    def apply(
        self,
        data: FormData,
        headers: MutableMapping[str, str | bytes],
        *,
        endpoint: str,
        issuer: str | None = None,
    ) -> None:
        """Set ``Authorization: Basic ...``."""
        pair = f"{quote_plus(self.client_id)}:{quote_plus(self.client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()


class ClientSecretPost(_SecretMethod):
    """``client_secret_post``: ``client_id`` and ``client_secret`` in the form body."""

    auth_method: ClassVar[str] = "client_secret_post"

    def apply(
        self,
        data: FormData,
        headers: MutableMapping[str, str | bytes],
        *,
        endpoint: str,
        issuer: str | None = None,
    ) -> None:
        """Add ``client_id`` and ``client_secret`` to the form."""
        data["client_id"] = self.client_id
        data["client_secret"] = self.client_secret


class PublicApp(BaseClientAuthenticationMethod):
    """``none``: a public client that only identifies itself with ``client_id``."""

    auth_method: ClassVar[str] = "none"

    def apply(
        self,
        data: FormData,
        headers: MutableMapping[str, str | bytes],
        *,
        endpoint: str,
        issuer: str | None = None,
    ) -> None:
        """Add ``client_id`` to the form."""
        data["client_id"] = self.client_id
