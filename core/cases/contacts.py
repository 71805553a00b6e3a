"""Counselling contacts (Beratungskontakte) and the effort spent on a case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.cases import access
from core.cases.models import Case, Contact
from core.cases.schemas import ContactSchema
from core.cases.services import add_to_case
from core.cases.settings import regelkreis_for
from core.db import db
from core.documentation.models import JournalEntry
from core.schemas import ValidationError, load


def add_contact(actor, tenant, case: Case, data: Mapping[str, Any]) -> Contact:
    """Document a contact; a short counselling has a session limit (more need a reason)."""
    access.ensure_case(actor, case)
    errors = {"case": [_("The case is closed. Reopen it first.")]} if case.status != "open" else {}
    values = load(ContactSchema(tenant=tenant, actor=actor, case=case), data, errors=errors)
    regelkreis = regelkreis_for(tenant)
    limit = (
        regelkreis.case_type(case.case_type).session_limit
        if case.case_type in regelkreis.case_types
        else None
    )
    summary, over_limit = values["summary"], values.pop("over_limit_reason")
    if limit is not None:
        held = db.session.execute(
            select(func.count(Contact.id)).where(Contact.case_id == case.id)
        ).scalar_one()
        if held >= limit and not over_limit:
            raise ValidationError(
                {
                    "over_limit_reason": [
                        _(
                            "A short counselling has at most %(n)d sessions. Give a reason for "
                            "another one or convert the case to case management.",
                            n=limit,
                        )
                    ]
                }
            )
        if over_limit:
            summary = f"{summary}\n\n[{_('Beyond the session limit')}: {over_limit}]".strip()
    contact = Contact(
        case_id=case.id,
        contact_on=values["contact_on"],
        duration_minutes=values["duration_minutes"],
        channel=values["channel"],
        participants=values["participants"],
        interpreter_used=values["interpreter_used"],
        summary=summary,
        author_id=getattr(actor, "id", None),
    )
    add_to_case(actor, case, contact, "case.contact_added", id_as="contact")
    return contact


def contacts(case: Case) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.case_id == case.id)
            .order_by(Contact.contact_on.desc(), Contact.id.desc())
        )
    )


def effort_minutes(case: Case) -> int:
    """Minutes spent on the case: contacts plus the effort noted with journal entries."""
    contact_minutes = db.session.execute(
        select(func.coalesce(func.sum(Contact.duration_minutes), 0)).where(
            Contact.case_id == case.id
        )
    ).scalar_one()
    journal = db.session.execute(
        select(func.coalesce(func.sum(JournalEntry.effort_minutes), 0)).where(
            JournalEntry.case_id == case.id
        )
    ).scalar_one()
    return int(contact_minutes) + int(journal)
