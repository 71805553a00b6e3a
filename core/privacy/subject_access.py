"""The Art. 15 / Art. 20 package of one person, derived from the personal-data registry.

Nothing here lists tables by hand: every client table of the tenant's registry (core plus enabled
plugins) is read through its declared link to the person and dumped column by column, grouped
by data category. A table or plugin added to the registry therefore shows up in the export
without touching this module, and the registry's completeness test keeps it honest.

Other people's data stays out: rows are selected only through the person's own links; the
household contributes its name and the person's own role, never the other members.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from core.db import db, utcnow
from core.privacy.field_labels import (
    category_facts,
    column_label,
    start_event_label,
    table_label,
)
from core.privacy.links import SubjectLinks, attribute_names, model_for
from core.privacy.registry import DataTable, Registry, tenant_registry

SCHEMA_VERSION = "1.0"
#: Newest audit rows shown; the full trail stays with the data-protection officer.
ACCESS_LOG_LIMIT = 500

CONSENT_KIND_LABELS = {
    "processing": _l("Consent to data processing"),
    "cooperation": _l("Agreement to cooperate"),
    "confidentiality_release": _l("Confidentiality release"),
}
LEGAL_BASIS_LABELS = {
    "consent": _l("consent / confidentiality release"),
    "override": _l("without consent (documented reason)"),
}
ACTION_LABELS = {"erase": _l("erasure"), "anonymise": _l("anonymisation")}


def plain(value):
    """A column value as JSON: dates ISO, JSON columns as they are."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _rows(table: DataTable, links: SubjectLinks, tenant) -> list[dict]:
    model = model_for(table.table)
    names = attribute_names(model)
    stmt = select(model).where(links.condition(model, table))
    if hasattr(model, "tenant_id"):
        stmt = stmt.where(
            model.tenant_id == tenant.id
        )  # besides the scope guard: never another tenant
    out = []
    for row in db.session.scalars(stmt.order_by(model.id)):
        values = {"id": row.id}
        for column in table.columns:
            value = getattr(row, names[column])
            document = table.documents.get(column)
            if document is not None:
                # Answers to a form: each field with its label, category and Art. 9 mark.
                context = {c: getattr(row, names[c]) for c in document.context}
                values[column] = plain(
                    document.describe({**context, "tenant_id": tenant.id}, value)
                )
            else:
                values[column] = plain(_label_of(table.table, column, value))
        out.append(values)
    return out


def _label_of(table: str, column: str, value):
    """Coded person fields travel as the German name in the package, never as the code."""
    from core import labels

    if table == "person" and column == "nationality":
        return labels.country_label(value, "de")
    if table == "person" and column == "interpreter_language":
        return labels.language_label(value, "de")
    if table == "person" and column == "languages":
        return [labels.language_label(code, "de") for code in value or []]
    return value


def _period_info(tenant, registry: Registry, class_key: str, person_retention: dict) -> dict:
    from core.privacy.retention import policy

    cls = registry.classes[class_key]
    period = policy(tenant, registry).periods.get(class_key)
    info = {
        "retention_class": class_key,
        "title": str(cls.title),
        "start_event": period.start if period else cls.start_event,
        "start_event_label": start_event_label(period.start if period else cls.start_event),
        "months": period.months if period else cls.default_months,
        "start_on": None,
        "due_on": None,
        "action": None,
        "held": False,
    }
    if person_retention.get("retention_class") == class_key:
        info.update(
            start_on=plain(person_retention.get("start_on")),
            due_on=plain(person_retention.get("due_on")),
            action=person_retention.get("action"),
            held=bool(person_retention.get("held")),
        )
    return info


def _categories(tenant, registry: Registry, links: SubjectLinks, retention: dict) -> list[dict]:
    client_tables = registry.client_tables()
    rows_by_table = {t.table: _rows(t, links, tenant) for t in client_tables}
    out = []
    for key, category in registry.categories.items():
        tables = [t for t in client_tables if key in registry.categories_of(t)]
        if not tables:
            continue
        records = []
        for table in tables:
            # The category's own columns plus columns that hold no personal data (context).
            columns = [c for c, (cat, _action) in table.columns.items() if cat in (key, None)]
            rows = [
                {"id": r["id"], **{c: r[c] for c in columns}} for r in rows_by_table[table.table]
            ]
            records.append(
                {
                    "table": table.table,
                    "title": table_label(table.table),
                    "plugin": registry.owners.get(table.table),
                    "fields": [{"name": c, "label": column_label(c)} for c in columns],
                    "rows": rows,
                }
            )
        out.append(
            {
                **category_facts(category),
                "recipients": str(category.recipients),
                "retention": _period_info(tenant, registry, category.retention, retention),
                "records": records,
            }
        )
    return out


