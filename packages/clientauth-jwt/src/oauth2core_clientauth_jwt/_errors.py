"""Errors of the key handling and of the client assertion methods.

Every one of them is a caller mistake (a key or an algorithm that cannot be used), so they
are :class:`ValueError` (or :class:`TypeError`) subclasses, not ``OAuth2Error``::

    ValueError
    └── InvalidKey                              .code: a KeyErrorCode
        ├── WeakKey                             RSA under 2048 bits
        ├── UnsuitableKey                       public / symmetric / wrong ``use`` for the job
        ├── InvalidAlg                          unknown alg, alg that does not fit the key, no alg
        └── InvalidClientAssertionSigningKeyOrAlg
                                                raised by ClientSecretJwt / PrivateKeyJwt, with the
                                                code of the problem (the name requests_oauth2client
                                                uses)
    ValueError
    └── InvalidJwe                              .code: a JweErrorCode; a JWE that cannot be
                                                decrypted as asked
    TypeError
    └── UnsupportedKeyFormat                    not a JWK, PEM, jwskate or cryptography key

Messages never contain key material: no secret, no private member, no PEM. Errors raised by
the JOSE libraries (whose arguments may hold the key) are never chained.

This module imports nothing heavy.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "InvalidAlg",
    "InvalidClientAssertionSigningKeyOrAlg",
    "InvalidJwe",
    "InvalidKey",
    "JweErrorCode",
    "KeyErrorCode",
    "UnsuitableKey",
    "UnsupportedKeyFormat",
    "WeakKey",
]


class KeyErrorCode(StrEnum):
    """Stable codes of :class:`InvalidKey`: assert on these, not on messages."""

    MALFORMED_KEY = "malformed_key"
    """A JWK, PEM or JSON that cannot be parsed, or an unsupported key type or curve."""
    PEM_PASSWORD = "pem_password"  # noqa: S105 - a code, not a password
    """An encrypted PEM without its password, a wrong password, or a password for a clear PEM."""
    WEAK_KEY = "weak_key"
    """An RSA key of fewer than 2048 bits."""
    PUBLIC_KEY = "public_key"
    """A public key where a private key is needed."""
    SYMMETRIC_KEY = "symmetric_key"
    """A symmetric key where an asymmetric key is needed."""
    KEY_USE = "key_use"
    """The JWK's ``use`` or ``key_ops`` forbid signing (or verifying)."""
    UNSUPPORTED_ALG = "unsupported_alg"
    """An algorithm that is unknown, ``none``, or not a signature algorithm."""
    ALG_MISMATCH = "alg_mismatch"
    """The ``alg`` argument differs from the key's, or the algorithm does not fit the key."""
    MISSING_ALG = "missing_alg"
    """No ``alg`` in the key nor as argument, and the key type does not imply one (RSA)."""
    KID_MISMATCH = "kid_mismatch"
    """The ``kid`` argument differs from the key's."""
    WEAK_SECRET = "weak_secret"  # noqa: S105 - a code, not a secret
    """An empty client secret, or one that looks like a private key (a PEM, a JWK)."""


class InvalidKey(ValueError):
    """A key (or its algorithm) that cannot be used as asked.

    :ivar code: the :class:`KeyErrorCode` of the problem.
    """

    def __init__(self, code: KeyErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class WeakKey(InvalidKey):
    """The key is too weak to be used (RSA under 2048 bits)."""


class UnsuitableKey(InvalidKey):
    """The key is of the wrong kind for the job: public or symmetric, or restricted by ``use``."""


class InvalidAlg(InvalidKey):
    """The algorithm is unsupported, missing, or does not fit the key."""


class InvalidClientAssertionSigningKeyOrAlg(InvalidKey):
    """The key or algorithm given to ClientSecretJwt or PrivateKeyJwt cannot sign assertions.

    ``code`` says why; the more specific error (:class:`WeakKey`, ...) is chained as
    ``__cause__``.
    """


class JweErrorCode(StrEnum):
    """Stable codes of :class:`InvalidJwe`: assert on these, not on messages."""

    MALFORMED = "malformed_jwe"
    """Not a compact JWE, or one with a ``zip`` or ``crit`` header (refused)."""
    UNEXPECTED_ALG = "unexpected_alg"
    """The key management ``alg`` is unsupported or not among the allowed ones."""
    UNEXPECTED_ENC = "unexpected_enc"
    """The content encryption ``enc`` is unsupported or not among the allowed ones."""
    NO_KEY = "no_decryption_key"
    """No decryption key fits the JWE's ``alg`` (and ``kid``)."""
    DECRYPTION_FAILED = "decryption_failed"
    """No key could decrypt it: a wrong key, or a tampered token."""


class InvalidJwe(ValueError):
    """A JWE that cannot be decrypted as asked; never shows the token or the plaintext.

    :ivar code: the :class:`JweErrorCode` of the problem.
    """

    def __init__(self, code: JweErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class UnsupportedKeyFormat(TypeError):
    """The value is not a key: not a JWK (dict, JSON or jwskate), a PEM or a cryptography key."""


def _publish() -> None:
    """Show the public package in reprs and tracebacks."""
    for name in __all__:
        globals()[name].__module__ = "oauth2core_clientauth_jwt"


_publish()
