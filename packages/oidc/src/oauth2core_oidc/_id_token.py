"""ID tokens: the :class:`IdToken` type, their validation, and the token-response step."""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from oauth2core import SKIP_ID_TOKEN_VALIDATION, ConfigurationError

from ._errors import (
    ExpiredIdToken,
    IdTokenNotYetValid,
    InvalidIdToken,
    InvalidIdTokenEncryption,
    InvalidIdTokenSignature,
    JwtValidationError,
    MalformedIdToken,
    MismatchingIdTokenAcr,
    MismatchingIdTokenAlg,
    MismatchingIdTokenAtHash,
    MismatchingIdTokenAudience,
    MismatchingIdTokenAuthTime,
    MismatchingIdTokenAzp,
    MismatchingIdTokenCHash,
    MismatchingIdTokenIssuer,
    MismatchingIdTokenNonce,
    MismatchingIdTokenSHash,
    MismatchingRefreshedIdToken,
    MissingIdToken,
    MissingIdTokenClaim,
    UnknownIdTokenKey,
    ValidationCode,
)
from ._hashes import token_hash
from ._jws import (
    audiences,
    check_audience,
    check_issuer,
    check_timestamps,
    number_claim,
    parse_jws,
    rethrow,
    string_claim,
)

if TYPE_CHECKING:
    from oauth2core import AuthorizationResponse, OAuth2Client
    from oauth2core.hookspecs import TokenResponseContext

__all__ = ["IdToken", "id_token_step", "validate_id_token"]

REQUIRED_CLAIMS: Final = ("iss", "sub", "aud", "exp", "iat")
"""Claims every ID token has (OIDC Core §2)."""

HASH_CLAIMS: Final = frozenset({"at_hash", "c_hash", "s_hash"})

_BY_CODE: Final[Mapping[ValidationCode, type[InvalidIdToken]]] = {
    ValidationCode.MALFORMED: MalformedIdToken,
    ValidationCode.UNEXPECTED_ENCRYPTION: InvalidIdTokenEncryption,
    ValidationCode.ENCRYPTION_EXPECTED: InvalidIdTokenEncryption,
    ValidationCode.DECRYPTION_FAILED: InvalidIdTokenEncryption,
    ValidationCode.UNEXPECTED_ALG: MismatchingIdTokenAlg,
    ValidationCode.NO_MATCHING_KEY: UnknownIdTokenKey,
    ValidationCode.AMBIGUOUS_KEY: UnknownIdTokenKey,
    ValidationCode.BAD_SIGNATURE: InvalidIdTokenSignature,
}
_BY_CLAIM: Final[Mapping[str, type[InvalidIdToken]]] = {
    "iss": MismatchingIdTokenIssuer,
    "aud": MismatchingIdTokenAudience,
    "azp": MismatchingIdTokenAzp,
    "nonce": MismatchingIdTokenNonce,
    "acr": MismatchingIdTokenAcr,
    "auth_time": MismatchingIdTokenAuthTime,
    "at_hash": MismatchingIdTokenAtHash,
    "c_hash": MismatchingIdTokenCHash,
    "s_hash": MismatchingIdTokenSHash,
    "exp": ExpiredIdToken,
    "iat": IdTokenNotYetValid,
    "nbf": IdTokenNotYetValid,
}


def _id_token_error(error: JwtValidationError) -> type[InvalidIdToken]:
    """The InvalidIdToken subclass for a failed check."""
    by_code = _BY_CODE.get(error.code)
    if by_code is not None:
        return by_code
    if error.code == ValidationCode.MISSING_CLAIM and error.claim in REQUIRED_CLAIMS:
        return MissingIdTokenClaim
    return _BY_CLAIM.get(error.claim or "", InvalidIdToken)


def _datetime(value: float | None, name: str) -> datetime | None:
    return None if value is None else _from_timestamp(value, name)


def _from_timestamp(value: float, name: str) -> datetime:
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):  # past year 9999: which one, by platform
        raise MalformedIdToken(
            f"the {name} claim is out of the range of dates", claim=name
        ) from None


