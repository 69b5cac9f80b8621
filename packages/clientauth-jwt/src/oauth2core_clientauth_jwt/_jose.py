"""Key handling and JWS signing: the one module that uses the JOSE libraries.

jwskate parses keys (JWK, PEM through cryptography, cryptography key objects) and computes
RFC 7638 thumbprints; this module checks what the key may be used for, once, and then signs
with the ``cryptography`` key object jwskate loaded, directly, behind a protected header
encoded once. (jwskate's generic ``Jwt.sign`` costs about three times as much per signature.)

Nothing here ever puts key material in a message or a ``repr``, and errors raised by the
libraries (whose arguments may hold the key) are never chained.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, final

import jwskate
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa, utils
from jwskate import Jwk, SignedJwt

from ._coerce import looks_like_key
from ._errors import (
    InvalidAlg,
    InvalidJwe,
    InvalidKey,
    JweErrorCode,
    KeyErrorCode,
    UnsuitableKey,
    UnsupportedKeyFormat,
    WeakKey,
)

__all__ = [
    "CONTENT_ENCRYPTION_ALGS",
    "KEY_MANAGEMENT_ALGS",
    "MIN_RSA_KEY_SIZE",
    "SIGNATURE_ALGS",
    "DecryptionKey",
    "Jwk",
    "JwtSigner",
    "SignedJwt",
    "SigningKey",
    "VerificationKey",
    "b64url",
    "decrypt_jwe",
    "encrypt_jwe",
    "generate_private_key",
    "load_decryption_key",
    "load_private_key",
    "load_public_key",
    "load_secret_key",
]

MIN_RSA_KEY_SIZE: Final = 2048
"""RSA keys under this size (in bits) are refused."""


def b64url(data: bytes) -> bytes:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


# ------------------------------------------------------------------------------------------
# Algorithms


@dataclass(frozen=True, slots=True)
class _Alg:
    name: str
    kty: str
    hash_name: str = ""
    curves: frozenset[str] = frozenset()
    pss: bool = False
    size: int = 0
    """EC: the size in bytes of each of r and s in the JWS signature (RFC 7518 §3.4)."""

    def hash(self) -> hashes.HashAlgorithm:
        return _HASHES[self.hash_name]()


_HASHES: Final[Mapping[str, Callable[[], hashes.HashAlgorithm]]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

_ALGS: Final[Mapping[str, _Alg]] = {
    alg.name: alg
    for alg in (
        _Alg("HS256", "oct", "sha256"),
        _Alg("HS384", "oct", "sha384"),
        _Alg("HS512", "oct", "sha512"),
        _Alg("RS256", "RSA", "sha256"),
        _Alg("RS384", "RSA", "sha384"),
        _Alg("RS512", "RSA", "sha512"),
        _Alg("PS256", "RSA", "sha256", pss=True),
        _Alg("PS384", "RSA", "sha384", pss=True),
        _Alg("PS512", "RSA", "sha512", pss=True),
        _Alg("ES256", "EC", "sha256", frozenset({"P-256"}), size=32),
        _Alg("ES384", "EC", "sha384", frozenset({"P-384"}), size=48),
        _Alg("ES512", "EC", "sha512", frozenset({"P-521"}), size=66),
        _Alg("ES256K", "EC", "sha256", frozenset({"secp256k1"}), size=32),
        _Alg("EdDSA", "OKP", curves=frozenset({"Ed25519", "Ed448"})),
        _Alg("Ed25519", "OKP", curves=frozenset({"Ed25519"})),  # RFC 9864 fully specified
        _Alg("Ed448", "OKP", curves=frozenset({"Ed448"})),
    )
}

SIGNATURE_ALGS: Final[frozenset[str]] = frozenset(_ALGS)
"""The JWS algorithms supported for signing and verifying."""

_CURVE_ALGS: Final[Mapping[str, str]] = {
    "P-256": "ES256",
    "P-384": "ES384",
    "P-521": "ES512",
    "secp256k1": "ES256K",
    "Ed25519": "EdDSA",
    "Ed448": "EdDSA",
}
"""The algorithm implied by a curve, when the key and the caller name none."""

_SAFE_TEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+.")


def _shown(value: object) -> str:
    """A short, safe rendering of a non-secret value (an alg, a kty) for a message."""
    if isinstance(value, str) and len(value) <= 32 and set(value) <= _SAFE_TEXT:
        return repr(value)
    return "an unexpected string" if isinstance(value, str) else f"a {type(value).__name__} value"


_Signer = Callable[[bytes], bytes]
_Verifier = Callable[[bytes, bytes], bool]


def _asymmetric_signer(alg: _Alg, key: Any) -> _Signer:
    if alg.kty == "RSA":
        hash_ = alg.hash()
        pad: padding.AsymmetricPadding = (
            padding.PSS(mgf=padding.MGF1(hash_), salt_length=hash_.digest_size)
            if alg.pss
            else padding.PKCS1v15()
        )
        rsa_key: rsa.RSAPrivateKey = key

        def sign_rsa(data: bytes) -> bytes:
            return rsa_key.sign(data, pad, hash_)

        return sign_rsa
    if alg.kty == "EC":
        ecdsa = ec.ECDSA(alg.hash())
        size = alg.size
        ec_key: ec.EllipticCurvePrivateKey = key

        def sign_ec(data: bytes) -> bytes:
            r, s = utils.decode_dss_signature(ec_key.sign(data, ecdsa))
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")

        return sign_ec
    ed_key: ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey = key
    return ed_key.sign


def _asymmetric_verifier(alg: _Alg, key: Any) -> _Verifier:
    if alg.kty == "RSA":
        hash_ = alg.hash()
        pad: padding.AsymmetricPadding = (
            padding.PSS(mgf=padding.MGF1(hash_), salt_length=hash_.digest_size)
            if alg.pss
            else padding.PKCS1v15()
        )
        rsa_key: rsa.RSAPublicKey = key

        def verify_rsa(data: bytes, signature: bytes) -> bool:
            try:
                rsa_key.verify(signature, data, pad, hash_)
            except InvalidSignature:
                return False
            return True

        return verify_rsa
    if alg.kty == "EC":
        ecdsa = ec.ECDSA(alg.hash())
        size = alg.size
        ec_key: ec.EllipticCurvePublicKey = key

        def verify_ec(data: bytes, signature: bytes) -> bool:
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            try:
                ec_key.verify(utils.encode_dss_signature(r, s), data, ecdsa)
            except InvalidSignature:
                return False
            return True

        return verify_ec
    ed_key: ed25519.Ed25519PublicKey | ed448.Ed448PublicKey = key

    def verify_ed(data: bytes, signature: bytes) -> bool:
        try:
            ed_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    return verify_ed


# ------------------------------------------------------------------------------------------
# Loading


def _parse_dict(value: Mapping[str, Any]) -> Jwk:
    kty = value.get("kty")
    jwk: Jwk | None
    try:
        jwk = Jwk(dict(value))
    except Exception:  # the library's error may hold the key: never chain it
        jwk = None
    if jwk is not None:
        return jwk
    raise InvalidKey(KeyErrorCode.MALFORMED_KEY, f"the JWK (kty {_shown(kty)}) cannot be loaded")


def _parse_pem(data: bytes, password: bytes | str | None) -> Jwk:
    secret = password.encode() if isinstance(password, str) else password
    key: Any
    if b"PRIVATE KEY-----" in data:
        problem: InvalidKey | None = None
        try:
            key = serialization.load_pem_private_key(data, secret)
        except TypeError:
            problem = InvalidKey(
                KeyErrorCode.PEM_PASSWORD,
                "the PEM private key is encrypted: pass its password="
                if secret is None
                else "the PEM private key is not encrypted: do not pass password=",
            )
        except (ValueError, UnsupportedAlgorithm):
            problem = InvalidKey(
                KeyErrorCode.PEM_PASSWORD if secret is not None else KeyErrorCode.MALFORMED_KEY,
                "the PEM private key cannot be decrypted (wrong password?) or parsed"
                if secret is not None
                else "the PEM private key cannot be parsed",
            )
        if problem is not None:
            raise problem
    elif b"PUBLIC KEY-----" in data:
        if secret is not None:
            raise InvalidKey(
                KeyErrorCode.PEM_PASSWORD, "a PEM public key is never encrypted: drop password="
            )
        try:
            key = serialization.load_pem_public_key(data)
        except (ValueError, UnsupportedAlgorithm):
            key = None
        if key is None:
            raise InvalidKey(KeyErrorCode.MALFORMED_KEY, "the PEM public key cannot be parsed")
    else:
        raise InvalidKey(
            KeyErrorCode.MALFORMED_KEY, "the PEM holds neither a private nor a public key"
        )
    return _from_cryptography(key)


def _from_cryptography(key: object) -> Jwk:
    jwk: Jwk | None
    try:
        jwk = jwskate.Jwk.from_cryptography_key(key)
    except Exception:  # never chain: the error may hold the key
        jwk = None
    if jwk is not None:
        return jwk
    raise InvalidKey(KeyErrorCode.MALFORMED_KEY, f"unsupported key type {type(key).__name__}")


def _is_cryptography_key(value: object) -> bool:
    """Whether ``value`` comes from cryptography (jwskate then tells whether it is a usable key)."""
    return type(value).__module__.startswith("cryptography.")


def _to_jwk(key: object, password: bytes | str | None) -> Jwk:
    """Parse any supported key shape; no usage check yet."""
    if password is not None and not isinstance(password, str | bytes):
        raise TypeError("password must be a string or bytes")
    if isinstance(key, str | bytes):
        data = key.encode() if isinstance(key, str) else key
        data = data.strip()
        if data.startswith(b"-----BEGIN"):
            return _parse_pem(data, password)
        if password is not None:
            raise InvalidKey(KeyErrorCode.PEM_PASSWORD, "password= applies to PEM keys only")
        if data.startswith(b"{"):
            try:
                parsed = json.loads(data)
            except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
                parsed = None
            if isinstance(parsed, dict):
                return _parse_dict(parsed)
            raise InvalidKey(KeyErrorCode.MALFORMED_KEY, "the JSON JWK cannot be parsed")
        raise InvalidKey(
            KeyErrorCode.MALFORMED_KEY, "a key given as text must be a PEM or a JSON JWK"
        )
    if password is not None:
        raise InvalidKey(KeyErrorCode.PEM_PASSWORD, "password= applies to PEM keys only")
    if isinstance(key, Jwk):
        return key
    if isinstance(key, Mapping):
        return _parse_dict(key)
    if _is_cryptography_key(key):
        return _from_cryptography(key)
    raise UnsupportedKeyFormat(
        "a key must be a JWK (dict, JSON or jwskate.Jwk), a PEM or a cryptography key object, "
        f"not {type(key).__name__}"
    )


def _check_use(jwk: Jwk, operation: str) -> None:
    use = jwk.get("use")
    if use is not None and use != "sig":
        raise UnsuitableKey(
            KeyErrorCode.KEY_USE,
            f"the JWK's use is {_shown(use)}, not 'sig': it cannot {operation}",
        )
    key_ops = jwk.get("key_ops")
    if key_ops is not None and operation not in key_ops:
        raise UnsuitableKey(KeyErrorCode.KEY_USE, f"the JWK's key_ops do not allow {operation!r}")


def _check_strength(jwk: Jwk) -> None:
    if jwk.kty == "RSA":
        size = int(jwk.cryptography_key.key_size)
        if size < MIN_RSA_KEY_SIZE:
            raise WeakKey(
                KeyErrorCode.WEAK_KEY,
                f"RSA keys must have at least {MIN_RSA_KEY_SIZE} bits, this one has {size}",
            )


def _choose_alg(jwk: Jwk, alg: str | None) -> _Alg:
    if alg is not None and not isinstance(alg, str):
        raise TypeError("alg must be a string")
    key_alg = jwk.get("alg")
    if key_alg is not None and not isinstance(key_alg, str):
        raise InvalidKey(KeyErrorCode.MALFORMED_KEY, "the JWK's alg is not a string")
    if alg is not None and key_alg is not None and alg != key_alg:
        raise InvalidAlg(
            KeyErrorCode.ALG_MISMATCH,
            f"alg {_shown(alg)} differs from the key's alg {_shown(key_alg)}",
        )
    kty: str = jwk.kty
    crv = jwk.get("crv")
    name = alg or key_alg
    if name is None:
        if kty in ("EC", "OKP") and crv not in _CURVE_ALGS:
            raise UnsuitableKey(
                KeyErrorCode.KEY_USE, f"a {kty} key on curve {_shown(crv)} cannot sign"
            )
        name = _CURVE_ALGS.get(crv) if isinstance(crv, str) else None
        if name is None:
            raise InvalidAlg(
                KeyErrorCode.MISSING_ALG,
                f"a {kty} key does not imply an algorithm: pass alg= (RS256, PS256...)",
            )
    entry = _ALGS.get(name)
    if entry is None:
        raise InvalidAlg(
            KeyErrorCode.UNSUPPORTED_ALG,
            f"alg {_shown(name)} is not a supported signature algorithm "
            f"(one of {', '.join(sorted(SIGNATURE_ALGS))})",
        )
    if entry.kty != kty or (entry.curves and crv not in entry.curves):
        on_curve = f" on curve {_shown(crv)}" if crv is not None else ""
        raise InvalidAlg(
            KeyErrorCode.ALG_MISMATCH, f"alg {name} does not fit a {kty} key{on_curve}"
        )
    return entry


def _choose_kid(jwk: Jwk, kid: str | None) -> str:
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise TypeError("kid must be a non-empty string")
    key_kid = jwk.get("kid")
    if key_kid is not None and not isinstance(key_kid, str):
        raise InvalidKey(KeyErrorCode.MALFORMED_KEY, "the JWK's kid is not a string")
    if kid is not None and key_kid is not None and kid != key_kid:
        raise InvalidKey(
            KeyErrorCode.KID_MISMATCH, f"kid {kid!r} differs from the key's kid {key_kid!r}"
        )
    return kid or key_kid or jwk.thumbprint()


def _public_members(jwk: Jwk, kid: str, alg: str) -> dict[str, Any]:
    public = jwk.public_jwk() if jwk.is_private else jwk
    return {**public.minimize(), "kid": kid, "alg": alg}


# ------------------------------------------------------------------------------------------
# Keys


@final
class SigningKey:
    """A key parsed and checked once, that signs JWS with one algorithm.

    Get one from :func:`load_private_key` (asymmetric private keys) or
    :func:`load_secret_key` (HMAC secrets). Its ``repr`` never shows key material.
    """

    __slots__ = (
        "_alg",
        "_crv",
        "_full_jwk",
        "_jwk",
        "_kid",
        "_kty",
        "_public",
        "_sign",
        "_thumbprint",
        "_verify",
    )

    _alg: _Alg
    _crv: str | None
    _full_jwk: Jwk | None
    _jwk: Jwk
    _kid: str | None
    _kty: str
    _public: dict[str, Any] | None
    _sign: _Signer
    _thumbprint: str | None
    _verify: _Verifier

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("use load_private_key() or load_secret_key() to get a SigningKey")

    @classmethod
    def _make(
        cls,
        jwk: Jwk,
        alg: _Alg,
        kid: str | None,
        sign: _Signer,
        verify: _Verifier,
        public: dict[str, Any] | None,
        thumbprint: str | None,
    ) -> SigningKey:
        self = object.__new__(cls)
        self._jwk = jwk
        self._full_jwk = None
        self._alg = alg
        self._kid = kid
        self._kty = alg.kty
        crv = jwk.get("crv")
        self._crv = crv if isinstance(crv, str) else None
        self._sign = sign
        self._verify = verify
        self._public = public
        self._thumbprint = thumbprint
        return self

    @property
    def alg(self) -> str:
        """The JWS algorithm (``ES256``, ``RS256``, ``HS256``...)."""
        return self._alg.name

    @property
    def kid(self) -> str | None:
        """The key id sent in JWS headers: the key's, or its RFC 7638 thumbprint.

        None for HMAC secrets.
        """
        return self._kid

    @property
    def kty(self) -> str:
        """The key type: ``RSA``, ``EC``, ``OKP`` or ``oct``."""
        return self._kty

    @property
    def crv(self) -> str | None:
        """The curve of an EC or OKP key, else None."""
        return self._crv

    @property
    def is_symmetric(self) -> bool:
        """True for an HMAC secret."""
        return self._kty == "oct"

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint of the public key (DPoP's ``jkt``).

        :raises UnsuitableKey: for an HMAC secret, which has no public part.
        """
        if self._thumbprint is None:
            raise UnsuitableKey(KeyErrorCode.SYMMETRIC_KEY, "an HMAC secret has no thumbprint")
        return self._thumbprint

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (its required members, ``kid`` and ``alg``): a new dict.

        :raises UnsuitableKey: for an HMAC secret.
        """
        if self._public is None:
            raise UnsuitableKey(KeyErrorCode.SYMMETRIC_KEY, "an HMAC secret has no public key")
        return dict(self._public)

    @property
    def jwk(self) -> Jwk:
        """The key itself, private members, ``kid`` and ``alg`` included, as a jwskate Jwk.

        Built on first access (parsing an RSA key costs ~50 ms), then the same object: do
        not modify it. WARNING: it holds the private key; never log it.
        """
        full = self._full_jwk
        if full is None:
            extra = {"alg": self.alg} if self._kid is None else {"alg": self.alg, "kid": self._kid}
            full = self._full_jwk = Jwk({**self._jwk, **extra})
        return full

    def public_key(self) -> VerificationKey:
        """The matching :class:`VerificationKey`.

        :raises UnsuitableKey: for an HMAC secret.
        """
        if self._public is None:
            raise UnsuitableKey(KeyErrorCode.SYMMETRIC_KEY, "an HMAC secret has no public key")
        return load_public_key(self._public)

    def sign(self, data: bytes) -> bytes:
        """The JWS signature of ``data`` (the JWS signing input)."""
        return self._sign(data)

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True if ``signature`` is this key's JWS signature of ``data``."""
        return self._verify(data, signature)

    def signer(
        self,
        *,
        typ: str | None = None,
        headers: Mapping[str, Any] | None = None,
        include_kid: bool = True,
        include_jwk: bool = False,
    ) -> JwtSigner:
        """A :class:`JwtSigner`: signs JWT claims under a protected header encoded once.

        The header is ``alg``, then ``typ`` (when given), ``kid`` (when the key has one and
        ``include_kid``), ``jwk`` (the public key, with ``include_jwk``: DPoP proofs), then
        ``headers``.
        """
        header: dict[str, Any] = {"alg": self.alg}
        if typ is not None:
            header["typ"] = typ
        if include_kid and self._kid is not None:
            header["kid"] = self._kid
        if include_jwk:
            header["jwk"] = self.public_jwk
        for name, value in (headers or {}).items():
            if name == "alg":
                raise ValueError("the alg header is the key's; it cannot be set in headers")
            header[name] = value
        return JwtSigner._make(header, self._sign)

    def sign_jwt(
        self,
        claims: Mapping[str, Any],
        *,
        typ: str | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """Sign ``claims`` as a compact JWT (for one-offs; reuse :meth:`signer` otherwise)."""
        return self.signer(typ=typ, headers=headers)(claims)

    def __repr__(self) -> str:
        curve = f", crv={self._crv!r}" if self._crv else ""
        kid = f", kid={self._kid!r}" if self._kid is not None else ""
        return f"SigningKey(kty={self._kty!r}{curve}, alg={self.alg!r}{kid})"


@final
class VerificationKey:
    """A public key parsed and checked once, that verifies JWS of one algorithm.

    Get one from :func:`load_public_key` or :meth:`SigningKey.public_key`.
    """

    __slots__ = ("_alg", "_crv", "_kid", "_kty", "_public", "_thumbprint", "_verify")

    _alg: _Alg
    _crv: str | None
    _kid: str
    _kty: str
    _public: dict[str, Any]
    _thumbprint: str
    _verify: _Verifier

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("use load_public_key() to get a VerificationKey")

    @classmethod
    def _make(
        cls, jwk: Jwk, alg: _Alg, kid: str, public: dict[str, Any], thumbprint: str
    ) -> VerificationKey:
        self = object.__new__(cls)
        self._alg = alg
        self._kid = kid
        self._kty = alg.kty
        crv = jwk.get("crv")
        self._crv = crv if isinstance(crv, str) else None
        self._public = public
        self._thumbprint = thumbprint
        self._verify = _asymmetric_verifier(alg, jwk.cryptography_key)
        return self

    @property
    def alg(self) -> str:
        """The JWS algorithm."""
        return self._alg.name

    @property
    def kid(self) -> str:
        """The key id: the key's, or its RFC 7638 thumbprint."""
        return self._kid

    @property
    def kty(self) -> str:
        """The key type: ``RSA``, ``EC`` or ``OKP``."""
        return self._kty

    @property
    def crv(self) -> str | None:
        """The curve of an EC or OKP key, else None."""
        return self._crv

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint."""
        return self._thumbprint

    @property
    def jwk(self) -> dict[str, Any]:
        """The key as a JWK (its required members, ``kid`` and ``alg``): a new dict."""
        return dict(self._public)

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True if ``signature`` is a valid JWS signature of ``data`` by this key."""
        return self._verify(data, signature)

    def __repr__(self) -> str:
        curve = f", crv={self._crv!r}" if self._crv else ""
        return f"VerificationKey(kty={self._kty!r}{curve}, alg={self.alg!r}, kid={self._kid!r})"


@final
class JwtSigner:
    """Signs JWT claims as compact JWS under a fixed protected header, encoded once.

    Get one from :meth:`SigningKey.signer`. Thread-safe.
    """

    __slots__ = ("_header", "_prefix", "_sign")

    _header: dict[str, Any]
    _prefix: bytes
    _sign: _Signer

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("use SigningKey.signer() to get a JwtSigner")

    @classmethod
    def _make(cls, header: dict[str, Any], sign: _Signer) -> JwtSigner:
        self = object.__new__(cls)
        self._header = header
        self._prefix = b64url(json.dumps(header, separators=(",", ":")).encode()) + b"."
        self._sign = sign
        return self

    @property
    def header(self) -> dict[str, Any]:
        """The protected header (a new dict)."""
        return dict(self._header)

    def __call__(self, claims: Mapping[str, Any]) -> str:
        """The compact JWS of ``claims`` (serialized as compact JSON)."""
        signing_input = self._prefix + b64url(json.dumps(claims, separators=(",", ":")).encode())
        return (signing_input + b"." + b64url(self._sign(signing_input))).decode("ascii")

    def __repr__(self) -> str:
        return f"JwtSigner(header={self._header!r})"


def load_private_key(
    key: object,
    *,
    alg: str | None = None,
    kid: str | None = None,
    password: str | bytes | None = None,
) -> SigningKey:
    """Load and check an asymmetric private key for signing, once.

    :param key: a private JWK (a dict, its JSON, or a :class:`jwskate.Jwk`), a PEM private key
        (str or bytes, encrypted with ``password`` or not), a ``cryptography`` private key
        object, or a :class:`SigningKey` (returned as is when ``alg`` and ``kid`` fit).
    :param alg: the signature algorithm; it must agree with the key's ``alg`` when both are
        given. Without either, EC and OKP keys imply theirs (``P-256`` -> ``ES256``,
        ``Ed25519`` -> ``EdDSA``); RSA keys need one.
    :param kid: the key id; it must agree with the key's ``kid``. Default: the key's, else its
        RFC 7638 thumbprint.
    :param password: the password of an encrypted PEM.
    :raises UnsupportedKeyFormat: ``key`` is not a key at all.
    :raises InvalidKey: the key cannot be parsed (``code`` says why), or:
    :raises UnsuitableKey: it is public or symmetric, or its ``use``/``key_ops`` forbid signing.
    :raises WeakKey: an RSA key under 2048 bits.
    :raises InvalidAlg: the algorithm is missing, unsupported or does not fit the key.
    """
    if isinstance(key, SigningKey):
        return _existing(key, alg, kid, password)
    if isinstance(key, VerificationKey):
        raise UnsuitableKey(KeyErrorCode.PUBLIC_KEY, "a private key is needed, not a public key")
    jwk = _to_jwk(key, password)
    if jwk.is_symmetric:
        raise UnsuitableKey(
            KeyErrorCode.SYMMETRIC_KEY, "an asymmetric private key is needed, not a symmetric key"
        )
    if not jwk.is_private:
        raise UnsuitableKey(KeyErrorCode.PUBLIC_KEY, "a private key is needed, not a public key")
    _check_use(jwk, "sign")
    _check_strength(jwk)
    entry = _choose_alg(jwk, alg)
    chosen_kid = _choose_kid(jwk, kid)
    private = jwk.cryptography_key
    public = _public_members(jwk, chosen_kid, entry.name)
    return SigningKey._make(
        jwk,
        entry,
        chosen_kid,
        _asymmetric_signer(entry, private),
        _asymmetric_verifier(entry, private.public_key()),
        public,
        jwk.thumbprint(),
    )


def _existing(key: SigningKey, alg: str | None, kid: str | None, password: object) -> SigningKey:
    if password is not None:
        raise InvalidKey(KeyErrorCode.PEM_PASSWORD, "password= applies to PEM keys only")
    if key.is_symmetric:
        raise UnsuitableKey(
            KeyErrorCode.SYMMETRIC_KEY, "an asymmetric private key is needed, not a symmetric key"
        )
    if alg is not None and alg != key.alg:
        raise InvalidAlg(
            KeyErrorCode.ALG_MISMATCH, f"alg {_shown(alg)} differs from the key's alg {key.alg!r}"
        )
    if kid is not None and kid != key.kid:
        raise InvalidKey(
            KeyErrorCode.KID_MISMATCH, f"kid {kid!r} differs from the key's kid {key.kid!r}"
        )
    return key


def load_public_key(
    key: object, *, alg: str | None = None, kid: str | None = None
) -> VerificationKey:
    """Load and check an asymmetric public key for verifying signatures, once.

    :param key: a public JWK (a dict, its JSON, or a :class:`jwskate.Jwk`), a PEM public key,
        a ``cryptography`` public key object, or a :class:`VerificationKey`; a private key is
        accepted too and only its public part is kept.
    :param alg: as for :func:`load_private_key`.
    :param kid: as for :func:`load_private_key`.
    :raises UnsupportedKeyFormat: ``key`` is not a key at all.
    :raises InvalidKey: the key cannot be parsed, or:
    :raises UnsuitableKey: it is symmetric, or its ``use``/``key_ops`` forbid verifying.
    :raises WeakKey: an RSA key under 2048 bits.
    :raises InvalidAlg: the algorithm is missing, unsupported or does not fit the key.
    """
    if isinstance(key, VerificationKey):
        if alg is not None and alg != key.alg:
            raise InvalidAlg(
                KeyErrorCode.ALG_MISMATCH,
                f"alg {_shown(alg)} differs from the key's alg {key.alg!r}",
            )
        if kid is not None and kid != key.kid:
            raise InvalidKey(
                KeyErrorCode.KID_MISMATCH, f"kid {kid!r} differs from the key's kid {key.kid!r}"
            )
        return key
    if isinstance(key, SigningKey):
        return load_public_key(key.public_key(), alg=alg, kid=kid)
    jwk = _to_jwk(key, None)
    if jwk.is_symmetric:
        raise UnsuitableKey(
            KeyErrorCode.SYMMETRIC_KEY, "an asymmetric public key is needed, not a symmetric key"
        )
    if jwk.is_private:
        jwk = jwk.public_jwk()
    _check_use(jwk, "verify")
    _check_strength(jwk)
    entry = _choose_alg(jwk, alg)
    chosen_kid = _choose_kid(jwk, kid)
    public = _public_members(jwk, chosen_kid, entry.name)
    return VerificationKey._make(jwk, entry, chosen_kid, public, jwk.thumbprint())


def load_secret_key(secret: str | bytes, *, alg: str = "HS256") -> SigningKey:
    """An HMAC key (``HS256``, ``HS384``, ``HS512``) from a shared secret, such as a client secret.

    A text secret is used as its UTF-8 bytes (RFC 7518 §3.2, OpenID Connect Core §16.19).

    :raises InvalidAlg: ``alg`` is not an HMAC algorithm.
    :raises InvalidKey: the secret is empty, or looks like a private key (code ``weak_secret``).
    """
    if not isinstance(secret, str | bytes):
        raise TypeError("the secret must be a string or bytes")
    if not isinstance(alg, str):
        raise TypeError("alg must be a string")
    entry = _ALGS.get(alg)
    if entry is None or entry.kty != "oct":
        raise InvalidAlg(
            KeyErrorCode.UNSUPPORTED_ALG,
            f"alg {_shown(alg)} is not an HMAC algorithm (HS256, HS384 or HS512)",
        )
    if not secret:
        raise InvalidKey(KeyErrorCode.WEAK_SECRET, "the secret is empty")
    if looks_like_key(secret):
        raise InvalidKey(
            KeyErrorCode.WEAK_SECRET,
            "the secret looks like a private key (a PEM or a JWK), which is never used as a "
            "shared secret: use private_key_jwt",
        )
    material = secret.encode() if isinstance(secret, str) else bytes(secret)
    digest = entry.hash_name
    hmac_new = hmac.digest

    def sign(data: bytes) -> bytes:
        return hmac_new(material, data, digest)

    def verify(data: bytes, signature: bytes) -> bool:
        return hmac.compare_digest(hmac_new(material, data, digest), signature)

    jwk = jwskate.SymmetricJwk.from_bytes(material)
    return SigningKey._make(jwk, entry, None, sign, verify, None, None)


_CURVES: Final[Mapping[str, Callable[[], ec.EllipticCurve]]] = {
    "P-256": ec.SECP256R1,
    "P-384": ec.SECP384R1,
    "P-521": ec.SECP521R1,
    "secp256k1": ec.SECP256K1,
}


def generate_private_key(alg: str = "ES256", *, rsa_key_size: int = MIN_RSA_KEY_SIZE) -> SigningKey:
    """A new asymmetric private key for signature algorithm ``alg``, loaded as a SigningKey.

    EC algorithms get a key on their curve, ``EdDSA`` an Ed25519 key, RSA algorithms
    (``RS*``, ``PS*``) a key of ``rsa_key_size`` bits (2048 by default; jwskate's default,
    4096, is several times slower to generate and to use).

    :raises InvalidAlg: ``alg`` is not an asymmetric signature algorithm (code
        ``unsupported_alg``).
    :raises WeakKey: ``rsa_key_size`` is under 2048.
    """
    entry = _ALGS.get(alg) if isinstance(alg, str) else None
    if entry is None or entry.kty == "oct":
        raise InvalidAlg(
            KeyErrorCode.UNSUPPORTED_ALG,
            f"alg {_shown(alg)} is not an asymmetric signature algorithm "
            f"(one of {', '.join(sorted(a.name for a in _ALGS.values() if a.kty != 'oct'))})",
        )
    key: Any
    if entry.kty == "RSA":
        if isinstance(rsa_key_size, bool) or not isinstance(rsa_key_size, int):
            raise TypeError("rsa_key_size must be a number of bits")
        if rsa_key_size < MIN_RSA_KEY_SIZE:
            raise WeakKey(
                KeyErrorCode.WEAK_KEY, f"RSA keys must have at least {MIN_RSA_KEY_SIZE} bits"
            )
        key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_key_size)
    elif entry.kty == "EC":
        (curve,) = entry.curves
        key = ec.generate_private_key(_CURVES[curve]())
    elif entry.curves == frozenset({"Ed448"}):
        key = ed448.Ed448PrivateKey.generate()
    else:  # EdDSA, Ed25519
        key = ed25519.Ed25519PrivateKey.generate()
    return load_private_key(key, alg=alg)


