"""Shared pytest fixtures for core and plugin test suites (registered as pytest11 entry point)."""
