"""A tenant from its ``tenant.toml``: the tenant, its org units, the default consent texts and
its initial plugins. Shared by ``lotse tenant load`` and ``lotse demo``."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from core.schemas import ValidationError
from core.tenancy.models import Tenant


def resolve_tenant_file(source: str) -> Path:
    """``source`` is a path to a tenant.toml, a folder holding one, or a slug in tenants/."""
    path = Path(source)
    if path.is_dir():
        path = path / "tenant.toml"
    if not path.exists():
        path = Path(current_app.config["LOTSE_TENANTS_DIR"]) / source / "tenant.toml"
    if not path.exists():
        raise FileNotFoundError(f"keine tenant.toml für {source!r} gefunden")
    return path


def load_tenant(source: str, *, with_plugins: bool = True) -> tuple[Tenant, bool]:
    """Apply a tenant.toml; returns (tenant, created). A missing file raises
    ``FileNotFoundError``, a bad one marshmallow's ``ValidationError`` (the file's schema) or
    :class:`core.schemas.ValidationError` (unknown plugins)."""
    from core.consent.services import ensure_defaults
    from core.plugins.services import enable_plugin, manager
    from core.tenancy.context import tenant_scope
    from core.tenancy.loader import apply_org_units, apply_tenant_spec, read_tenant_file

    spec = read_tenant_file(resolve_tenant_file(source))
    unknown = [p for p in spec["plugins"] if p not in manager().metas]
    if unknown:
        raise ValidationError({"plugins": [f"unbekanntes Plugin: {', '.join(unknown)}"]})
    tenant, created = apply_tenant_spec(spec)
    with tenant_scope(tenant):
        apply_org_units(tenant, spec)
        ensure_defaults(tenant)
        if with_plugins:
            for name in spec["plugins"]:
                enable_plugin(tenant, name, None, operator=True)
    return tenant, created
