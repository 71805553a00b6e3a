"""What the tenancy domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). Tenants, org units and locations (their data
declarations)."""

from __future__ import annotations

from core import hookimpl
from core.privacy.registry import (
    KEEP,
    DataTable,
    FieldLabels,
)

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 80


# --- personal data (core.privacy.registry) --------------------------------------------------------


TABLES = (
    DataTable(
        "tenant",
        "none",
        {
            k: (None, KEEP)
            for k in (
                "slug",
                "name",
                "kind",
                "active",
                "disabled_at",
                "default_locale",
                "locales",
                "theme",
                "settings",
                "plugins_version",
                "created_at",
            )
        },
    ),
    DataTable("tenant_host", "none", {"host": (None, KEEP)}),
    DataTable(
        "tenant_plugin",
        "none",
        {
            k: (None, KEEP)
            for k in ("plugin_name", "enabled", "changed_at", "changed_by_id", "settings")
        },
    ),
    DataTable(
        "org_unit",
        "none",
        {
            k: (None, KEEP)
            for k in ("key", "name", "kind", "parent_id", "description", "active", "created_at")
        },
    ),
    DataTable(
        "location",
        "none",
        {
            k: (None, KEEP)
            for k in ("org_unit_id", "name", "street", "postcode", "city", "phone", "email")
        },
    ),
)


LABELS = FieldLabels()


@hookimpl
def lotse_data_categories():
    return [*TABLES, LABELS]
