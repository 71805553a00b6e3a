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

import hashlib
import hmac
import json
import logging
import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.audit import services as audit
from core.db import checkpoint, db, utcnow
from core.privacy.links import SubjectLinks, model_for
from core.privacy.models import DeletionLog, ErasedRevocation, RecipientNotice
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


#: Kept code columns whose values come from a fixed code list: on anonymisation anything that is not
#: such a code (text from before the codes, a direct write) is blanked – never rely on input checks.
_CODE_LISTS = {
    "person.nationality": "country",
    "person.languages": "language",
    "person.interpreter_language": "language",
}


def _only_codes(kind: str, value, column):
    from core.labels import country_names, language_names

    valid = country_names("de") if kind == "country" else language_names("de")
    if isinstance(value, list):
        return [v for v in value if v in valid]
    return value if not value or value in valid else _blank(value, column.nullable)


def _anonymised_value(action: str, value, column, row):
    if action == KEEP:
        kind = _CODE_LISTS.get(f"{column.table.name}.{column.name}")
        return _only_codes(kind, value, column) if kind else value
    if action == ERASE:
        return _blank(value, column.nullable)
    if action == YEAR and isinstance(value, date):
        return date(value.year, 7, 1)
    if action == PSEUDONYM:
        return (
            PLACEHOLDER_FIRST
            if column.name == "first_name"
            else f"(Nr. {row.id})"
            if column.name == "last_name"
            else ""
        )
    if action == NUMBERS and isinstance(value, dict):
        return {
            k: v for k, v in value.items() if isinstance(v, int | float) and not isinstance(v, bool)
        }
    if action == ORGANISATION:
        return (
            value
            if _fold(value) in _known_organisations(row.tenant_id)
            else _blank(value, column.nullable)
        )
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
    names |= {
        _fold(n)
        for n in ((tenant.settings or {}).get("partner_organisations") or [] if tenant else [])
    }
    shared = (
        select(HelpPlanItem.partner_name)
        .join(HelpPlan, HelpPlan.id == HelpPlanItem.plan_id)
        .join(Case, Case.id == HelpPlan.case_id)
        .where(HelpPlanItem.partner_name != "")
        .group_by(HelpPlanItem.partner_name)
        .having(func.count(func.distinct(Case.person_id)) >= ORGANISATION_MIN_CLIENTS)
    )
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
    entries = session.info.pop("lotse_deletion_journal", [])
    if entries:
        _append_journal(entries)
    if session.info.pop("lotse_checkpoint", False) or entries:
        # SQLite: erased content must not survive in the WAL (secure_delete zeroes the file).
        checkpoint(session.get_bind())


@event.listens_for(Session, "after_rollback")
def _keep_files(session):
    session.info.pop("lotse_files_to_remove", None)
    session.info.pop("lotse_deletion_journal", None)
    session.info.pop("lotse_checkpoint", None)


# --- the deletion journal (backups) ---------------------------------------------------------
#
# A backup taken before an erasure still holds the person. The journal is an append-only file
# beside the database (never inside it, so restoring a backup does not roll it back) with one
# content-free line per committed erasure or anonymisation: tenant, record number and a keyed
# fingerprint (HMAC with the secret key over the record number and its creation time), never a
# name. ``lotse jobs replay-deletions`` (and every retention run) applies it again after a
# restore; the fingerprint makes sure a *different* record that reuses the number is never hit.

logger = logging.getLogger("lotse.privacy")


def journal_path() -> Path:
    from flask import current_app

    configured = current_app.config.get("LOTSE_DELETION_JOURNAL") or os.environ.get(
        "LOTSE_DELETION_JOURNAL"
    )
    return (
        Path(configured)
        if configured
        else Path(current_app.instance_path) / "deletion-journal.jsonl"
    )


def fingerprint(tenant_id: int, person) -> str:
    """Matchable, not reversible: the same record gives the same value, a name never enters it."""
    from flask import current_app

    created = person.created_at.isoformat() if person.created_at else ""
    message = f"{tenant_id}:person:{person.id}:{created}".encode()
    return hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), message, hashlib.sha256
    ).hexdigest()[:32]


def _append_journal(entries: list[dict]) -> None:
    path = journal_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            for entry in entries:
                out.write(json.dumps(entry, sort_keys=True) + "\n")
    except OSError:
        # The erasure itself is committed; the deletion log in the database still records it.
        logger.exception(
            "deletion journal %s not writable; a restored backup would need a manual replay", path
        )


def read_journal() -> list[dict]:
    path = journal_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def _journal(
    subject: tuple[int, str], action: str, log_entry: DeletionLog, case_numbers: list[str]
) -> None:
    """Queue the journal line; it is written only when the transaction commits."""
    person_id, mark = subject
    entry = {
        "tenant_id": log_entry.tenant_id,
        "action": action,
        "subject_ref": f"person:{person_id}",
        "fingerprint": mark,
        "log_id": log_entry.id,
        "at": utcnow().isoformat(timespec="seconds"),
        "case_numbers": case_numbers,
    }
    db.session().info.setdefault("lotse_deletion_journal", []).append(entry)


def _covering_references(person) -> dict[str, int]:
    """Other persons' consents that cover this person (a minor child) lose the reference, and the
    person's own consents stop covering others (one indexed, set-based delete each)."""
    from core.consent.coverage import release

    return release([person.id]).get(person.id, {})


