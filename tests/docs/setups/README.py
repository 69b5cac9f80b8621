"""README: the reader's own private key (a JWK), registered at the server for my-client."""

from jwskate import Jwk

private_jwk = Jwk.generate(alg="ES256").to_dict()
