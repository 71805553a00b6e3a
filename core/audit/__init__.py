"""Append-only, content-free audit trail (ids and action names, never personal values)."""
