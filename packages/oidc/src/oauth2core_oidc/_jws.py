"""Compact JWS parsing and the claim checks every JWT of this package goes through.

Parsing uses the standard library only; signatures are verified with the keys of
``oauth2core_clientauth_jwt``. Every failure raises the base :class:`JwtValidationError`,
which each validator re-raises as its own class (``InvalidIdToken``...).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ._errors import JwtValidationError, ValidationCode

__all__ = [
    "Jws",
    "b64url_decode",
    "b64url_encode",
    "check_audience",
    "check_issuer",
    "check_timestamps",
    "is_jwe",
    "parse_jws",
    "rethrow",
    "string_claim",
]

MAX_JWT_SIZE = 512 * 1024
"""Longer JWTs are refused before any parsing (bytes)."""

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; raise ValueError on anything else."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:
        raise ValueError("not base64url") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError("duplicate member")  # RFC 7515 §5.2: refuse, do not pick one
        result[name] = value
    return result


def _json_object(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(part), object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise JwtValidationError(f"the JWT {what} is not a base64url-encoded JSON object")
    return value


def is_jwe(value: str) -> bool:
    """Whether ``value`` has the five parts of a compact JWE (a JWS has three)."""
    return value.count(".") == 4


@dataclass(frozen=True, slots=True)
class Jws:
    """A parsed compact JWS: its protected header and claims, not yet verified."""

    # the repr shows the header only: the rest is an ID token, or a JARM code in the claims
    compact: str = field(repr=False)
    header: dict[str, Any]
    claims: dict[str, Any] = field(repr=False)
    signing_input: bytes = field(repr=False)
    signature: bytes = field(repr=False)

    @property
    def alg(self) -> Any:
        """The ``alg`` header, as received."""
        return self.header.get("alg")

    @property
    def kid(self) -> str | None:
        """The ``kid`` header, or None."""
        kid = self.header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise JwtValidationError("the JWT kid header is not a string", claim="kid")
        return kid


def parse_jws(value: object) -> Jws:
    """Parse a compact JWS whose payload is a JSON object (a JWT); nothing is verified.

    :raises JwtValidationError: (``malformed``) anything else.
    """
    if not isinstance(value, str):
        raise JwtValidationError(f"a JWT must be a string, not {type(value).__name__}")
    if len(value) > MAX_JWT_SIZE:
        raise JwtValidationError("the JWT is too large")
    parts = value.split(".")
    if len(parts) != 3:
        raise JwtValidationError("the value is not a compact JWS (three base64url parts)")
    header = _json_object(parts[0], "header")
    claims = _json_object(parts[1], "payload")
    try:
        signature = b64url_decode(parts[2])
    except ValueError:
        raise JwtValidationError("the JWT signature is not base64url") from None
    if "crit" in header:  # RFC 7515 §4.1.11: no extension is understood here
        raise JwtValidationError("the JWT has critical header members", claim="crit")
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise JwtValidationError("the JWT has no alg header", claim="alg")
    return Jws(value, header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def rethrow(error: JwtValidationError, cls: type[JwtValidationError]) -> NoReturn:
    """Raise ``error`` again as an instance of ``cls``, with the same fields."""
    if isinstance(error, cls):
        raise error
    raise cls(
        str(error),
        code=error.code,
        claim=error.claim,
        expected=error.expected,
        received=error.received,
    ) from None


def string_claim(claims: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    """The string claim ``name``, None when absent (or MISSING_CLAIM when required)."""
    value = claims.get(name)
    if value is None:
        if required:
            raise JwtValidationError(
                f"the {name} claim is missing", code=ValidationCode.MISSING_CLAIM, claim=name
            )
        return None
    if not isinstance(value, str):
        raise JwtValidationError(f"the {name} claim is not a string", claim=name)
    return value


def number_claim(claims: Mapping[str, Any], name: str, *, required: bool = False) -> float | None:
    """The numeric claim ``name`` (a NumericDate), None when absent."""
    value = claims.get(name)
    if value is None:
        if required:
            raise JwtValidationError(
                f"the {name} claim is missing", code=ValidationCode.MISSING_CLAIM, claim=name
            )
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JwtValidationError(f"the {name} claim is not a number", claim=name)
    try:
        number = float(value)
    except OverflowError:  # an int past the float range
        number = math.inf
    if not math.isfinite(number):  # RFC 8259 §6: no NaN or Infinity; never a date
        raise JwtValidationError(f"the {name} claim is not a finite number", claim=name)
    return number


def audiences(claims: Mapping[str, Any], *, required: bool = True) -> tuple[str, ...]:
    """The ``aud`` claim as a tuple of strings."""
    value = claims.get("aud")
    if value is None:
        if required:
            raise JwtValidationError(
                "the aud claim is missing", code=ValidationCode.MISSING_CLAIM, claim="aud"
            )
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(a, str) for a in value):
        return tuple(value)
    raise JwtValidationError("the aud claim is not a string or a list of strings", claim="aud")


def check_issuer(claims: Mapping[str, Any], expected: Iterable[str], *, required: bool) -> None:
    """``iss`` must equal every expected issuer (the request's and the client's)."""
    iss = string_claim(claims, "iss", required=required)
    if iss is None:
        return
    for issuer in expected:
        if iss != issuer:
            raise JwtValidationError(
                "the iss claim is not the expected issuer",
                code=ValidationCode.CLAIM_MISMATCH,
                claim="iss",
                expected=issuer,
                received=iss,
            )


def check_audience(claims: Mapping[str, Any], client_id: str, *, required: bool) -> tuple[str, ...]:
    """``aud`` must contain ``client_id``; returns the audiences."""
    found = audiences(claims, required=required)
    if found and client_id not in found:
        raise JwtValidationError(
            "the aud claim does not contain the client_id",
            code=ValidationCode.CLAIM_MISMATCH,
            claim="aud",
            expected=client_id,
            received=list(found),
        )
    return found


def check_timestamps(
    claims: Mapping[str, Any],
    now: float,
    skew: float,
    *,
    require_exp: bool,
    require_iat: bool,
) -> None:
    """``exp`` not passed, ``iat`` and ``nbf`` not in the future, each with ``skew`` seconds."""
    exp = number_claim(claims, "exp", required=require_exp)
    iat = number_claim(claims, "iat", required=require_iat)
    nbf = number_claim(claims, "nbf")
    if exp is not None and now - skew >= exp:
        raise JwtValidationError(
            "the JWT has expired (exp)",
            code=ValidationCode.TIMESTAMP_CHECK,
            claim="exp",
            expected=f"after {int(now - skew)}",
            received=claims["exp"],
        )
    if iat is not None and iat > now + skew:
        raise JwtValidationError(
            "the JWT is issued in the future (iat)",
            code=ValidationCode.TIMESTAMP_CHECK,
            claim="iat",
            expected=f"at most {int(now + skew)}",
            received=claims["iat"],
        )
    if nbf is not None and nbf > now + skew:
        raise JwtValidationError(
            "the JWT is not valid yet (nbf)",
            code=ValidationCode.TIMESTAMP_CHECK,
            claim="nbf",
            expected=f"at most {int(now + skew)}",
            received=claims["nbf"],
        )


def check_typ(jws: Jws, allowed: Collection[str] | None) -> None:
    """The ``typ`` header, compared case-insensitively without ``application/`` (RFC 7515)."""
    if allowed is None:
        return
    typ = jws.header.get("typ")
    normalized = typ.lower().removeprefix("application/") if isinstance(typ, str) else None
    if normalized not in {a.lower() for a in allowed}:
        raise JwtValidationError(
            "the JWT typ header is not the expected one",
            code=ValidationCode.UNEXPECTED_TYP,
            claim="typ",
            expected=sorted(allowed),
            received=typ,
        )
