"""Tenants, org units, resolution of ``/<slug>/…`` and the fail-closed isolation guard."""
