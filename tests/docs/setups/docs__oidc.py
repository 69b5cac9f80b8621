"""The reader's own private key (a JWK), for signing request objects."""

from jwskate import Jwk

private_jwk = Jwk.generate(alg="ES256").to_dict()
