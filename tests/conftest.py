"""Core test suite. Fixtures come from ``core.testing.pytest_plugin`` (pytest11 entry point)."""
