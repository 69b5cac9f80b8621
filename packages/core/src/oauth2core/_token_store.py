"""Token stores: where auth handlers keep their tokens (the seam for persistence and sharing)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ._tokens import BearerToken

__all__ = ["MemoryTokenStore", "TokenStore"]


class TokenStore(Protocol):
    """Where an auth handler loads and saves its token, under a key.

    A store shared by several handlers (or processes, for a persistent store) lets them
    share one token: a handler that must renew first loads the store, and uses a fresh
    token it finds there instead of requesting one. ``compare_and_swap`` keeps a rotating
    refresh token from being overwritten by a concurrent, older renewal.

    A handler holds ``lock(key)`` from that load to the save after its token request, so
    the holders of one store renew one at a time and none sends a refresh token another
    has just rotated: a server may answer that reuse by revoking the whole grant (RFC 9700
    §4.14.2). When a refresh is refused with ``invalid_grant`` all the same (a holder
    outside the lock rotated it), the handler loads the store once more and adopts the
    token there if it is another one and has not expired; else the error stands.
    """

    def load(self, key: str) -> BearerToken | None:
        """The token saved under ``key``, or None."""

    def save(self, key: str, token: BearerToken) -> None:
        """Save ``token`` under ``key``."""

    def compare_and_swap(self, key: str, expected: BearerToken | None, new: BearerToken) -> bool:
        """Save ``new`` only if ``key`` still holds ``expected``; True when saved.

        Persistent stores compare tokens by their access token value.
        """

    def delete(self, key: str) -> None:
        """Forget the token under ``key``."""

    def lock(self, key: str) -> AbstractContextManager[object]:
        """A lock held around each renewal of ``key``: load, token request, save.

        It must be re-entrant within a thread and, for a store shared by several
        processes, exclusive across them (an OS file lock, a database row lock). A store
        that cannot lock returns :func:`contextlib.nullcontext`: its holders may then race,
        and rely on reloading after ``invalid_grant``.
        """


class MemoryTokenStore:
    """The default store: a dict in memory, thread-safe.

    :param on_save: called with the key and the token each time a new token is saved
        (to persist it elsewhere, or to log that it was renewed: never log the token).
    """

    def __init__(self, on_save: Callable[[str, BearerToken], None] | None = None) -> None:
        self._tokens: dict[str, BearerToken] = {}
        self._lock = threading.Lock()
        self._renewal_locks: dict[str, threading.RLock] = {}
        self.on_save = on_save

    def load(self, key: str) -> BearerToken | None:
        """The token saved under ``key``, or None."""
        return self._tokens.get(key)

    def save(self, key: str, token: BearerToken) -> None:
        """Save ``token`` under ``key``."""
        with self._lock:
            self._tokens[key] = token
        self._saved(key, token)

    def compare_and_swap(self, key: str, expected: BearerToken | None, new: BearerToken) -> bool:
        """Save ``new`` only if ``key`` still holds ``expected`` (the same object)."""
        with self._lock:
            if self._tokens.get(key) is not expected:
                return False
            self._tokens[key] = new
        self._saved(key, new)
        return True

    def delete(self, key: str) -> None:
        """Forget the token under ``key``."""
        with self._lock:
            self._tokens.pop(key, None)

    def lock(self, key: str) -> AbstractContextManager[object]:
        """The re-entrant lock that the handlers sharing this store hold to renew ``key``."""
        with self._lock:
            lock = self._renewal_locks.get(key)
            if lock is None:
                lock = self._renewal_locks[key] = threading.RLock()
            return lock

    def _saved(self, key: str, token: BearerToken) -> None:
        if self.on_save is not None:
            self.on_save(key, token)

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)!r})"