def _count(run: _Pass, more: dict[str, int]) -> None:
    for key, n in more.items():
        run.counts[key] = run.counts.get(key, 0) + n
        if key in run.registry.tables:
            run.categories |= run.registry.categories_of(run.registry.tables[key])


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
        _count(self, _covering_references(self.person))
        subject_ref = f"person:{self.person.id}"
        if action == "erased":
            db.session.delete(self.person)
            self.counts["person"] = 1
            self.categories |= self.registry.categories_of(self.registry.tables["person"])
        db.session.flush()
        _schedule_file_removal(self.files)
        log = DeletionLog(
            subject_ref=subject_ref,
            action=action,
            rule=rule[:60],
            categories=sorted(c for c in self.categories if c),
            row_counts=self.counts,
            files=len(self.files),
            actor_id=getattr(actor, "id", None),
            request_id=request_id,
        )
        db.session.add(log)
        db.session.flush()
        audit.record(f"privacy.{action}", actor=actor, obj=log, rule=rule[:60])
        return log


def _recipient_of(row) -> dict:
    return {
        "recipient_key": row.recipient_key,
        "recipient_name": row.recipient_name,
        "on": row.at.date().isoformat() if row.at else "",
        "data_categories": list(row.data_categories or []),
    }


def erase(
    person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None
) -> DeletionLog:
    """Delete the person and everything linked to them; keep only the deletion log, the
    recipients to be told (Art. 19), a bare count of revocations, and the person's requests
    (without their text; open ones closed as "erased")."""
    from core.cases.models import Case

    run = _Pass(person, registry)
    subject = (person.id, fingerprint(person.tenant_id, person))
    recipients: list[dict] = []
    revocations: list[ErasedRevocation] = []
    case_numbers = list(db.session.scalars(select(Case.number).where(Case.person_id == person.id)))
    with privileged(), db.session.no_autoflush:
        for table, _model, rows in run.tables():
            if table.link == "self":
                continue
            if table.table == "data_subject_request":
                # The request stays as evidence that it was answered; its free text goes. A request
                # still open cannot be answered any more: it is closed with that outcome.
                for row in rows:
                    row.details, row.decision_note = "", ""
                    if row.status == "open":
                        row.status, row.decided_at = "erased", utcnow()
                        row.decided_by_id = getattr(actor, "id", None)
                run.counts[table.table] = len(rows)
                continue
            if table.table == "disclosure":
                recipients += [_recipient_of(r) for r in sorted(rows, key=lambda r: (r.at, r.id))]
            elif table.table == "consent_revocation":
                revocations += [
                    ErasedRevocation(
                        at=r.at, received_on=r.received_on, partial=bool(r.recipient_keys)
                    )
                    for r in rows
                ]
            run.delete(table, rows)
        entry = run.log("erased", rule, actor, request_id)
        if recipients:
            db.session.add(RecipientNotice(deletion_log_id=entry.id, recipients=recipients))
        for row in revocations:
            row.deletion_log_id = entry.id
            db.session.add(row)
        db.session.flush()
        _journal(subject, "erased", entry, case_numbers)
        return entry


def anonymise(
    person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None
) -> DeletionLog | None:
    """Apply every column's anonymisation action; returns None when nothing was left to change
    (running it twice is harmless)."""
    run = _Pass(person, registry)
    subject = (person.id, fingerprint(person.tenant_id, person))
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
                    if action == KEEP and f"{table.table}.{name}" not in _CODE_LISTS:
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
        _count(run, _covering_references(person))
        if closed:
            run.counts["case_file.closed"] = closed
        if not run.counts:
            return None
        person.anonymised_at = person.anonymised_at or utcnow()
        entry = run.log("anonymised", rule, actor, request_id)
        _journal(subject, "anonymised", entry, [])
        return entry


def _close_open_cases(person) -> int:
    """An anonymised file is no one's work any more: open cases close as "anonymised" and leave
    every caseload (statistics keep the dates)."""
    from core.cases.models import Case

    cases = list(
        db.session.scalars(select(Case).where(Case.person_id == person.id, Case.status != "closed"))
    )
    for case in cases:
        case.status, case.phase, case.closure_reason = "closed", "closure", "anonymised"
        case.closed_on = case.closed_on or date.today()
    db.session.flush()
    return len(cases)


def apply(action: str, person, registry: Registry, **kwargs) -> DeletionLog | None:
    return (
        erase(person, registry, **kwargs)
        if action == "erase"
        else anonymise(person, registry, **kwargs)
    )


def deletion_log(limit: int = 200) -> list[DeletionLog]:
    return list(
        db.session.scalars(
            select(DeletionLog).order_by(DeletionLog.at.desc(), DeletionLog.id.desc()).limit(limit)
        )
    )


# --- Art. 19: recipients to inform ----------------------------------------------------------


def open_recipient_notices() -> list[RecipientNotice]:
    return list(
        db.session.scalars(
            select(RecipientNotice)
            .where(RecipientNotice.done_at.is_(None))
            .order_by(RecipientNotice.created_at, RecipientNotice.id)
        )
    )


def recipient_notice(notice_id: int) -> RecipientNotice | None:
    return db.session.scalar(select(RecipientNotice).where(RecipientNotice.id == notice_id))


def close_recipient_notice(actor, notice: RecipientNotice) -> RecipientNotice:
    """The DSB told the recipients. What stays is who (category), when and which categories;
    the names the recipients were given as are no longer needed and go."""
    if notice.done_at is None:
        notice.done_at, notice.done_by_id = utcnow(), getattr(actor, "id", None)
        notice.recipients = [{**r, "recipient_name": ""} for r in notice.recipients or []]
        db.session.flush()
        db.session().info["lotse_checkpoint"] = True
        audit.record(
            "privacy.recipients_informed",
            actor=actor,
            obj=notice,
            recipients=len(notice.recipients),
        )
    return notice


def erased_revocations_since(since) -> int:
    """Revocations whose person has been erased since (the DSB's count includes them)."""
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count()).select_from(ErasedRevocation).where(ErasedRevocation.at >= since)
        )
        or 0
    )
