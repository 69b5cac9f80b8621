"""The errors of the DPoP plugin (no heavy import).

::

    OAuth2Error
    └── EndpointError
        ├── UseDPoPNonce            use_dpop_nonce, once the one retry with a new nonce is spent
        └── InvalidDPoPProof        invalid_dpop_proof
    ValueError
    ├── InvalidKey (oauth2core_clientauth_jwt)
    │   └── InvalidDPoPKey          a key that cannot sign DPoP proofs; .code says why
    │       └── InvalidDPoPAlg      (also InvalidAlg) an algorithm DPoP cannot use
    └── InvalidDPoPAccessToken      an access token that is not token68

Messages never show key material or token values.
"""

from __future__ import annotations

from oauth2core import EndpointError
from oauth2core_clientauth_jwt import InvalidAlg, InvalidKey

__all__ = [
    "InvalidDPoPAccessToken",
    "InvalidDPoPAlg",
    "InvalidDPoPKey",
    "InvalidDPoPProof",
    "UseDPoPNonce",
]


class UseDPoPNonce(EndpointError):
    """The server demands a DPoP nonce (``use_dpop_nonce``, RFC 9449 §8).

    A request is retried once with the nonce the server sends in ``DPoP-Nonce``; this is
    raised when the server asks again, repeats the nonce already sent, or sends none.
    """


class InvalidDPoPProof(EndpointError):
    """The server refused the DPoP proof (``invalid_dpop_proof``, RFC 9449 §5)."""


class InvalidDPoPKey(InvalidKey):
    """A key that cannot sign DPoP proofs: public, symmetric, malformed, too weak.

    :ivar code: the :class:`~oauth2core_clientauth_jwt.KeyErrorCode` of the problem.
    """


class InvalidDPoPAlg(InvalidDPoPKey, InvalidAlg):
    """An algorithm DPoP cannot use: unknown, symmetric, or not fitting the key."""


class InvalidDPoPAccessToken(ValueError):
    """An access token that cannot be sent as ``Authorization: DPoP <token>``.

    RFC 9449 §7.1 requires the token68 syntax (RFC 7235 §2.1).
    """
