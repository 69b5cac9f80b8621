"""Decrypting and verifying what the authorization server signs, with the client's settings.

Shared by ID tokens, JARM responses, signed userinfo and JWT introspection responses: the
JWE layer follows the client's ``<purpose>_encrypted_response_alg``/``_enc``, the JWS
algorithm must be in its ``<purpose>_signed_response_alg`` allow-list (``none`` never is),
HMAC algorithms are verified with the client secret only, and every other algorithm with a
key of the server's JWK Set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core_clientauth_jwt import InvalidJwe, JweErrorCode, decrypt_jwe

from ._errors import JwtValidationError, ValidationCode
from ._jws import Jws, is_jwe, parse_jws
from ._settings import (
    allowed_algs,
    decryption_keys,
    encryption_settings,
    secret_key,
    server_keys,
)

if TYPE_CHECKING:
    from oauth2core import OAuth2Client
    from oauth2core_clientauth_jwt import SigningKey, VerificationKey

__all__ = ["unwrap", "verify_jws", "verify_signed"]

_HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})


def unwrap(value: str, client: OAuth2Client, purpose: str) -> str:
    """``value`` decrypted when the client registered encryption for ``purpose``.

    :raises JwtValidationError: encryption expected but absent (``encryption_expected``),
        present but not registered (``unexpected_encryption``), or the JWE cannot be
        decrypted as registered (``decryption_failed``).
    """
    settings = encryption_settings(client, purpose)
    encrypted = is_jwe(value)
    if settings is None:
        if encrypted:
            raise JwtValidationError(
                f"the {purpose} response is encrypted and the client registered no "
                f"{purpose}_encrypted_response_alg",
                code=ValidationCode.UNEXPECTED_ENCRYPTION,
                claim="alg",
            )
        return value
    alg, enc = settings
    if not encrypted:
        raise JwtValidationError(
            f"the {purpose} response is not encrypted, and the client registered "
            f"{purpose}_encrypted_response_alg",
            code=ValidationCode.ENCRYPTION_EXPECTED,
            claim="alg",
            expected=alg,
        )
    keys = decryption_keys(client, purpose)
    try:
        _, plaintext = decrypt_jwe(value, keys, algs={alg}, encs={enc})
    except InvalidJwe as err:
        claim = {JweErrorCode.UNEXPECTED_ALG: "alg", JweErrorCode.UNEXPECTED_ENC: "enc"}.get(
            err.code
        )
        expected = alg if claim == "alg" else enc if claim == "enc" else None
        raise JwtValidationError(
            f"the {purpose} JWE cannot be decrypted as registered ({err.code})",
            code=ValidationCode.DECRYPTION_FAILED,
            claim=claim,
            expected=expected,
        ) from None
    try:
        return plaintext.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise JwtValidationError(f"the decrypted {purpose} response is not text") from None


def verify_jws(jws: Jws, client: OAuth2Client, purpose: str) -> VerificationKey | SigningKey:
    """Check the algorithm and the signature of ``jws``; return the key that verified it.

    :raises JwtValidationError: ``unexpected_alg``, ``no_matching_key``, ``ambiguous_key``
        or ``bad_signature``.
    """
    alg = jws.alg
    allowed = allowed_algs(client, purpose)
    if alg not in allowed:
        raise JwtValidationError(
            f"the {purpose} JWT alg is not allowed ({purpose}_signed_response_alg)",
            code=ValidationCode.UNEXPECTED_ALG,
            claim="alg",
            expected=sorted(allowed),
            received=alg,
        )
    key: VerificationKey | SigningKey | None
    if alg in _HMAC_ALGS:  # never a key of the JWK Set: only the client secret
        key = secret_key(client, alg)
        if key is None:
            raise JwtValidationError(
                f"the {purpose} JWT is signed with {alg}, and this client has no client secret",
                code=ValidationCode.NO_MATCHING_KEY,
                claim="alg",
                received=alg,
            )
    else:
        key = server_keys(client).verification_key(alg, jws.kid)
    if not key.verify(jws.signing_input, jws.signature):
        raise JwtValidationError(
            f"the {purpose} JWT signature does not verify",
            code=ValidationCode.BAD_SIGNATURE,
            claim="alg",
            received=alg,
        )
    return key


def verify_signed(value: str, client: OAuth2Client, purpose: str) -> tuple[Jws, str | None]:
    """Unwrap, parse and verify a JWT; return it and the curve of the key (for hashes)."""
    jws = parse_jws(unwrap(value, client, purpose))
    key = verify_jws(jws, client, purpose)
    return jws, key.crv
