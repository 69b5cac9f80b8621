"""Named opt-outs: each says what it weakens."""

from __future__ import annotations

from typing import Final, final

__all__ = ["SKIP_ID_TOKEN_VALIDATION", "Sentinel"]


@final
class Sentinel:
    """A named marker passed to turn a check off; its repr is its name."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


SKIP_ID_TOKEN_VALIDATION: Final = Sentinel("SKIP_ID_TOKEN_VALIDATION")
"""WARNING: accept a token response carrying an ``id_token`` without validating it.

Without the ``oauth2core[oidc]`` plugin, a token response with an ``id_token`` raises
:class:`~oauth2core.UnvalidatedIdToken`. Passing ``id_token_validation=SKIP_ID_TOKEN_VALIDATION``
keeps the ID token as an unverified string: never trust its claims.
"""
