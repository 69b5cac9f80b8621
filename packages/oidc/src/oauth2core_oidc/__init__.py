"""OpenID Connect for oauth2core: ID tokens, JWKS cache, JAR, JARM, signed userinfo, logout.

Installed with ``pip install oauth2core[oidc]``. This module stays light: heavy names load on
first use, so the entry point can import it cheaply.
"""
