"""Writing audit rows. Callers add them to the running transaction; the caller commits."""

from __future__ import annotations

from core.audit.models import AuditEvent, PlatformAuditEvent
from core.db import db
from core.tenancy.context import current_tenant_id

_ALLOWED_DETAIL_TYPES = (int, float, bool, type(None))


def _check_content_free(details: dict) -> dict:
    """Details carry ids and codes; strings are limited to short identifiers (no free text)."""
    for key, value in details.items():
        if isinstance(value, str):
            if len(value) > 80 or " " in value.strip():
                raise ValueError(f"audit detail {key!r} looks like free text")
        elif isinstance(value, list | tuple):
            _check_content_free({f"{key}[]": v for v in value})
        elif not isinstance(value, _ALLOWED_DETAIL_TYPES):
            raise ValueError(f"audit detail {key!r} has unsupported type")
    return dict(details)


def _event(model, action, actor, obj, object_type, object_id, details, **extra):
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id or getattr(obj, "id", "")
    event = model(
        actor_id=getattr(actor, "id", actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        details=_check_content_free(details),
        **extra,
    )
    db.session.add(event)
    return event


def record(action: str, *, actor=None, obj=None, object_type: str = "", object_id="", **details):
    """Add an audit row for the bound tenant (raises without one: audit is never silently lost)."""
    return _event(
        AuditEvent,
        action,
        actor,
        obj,
        object_type,
        object_id,
        details,
        tenant_id=current_tenant_id(),
    )


def record_many(action: str, object_type: str, object_ids, *, actor=None, **details) -> int:
    """One audit row per object, written as one statement (a batch job's events); the same
    content-free details for each. Returns the number of rows."""
    from sqlalchemy import insert

    rows = [
        {
            "tenant_id": current_tenant_id(),
            "actor_id": getattr(actor, "id", actor),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "details": _check_content_free(details),
        }
        for object_id in object_ids
    ]
    if rows and rows[0]["tenant_id"] is None:
        raise ValueError("audit rows need a bound tenant")
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    return len(rows)


def record_platform(action: str, *, actor=None, obj=None, object_type="", object_id="", **details):
    """Add a row to the operator log (actions on the installation, outside any tenant)."""
    return _event(PlatformAuditEvent, action, actor, obj, object_type, object_id, details)
