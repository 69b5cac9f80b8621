"""The reader's own private key, as a JWK and as a PEM."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwskate import Jwk

_key = ec.generate_private_key(ec.SECP256R1())
private_jwk = Jwk(_key).to_dict()
private_pem = _key.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode()