def _consents(person) -> list[dict]:
    from core.consent import services as consent
    from core.consent.models import ConsentTemplate
    from core.labels import CONSENT_STATUS_LABELS

    names = {c.key: c.name for c in consent.categories(active_only=False)}
    history = consent.consent_history(person)
    titles = {
        t.id: t.title
        for t in db.session.scalars(
            select(ConsentTemplate).where(
                ConsentTemplate.id.in_(
                    [v.template_id for _r, _rv, v in history if v is not None] or [0]
                )
            )
        )
    }
    out = []
    for record, revocations, version in history:
        own = record.person_id == person.id
        status = consent.status(record, revocations)
        out.append(
            {
                "id": record.id,
                "kind": record.kind,
                "kind_label": str(CONSENT_KIND_LABELS.get(record.kind, record.kind)),
                # A parent's release that covers a child is the child's consent history too.
                "covers_subject_as": "self" if own else "covered_person",
                "form": titles.get(version.template_id, "") if version is not None else "",
                "form_version": version.number if version is not None else None,
                "language": record.language,
                "signed_by": record.signed_by,
                "guardian_name": record.guardian_name if own else "",
                "granted_on": plain(record.granted_on),
                "valid_until": plain(record.valid_until),
                "status": status,
                "status_label": str(CONSENT_STATUS_LABELS.get(status, status)),
                "recipients": [names.get(k, k) for k in record.recipient_keys or []],
                "partner_names": list(record.partner_names or []),
                "purposes": [consent.purpose_label(p) for p in record.purposes or []],
                "revocations": [
                    {
                        "received_on": plain(r.received_on),
                        "whole": not r.recipient_keys,
                        "recipients": [names.get(k, k) for k in r.recipient_keys or []],
                    }
                    for r in sorted(revocations, key=lambda r: (r.received_on, r.id))
                ],
            }
        )
    return out


def _disclosures(person) -> list[dict]:
    """Art. 15(1)(c): to whom, for what, when and on which legal basis data went."""
    from core.consent import services as consent
    from core.consent.models import Disclosure
    from core.labels import DATA_CATEGORY_LABELS, DISCLOSURE_CHANNEL_LABELS

    names = {c.key: c.name for c in consent.categories(active_only=False)}
    rows = db.session.scalars(
        select(Disclosure)
        .where(Disclosure.person_id == person.id)
        .order_by(Disclosure.at, Disclosure.id)
    )
    return [
        {
            "id": row.id,
            "at": plain(row.at),
            "recipient_category": names.get(row.recipient_key, row.recipient_key)
            if row.recipient_key
            else "",
            "recipient_name": row.recipient_name,
            "purpose": row.purpose,
            "purpose_label": consent.purpose_label(row.purpose),
            "legal_basis": row.legal_basis,
            "legal_basis_label": str(LEGAL_BASIS_LABELS.get(row.legal_basis, row.legal_basis)),
            "data_categories": [
                str(DATA_CATEGORY_LABELS.get(c, c)) for c in row.data_categories or []
            ],
            "channel": row.channel,
            "channel_label": str(DISCLOSURE_CHANNEL_LABELS.get(row.channel, row.channel)),
        }
        for row in rows
    ]


def _access_log(person, links: SubjectLinks) -> list[dict]:
    """Who worked with the file and when: the content-free audit rows about the person's objects."""
    from core.audit.models import AuditEvent
    from core.auth.models import User
    from core.consent.models import Disclosure

    disclosure_ids = list(
        db.session.scalars(select(Disclosure.id).where(Disclosure.person_id == person.id))
    )
    objects = [
        ("Person", [person.id]),
        ("Case", links.case_ids),
        ("ConsentRecord", links.consent_ids),
        ("Disclosure", disclosure_ids),
    ]
    condition = or_(
        *(
            and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_([str(i) for i in ids]))
            for kind, ids in objects
            if ids
        )
    )
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(condition)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(ACCESS_LOG_LIMIT)
        )
    )
    actor_ids = {e.actor_id for e in events if e.actor_id}
    actors = dict(
        db.session.execute(
            select(User.id, User.display_name).where(User.id.in_(actor_ids or {0}))
        ).all()
    )
    return [
        {
            "at": plain(e.at),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "actor": actors.get(e.actor_id, "") if e.actor_id else "",
        }
        for e in events
    ]


def _requests(person) -> list[dict]:
    from core.privacy.models import DataSubjectRequest
    from core.privacy.requests import kind_label, status_label

    rows = db.session.scalars(
        select(DataSubjectRequest)
        .where(DataSubjectRequest.person_id == person.id)
        .order_by(DataSubjectRequest.received_on, DataSubjectRequest.id)
    )
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "kind_label": kind_label(r.kind),
            "received_on": plain(r.received_on),
            "due_on": plain(r.due_on),
            "status": r.status,
            "status_label": status_label(r.status),
            "decided_at": plain(r.decided_at),
        }
        for r in rows
    ]