def _utf8(text: str) -> bytes:
    """``text`` as bytes to compare; a JSON string may hold a lone surrogate (an escaped D800)."""
    return text.encode("utf-8", "surrogatepass")


class IdToken(str):
    """An OpenID Connect ID token: the compact JWT (it *is* that string) and its claims.

    ``token.id_token`` is an ``IdToken`` once the oidc plugin validated it in the token
    response (``str(token.id_token)`` and ``token.id_token == "eyJ..."`` still give the
    compact JWT; for an encrypted ID token, the decrypted signed JWT). With
    ``id_token_validation=SKIP_ID_TOKEN_VALIDATION`` it stays a plain, unverified ``str``.

    ``IdToken(value)`` only parses: it verifies nothing; :func:`validate_id_token` does.
    Its ``repr`` shows the issuer and the algorithm, never the token.

    :raises MalformedIdToken: ``value`` is not a compact JWS with a JSON object payload.
    """

    _header: dict[str, Any]
    _claims: dict[str, Any]

    def __new__(cls, value: str) -> IdToken:
        try:
            jws = parse_jws(value)
        except JwtValidationError as err:
            rethrow(err, MalformedIdToken)
        self = super().__new__(cls, value)
        self._header = jws.header
        self._claims = jws.claims
        return self

    # ---------------------------------------------------------------- header

    @property
    def header(self) -> Mapping[str, Any]:
        """The JWS protected header (read-only)."""
        return MappingProxyType(self._header)

    @property
    def alg(self) -> str:
        """The signature algorithm."""
        return str(self._header["alg"])

    @property
    def kid(self) -> str | None:
        """The ``kid`` of the signing key, or None."""
        kid = self._header.get("kid")
        return kid if isinstance(kid, str) else None

    # ---------------------------------------------------------------- claims

    @property
    def claims(self) -> Mapping[str, Any]:
        """Every claim (read-only)."""
        return MappingProxyType(self._claims)

    def get(self, name: str, default: Any = None) -> Any:
        """The claim ``name``, or ``default``."""
        return self._claims.get(name, default)

    def _string(self, name: str, *, required: bool = False) -> str | None:
        try:
            return string_claim(self._claims, name, required=required)
        except JwtValidationError as err:
            rethrow(err, _id_token_error(err))

    def _number(self, name: str, *, required: bool = False) -> float | None:
        try:
            return number_claim(self._claims, name, required=required)
        except JwtValidationError as err:
            rethrow(err, _id_token_error(err))

    def _instant(self, name: str) -> datetime:
        value = self._number(name, required=True)
        return _from_timestamp(value if value is not None else 0.0, name)

    @property
    def issuer(self) -> str:
        """``iss``: the issuer."""
        return str(self._string("iss", required=True))

    @property
    def subject(self) -> str:
        """``sub``: the end user's identifier at the issuer."""
        return str(self._string("sub", required=True))

    @property
    def audiences(self) -> tuple[str, ...]:
        """``aud`` as a tuple, even when it is a single string."""
        try:
            return audiences(self._claims)
        except JwtValidationError as err:
            rethrow(err, _id_token_error(err))

    @property
    def authorized_party(self) -> str | None:
        """``azp``: the party the token was issued to, or None."""
        return self._string("azp")

    @property
    def nonce(self) -> str | None:
        """``nonce``, or None."""
        return self._string("nonce")

    @property
    def acr(self) -> str | None:
        """``acr``: the authentication context class reference, or None."""
        return self._string("acr")

    @property
    def amr(self) -> tuple[str, ...] | None:
        """``amr``: the authentication methods references, or None."""
        value = self._claims.get("amr")
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MalformedIdToken("the amr claim is not a list of strings", claim="amr")
        return tuple(value)

    @property
    def sid(self) -> str | None:
        """``sid``: the session id, or None."""
        return self._string("sid")

    @property
    def at_hash(self) -> str | None:
        """``at_hash``, or None."""
        return self._string("at_hash")

    @property
    def c_hash(self) -> str | None:
        """``c_hash``, or None."""
        return self._string("c_hash")

    @property
    def s_hash(self) -> str | None:
        """``s_hash``, or None."""
        return self._string("s_hash")

    @property
    def auth_time(self) -> int | None:
        """``auth_time`` in seconds since the epoch, or None."""
        value = self._number("auth_time")
        return None if value is None else int(value)

    @property
    def auth_datetime(self) -> datetime | None:
        """``auth_time`` as an aware datetime, or None."""
        return _datetime(self._number("auth_time"), "auth_time")

    @property
    def issued_at(self) -> datetime:
        """``iat`` as an aware datetime."""
        return self._instant("iat")

    @property
    def expires_at(self) -> datetime:
        """``exp`` as an aware datetime."""
        return self._instant("exp")

    @property
    def not_before(self) -> datetime | None:
        """``nbf`` as an aware datetime, or None."""
        return _datetime(self._number("nbf"), "nbf")

    def __repr__(self) -> str:
        iss = self._claims.get("iss")
        return f"IdToken(iss={iss!r}, alg={self._header.get('alg')!r}, kid={self.kid!r})"


