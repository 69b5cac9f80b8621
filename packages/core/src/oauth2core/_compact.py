"""The compact text form of serialized objects: JSON, deflated, base64url without padding."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

__all__ = ["pack", "unpack"]


def pack(value: Any) -> str:
    """``value`` (JSON-serializable) as compact text."""
    data = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).rstrip(b"=").decode()


def unpack(text: str) -> dict[str, Any]:
    """The JSON object packed in ``text``.

    :raises ValueError: ``text`` is not the packed form of a JSON object.
    """
    try:
        padded = text + "=" * (-len(text) % 4)
        value = json.loads(zlib.decompress(base64.urlsafe_b64decode(padded)))
    except (ValueError, zlib.error, TypeError, RecursionError) as err:
        raise ValueError("not a serialized object") from err
    if not isinstance(value, dict):
        raise ValueError("not a serialized object")
    return value
