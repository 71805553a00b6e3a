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
from typing import Any

from sqlalchemy import (
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Session

from core.audit import services as audit
from core.db import among, checkpoint, db, utcnow
from core.privacy.links import LINK_COLUMN, attribute_names, model_for
from core.privacy.models import DeletionLog, ErasedRevocation, RecipientNotice
from core.privacy.registry import (
    ERASE,
    FIELDS,
    KEEP,
    NUMBERS,
    ORGANISATION,
    PSEUDONYM,
    YEAR,
    DataTable,
    Registry,
)
from core.tenancy.context import current_tenant_id

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


def _in_sql(action: str, column, table):
    """The anonymised value of ``column`` as a SQL expression over the row itself, the same
    :func:`_anonymised_value` computes in Python; None where only Python can (JSON lists and
    objects, organisation names). Both must agree: the tests run each action through the
    set-based path."""
    from sqlalchemy import JSON, Date, String, Text, case, cast, literal, null
    from sqlalchemy import Integer as Int

    kind = column.type
    text_like = isinstance(kind, String | Text) and not isinstance(kind, JSON)
    if isinstance(kind, JSON) or action in (NUMBERS, ORGANISATION):
        return None
    if action == KEEP:
        codes = _CODE_LISTS.get(f"{column.table.name}.{column.name}")
        if not codes:
            return column
        from core.labels import country_names, language_names

        valid = sorted(country_names("de") if codes == "country" else language_names("de"))
        keep = (column == "") | column.in_(valid)
        return case((keep, column), else_=literal("") if not column.nullable else null())
    if action == ERASE:
        if text_like and column.nullable:
            return case((column.is_(None), null()), else_=literal(""))
        if text_like:
            return literal("", kind)
        return null() if column.nullable else column
    if action == YEAR:
        if not isinstance(kind, Date):
            return column
        if db.session.get_bind().dialect.name == "postgresql":
            year = cast(func.extract("year", column), Int)
            return func.make_date(year, 7, 1)
        return func.substr(column, 1, 4).op("||")(literal("-07-01"))
    if action == PSEUDONYM:
        if column.name == "first_name":
            return literal(PLACEHOLDER_FIRST, kind)
        if column.name == "last_name":
            return literal("(Nr. ").op("||")(cast(table.c.id, String)).op("||")(literal(")"))
        return literal("", kind)
    return column


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
    return list(iter_journal())


def iter_journal():
    """The journal's entries one by one (it grows with every erasure: never read it whole)."""
    path = journal_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                yield entry


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


# --- erasure and anonymisation, a batch of persons at a time ----------------------------------
#
# Per declared table a batch costs a fixed number of statements (a grouped count or one select of
# the rows to change, then one set-based DELETE or one UPDATE executemany), whatever the number of
# persons in it. Erasing or anonymising one person is a batch of one: every guarantee the tests
# check for one person holds for a batch.


class _Batch:
    """The persons of one erasure or anonymisation pass and the ids through which rows belong to
    them (cases, consents, plans, households no one else is left in); collects row counts,
    categories and files per person and writes one content-free log entry for each."""

    def __init__(self, persons, registry: Registry):
        from core.cases.models import Case, HelpPlan
        from core.consent.models import ConsentRecord
        from core.persons.models import HouseholdMember

        self.persons = sorted(persons, key=lambda p: p.id)
        self.registry = registry
        self.ids = [p.id for p in self.persons]
        ids = self.ids
        cases = dict(
            db.session.execute(
                select(Case.id, Case.person_id).where(among(Case.person_id, ids))
            ).all()
        )
        consents = dict(
            db.session.execute(
                select(ConsentRecord.id, ConsentRecord.person_id).where(
                    among(ConsentRecord.person_id, ids)
                )
            ).all()
        )
        plans = {
            plan_id: cases[case_id]
            for plan_id, case_id in db.session.execute(
                select(HelpPlan.id, HelpPlan.case_id).where(among(HelpPlan.case_id, list(cases)))
            )
        }
        members: dict[int, set[int]] = {}
        theirs = select(HouseholdMember.household_id).where(among(HouseholdMember.person_id, ids))
        for household_id, person_id in db.session.execute(
            select(HouseholdMember.household_id, HouseholdMember.person_id).where(
                HouseholdMember.household_id.in_(theirs)
            )
        ):
            members.setdefault(household_id, set()).add(person_id)
        # A shared household's name is the other members' data too: it goes with the last of
        # them (the highest record number when several leave in the same batch).
        households = {h: max(m) for h, m in members.items() if m <= set(ids)}
        self.owners: dict[str, dict[int, int]] = {
            "self": {i: i for i in ids},
            "person": {i: i for i in ids},
            "case": cases,
            "consent": consents,
            "plan": plans,
            "household": households,
        }
        self.counts: dict[int, dict[str, int]] = {i: {} for i in ids}
        self.categories: dict[int, set[str]] = {i: set() for i in ids}
        self.files: dict[int, list[Path]] = {i: [] for i in ids}

    def link(self, model, table: DataTable):
        return getattr(model, attribute_names(model)[LINK_COLUMN[table.link]])

    def keys(self, table: DataTable) -> list[int]:
        return list(self.owners[table.link])

    def note(self, table: DataTable, per_person: dict[int, int], categories=None) -> None:
        for person_id, n in per_person.items():
            if n:
                self.counts[person_id][table.table] = n
                self.categories[person_id] |= (
                    self.registry.categories_of(table) if categories is None else categories
                )

    def tally(self, table: DataTable, model) -> dict[int, int]:
        """Rows per person in the table (one grouped count)."""
        owners, link = self.owners[table.link], self.link(model, table)
        out: dict[int, int] = {}
        if owners:
            for key, n in db.session.execute(
                select(link, func.count()).where(among(link, list(owners))).group_by(link)
            ):
                out[owners[key]] = out.get(owners[key], 0) + n
        return out

    def delete(self, table: DataTable, model) -> None:
        """One set-based DELETE of every row of the batch's persons."""
        from core.documentation.models import Attachment

        per_person = self.tally(table, model)
        if not per_person:
            return
        link, owners = self.link(model, table), self.owners[table.link]
        if model is Attachment:
            for row in db.session.scalars(select(model).where(among(link, list(owners)))):
                self.files[owners[getattr(row, link.key)]] += _files_of([row])
        db.session.execute(
            delete(model)
            .where(among(link, list(owners)))
            .execution_options(synchronize_session=False)
        )
        _forget(model, link.key, set(owners), expunge=True)
        self.note(table, per_person)

    def anonymise(self, table: DataTable, model) -> None:
        """Each declared column's action, set-based where SQL can say it (:func:`_in_sql`:
        blank, year only, placeholder, codes only), in Python for the rest (JSON lists and
        objects, organisation names). One select reads, per row, which SQL-computed columns
        would change and the values of the Python ones; one UPDATE then writes the SQL ones
        for every row that changes (a version column is raised in the same statement, so a
        form opened before fails its version check instead of writing back), and an UPDATE
        executemany the Python ones for the few rows where those change."""
        owners = self.owners[table.link]
        touched = [
            name
            for name, (_category, action) in table.columns.items()
            if action != KEEP or f"{table.table}.{name}" in _CODE_LISTS
        ]
        if not owners or not touched:
            return
        link = self.link(model, table)
        table_ = model.__table__
        columns = table_.columns
        version = model.__mapper__.version_id_col
        in_sql = {n: _in_sql(table.columns[n][1], columns[n], table_) for n in touched}
        by_sql = [n for n in touched if in_sql[n] is not None]
        by_python = [n for n in touched if in_sql[n] is None]
        flags = [
            func.coalesce(columns[n].is_distinct_from(in_sql[n]), False).label(f"f_{n}")
            for n in by_sql
        ]
        # What a document column (form answers) needs to resolve its fields: form key, version.
        context_columns = sorted({c for d in table.documents.values() for c in d.context})
        rows = db.session.execute(
            select(
                table_.c.id.label("id"),
                table_.c.tenant_id.label("tenant_id"),
                link.label("lotse_link"),
                *flags,
                *[columns[n].label(n) for n in by_python],
                *[columns[c].label(f"lotse_ctx_{c}") for c in context_columns],
            ).where(among(link, list(owners)))
        ).all()
        sql_changed: list[int] = []
        python_params: list[dict[str, Any]] = []
        per_person: dict[int, int] = {}
        categories: dict[int, set[str]] = {}
        for row in rows:
            person_id = owners[row.lotse_link]
            mapping = row._mapping
            changed = {table.columns[n][0] for n in by_sql if mapping[f"f_{n}"]}
            new = {}
            for name in by_python:
                category, action = table.columns[name]
                old = mapping[name]
                if action == FIELDS:
                    document = table.documents[name]
                    context = {c: mapping[f"lotse_ctx_{c}"] for c in document.context}
                    value = document.anonymise({**context, "tenant_id": row.tenant_id}, old)
                else:
                    value = _anonymised_value(action, old, columns[name], row)
                new[name] = value
                if value != old:
                    changed.add(category)
            if not changed:
                continue
            if any(new[n] != mapping[n] for n in by_python):
                python_params.append({"k_id": row.id, **{f"v_{n}": new[n] for n in by_python}})
            sql_changed.append(row.id)
            per_person[person_id] = per_person.get(person_id, 0) + 1
            categories.setdefault(person_id, set()).update(c for c in changed if c)
        if sql_changed:
            values: dict[Any, Any] = {table_.c[n]: in_sql[n] for n in by_sql}
            if version is not None:
                values[version] = version + 1
            if values:
                db.session.execute(
                    update(table_)
                    .where(
                        among(table_.c.id, sql_changed), table_.c.tenant_id == current_tenant_id()
                    )
                    .values(values)
                )
            if python_params:
                db.session.execute(
                    update(table_)
                    .where(
                        table_.c.id == bindparam("k_id"),
                        table_.c.tenant_id == current_tenant_id(),
                    )
                    .values({table_.c[n]: bindparam(f"v_{n}") for n in by_python}),
                    python_params,
                )
            _forget(model, "id", set(sql_changed), expunge=False)
        for person_id, n in per_person.items():
            self.counts[person_id][table.table] = n
            self.categories[person_id] |= categories.get(person_id, set())

    def log(self, action: str, rule: str, actor, request_id, person_ids) -> list[DeletionLog]:
        """The content-free log entries (one per person), their audit events and journal lines."""
        from core.persons.models import Person

        _release_coverage(self)
        if action == "erased":
            db.session.execute(
                delete(Person)
                .where(among(Person.id, self.ids))
                .execution_options(synchronize_session=False)
            )
            _forget(Person, "id", set(self.ids), expunge=True)
            person_categories = self.registry.categories_of(self.registry.tables["person"])
            for person_id in self.ids:
                self.counts[person_id]["person"] = 1
                self.categories[person_id] |= person_categories
        _schedule_file_removal([f for p in person_ids for f in self.files[p]])
        if not person_ids:
            return []
        # One INSERT for the batch's entries; RETURNING gives the ids back (matched by record
        # number, since the database need not return them in order).
        ids = dict(
            db.session.execute(
                insert(DeletionLog).returning(DeletionLog.subject_ref, DeletionLog.id),
                [
                    {
                        "tenant_id": current_tenant_id(),
                        "subject_ref": f"person:{person_id}",
                        "action": action,
                        "rule": rule[:60],
                        "categories": sorted(c for c in self.categories[person_id] if c),
                        "row_counts": self.counts[person_id],
                        "files": len(self.files[person_id]),
                        "actor_id": getattr(actor, "id", None),
                        "request_id": request_id,
                    }
                    for person_id in person_ids
                ],
            ).all()
        )
        entries = list(
            db.session.scalars(
                select(DeletionLog)
                .where(among(DeletionLog.id, list(ids.values())))
                .order_by(DeletionLog.id)
            )
        )
        by_ref = {e.subject_ref: e for e in entries}
        entries = [by_ref[f"person:{person_id}"] for person_id in person_ids]
        audit.record_many(
            f"privacy.{action}",
            "DeletionLog",
            [e.id for e in entries],
            actor=actor,
            rule=rule[:60],
        )
        return entries


def _forget(model, key: str, values: set, *, expunge: bool) -> None:
    """Objects of the session that a set-based statement deleted (expunged) or changed
    (expired), so nothing stale is read back from the identity map."""
    session = db.session()
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model) and inspect(obj).dict.get(key) in values:
            if expunge:
                session.expunge(obj)
            else:
                session.expire(obj)