# -------------------------------------------------------------------------------- validation


def _space_separated(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value)


def _check_nonce(claims: Mapping[str, Any], nonce: str) -> None:
    received = string_claim(claims, "nonce")
    if received is None:
        raise JwtValidationError(
            "the ID token has no nonce, and one was sent",
            code=ValidationCode.MISSING_CLAIM,
            claim="nonce",
            expected=nonce,
        )
    if not hmac.compare_digest(_utf8(received), _utf8(nonce)):
        raise JwtValidationError(
            "the ID token nonce is not the one sent",
            code=ValidationCode.CLAIM_MISMATCH,
            claim="nonce",
            expected=nonce,
            received=received,
        )


def _check_azp(claims: Mapping[str, Any], found: tuple[str, ...], client_id: str) -> None:
    azp = string_claim(claims, "azp")
    if azp is None and len(found) > 1:  # OIDC Core §3.1.3.7 step 4 (and FAPI: required)
        raise JwtValidationError(
            "the ID token has several audiences and no azp",
            code=ValidationCode.MISSING_CLAIM,
            claim="azp",
            expected=client_id,
        )
    if azp is not None and azp != client_id:
        raise JwtValidationError(
            "the ID token azp is not the client_id",
            code=ValidationCode.CLAIM_MISMATCH,
            claim="azp",
            expected=client_id,
            received=azp,
        )


def _check_hash(
    claims: Mapping[str, Any],
    name: str,
    value: str | None,
    alg: str,
    crv: str | None,
    *,
    required: bool,
) -> None:
    received = string_claim(claims, name)
    if received is None:
        if required:
            raise JwtValidationError(
                f"the ID token has no {name}",
                code=ValidationCode.MISSING_CLAIM,
                claim=name,
            )
        return
    if value is None:
        return  # nothing to compare it with (the caller did not give the value)
    expected = token_hash(value, alg, crv)
    if not hmac.compare_digest(_utf8(received), _utf8(expected)):
        raise JwtValidationError(
            f"the ID token {name} does not match",
            code=ValidationCode.CLAIM_MISMATCH,
            claim=name,
            expected=expected,
            received=received,
        )


def _check_auth_time(
    claims: Mapping[str, Any], max_age: int | None, now: float, skew: float
) -> None:
    auth_time = number_claim(claims, "auth_time")
    if max_age is None:
        return
    if auth_time is None:
        raise JwtValidationError(
            "max_age was requested and the ID token has no auth_time",
            code=ValidationCode.MISSING_CLAIM,
            claim="auth_time",
        )
    if auth_time + max_age + skew < now:
        raise JwtValidationError(
            "the end user authenticated longer ago than max_age",
            code=ValidationCode.TIMESTAMP_CHECK,
            claim="auth_time",
            expected=f"at least {int(now - max_age - skew)}",
            received=claims["auth_time"],
        )


def _check_acr(claims: Mapping[str, Any], acr_values: tuple[str, ...]) -> None:
    if not acr_values:
        return
    acr = string_claim(claims, "acr")
    if acr is None or acr not in acr_values:
        raise JwtValidationError(
            "the ID token acr is not one of the requested acr_values",
            code=ValidationCode.MISSING_CLAIM if acr is None else ValidationCode.CLAIM_MISMATCH,
            claim="acr",
            expected=list(acr_values),
            received=acr,
        )