# ------------------------------------------------------------------------------------------
# JWE (RFC 7516): encrypted JWTs, with asymmetric key management only

KEY_MANAGEMENT_ALGS: Final[frozenset[str]] = frozenset(
    {
        "RSA-OAEP",
        "RSA-OAEP-256",
        "RSA-OAEP-384",
        "RSA-OAEP-512",
        "ECDH-ES",
        "ECDH-ES+A128KW",
        "ECDH-ES+A192KW",
        "ECDH-ES+A256KW",
    }
)
"""The JWE key management algorithms supported (asymmetric ones; never ``RSA1_5``)."""

CONTENT_ENCRYPTION_ALGS: Final[frozenset[str]] = frozenset(
    {"A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"}
)
"""The JWE content encryption algorithms (``enc``) supported."""

_MAX_JWE_SIZE: Final = 512 * 1024
"""Larger JWE are refused before any work (bytes)."""


def _kty_fits(kty: str, alg: str) -> bool:
    """Whether a key of type ``kty`` can take part in key management ``alg``."""
    if alg.startswith("RSA-OAEP"):
        return kty == "RSA"
    return kty in ("EC", "OKP")  # ECDH-ES: P-256/384/521, X25519, X448


_KEY_OPS: Final[Mapping[str, frozenset[str]]] = {
    "decrypt": frozenset({"unwrapKey", "deriveKey", "decrypt"}),
    "encrypt": frozenset({"wrapKey", "deriveKey", "encrypt"}),
}


