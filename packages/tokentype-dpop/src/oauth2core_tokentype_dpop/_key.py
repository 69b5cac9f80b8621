"""DPoPKey: a private key that signs DPoP proofs (RFC 9449 §4), through the jwt package.

Importing this module loads the JOSE libraries (through ``oauth2core_clientauth_jwt``);
the plugin's entry point never imports it before a key is needed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, final

from oauth2core import SYSTEM_CLOCK, Clock
from oauth2core_clientauth_jwt import (
    InvalidAlg,
    InvalidKey,
    SigningKey,
    generate_private_key,
    load_private_key,
)

from ._constants import DEFAULT_ALG, PROOF_TYP
from ._errors import InvalidDPoPAlg, InvalidDPoPKey
from ._nonces import DEFAULT_NONCE_CACHE, DPoPNonceCache

__all__ = ["DPoPKey", "access_token_hash", "as_dpop_key", "htu_of"]


def htu_of(url: str) -> str:
    """The ``htu`` of a request to ``url``: the URL without query and fragment (RFC 9449 §4.2)."""
    return url.partition("#")[0].partition("?")[0]


def access_token_hash(access_token: str) -> str:
    """The ``ath`` claim: base64url (no padding) of the SHA-256 of the access token."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _translated(err: InvalidKey) -> InvalidDPoPKey:
    """The DPoP error for a key-handling error (never chained: it may hold the key)."""
    cls = InvalidDPoPAlg if isinstance(err, InvalidAlg) else InvalidDPoPKey
    return cls(err.code, f"not a usable DPoP key: {err}")


@final
class DPoPKey:
    """A private key that signs DPoP proofs (RFC 9449 §4).

    Any asymmetric signature key the jwt package loads: a private JWK (dict, JSON,
    ``jwskate.Jwk``), a PEM, a ``cryptography`` private key or a ``SigningKey``. RSA keys
    need ``alg`` (or an ``alg`` in the JWK); EC and OKP keys imply theirs. The key is
    parsed and checked once; the proof header (``typ: dpop+jwt``, ``alg``, the public
    ``jwk``) is encoded once. Its ``repr`` shows the algorithm and the thumbprint only.

    :param private_key: the private key.
    :param alg: the signature algorithm (``ES256``, ``PS256``, ``EdDSA``...).
    :param password: the password of an encrypted PEM.
    :param clock: the clock of the proofs' ``iat`` (inject one in tests).
    :param nonces: where server nonces are kept, by origin; default: the process-wide
        cache shared by every key.
    :raises InvalidDPoPKey: the key is public, symmetric, malformed or too weak (``.code``).
    :raises InvalidDPoPAlg: the algorithm is missing, unsupported or does not fit the key.
    """

    __slots__ = ("_key", "_signer", "clock", "nonces")

    _key: SigningKey

    def __init__(
        self,
        private_key: object,
        alg: str | None = None,
        *,
        password: str | bytes | None = None,
        clock: Clock = SYSTEM_CLOCK,
        nonces: DPoPNonceCache | None = None,
    ) -> None:
        try:
            key = load_private_key(private_key, alg=alg, password=password)
        except InvalidKey as err:
            raise _translated(err) from None
        self._setup(key, clock, nonces)

    def _setup(self, key: SigningKey, clock: Clock, nonces: DPoPNonceCache | None) -> None:
        self._key = key
        self._signer = key.signer(typ=PROOF_TYP, include_kid=False, include_jwk=True)
        self.clock = clock
        self.nonces: DPoPNonceCache = DEFAULT_NONCE_CACHE if nonces is None else nonces

    @classmethod
    def generate(
        cls,
        alg: str = DEFAULT_ALG,
        *,
        clock: Clock = SYSTEM_CLOCK,
        nonces: DPoPNonceCache | None = None,
    ) -> DPoPKey:
        """A new key for ``alg`` (RSA keys: 2048 bits).

        :raises InvalidDPoPAlg: ``alg`` is not an asymmetric signature algorithm.
        """
        try:
            key = generate_private_key(alg)
        except InvalidKey as err:
            raise _translated(err) from None
        self = object.__new__(cls)
        self._setup(key, clock, nonces)
        return self

    @property
    def alg(self) -> str:
        """The signature algorithm of the proofs."""
        return self._key.alg

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint of the public key: ``jkt``, ``dpop_jkt``."""
        return self._key.thumbprint

    @property
    def dpop_jkt(self) -> str:
        """The ``dpop_jkt`` authorization parameter (RFC 9449 §10): the thumbprint."""
        return self._key.thumbprint

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (a new dict): what each proof's ``jwk`` header holds."""
        return self._key.public_jwk

    @property
    def private_jwk(self) -> dict[str, Any]:
        """The private key as a JWK (a new dict), to store the key.

        WARNING: it holds the private key: never log it, keep it where secrets go.
        """
        return dict(self._key.jwk)

    def proof(self, htm: str, htu: str, *, ath: str | None = None, nonce: str | None = None) -> str:
        """A new proof (compact JWS) for a request.

        :param htm: the HTTP method of the request.
        :param htu: the URL of the request; its query and fragment are left out.
        :param ath: the ``ath`` claim, base64url(SHA-256(access token)), for requests that
            carry an access token.
        :param nonce: the server-provided nonce, when there is one.
        """
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16),
            "htm": htm,
            "htu": htu_of(htu),
            "iat": int(self.clock.time()),
        }
        if ath is not None:
            claims["ath"] = ath
        if nonce is not None:
            claims["nonce"] = nonce
        return self._signer(claims)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DPoPKey):
            return NotImplemented
        return self.thumbprint == other.thumbprint and self.alg == other.alg

    def __hash__(self) -> int:
        return hash((self.thumbprint, self.alg))

    def __repr__(self) -> str:
        return f"DPoPKey(alg={self.alg!r}, jkt={self.thumbprint!r})"

    def __copy__(self) -> DPoPKey:
        return self  # immutable: the key, the clock and the nonce cache are shared anyway

    def __deepcopy__(self, memo: dict[int, Any]) -> DPoPKey:
        return self

    def __reduce__(self) -> Any:
        raise TypeError("a DPoPKey is not pickled; store DPoPKey.private_jwk as a secret")


def as_dpop_key(value: object, *, clock: Clock | None = None) -> DPoPKey:
    """``value`` if it is a DPoPKey, else a DPoPKey loaded from it (a JWK, a PEM...)."""
    if isinstance(value, DPoPKey):
        return value
    return DPoPKey(value, clock=SYSTEM_CLOCK if clock is None else clock)


def _publish() -> None:
    """Show the public package in reprs and tracebacks."""
    DPoPKey.__module__ = "oauth2core_tokentype_dpop"


_publish()