def _release_coverage(batch: _Batch) -> None:
    """Other persons' consents that cover one of the batch's persons (a minor child) lose the
    reference, and the persons' own consents stop covering others: set-based, through the
    consent domain's coverage table (core.consent.coverage.release)."""
    from core.consent.coverage import release

    for person_id, more in release(batch.ids).items():
        for key, n in more.items():
            batch.counts[person_id][key] = batch.counts[person_id].get(key, 0) + n
            if key in batch.registry.tables:
                batch.categories[person_id] |= batch.registry.categories_of(
                    batch.registry.tables[key]
                )


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
    return erase_many([person], registry, rule=rule, actor=actor, request_id=request_id)[0]


def erase_many(
    persons, registry: Registry, *, rule: str, actor=None, request_id: int | None = None
) -> list[DeletionLog]:
    """:func:`erase` for a batch of persons (objects or rows with ``id``, ``tenant_id`` and
    ``created_at``) in a fixed number of statements per declared table; one log entry each."""
    from core.cases.models import Case
    from core.consent.models import ConsentRevocation, Disclosure

    if not persons:
        return []
    batch = _Batch(persons, registry)
    subjects = {p.id: fingerprint(p.tenant_id, p) for p in batch.persons}
    case_numbers: dict[int, list[str]] = {i: [] for i in batch.ids}
    for person_id, number in db.session.execute(
        select(Case.person_id, Case.number)
        .where(among(Case.person_id, batch.ids))
        .order_by(Case.id)
    ):
        case_numbers[person_id].append(number)
    recipients: dict[int, list[dict]] = {}
    revocations: dict[int, list[dict]] = {}
    with privileged(), db.session.no_autoflush:
        for table in _ordered(registry.client_tables()):
            if table.link == "self":
                continue
            model = model_for(table.table)
            owners, link = batch.owners[table.link], batch.link(model, table)
            if table.table == "data_subject_request":
                # The request stays as evidence that it was answered; its free text goes. A request
                # still open cannot be answered any more: it is closed with that outcome.
                per_person = batch.tally(table, model)
                if per_person:
                    where = among(link, list(owners))
                    db.session.execute(
                        update(model)
                        .where(where, model.status == "open")
                        .values(
                            status="erased",
                            decided_at=utcnow(),
                            decided_by_id=getattr(actor, "id", None),
                        )
                        .execution_options(synchronize_session=False)
                    )
                    db.session.execute(
                        update(model)
                        .where(where)
                        .values(details="", decision_note="")
                        .execution_options(synchronize_session=False)
                    )
                    _forget(model, link.key, set(owners), expunge=False)
                    batch.note(table, per_person, categories=set())
                continue
            if model is Disclosure and owners:
                for row in db.session.execute(
                    select(
                        link.label("lotse_link"),
                        Disclosure.recipient_key,
                        Disclosure.recipient_name,
                        Disclosure.at,
                        Disclosure.data_categories,
                    )
                    .where(among(link, list(owners)))
                    .order_by(Disclosure.at, Disclosure.id)
                ):
                    recipients.setdefault(owners[row.lotse_link], []).append(_recipient_of(row))
            elif model is ConsentRevocation and owners:
                for row in db.session.execute(
                    select(
                        link.label("lotse_link"),
                        ConsentRevocation.at,
                        ConsentRevocation.received_on,
                        ConsentRevocation.recipient_keys,
                    )
                    .where(among(link, list(owners)))
                    .order_by(ConsentRevocation.id)
                ):
                    revocations.setdefault(owners[row.lotse_link], []).append(
                        {
                            "at": row.at,
                            "received_on": row.received_on,
                            "partial": bool(row.recipient_keys),
                        }
                    )
            batch.delete(table, model)
        entries = batch.log("erased", rule, actor, request_id, batch.ids)
        tenant_id = current_tenant_id()
        notices, erased_revocations = [], []
        for entry, person_id in zip(entries, batch.ids, strict=True):
            if recipients.get(person_id):
                notices.append(
                    {
                        "tenant_id": tenant_id,
                        "deletion_log_id": entry.id,
                        "recipients": recipients[person_id],
                    }
                )
            erased_revocations += [
                {**row, "tenant_id": tenant_id, "deletion_log_id": entry.id}
                for row in revocations.get(person_id, [])
            ]
            _journal((person_id, subjects[person_id]), "erased", entry, case_numbers[person_id])
        if notices:
            db.session.execute(insert(RecipientNotice), notices)
        if erased_revocations:
            db.session.execute(insert(ErasedRevocation), erased_revocations)
        return entries


