"""Names and values of RFC 9449 used across the package (no imports)."""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_ALG",
    "DPOP_HEADER",
    "NONCE_HEADER",
    "PROOF_TYP",
    "TOKEN_TYPE",
]

TOKEN_TYPE: Final = "DPoP"  # noqa: S105 - a token type, not a password
"""The ``token_type`` and the ``Authorization`` scheme of DPoP-bound tokens (RFC 9449 §5, §7.1)."""
DPOP_HEADER: Final = "DPoP"
"""The request header that carries the proof (RFC 9449 §4.1)."""
NONCE_HEADER: Final = "DPoP-Nonce"
"""The response header that carries a server-provided nonce (RFC 9449 §8)."""
PROOF_TYP: Final = "dpop+jwt"
"""The ``typ`` header of proofs (RFC 9449 §4.2)."""
DEFAULT_ALG: Final = "ES256"
"""The algorithm of the keys generated for ``dpop=True``."""
