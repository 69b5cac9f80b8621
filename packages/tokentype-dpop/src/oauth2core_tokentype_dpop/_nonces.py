"""Server-provided DPoP nonces (RFC 9449 §8, §9), cached by origin."""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from ._constants import NONCE_HEADER

if TYPE_CHECKING:
    import requests

__all__ = ["DEFAULT_NONCE_CACHE", "DPoPNonceCache", "origin_of"]

_NONCE: Final = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]{1,1024}")
"""RFC 9449 §8.1: ``DPoP-Nonce = 1*NQCHAR`` (bounded here)."""
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """The origin of ``url``: lower-case scheme and host, and the port (default ones filled in)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS.get(scheme, 0)}"


class DPoPNonceCache:
    """The last nonce each origin gave in a ``DPoP-Nonce`` header; thread-safe, bounded.

    A nonce belongs to the server that issued it, not to a key: every key sending proofs
    to an origin uses that origin's nonce. By default all keys share one process-wide
    cache (``DPoPKey(..., nonces=...)`` takes another). Nonces are not secrets.

    :param max_origins: how many origins to remember; the least recently stored is
        forgotten first.
    """

    __slots__ = ("_lock", "_max", "_nonces")

    def __init__(self, max_origins: int = 1024) -> None:
        if isinstance(max_origins, bool) or not isinstance(max_origins, int) or max_origins < 1:
            raise ValueError("max_origins must be a positive integer")
        self._max = max_origins
        self._nonces: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> str | None:
        """The nonce to send in a proof for ``url`` (any URL of the origin), or None."""
        return self._nonces.get(origin_of(url))

    def put(self, url: str, nonce: str) -> None:
        """Remember ``nonce`` for the origin of ``url``.

        :raises ValueError: ``nonce`` is not a valid ``DPoP-Nonce`` value.
        """
        if not isinstance(nonce, str) or _NONCE.fullmatch(nonce) is None:
            raise ValueError("not a valid DPoP nonce (RFC 9449 §8.1: 1*NQCHAR)")
        origin = origin_of(url)
        with self._lock:
            self._nonces.pop(origin, None)
            self._nonces[origin] = nonce
            while len(self._nonces) > self._max:
                del self._nonces[next(iter(self._nonces))]

    def update(self, url: str, response: requests.Response) -> str | None:
        """Remember the ``DPoP-Nonce`` of ``response`` (to a request for ``url``), if valid.

        :returns: the nonce the response carried, or None (none, or an invalid one).
        """
        nonce = response.headers.get(NONCE_HEADER)
        if nonce is None or _NONCE.fullmatch(nonce) is None:
            return None
        self.put(url, nonce)
        return nonce

    def forget(self, url: str) -> None:
        """Forget the nonce of the origin of ``url``."""
        with self._lock:
            self._nonces.pop(origin_of(url), None)

    def clear(self) -> None:
        """Forget every nonce."""
        with self._lock:
            self._nonces.clear()

    def __len__(self) -> int:
        return len(self._nonces)

    def __repr__(self) -> str:
        return f"DPoPNonceCache(origins={len(self._nonces)}, max_origins={self._max})"


DEFAULT_NONCE_CACHE: Final = DPoPNonceCache()
"""The process-wide cache of the keys made without ``nonces=``."""