def anonymise(
    person, registry: Registry, *, rule: str, actor=None, request_id: int | None = None
) -> DeletionLog | None:
    """Apply every column's anonymisation action; returns None when nothing was left to change
    (running it twice is harmless)."""
    entries = anonymise_many([person], registry, rule=rule, actor=actor, request_id=request_id)
    return entries[0] if entries else None


def anonymise_many(
    persons, registry: Registry, *, rule: str, actor=None, request_id: int | None = None
) -> list[DeletionLog]:
    """:func:`anonymise` for a batch of persons; a log entry for each person something was
    changed for (a person already anonymised gets none)."""
    from core.persons.models import Person

    if not persons:
        return []
    batch = _Batch(persons, registry)
    subjects = {p.id: fingerprint(p.tenant_id, p) for p in batch.persons}
    db.session().info.pop("lotse_known_organisations", None)
    with privileged():
        closed = close_open_cases(batch.ids, "anonymised")
    with privileged(), db.session.no_autoflush:
        for table in _ordered(registry.client_tables()):
            model = model_for(table.table)
            if table.on_anonymise == "delete":
                batch.delete(table, model)
            else:
                batch.anonymise(table, model)
        db.session().info.pop("lotse_known_organisations", None)
        _release_coverage(batch)
        for person_id, n in closed.items():
            batch.counts[person_id]["case_file.closed"] = n
        changed = [i for i in batch.ids if batch.counts[i]]
        if not changed:
            return []
        db.session.execute(
            update(Person)
            .where(among(Person.id, changed), Person.anonymised_at.is_(None))
            .values(anonymised_at=utcnow(), version=Person.version + 1)
            .execution_options(synchronize_session=False)
        )
        _forget(Person, "id", set(changed), expunge=False)
        entries = batch.log("anonymised", rule, actor, request_id, changed)
        for entry, person_id in zip(entries, changed, strict=True):
            _journal((person_id, subjects[person_id]), "anonymised", entry, [])
        return entries


def close_open_cases(
    person_ids: list[int], reason: str, today: date | None = None
) -> dict[int, int]:
    """Open cases of these persons close with ``reason`` and leave every caseload (statistics
    keep the dates; a closing date already set stays). Returns open cases closed per person."""
    from core.cases.models import Case

    still_open = (among(Case.person_id, person_ids), Case.status != "closed")
    per_person = dict(
        db.session.execute(
            select(Case.person_id, func.count()).where(*still_open).group_by(Case.person_id)
        ).all()
    )
    if per_person:
        db.session.execute(
            update(Case)
            .where(*still_open)
            .values(
                status="closed",
                phase="closure",
                closure_reason=reason,
                closed_on=func.coalesce(Case.closed_on, today or date.today()),
                version=Case.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        _forget(Case, "person_id", set(person_ids), expunge=False)
    return per_person


def apply(action: str, person, registry: Registry, **kwargs) -> DeletionLog | None:
    return (
        erase(person, registry, **kwargs)
        if action == "erase"
        else anonymise(person, registry, **kwargs)
    )


def apply_many(action: str, persons, registry: Registry, **kwargs) -> list[DeletionLog]:
    return (erase_many if action == "erase" else anonymise_many)(persons, registry, **kwargs)


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
