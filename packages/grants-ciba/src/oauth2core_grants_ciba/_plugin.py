"""The entry point of the oauth2core-grants-ciba plugin: its hook implementations.

Only light imports here (DESIGN: lazy by rule); the features register as their issues land.
"""
