"""Erasure and anonymisation of one client, driven by the registry.

*Erase* deletes every row that belongs to the person in every declared table (core and plugins)
plus the stored files. *Anonymise* applies each column's declared action (blank, year only,
placeholder, numbers only) and deletes the rows of tables declared ``on_anonymise="delete"``;
what statistics need (case type, phases, dates, durations, ratings) stays, so counts do not
change. Both write one content-free :class:`DeletionLog` row in the caller's transaction.

Shared data: a household's name is only touched when no other member is left; other persons'
consents that *cover* this person lose the reference, not their own content.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.audit import services as audit
from core.db import db, utcnow
from core.privacy.links import SubjectLinks, model_for
from core.privacy.models import DeletionLog
from core.privacy.registry import (
    ERASE,
    KEEP,
    NUMBERS,
    ORGANISATION,
    PSEUDONYM,
    YEAR,
    DataTable,
    Registry,
)

PLACEHOLDER_FIRST = "Anonymisiert"


@contextmanager
def privileged():
    """The privacy machinery itself may change a frozen record (restrict, lift, erase,
    anonymise, a revocation): the Art. 18 freeze in :mod:`core.privacy.requests` steps aside."""
    session = db.session()
    depth = session.info.get("lotse_privacy_privileged", 0)
    session.info["lotse_privacy_privileged"] = depth + 1
    try:
        yield
    finally:
        session.info["lotse_privacy_privileged"] = depth


def _blank(value, nullable: bool):
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    if isinstance(value, str):
        return ""
    return None if nullable else value


def _anonymised_value(action: str, value, column, row):
    if action == ERASE:
        return _blank(value, column.nullable)
    if action == YEAR and isinstance(value, date):
        return date(value.year, 7, 1)
    if action == PSEUDONYM:
        return PLACEHOLDER_FIRST if column.name == "first_name" else f"(Nr. {row.id})" if column.name == "last_name" else ""
    if action == NUMBERS and isinstance(value, dict):
        return {k: v for k, v in value.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    if action == ORGANISATION:
        return value if _fold(value) in _known_organisations(row.tenant_id) else _blank(value, column.nullable)
    return value


def _fold(value) -> str:
    return " ".join(str(value or "").casefold().split())


#: A partner named for at least this many different clients is an organisation, not a person.
ORGANISATION_MIN_CLIENTS = 3


def _known_organisations(tenant_id: int) -> set[str]:
    """Names that denote organisations, not people: the tenant's recipient categories, org units,
    locations, its ``partner_organisations`` setting, and help-plan partners named for at least
    :data:`ORGANISATION_MIN_CLIENTS` different clients. Cached for one anonymisation pass."""
    session = db.session()
    cached = session.info.get("lotse_known_organisations")
    if cached is not None:
        return cached
    from sqlalchemy import func

    from core.cases.models import Case, HelpPlan, HelpPlanItem
    from core.consent.models import RecipientCategory
    from core.tenancy.models import Location, OrgUnit, Tenant

    names = {_fold(n) for n in db.session.scalars(select(RecipientCategory.name))}
    names |= {_fold(n) for n in db.session.scalars(select(OrgUnit.name))}
    names |= {_fold(n) for n in db.session.scalars(select(Location.name))}
    tenant = db.session.get(Tenant, tenant_id)
    names |= {_fold(n) for n in ((tenant.settings or {}).get("partner_organisations") or [] if tenant else [])}
    shared = (select(HelpPlanItem.partner_name).join(HelpPlan, HelpPlan.id == HelpPlanItem.plan_id)
              .join(Case, Case.id == HelpPlan.case_id).where(HelpPlanItem.partner_name != "")
              .group_by(HelpPlanItem.partner_name).having(func.count(func.distinct(Case.person_id)) >= ORGANISATION_MIN_CLIENTS))
    names |= {_fold(n) for n in db.session.scalars(shared)}
    names.discard("")
    session.info["lotse_known_organisations"] = names
    return names


def _ordered(tables: list[DataTable]) -> list[DataTable]:
    """Children before parents, so foreign keys never block a delete."""
    order = {t.name: i for i, t in enumerate(db.metadata.sorted_tables)}
    return sorted(tables, key=lambda t: -order.get(t.table, 0))


def _files_of(rows) -> list[Path]:
    from core.documentation.models import Attachment
    from core.documentation.services import attachment_path

    return [attachment_path(r) for r in rows if isinstance(r, Attachment)]


def _schedule_file_removal(paths: list[Path]) -> None:
    """Files go when the transaction commits; a rollback keeps them with their rows."""
    if paths:
        db.session().info.setdefault("lotse_files_to_remove", []).extend(paths)


@event.listens_for(Session, "after_commit")
def _remove_files(session):
    for path in session.info.pop("lotse_files_to_remove", []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files(session):
    session.info.pop("lotse_files_to_remove", None)


def _covering_references(person) -> int:
    """Other persons' consents that cover this person (a minor child) lose the reference."""
    from core.consent.models import ConsentRecord

    changed = 0
    for record in db.session.scalars(select(ConsentRecord).where(ConsentRecord.person_id != person.id)):
        if person.id in (record.covered_person_ids or []):
            record.covered_person_ids = [i for i in record.covered_person_ids if i != person.id]
            changed += 1
    return changed


