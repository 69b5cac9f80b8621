"""DPoP (RFC 9449) sender-constrained tokens for oauth2core.

Installed with ``pip install oauth2core[dpop]``. This module stays light: heavy names load on
first use, so the entry point can import it cheaply.
"""
