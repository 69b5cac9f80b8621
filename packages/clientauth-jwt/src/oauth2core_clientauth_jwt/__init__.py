"""Client authentication with JWT assertions (RFC 7523).

client_secret_jwt, private_key_jwt, the JWT bearer grant, and the shared key handling.

Installed with ``pip install oauth2core[jwt]``. This module stays light: heavy names load on
first use, so the entry point can import it cheaply.
"""