def _audience_set(value: object) -> object:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(value)
    return value


def _check_refreshed(claims: Mapping[str, Any], previous: str) -> None:
    """OIDC Core §12.2: the same iss, sub, aud (and azp, auth_time when present)."""
    try:
        original = IdToken(previous).claims
    except MalformedIdToken:
        raise MismatchingRefreshedIdToken(
            "the original ID token of the refreshed token cannot be read",
            code=ValidationCode.MALFORMED,
        ) from None
    for name in ("iss", "sub", "aud", "azp", "auth_time"):
        before, after = original.get(name), claims.get(name)
        if name == "aud":  # the same audiences, as a string or a list
            before, after = _audience_set(before), _audience_set(after)
        if name in ("azp", "auth_time") and (before is None or after is None):
            continue
        if before != after:
            raise MismatchingRefreshedIdToken(
                f"the refreshed ID token's {name} differs from the original's (OIDC Core §12.2)",
                code=ValidationCode.CLAIM_MISMATCH,
                claim=name,
                expected=before,
                received=after,
            )
    nonce = claims.get("nonce")
    if nonce is not None and nonce != original.get("nonce"):
        raise MismatchingRefreshedIdToken(
            "the refreshed ID token carries a nonce other than the original's",
            code=ValidationCode.CLAIM_MISMATCH,
            claim="nonce",
            expected=original.get("nonce"),
            received=nonce,
        )


def _expected_issuers(
    client: OAuth2Client, issuer: str | None, previous: str | None
) -> tuple[str, ...]:
    found = [i for i in (issuer, client.issuer) if i is not None]
    if not found and previous is not None:
        found.append(IdToken(previous).issuer)
    if not found:
        raise ConfigurationError(
            "validating an ID token needs the issuer: build the client with issuer= "
            "(or from its discovery document)"
        )
    return tuple(dict.fromkeys(found))


