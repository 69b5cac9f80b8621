"""The hook implementation marker (imports pluggy; loaded on first use only)."""

import pluggy

__all__ = ["hookimpl"]

hookimpl = pluggy.HookimplMarker("oauth2core")
"""Marks a plugin function as the implementation of the hook of the same name."""
