"""Core's own plugins, registered first through the same hooks as any other."""
