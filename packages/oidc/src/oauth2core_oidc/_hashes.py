"""``at_hash``, ``c_hash`` and ``s_hash`` (OIDC Core §3.1.3.6, §3.3.2.11; FAPI 1 §5.1)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

__all__ = ["token_hash"]


def _sha(name: str) -> Callable[[bytes], bytes]:
    def digest(data: bytes) -> bytes:
        return hashlib.new(name, data).digest()

    return digest


def _shake256_114(data: bytes) -> bytes:
    return hashlib.shake_256(data).digest(114)


_BY_SUFFIX = {"256": _sha("sha256"), "384": _sha("sha384"), "512": _sha("sha512")}
_BY_CURVE = {"Ed25519": _sha("sha512"), "Ed448": _shake256_114}


def _digest_for(alg: str, crv: str | None) -> Callable[[bytes], bytes]:
    if alg in ("EdDSA", "Ed25519", "Ed448"):
        curve = alg if alg != "EdDSA" else crv
        if curve not in _BY_CURVE:
            raise ValueError("the EdDSA hash needs the key's curve (Ed25519 or Ed448)")
        return _BY_CURVE[curve]
    if alg[:2] in ("HS", "RS", "PS", "ES") and alg[2:5] in _BY_SUFFIX and len(alg) <= 6:
        return _BY_SUFFIX[alg[2:5]]  # ES256K: SHA-256 too
    raise ValueError(f"no hash is defined for alg {alg!r}")


def token_hash(value: str, alg: str, crv: str | None = None) -> str:
    """The OpenID hash of ``value`` for a JWT signed with ``alg``: ``at_hash``, ``c_hash``...

    The left-most half of the hash the JWS algorithm uses, base64url-encoded: SHA-256 for
    ``*256``, SHA-384, SHA-512; for EdDSA the curve decides: SHA-512 for Ed25519, SHAKE256
    with 114 bytes of output for Ed448.

    :param crv: the curve of the signing key, for ``alg="EdDSA"``.
    :raises ValueError: no hash is defined for ``alg`` (or the EdDSA curve is unknown).
    """
    digest = _digest_for(alg, crv)(value.encode("utf-8", "surrogatepass"))  # a JSON "\ud800"
    half = digest[: len(digest) // 2]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode("ascii")
