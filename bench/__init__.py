"""Benchmarks of oauth2core against requests-oauth2client, Authlib and requests-oauthlib.

Run ``python -m bench`` (see :mod:`bench.run`); the latest results are in
``docs/benchmarks.md``.
"""