def validate_id_token(
    id_token: str,
    client: OAuth2Client,
    *,
    authorization_response: AuthorizationResponse | None = None,
    issuer: str | None = None,
    nonce: str | None = None,
    max_age: int | None = None,
    acr_values: str | Iterable[str] | None = None,
    access_token: str | None = None,
    code: str | None = None,
    state: str | None = None,
    previous: str | None = None,
    require_hashes: Iterable[str] = (),
) -> IdToken:
    """Validate an ID token as OIDC Core §3.1.3.7 says; return it as an :class:`IdToken`.

    What the code exchange does for you; call it for ID tokens obtained otherwise.

    1. Decrypt it when the client registered ``id_token_encrypted_response_alg`` (with
       ``decryption_keys=``); an encrypted token is refused otherwise, and the reverse.
    2. The ``alg`` must be allowed by ``id_token_signed_response_alg`` (default ``RS256``;
       ``none`` never); HS256/384/512 are verified with the client secret only, every other
       algorithm with the server's keys (``authorization_server_jwks``, ``jwks_uri`` or the
       discovered one; refreshed once on an unknown ``kid``).
    3. ``iss``, ``sub``, ``aud``, ``exp`` and ``iat`` must be present; ``iss`` equal to the
       issuer (``issuer``, else the authorization response's, and the client's);
       ``aud`` must contain the client_id; with several audiences, ``azp`` must be present;
       a present ``azp`` must be the client_id.
    4. ``exp`` not passed, ``iat`` and ``nbf`` not in the future, with ``clock_skew``
       seconds (default 30) on the client's clock.
    5. ``nonce`` equal to the one sent; ``auth_time`` present and within ``max_age`` when
       asked; ``acr`` among the requested ``acr_values``.
    6. ``at_hash``, ``c_hash``, ``s_hash`` checked against the access token, code and
       state when present (required when named in ``require_hashes``).
    7. With ``previous`` (refresh, OIDC Core §12.2): the same ``iss``, ``sub``, ``aud``, and
       ``azp``/``auth_time`` when both have them; a ``nonce`` only if it is the original's.

    :param authorization_response: what the callback gave: its issuer, nonce, max_age,
        acr_values, code and state are the defaults of the parameters below.
    :raises InvalidIdToken: a subclass per failed check, with ``code``, ``claim``,
        ``expected`` and ``received``.
    :raises ConfigurationError: the client lacks what validation needs (an issuer, keys,
        a client_id, decryption keys).
    """
    from ._settings import clock_skew, expected_client_id
    from ._verify import verify_signed

    if authorization_response is not None:
        ar = authorization_response
        issuer = issuer if issuer is not None else ar.issuer
        nonce = nonce if nonce is not None else ar.nonce
        max_age = max_age if max_age is not None else ar.max_age
        acr_values = acr_values if acr_values is not None else ar.acr_values
        code = code if code is not None else ar.code
        state = state if state is not None else ar.state
    required_hashes = frozenset(require_hashes)
    if not required_hashes <= HASH_CLAIMS:
        raise ValueError(f"require_hashes may only name {sorted(HASH_CLAIMS)}")
    if not isinstance(id_token, str):
        raise TypeError("id_token must be a string")
    issuers = _expected_issuers(client, issuer, previous)
    client_id = expected_client_id(client)
    try:
        jws, crv = verify_signed(str(id_token), client, "id_token")
        claims = jws.claims
        for name in REQUIRED_CLAIMS:
            if claims.get(name) is None:
                raise JwtValidationError(
                    f"the ID token has no {name}", code=ValidationCode.MISSING_CLAIM, claim=name
                )
        string_claim(claims, "sub", required=True)
        check_issuer(claims, issuers, required=True)
        found = check_audience(claims, client_id, required=True)
        _check_azp(claims, found, client_id)
        now = client.clock.time()
        skew = clock_skew(client)
        check_timestamps(claims, now, skew, require_exp=True, require_iat=True)
        if nonce is not None:
            _check_nonce(claims, nonce)
        _check_acr(claims, _space_separated(acr_values))
        _check_auth_time(claims, max_age, now, skew)
        for name, value in (("at_hash", access_token), ("c_hash", code), ("s_hash", state)):
            _check_hash(claims, name, value, jws.alg, crv, required=name in required_hashes)
    except JwtValidationError as err:
        rethrow(err, _id_token_error(err))
    if previous is not None:
        _check_refreshed(claims, str(previous))
    return IdToken(jws.compact)


# -------------------------------------------------------------------------------- the step


def id_token_step(token: Any, context: TokenResponseContext) -> Any:
    """The token-response step: validate the ``id_token`` of any token type, in context.

    ``token.id_token`` becomes the validated :class:`IdToken`. With
    ``id_token_validation=SKIP_ID_TOKEN_VALIDATION`` nothing is checked and the ID token
    stays an unverified string. An OpenID code exchange (its authorization request had a
    nonce) without an ID token raises :class:`MissingIdToken`.
    """
    if context.id_token_validation is SKIP_ID_TOKEN_VALIDATION:
        return token
    id_token = getattr(token, "id_token", None)
    ar = context.authorization_response if context.grant_type == "authorization_code" else None
    if id_token is None:
        if ar is not None and getattr(ar, "nonce", None) is not None:
            raise MissingIdToken(
                "the token response of this OpenID code exchange has no id_token",
                code=ValidationCode.MISSING_ID_TOKEN,
                claim="id_token",
            )
        return token
    if not isinstance(id_token, str):
        raise MalformedIdToken("the id_token is not a string", claim="id_token")
    previous = getattr(context.previous_token, "id_token", None)
    code = context.data.get("code") if ar is None else None
    access_token = getattr(token, "access_token", None)
    token.id_token = validate_id_token(
        id_token,
        context.client,
        authorization_response=ar,
        access_token=access_token if isinstance(access_token, str) else None,
        code=code if isinstance(code, str) else None,
        previous=previous if isinstance(previous, str) else None,
    )
    return token


IdToken.__module__ = "oauth2core_oidc"  # shown as the public package in reprs and tracebacks
