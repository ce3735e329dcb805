"""Integration tests: see tests/conftest.py for what the layer may use."""
