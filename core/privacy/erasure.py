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
from core.privacy.models import DeletionLog
from core.privacy.registry import ERASE, KEEP, NUMBERS, PSEUDONYM, YEAR, DataTable, Registry

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


def _model_for(table: str):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == table:
            return mapper.class_
    raise LookupError(table)


def _subject_ids(person) -> dict[str, list[int]]:
    """Ids of everything that hangs off the person, by link kind."""
    from core.cases.models import Case, HelpPlan
    from core.consent.models import ConsentRecord
    from core.persons.models import HouseholdMember

    case_ids = list(db.session.scalars(select(Case.id).where(Case.person_id == person.id)))
    plan_ids = list(db.session.scalars(select(HelpPlan.id).where(HelpPlan.case_id.in_(case_ids or [0]))))
    consent_ids = list(db.session.scalars(select(ConsentRecord.id).where(ConsentRecord.person_id == person.id)))
    households = list(db.session.scalars(select(HouseholdMember.household_id).where(HouseholdMember.person_id == person.id)))
    lonely = []
    for household_id in households:
        others = db.session.scalar(select(HouseholdMember.id).where(
            HouseholdMember.household_id == household_id, HouseholdMember.person_id != person.id).limit(1))
        if others is None:
            lonely.append(household_id)
    return {"self": [person.id], "person": [person.id], "case": case_ids, "plan": plan_ids,
            "consent": consent_ids, "household": lonely}


def _condition(model, link: str, ids: dict[str, list[int]]):
    column = {"self": "id", "person": "person_id", "case": "case_id", "plan": "plan_id",
              "consent": "consent_id", "household": "id"}[link]
    return getattr(model, column).in_(ids[link] or [0])


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
    return value


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


def erase(person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None) -> DeletionLog:
    """Delete the person and everything linked to them; keep only the deletion log."""
    with privileged():
        return _erase(person, registry, rule=rule, actor=actor, request_id=request_id)


def _erase(person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None) -> DeletionLog:
    ids = _subject_ids(person)
    counts: dict[str, int] = {}
    files: list[Path] = []
    categories: set[str] = set()
    with db.session.no_autoflush:
        for table in _ordered(registry.client_tables()):
            if table.link == "self":
                continue
            model = _model_for(table.table)
            rows = list(db.session.scalars(select(model).where(_condition(model, table.link, ids))))
            if not rows:
                continue
            if table.table == "data_subject_request":
                # The request stays as evidence that it was answered; its free text goes.
                for row in rows:
                    row.details, row.decision_note = "", ""
                counts[table.table] = len(rows)
                continue
            files += _files_of(rows)
            for row in rows:
                db.session.delete(row)
            counts[table.table] = len(rows)
            categories |= registry.categories_of(table)
            db.session.flush()
    if _covering_references(person):
        counts["consent_record.covered_person_ids"] = 1
    subject_ref = f"person:{person.id}"
    db.session.delete(person)
    counts["person"] = 1
    categories |= registry.categories_of(registry.tables["person"])
    db.session.flush()
    _schedule_file_removal(files)
    log = DeletionLog(subject_ref=subject_ref, action="erased", rule=rule[:60], categories=sorted(categories),
                      row_counts=counts, files=len(files), actor_id=getattr(actor, "id", None), request_id=request_id)
    db.session.add(log)
    db.session.flush()
    audit.record("privacy.erased", actor=actor, obj=log, rule=rule[:60])
    return log


def anonymise(person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None) -> DeletionLog | None:
    """Apply every column's anonymisation action; returns None when nothing was left to change
    (running it twice is harmless)."""
    with privileged():
        return _anonymise(person, registry, rule=rule, actor=actor, request_id=request_id)


def _anonymise(person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None) -> DeletionLog | None:
    ids = _subject_ids(person)
    counts: dict[str, int] = {}
    files: list[Path] = []
    categories: set[str] = set()
    with db.session.no_autoflush:
        for table in _ordered(registry.client_tables()):
            model = _model_for(table.table)
            rows = list(db.session.scalars(select(model).where(_condition(model, table.link, ids))))
            if not rows:
                continue
            if table.on_anonymise == "delete":
                files += _files_of(rows)
                for row in rows:
                    db.session.delete(row)
                counts[table.table] = len(rows)
                categories |= registry.categories_of(table)
                db.session.flush()
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
                        categories.add(category)
                changed += row_changed
            if changed:
                counts[table.table] = changed
    if _covering_references(person):
        counts["consent_record.covered_person_ids"] = 1
    if not counts:
        return None
    person.anonymised_at = person.anonymised_at or utcnow()
    db.session.flush()
    _schedule_file_removal(files)
    log = DeletionLog(subject_ref=f"person:{person.id}", action="anonymised", rule=rule[:60],
                      categories=sorted(c for c in categories if c), row_counts=counts, files=len(files),
                      actor_id=getattr(actor, "id", None), request_id=request_id)
    db.session.add(log)
    db.session.flush()
    audit.record("privacy.anonymised", actor=actor, obj=log, rule=rule[:60])
    return log


def apply(action: str, person, registry: Registry, **kwargs) -> DeletionLog | None:
    return erase(person, registry, **kwargs) if action == "erase" else anonymise(person, registry, **kwargs)


def deletion_log(limit: int = 200) -> list[DeletionLog]:
    return list(db.session.scalars(select(DeletionLog).order_by(DeletionLog.at.desc(), DeletionLog.id.desc()).limit(limit)))

