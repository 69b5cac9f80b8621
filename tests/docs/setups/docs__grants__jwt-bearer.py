"""The reader's own private key (a JWK)."""

from jwskate import Jwk

private_jwk = Jwk.generate(alg="ES256").to_dict()
