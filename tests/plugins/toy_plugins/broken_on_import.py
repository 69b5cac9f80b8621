"""A broken plugin: importing it fails."""

raise RuntimeError("toy plugin failed on import")
