"""What the audit domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). The audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.auth.permissions import Permission
from core.privacy.registry import (
    DataCategory,
    DataTable,
    FieldLabels,
    RetentionClass,
    category_columns,
)
from core.web import MenuItem

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 60


MENU = (MenuItem(_l("Audit trail"), "audit.index", order=80, permission="audit.read"),)


@hookimpl
def lotse_menu_items(tenant, user):
    return MENU


PERMISSIONS = (Permission("audit.read", _l("Read the audit trail"), roles=frozenset({"dpo"})),)


@hookimpl
def lotse_permissions():
    return PERMISSIONS


# --- personal data (core.privacy.registry) --------------------------------------------------------


CLASSES = (
    RetentionClass(
        "audit_log",
        _l("Audit trail"),
        "event",
        24,
        _l(
            "Content-free log of reads, changes and disclosures, kept to demonstrate lawful "
            "processing."
        ),
    ),
)


CATEGORIES = (
    DataCategory(
        "audit",
        _l("Audit trail"),
        _l("Accountability and detecting misuse"),
        _l("Art. 5(2), Art. 32 GDPR"),
        _l("Staff; clients by record number only"),
        "audit_log",
    ),
)


TABLES = (
    DataTable(
        "audit_event",
        "none",
        category_columns("audit", "at actor_id action object_type object_id details"),
    ),
    DataTable(
        "platform_audit_event",
        "none",
        category_columns("audit", "at actor_id action object_type object_id details"),
    ),
)


LABELS = FieldLabels(
    tables={
        "audit_event": _l("Audit trail"),
        "platform_audit_event": _l("Operator log"),
    },
    columns={
        "object_type": _l("Object type"),
        "object_id": _l("Object (record number)"),
    },
)


@hookimpl
def lotse_data_categories():
    return [*CLASSES, *CATEGORIES, *TABLES, LABELS]
