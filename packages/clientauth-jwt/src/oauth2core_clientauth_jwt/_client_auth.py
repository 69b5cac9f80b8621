"""Client authentication with a JWT assertion: client_secret_jwt and private_key_jwt.

RFC 7523 §2.2 and §3, with the audience of draft-ietf-oauth-rfc7523bis: the AS issuer
identifier when the client knows it, as a single string.

The key is parsed and checked once, in the constructor; each request then gets a fresh
assertion (new ``iat``, ``exp`` and ``jti``) signed under a protected header encoded once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, MutableMapping
from typing import Any, ClassVar, Literal

from oauth2core import SYSTEM_CLOCK, BaseClientAuthenticationMethod, Clock
from oauth2core.hookspecs import FormData

from ._constants import CLIENT_ASSERTION_TYPE, CLIENT_AUTHENTICATION_JWT
from ._errors import InvalidClientAssertionSigningKeyOrAlg, InvalidKey
from ._jose import Jwk, JwtSigner, SigningKey, load_private_key, load_secret_key

__all__ = [
    "BaseClientAssertionAuthenticationMethod",
    "ClientSecretJwt",
    "PrivateKeyJwt",
]

Typ = Literal["auto"] | str | None
"""The ``typ`` setting: ``"auto"``, a ``typ`` value to always send, or None for none."""


def uuid4_jti() -> str:
    """The default ``jti``: a random UUID (122 random bits)."""
    return str(uuid.uuid4())


class BaseClientAssertionAuthenticationMethod(BaseClientAuthenticationMethod):
    """Base of the methods that authenticate the client with a signed JWT (RFC 7523 §2.2).

    Each request gets a new assertion with ``iss`` = ``sub`` = the client id, ``aud``,
    ``iat`` and ``exp`` from the clock, and a unique ``jti``; the form gets ``client_id``,
    ``client_assertion_type`` and ``client_assertion``.

    **Audience.** ``aud=`` when given; otherwise the issuer identifier of the authorization
    server when the client knows it (``OAuth2Client(..., issuer=...)`` or discovery), as
    draft-ietf-oauth-rfc7523bis requires; otherwise the URL of the endpoint being called
    (the token endpoint for token requests: RFC 7523 §3, and what requests_oauth2client 1.8
    does everywhere). Used with plain requests (``requests.post(url, data=form, auth=...)``),
    the issuer is unknown: the audience is ``aud`` or the request URL.

    **typ.** With ``typ="auto"`` (the default) the header carries
    ``typ: client-authentication+jwt`` exactly when the audience is the issuer: the draft
    says client authentication JWTs SHOULD be explicitly typed, the type signalling that
    they follow its audience rules, which an assertion for an endpoint URL does not. Pass a
    string to always send that ``typ``, or None to never send one (RFC 7523 and
    requests_oauth2client 1.8 send none).
    """

    def __init__(
        self,
        client_id: str,
        key: SigningKey,
        *,
        lifetime: int,
        jti_gen: Callable[[], str],
        aud: str | None,
        typ: Typ,
        clock: Clock,
    ) -> None:
        super().__init__(client_id)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
            raise ValueError("lifetime must be a positive number of seconds (an int)")
        if not callable(jti_gen):
            raise TypeError("jti_gen must be a callable returning a string")
        if aud is not None and (not isinstance(aud, str) or not aud):
            raise TypeError("aud must be a non-empty string")
        if typ is not None and (not isinstance(typ, str) or not typ):
            raise TypeError('typ must be "auto", a non-empty string, or None')
        self.lifetime = lifetime
        self.jti_gen = jti_gen
        self.aud = aud
        self.typ = typ
        self.clock = clock
        self._key = key
        self._untyped: JwtSigner = key.signer()
        self._typed: JwtSigner = key.signer(
            typ=CLIENT_AUTHENTICATION_JWT if typ in ("auto", None) else typ
        )

    @property
    def alg(self) -> str:
        """The signature algorithm of the assertions."""
        return self._key.alg

    def client_assertion(self, audience: str, *, issuer: str | None = None) -> str:
        """A new signed assertion for ``audience``.

        :param issuer: the authorization server's issuer, when known: with ``typ="auto"``,
            the assertion is typed when ``audience`` is that issuer.
        """
        if self.typ is None:
            signer = self._untyped
        elif self.typ != "auto" or (issuer is not None and audience == issuer):
            signer = self._typed
        else:
            signer = self._untyped
        jti = self.jti_gen()
        if not isinstance(jti, str) or not jti:
            raise TypeError("jti_gen must return a non-empty string")
        iat = int(self.clock.time())
        return signer(
            {
                "iss": self.client_id,
                "sub": self.client_id,
                "aud": audience,
                "iat": iat,
                "exp": iat + self.lifetime,
                "jti": jti,
            }
        )

    def apply(
        self,
        data: FormData,
        headers: MutableMapping[str, str | bytes],
        *,
        endpoint: str,
        issuer: str | None = None,
    ) -> None:
        """Add ``client_id``, ``client_assertion_type`` and a fresh ``client_assertion``."""
        audience = self.aud or issuer or endpoint
        if not audience:
            raise ValueError("no audience for the client assertion: pass aud=")
        data["client_id"] = self.client_id
        data["client_assertion_type"] = CLIENT_ASSERTION_TYPE
        data["client_assertion"] = self.client_assertion(audience, issuer=issuer)


def _checked(load: Callable[[], SigningKey]) -> SigningKey:
    """Run a key loader, reporting its failures as InvalidClientAssertionSigningKeyOrAlg."""
    try:
        return load()
    except InvalidKey as err:
        problem = err
    raise InvalidClientAssertionSigningKeyOrAlg(problem.code, str(problem)) from problem


class ClientSecretJwt(BaseClientAssertionAuthenticationMethod):
    """``client_secret_jwt``: an assertion signed with HMAC keyed by the client secret.

    The secret itself is never sent. See :class:`BaseClientAssertionAuthenticationMethod`
    for the audience and ``typ`` rules.

    :param client_id: the client id.
    :param client_secret: the client secret (its UTF-8 bytes are the HMAC key).
    :param lifetime: seconds from ``iat`` to ``exp``.
    :param alg: ``HS256``, ``HS384`` or ``HS512``.
    :param jti_gen: returns a unique ``jti`` per assertion.
    :param aud: a fixed audience instead of the issuer or endpoint URL.
    :param typ: ``"auto"``, a ``typ`` to always send, or None.
    :param clock: where ``iat`` comes from (``clock.time()``).
    :raises InvalidClientAssertionSigningKeyOrAlg: ``alg`` is not an HMAC algorithm, or the
        secret looks like a private key.
    """

    auth_method: ClassVar[str] = "client_secret_jwt"

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        lifetime: int = 60,
        alg: str = "HS256",
        jti_gen: Callable[[], str] = uuid4_jti,
        aud: str | None = None,
        *,
        typ: Typ = "auto",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not isinstance(client_secret, str) or not client_secret:
            raise TypeError("client_secret must be a non-empty string")
        key = _checked(lambda: load_secret_key(client_secret, alg=alg))
        super().__init__(
            client_id, key, lifetime=lifetime, jti_gen=jti_gen, aud=aud, typ=typ, clock=clock
        )
        self.client_secret = client_secret

    def __repr__(self) -> str:
        return (
            f"ClientSecretJwt(client_id={self.client_id!r}, alg={self.alg!r}, "
            "client_secret=<redacted>)"
        )


class PrivateKeyJwt(BaseClientAssertionAuthenticationMethod):
    """``private_key_jwt``: an assertion signed with the client's private key.

    See :class:`BaseClientAssertionAuthenticationMethod` for the audience and ``typ`` rules.
    The header carries ``alg`` and ``kid``.

    :param client_id: the client id.
    :param private_jwk: the private key: a JWK (dict, JSON or :class:`jwskate.Jwk`), a PEM
        (with ``password=`` when encrypted), a ``cryptography`` private key, or a
        :class:`SigningKey`. Public keys, symmetric keys and RSA keys under 2048 bits are
        refused.
    :param alg: the algorithm, when the key has no ``alg``; EC and OKP keys imply theirs,
        RSA keys need one.
    :param lifetime: seconds from ``iat`` to ``exp``.
    :param jti_gen: returns a unique ``jti`` per assertion.
    :param aud: a fixed audience instead of the issuer or endpoint URL.
    :param kid: the key id, when the key has none (default: its RFC 7638 thumbprint).
    :param typ: ``"auto"``, a ``typ`` to always send, or None.
    :param clock: where ``iat`` comes from (``clock.time()``).
    :param password: the password of an encrypted PEM.
    :raises InvalidClientAssertionSigningKeyOrAlg: the key or algorithm cannot sign
        assertions (``code`` says why).
    :raises UnsupportedKeyFormat: ``private_jwk`` is not a key at all.
    """

    auth_method: ClassVar[str] = "private_key_jwt"

    def __init__(
        self,
        client_id: str,
        private_jwk: Any,
        *,
        alg: str | None = None,
        lifetime: int = 60,
        jti_gen: Callable[[], str] = uuid4_jti,
        aud: str | None = None,
        kid: str | None = None,
        typ: Typ = "auto",
        clock: Clock = SYSTEM_CLOCK,
        password: str | bytes | None = None,
    ) -> None:
        key = _checked(lambda: load_private_key(private_jwk, alg=alg, kid=kid, password=password))
        super().__init__(
            client_id, key, lifetime=lifetime, jti_gen=jti_gen, aud=aud, typ=typ, clock=clock
        )

    @property
    def signing_key(self) -> SigningKey:
        """The loaded key."""
        return self._key

    @property
    def private_jwk(self) -> Jwk:
        """The private key as a :class:`jwskate.Jwk` (WARNING: never log it)."""
        return self._key.jwk

    @property
    def kid(self) -> str | None:
        """The ``kid`` sent in the assertion header."""
        return self._key.kid

    def __repr__(self) -> str:
        return (
            f"PrivateKeyJwt(client_id={self.client_id!r}, alg={self.alg!r}, kid={self.kid!r}, "
            "private_jwk=<redacted>)"
        )


def _publish() -> None:
    for cls in (BaseClientAssertionAuthenticationMethod, ClientSecretJwt, PrivateKeyJwt):
        cls.__module__ = "oauth2core_clientauth_jwt"


_publish()