def _attachments(links: SubjectLinks) -> list[dict]:
    """Listed, not embedded: the files themselves are downloaded from the HTML page."""
    from core.documentation.models import Attachment

    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.case_id.in_(links.case_ids or [0]))
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return [
        {
            "id": a.id,
            "case_id": a.case_id,
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "description": a.description,
            "uploaded_at": plain(a.uploaded_at),
        }
        for a in rows
    ]


def controller_info(tenant) -> dict:
    """Controller, DPO, rights and authority from the newest published privacy notice (Art. 13
    sheet of the consent forms), so the answer names the same contacts the client was given."""
    from core.consent.models import NOTICE_FIELDS, ConsentTemplateVersion

    versions = db.session.scalars(
        select(ConsentTemplateVersion)
        .where(
            ConsentTemplateVersion.published_at.is_not(None),
            ConsentTemplateVersion.retired_at.is_(None),
        )
        .order_by(ConsentTemplateVersion.published_at.desc(), ConsentTemplateVersion.id.desc())
    )
    notice = next((v.privacy_notice for v in versions if v.privacy_notice), {}) or {}
    info = {"name": tenant.name}
    for key in NOTICE_FIELDS:
        value = notice.get(key)
        if isinstance(value, str) and value.strip():
            info[key] = value
    return info


def _household(person) -> dict | None:
    from core.labels import HOUSEHOLD_ROLE_LABELS
    from core.persons.models import Household, HouseholdMember

    member = db.session.scalar(
        select(HouseholdMember)
        .where(HouseholdMember.person_id == person.id)
        .order_by(HouseholdMember.id)
    )
    if member is None:
        return None
    household = db.session.scalar(select(Household).where(Household.id == member.household_id))
    return {
        "name": household.name if household else "",
        "role": member.role,
        "role_label": str(HOUSEHOLD_ROLE_LABELS.get(member.role, member.role)),
    }


def build_package(tenant, person) -> dict:
    """Everything stored about ``person`` in ``tenant``, as a JSON-ready dict (schema
    ``subject_access.schema.json``). Read-only; the caller audits the export."""
    from core.privacy.retention import person_retention

    registry = tenant_registry(tenant)
    links = SubjectLinks(person)
    retention = person_retention(tenant, person)
    locale = get_locale()
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": plain(utcnow()),
        "language": str(locale) if locale else "de",
        "tenant": {"slug": tenant.slug, "name": tenant.name},
        "controller": controller_info(tenant),
        "subject": {
            "id": person.id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "name": person.full_name,
            "birth_date": plain(person.birth_date),
            "restricted": person.restricted_at is not None,
            "anonymised": person.anonymised_at is not None,
        },
        "household": _household(person),
        "categories": _categories(tenant, registry, links, retention),
        "consents": _consents(person),
        "disclosures": _disclosures(person),
        "requests": _requests(person),
        "attachments": _attachments(links),
        "access_log": _access_log(person, links),
        "retention": {
            "retention_class": retention.get("retention_class"),
            "title": str(registry.classes[retention["retention_class"]].title)
            if retention.get("retention_class") in registry.classes
            else "",
            "start_event": retention.get("start_event"),
            "start_event_label": start_event_label(retention.get("start_event") or ""),
            "start_on": plain(retention.get("start_on")),
            "months": retention.get("months"),
            "due_on": plain(retention.get("due_on")),
            "action": retention.get("action"),
            "action_label": _action_label(retention.get("action")),
            "held": bool(retention.get("held")),
        },
    }


def _action_label(action: str | None) -> str:
    """What people read for a retention action (an unknown one as it is)."""
    return str(ACTION_LABELS.get(action or "", action or ""))


def describe_retention(info: dict) -> str:
    """One sentence for people: period, start event and, where known, the date it ends."""
    months = info.get("months")
    if months is None:
        text = _("Kept until %(event)s; then deleted.", event=info.get("start_event_label") or "")
    else:
        text = _(
            "Kept %(months)d months after %(event)s.",
            months=months,
            event=info.get("start_event_label") or "",
        )
    if info.get("due_on"):
        due = date.fromisoformat(info["due_on"][:10])
        text += " " + _(
            "Due for %(action)s on %(date)s.",
            action=_action_label(info.get("action")),
            date=due.strftime("%d.%m.%Y"),
        )
    elif months is not None and info.get("retention_class") and info.get("action"):
        text += " " + _("The period has not started yet.")
    if info.get("held"):
        text += " " + _("Currently kept because of a legal hold or a restriction of processing.")
    return text