class _Pass:
    """One erasure or anonymisation run over the registry: collects row counts, categories and
    files, and writes the content-free log entry at the end."""

    def __init__(self, person, registry: Registry):
        self.person, self.registry = person, registry
        self.links = SubjectLinks(person, own_households_only=True)
        self.counts: dict[str, int] = {}
        self.categories: set[str] = set()
        self.files: list[Path] = []

    def tables(self):
        for table in _ordered(self.registry.client_tables()):
            model = model_for(table.table)
            rows = list(db.session.scalars(select(model).where(self.links.condition(model, table))))
            if rows:
                yield table, model, rows

    def delete(self, table: DataTable, rows) -> None:
        self.files += _files_of(rows)
        for row in rows:
            db.session.delete(row)
        self.counts[table.table] = len(rows)
        self.categories |= self.registry.categories_of(table)
        db.session.flush()

    def log(self, action: str, rule: str, actor, request_id) -> DeletionLog:
        if _covering_references(self.person):
            self.counts["consent_record.covered_person_ids"] = 1
        subject_ref = f"person:{self.person.id}"
        if action == "erased":
            db.session.delete(self.person)
            self.counts["person"] = 1
            self.categories |= self.registry.categories_of(self.registry.tables["person"])
        db.session.flush()
        _schedule_file_removal(self.files)
        log = DeletionLog(subject_ref=subject_ref, action=action, rule=rule[:60], categories=sorted(c for c in self.categories if c),
                          row_counts=self.counts, files=len(self.files), actor_id=getattr(actor, "id", None), request_id=request_id)
        db.session.add(log)
        db.session.flush()
        audit.record(f"privacy.{action}", actor=actor, obj=log, rule=rule[:60])
        return log


def erase(person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None) -> DeletionLog:
    """Delete the person and everything linked to them; keep only the deletion log."""
    run = _Pass(person, registry)
    with privileged(), db.session.no_autoflush:
        for table, _model, rows in run.tables():
            if table.link == "self":
                continue
            if table.table == "data_subject_request":
                # The request stays as evidence that it was answered; its free text goes.
                for row in rows:
                    row.details, row.decision_note = "", ""
                run.counts[table.table] = len(rows)
                continue
            run.delete(table, rows)
        return run.log("erased", rule, actor, request_id)


def anonymise(person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None) -> DeletionLog | None:
    """Apply every column's anonymisation action; returns None when nothing was left to change
    (running it twice is harmless)."""
    run = _Pass(person, registry)
    db.session().info.pop("lotse_known_organisations", None)
    with privileged():
        closed = _close_open_cases(person)
    with privileged(), db.session.no_autoflush:
        for table, model, rows in run.tables():
            if table.on_anonymise == "delete":
                run.delete(table, rows)
                continue
            columns = model.__table__.columns
            changed = 0
            for row in rows:
                row_changed = False
                for name, (category, action) in table.columns.items():
                    if action == KEEP:
                        continue
                    old = getattr(row, name)
                    new = _anonymised_value(action, old, columns[name], row)
                    if new != old:
                        setattr(row, name, new)
                        row_changed = True
                        run.categories.add(category)
                changed += row_changed
            if changed:
                run.counts[table.table] = changed
        db.session().info.pop("lotse_known_organisations", None)
        if _covering_references(person):
            run.counts["consent_record.covered_person_ids"] = 1
        if closed:
            run.counts["case_file.closed"] = closed
        if not run.counts:
            return None
        person.anonymised_at = person.anonymised_at or utcnow()
        return run.log("anonymised", rule, actor, request_id)


def _close_open_cases(person) -> int:
    """An anonymised file is no one's work any more: open cases close as "anonymised" and leave
    every caseload (statistics keep the dates)."""
    from core.cases.models import Case

    cases = list(db.session.scalars(select(Case).where(Case.person_id == person.id, Case.status != "closed")))
    for case in cases:
        case.status, case.phase, case.closure_reason = "closed", "closure", "anonymised"
        case.closed_on = case.closed_on or date.today()
    db.session.flush()
    return len(cases)


def apply(action: str, person, registry: Registry, **kwargs) -> DeletionLog | None:
    return erase(person, registry, **kwargs) if action == "erase" else anonymise(person, registry, **kwargs)


def deletion_log(limit: int = 200) -> list[DeletionLog]:
    return list(db.session.scalars(select(DeletionLog).order_by(DeletionLog.at.desc(), DeletionLog.id.desc()).limit(limit)))

