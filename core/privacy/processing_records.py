"""The records of processing activities (Art. 30 GDPR) of one tenant, generated from the
personal-data registry so that they always match what the software actually stores: only core
and the tenant's enabled plugins, with the tenant's own retention periods."""

from __future__ import annotations

from flask_babel import gettext as _

from core.privacy.field_labels import category_facts, column_label, start_event_label
from core.privacy.registry import tenant_registry


def _plugin_title(name: str) -> str:
    from core.plugins.services import manager

    meta = manager().metas.get(name)
    return str(meta.title) if meta is not None else name


def retention_text(months, start_event: str) -> str:
    if months is None:
        return _("until %(event)s", event=start_event_label(start_event))
    return _(
        "%(months)d months after %(event)s", months=months, event=start_event_label(start_event)
    )


def build_records(tenant) -> list[dict]:
    """One entry per data category the tenant processes (core plus enabled plugins)."""
    from core.consent import services as consent
    from core.privacy.retention import policy

    registry = tenant_registry(tenant)
    periods = policy(tenant, registry).periods
    recipient_names = [c.name for c in consent.categories(active_only=True)]
    out = []
    for key, category in registry.categories.items():
        tables = [t for t in registry.tables.values() if key in registry.categories_of(t)]
        client_data = any(t.link != "none" for t in tables)
        fields = [
            {
                "table": t.table,
                "column": column,
                "name": f"{t.table}.{column}",
                "label": column_label(column),
            }
            for t in tables
            for column, (cat, _action) in t.columns.items()
            if cat == key
        ]
        cls = registry.classes[category.retention]
        period = periods.get(cls.key)
        start = period.start if period else cls.start_event
        months = period.months if period else cls.default_months
        recipients = [str(category.recipients)] if str(category.recipients) else []
        if client_data:
            recipients += recipient_names
        owners = sorted({registry.owners.get(t.table) or "" for t in tables})
        plugins = [o for o in owners if o]
        out.append(
            {
                **category_facts(category),
                "client_data": client_data,
                "fields": fields,
                "recipients": recipients,
                "retention": {
                    "retention_class": cls.key,
                    "title": str(cls.title),
                    "description": str(cls.description),
                    "start_event": start,
                    "start_event_label": start_event_label(start),
                    "months": months,
                    "text": retention_text(months, start),
                },
                "core": "" in owners,
                "plugins": plugins,
                "contributed_by": ([_("Core")] if "" in owners else [])
                + [_plugin_title(p) for p in plugins],
            }
        )
    return out
