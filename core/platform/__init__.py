"""The operator console under ``/platform/``: tenants only, never case data."""