_ENC_CURVES: Final = frozenset({"P-256", "P-384", "P-521", "X25519", "X448"})
"""The curves of key agreement (ECDH-ES) keys."""


def _check_enc_use(jwk: Jwk, operation: str) -> None:
    crv = jwk.get("crv")
    if crv is not None and crv not in _ENC_CURVES:
        raise UnsuitableKey(
            KeyErrorCode.KEY_USE, f"a key on curve {_shown(crv)} cannot {operation} JWE"
        )
    use = jwk.get("use")
    if use is not None and use != "enc":
        raise UnsuitableKey(
            KeyErrorCode.KEY_USE,
            f"the JWK's use is {_shown(use)}, not 'enc': it cannot {operation}",
        )
    key_ops = jwk.get("key_ops")
    allowed = _KEY_OPS[operation]
    if key_ops is not None and not allowed & set(key_ops):
        raise UnsuitableKey(KeyErrorCode.KEY_USE, f"the JWK's key_ops do not allow {operation!r}")


@final
class DecryptionKey:
    """A private key parsed and checked once, that decrypts JWE (RFC 7516).

    Get one from :func:`load_decryption_key`; pass it to :func:`decrypt_jwe`. Its ``repr``
    never shows key material.
    """

    __slots__ = ("_alg", "_jwk", "_kid", "_kty", "_thumbprint")

    _alg: str | None
    _jwk: Jwk
    _kid: str
    _kty: str
    _thumbprint: str

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("use load_decryption_key() to get a DecryptionKey")

    @classmethod
    def _make(cls, jwk: Jwk, alg: str | None, kid: str) -> DecryptionKey:
        self = object.__new__(cls)
        self._jwk = jwk
        self._alg = alg
        self._kid = kid
        self._kty = str(jwk.kty)
        self._thumbprint = jwk.thumbprint()
        return self

    @property
    def alg(self) -> str | None:
        """The key management algorithm the key is restricted to (its ``alg``), or None."""
        return self._alg

    @property
    def kid(self) -> str:
        """The key id: the key's, or its RFC 7638 thumbprint."""
        return self._kid

    @property
    def kty(self) -> str:
        """The key type: ``RSA``, ``EC`` or ``OKP``."""
        return self._kty

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint of the public key."""
        return self._thumbprint

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK, with ``kid``, ``use: enc`` and ``alg`` when known."""
        public = {**self._jwk.public_jwk().minimize(), "kid": self._kid, "use": "enc"}
        if self._alg is not None:
            public["alg"] = self._alg
        return public

    def accepts(self, alg: str) -> bool:
        """Whether this key can decrypt a JWE whose key management algorithm is ``alg``."""
        return (self._alg is None or self._alg == alg) and _kty_fits(self._kty, alg)

    def __repr__(self) -> str:
        alg = f", alg={self._alg!r}" if self._alg else ""
        return f"DecryptionKey(kty={self._kty!r}{alg}, kid={self._kid!r})"


