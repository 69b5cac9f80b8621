"""Sphinx configuration of the oauth2core documentation (MyST Markdown, furo, autodoc)."""

from __future__ import annotations

project = "oauth2core"
author = "the oauth2core authors"
copyright = "the oauth2core authors"

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "oauth2core"

# Docstrings use reST field lists (:param:, :returns:, :raises:), so no napoleon.
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_class_signature = "separated"
autodoc_preserve_defaults = True
