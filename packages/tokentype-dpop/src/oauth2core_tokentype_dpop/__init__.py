"""DPoP (RFC 9449) sender-constrained tokens for oauth2core.

- :class:`DPoPKey`: a private key that signs proofs (``DPoPKey.generate()``, or any key the
  jwt package loads);
- :class:`DPoPToken`: an access token bound to its key, a requests auth that sends a fresh
  proof with each request;
- :class:`DPoPTokenSerializer`: keeps DPoP tokens with their key;
- :class:`DPoPNonceCache`: server nonces, by origin;
- the options ``dpop=``, ``dpop_key=``, ``allow_bearer_downgrade=`` of every grant, PAR and
  authorization request, and the client options ``dpop_bound_access_tokens=``,
  ``dpop_alg=``;
- the errors :class:`UseDPoPNonce`, :class:`InvalidDPoPProof`, :class:`InvalidDPoPKey`,
  :class:`InvalidDPoPAlg`, :class:`InvalidDPoPAccessToken`.

Installed with ``pip install oauth2core[dpop]``. This module stays light: the names that need
jwskate or cryptography load on first use (PEP 562), so the entry point imports it cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core import lazy_attributes

from ._constants import DEFAULT_ALG, DPOP_HEADER, NONCE_HEADER, PROOF_TYP, TOKEN_TYPE
from ._errors import (
    InvalidDPoPAccessToken,
    InvalidDPoPAlg,
    InvalidDPoPKey,
    InvalidDPoPProof,
    UseDPoPNonce,
)
from ._nonces import DPoPNonceCache

if TYPE_CHECKING:
    from ._key import DPoPKey
    from ._token import DPoPToken, DPoPTokenSerializer

__all__ = [
    "DEFAULT_ALG",
    "DPOP_HEADER",
    "NONCE_HEADER",
    "PROOF_TYP",
    "TOKEN_TYPE",
    "DPoPKey",
    "DPoPNonceCache",
    "DPoPToken",
    "DPoPTokenSerializer",
    "InvalidDPoPAccessToken",
    "InvalidDPoPAlg",
    "InvalidDPoPKey",
    "InvalidDPoPProof",
    "UseDPoPNonce",
]

_LAZY = {
    "DPoPKey": "._key",
    "DPoPToken": "._token",
    "DPoPTokenSerializer": "._token",
}
"""Names whose module imports jwskate and cryptography: loaded on first access."""


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)


def _publish() -> None:
    """Show the public package in reprs and tracebacks (``oauth2core_tokentype_dpop.X``)."""
    for cls in (
        DPoPNonceCache,
        InvalidDPoPAccessToken,
        InvalidDPoPAlg,
        InvalidDPoPKey,
        InvalidDPoPProof,
        UseDPoPNonce,
    ):
        cls.__module__ = __name__


_publish()
