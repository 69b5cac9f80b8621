"""The OAuth 2.0 device authorization grant (RFC 8628) for oauth2core.

Installed with ``pip install oauth2core[device]``. This module stays light: heavy names load on
first use, so the entry point can import it cheaply.
"""