def load_decryption_key(
    key: object,
    *,
    alg: str | None = None,
    kid: str | None = None,
    password: str | bytes | None = None,
) -> DecryptionKey:
    """Load and check an asymmetric private key for decrypting JWE, once.

    :param key: a private JWK (a dict, its JSON, or a :class:`jwskate.Jwk`), a PEM private key
        or a ``cryptography`` private key object (RSA, EC, X25519, X448), or a
        :class:`DecryptionKey` (returned as is).
    :param alg: the key management algorithm to restrict the key to (``RSA-OAEP-256``,
        ``ECDH-ES``...); it must agree with the key's ``alg``.
    :param kid: the key id; it must agree with the key's ``kid``. Default: the key's, else its
        RFC 7638 thumbprint.
    :param password: the password of an encrypted PEM.
    :raises InvalidKey: the key cannot be parsed, or:
    :raises UnsuitableKey: it is public or symmetric, or its ``use``/``key_ops`` forbid
        decrypting.
    :raises WeakKey: an RSA key under 2048 bits.
    :raises InvalidAlg: ``alg`` is not supported or does not fit the key.
    """
    if isinstance(key, DecryptionKey):
        return key
    jwk = _to_jwk(key, password)
    if jwk.is_symmetric:
        raise UnsuitableKey(
            KeyErrorCode.SYMMETRIC_KEY, "an asymmetric private key is needed, not a symmetric key"
        )
    if not jwk.is_private:
        raise UnsuitableKey(KeyErrorCode.PUBLIC_KEY, "a private key is needed, not a public key")
    _check_enc_use(jwk, "decrypt")
    _check_strength(jwk)
    key_alg = jwk.get("alg")
    if alg is not None and not isinstance(alg, str):
        raise TypeError("alg must be a string")
    if alg is not None and key_alg is not None and alg != key_alg:
        raise InvalidAlg(
            KeyErrorCode.ALG_MISMATCH, f"alg {_shown(alg)} differs from the key's alg {key_alg!r}"
        )
    chosen = alg if alg is not None else key_alg
    if chosen is not None and (
        chosen not in KEY_MANAGEMENT_ALGS or not _kty_fits(str(jwk.kty), chosen)
    ):
        raise InvalidAlg(
            KeyErrorCode.UNSUPPORTED_ALG,
            f"alg {_shown(chosen)} is not a supported key management algorithm for this key",
        )
    return DecryptionKey._make(jwk, chosen, _choose_kid(jwk, kid))


