"""The Auth0 vendor profile for oauth2core.

Installed with ``pip install oauth2core[auth0]``. This module stays light: heavy names load on
first use, so the entry point can import it cheaply.
"""
