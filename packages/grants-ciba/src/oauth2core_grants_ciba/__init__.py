"""OpenID Connect Client-Initiated Backchannel Authentication (CIBA, poll mode) for oauth2core.

Installed with ``pip install oauth2core[ciba]``. This module stays light: heavy names load on
first use, so the entry point can import it cheaply.
"""
