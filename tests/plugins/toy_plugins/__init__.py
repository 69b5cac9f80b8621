"""Small oauth2core plugins, one per extension point, for the plugin-system tests.

They are not installed: ``tests/plugins/conftest.py`` loads this folder as the package
``oauth2core_toy_plugins`` and the tests hand its modules to
``oauth2core.testing.registry_from(...)``, or name them in fake entry points.
"""