def decrypt_jwe(
    token: str,
    keys: DecryptionKey | Iterable[DecryptionKey],
    *,
    algs: Collection[str] | None = None,
    encs: Collection[str] | None = None,
) -> tuple[dict[str, Any], bytes]:
    """Decrypt a compact JWE; return its protected header and its plaintext.

    The header ``alg`` must be a supported key management algorithm (and in ``algs`` when
    given), ``enc`` a supported content encryption (and in ``encs``). A ``kid`` header picks
    the key; without one, every key that fits ``alg`` is tried.

    :raises InvalidJwe: ``code`` says why (``malformed_jwe``, ``unexpected_alg``,
        ``unexpected_enc``, ``no_decryption_key``, ``decryption_failed``). No key material
        and no plaintext is ever in the message.
    """
    if not isinstance(token, str):
        raise TypeError("the JWE must be a string")
    decryption_keys = (keys,) if isinstance(keys, DecryptionKey) else tuple(keys)
    jwe: jwskate.JweCompact | None
    try:
        jwe = jwskate.JweCompact(token, max_size=_MAX_JWE_SIZE)
    except Exception:  # never chain: the library's error may quote the token
        jwe = None
    if jwe is None:
        raise InvalidJwe(JweErrorCode.MALFORMED, "the value is not a compact JWE")
    header = dict(jwe.headers)
    alg, enc = header.get("alg"), header.get("enc")
    if (
        not isinstance(alg, str)
        or alg not in KEY_MANAGEMENT_ALGS
        or (algs is not None and alg not in algs)
    ):
        raise InvalidJwe(JweErrorCode.UNEXPECTED_ALG, f"unexpected JWE alg {_shown(alg)}")
    if (
        not isinstance(enc, str)
        or enc not in CONTENT_ENCRYPTION_ALGS
        or (encs is not None and enc not in encs)
    ):
        raise InvalidJwe(JweErrorCode.UNEXPECTED_ENC, f"unexpected JWE enc {_shown(enc)}")
    if "zip" in header or "crit" in header:
        raise InvalidJwe(JweErrorCode.MALFORMED, "compressed or critical-header JWE refused")
    kid = header.get("kid")
    candidates = [k for k in decryption_keys if k.accepts(alg) and (kid is None or k.kid == kid)]
    if not candidates:
        raise InvalidJwe(
            JweErrorCode.NO_KEY, f"no decryption key fits this JWE (alg {alg!r}, kid {kid!r})"
        )
    for candidate in candidates:
        plaintext: bytes | None
        try:
            plaintext = bytes(jwe.decrypt(candidate._jwk, alg=alg))
        except Exception:  # never chain: a wrong key, a tampered token
            plaintext = None
        if plaintext is not None:
            return header, plaintext
    raise InvalidJwe(JweErrorCode.DECRYPTION_FAILED, "the JWE cannot be decrypted")


def encrypt_jwe(
    plaintext: bytes,
    key: object,
    *,
    alg: str | None = None,
    enc: str = "A128CBC-HS256",
    headers: Mapping[str, Any] | None = None,
) -> str:
    """Encrypt ``plaintext`` as a compact JWE for the holder of ``key``.

    :param key: the recipient's public key (a JWK dict or JSON, a PEM, a cryptography key; a
        private key is accepted and only its public part used). Its ``kid`` goes in the header.
    :param alg: the key management algorithm: the key's ``alg`` when it has one, else
        ``RSA-OAEP-256`` for RSA and ``ECDH-ES`` for EC and OKP keys.
    :param enc: the content encryption algorithm.
    :param headers: more protected header members (``cty: JWT`` for a nested JWT).
    :raises InvalidAlg: ``alg`` or ``enc`` is not supported or does not fit the key.
    :raises UnsuitableKey: the key is symmetric, or its ``use``/``key_ops`` forbid encrypting.
    """
    if not isinstance(plaintext, bytes):
        raise TypeError("plaintext must be bytes")
    jwk = _to_jwk(key, None)
    if jwk.is_symmetric:
        raise UnsuitableKey(
            KeyErrorCode.SYMMETRIC_KEY, "an asymmetric public key is needed, not a symmetric key"
        )
    if jwk.is_private:
        jwk = jwk.public_jwk()
    _check_enc_use(jwk, "encrypt")
    _check_strength(jwk)
    key_alg = jwk.get("alg")
    chosen = alg or key_alg or ("RSA-OAEP-256" if jwk.kty == "RSA" else "ECDH-ES")
    if (alg is not None and key_alg is not None and alg != key_alg) or (
        chosen not in KEY_MANAGEMENT_ALGS or not _kty_fits(str(jwk.kty), chosen)
    ):
        raise InvalidAlg(
            KeyErrorCode.ALG_MISMATCH, f"alg {_shown(chosen)} cannot be used with this key"
        )
    if enc not in CONTENT_ENCRYPTION_ALGS:
        raise InvalidAlg(KeyErrorCode.UNSUPPORTED_ALG, f"unsupported JWE enc {_shown(enc)}")
    extra = dict(headers or {})
    for reserved in ("alg", "enc", "zip"):
        if reserved in extra:
            raise ValueError(f"the {reserved} header cannot be set in headers")
    jwe = jwskate.JweCompact.encrypt(plaintext, jwk, enc=enc, alg=chosen, extra_headers=extra)
    return bytes(jwe).decode("ascii")


def _publish() -> None:
    """Show the public package in reprs and tracebacks."""
    for cls in (DecryptionKey, JwtSigner, SigningKey, VerificationKey):
        cls.__module__ = "oauth2core_clientauth_jwt"


_publish()
