"""The Löschkonzept engine behind ``lotse jobs retention``.

A tenant configures, in ``tenant.toml``::

    [settings.retention]
    action = "anonymise"                # when a client file is due: "erase" | "anonymise"
    on_processing_revocation = "erase"  # when the data-processing consent is revoked
    warn_days = 30                      # follow-up for the case manager before a file is due
    [settings.retention.periods]
    client_file = { start = "last_contact", months = 9 }
    audit_log = { start = "event", months = 24 }

Due means: the start event lies more than ``months`` in the past (day precision). Persons under
a legal hold or an Art. 18 restriction are kept and reported. The job is idempotent: a file that is
already anonymised has nothing left to change and writes no second log entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, insert, select, union_all

from core.dates import add_months
from core.db import among, db, utcnow
from core.privacy import erasure
from core.privacy.models import RetentionHold, RetentionRun
from core.privacy.registry import Registry, tenant_registry

ACTIONS = ("erase", "anonymise")
CLIENT_FILE = "client_file"


@dataclass(frozen=True)
class Period:
    start: str
    months: int | None


@dataclass
class Policy:
    action: str = "anonymise"
    on_processing_revocation: str = "anonymise"
    warn_days: int = 30
    periods: dict[str, Period] = field(default_factory=dict)


def policy(tenant, registry: Registry | None = None) -> Policy:
    """The tenant's retention rules, with the registry's defaults for classes it does not set."""
    registry = registry or tenant_registry(tenant)
    raw = (tenant.settings or {}).get("retention") or {}
    action = _one_of(raw.get("action"), ACTIONS, "anonymise")
    on_revocation = _one_of(raw.get("on_processing_revocation"), ACTIONS, action)
    periods = {}
    for key, cls in registry.classes.items():
        given = (raw.get("periods") or {}).get(key) or {}
        months = given.get("months", cls.default_months)
        months = (
            int(months) if isinstance(months, int | float) and months >= 0 else cls.default_months
        )
        start = (
            _one_of(given.get("start"), ("closure", "last_contact"), cls.start_event)
            if cls.start_event in ("closure", "last_contact")
            else cls.start_event
        )
        periods[key] = Period(start, months)
    warn = raw.get("warn_days", 30)
    return Policy(
        action, on_revocation, int(warn) if isinstance(warn, int) and warn >= 0 else 30, periods
    )


def _one_of(value: object, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


@dataclass(slots=True)
class Candidate:
    person_id: int
    start_on: date
    due_on: date
    held: bool = False
    hold_reason: str = ""


def _caseless_starts(
    *, person_id: int | None = None, latest: date | None = None, fresh_only: bool = False
) -> dict[int, date]:
    """A person recorded without any case (a search, an enquiry, a household member) still falls
    under the Löschkonzept: the period starts when the record was created – there is no closure
    and no contact to wait for."""
    from core.cases.models import Case
    from core.persons.models import Person

    stmt = select(Person.id, Person.created_at).where(
        ~select(Case.id).where(Case.person_id == Person.id).exists()
    )
    if person_id is not None:
        stmt = stmt.where(Person.id == person_id)
    if fresh_only:
        stmt = stmt.where(Person.anonymised_at.is_(None))
    if latest is not None:
        stmt = stmt.where(
            Person.created_at < datetime.combine(latest + timedelta(days=1), time.min, tzinfo=UTC)
        )
    return {pid: created.date() for pid, created in db.session.execute(stmt) if created is not None}


def _starts(
    period: Period,
    *,
    person_id: int | None = None,
    latest: date | None = None,
    fresh_only: bool = False,
) -> dict[int, date]:
    """Start date of the client-file class per person, aggregated in the database. Under a
    closure rule a person with any open case has no start yet; ``latest`` drops persons whose
    period cannot have run out (start after it). Persons without a case start at creation."""
    return {
        **_case_starts(period, person_id=person_id, latest=latest, fresh_only=fresh_only),
        **_caseless_starts(person_id=person_id, latest=latest, fresh_only=fresh_only),
    }


def _case_starts(
    period: Period,
    *,
    person_id: int | None = None,
    latest: date | None = None,
    fresh_only: bool = False,
) -> dict[int, date]:
    from core.cases.models import Case, Contact
    from core.persons.models import Person

    # ``fresh_only``: files already anonymised are left out in the database (there are many).
    _not_anonymised = Case.person_id.not_in(
        select(Person.id).where(Person.anonymised_at.is_not(None))
    )

    if period.start == "closure":
        still_open = func.sum(
            sql_case((Case.status != "closed", 1), (Case.closed_on.is_(None), 1), else_=0)
        )
        stmt = (
            select(Case.person_id, func.max(Case.closed_on))
            .group_by(Case.person_id)
            .having(still_open == 0)
        )
        if latest is not None:
            stmt = stmt.having(func.max(Case.closed_on) <= latest)
        if person_id is not None:
            stmt = stmt.where(Case.person_id == person_id)
        if fresh_only:
            stmt = stmt.where(_not_anonymised)
        # Every case closed means every closing date set: ``start`` is never None.
        return {pid: start for pid, start in db.session.execute(stmt) if start is not None}
    # Last contact: the latest of opening a case and any contact, one aggregate in the database.
    opened = select(Case.person_id.label("person_id"), Case.opened_on.label("on"))
    contacts = select(Case.person_id.label("person_id"), Contact.contact_on.label("on")).join(
        Case, Case.id == Contact.case_id
    )
    if person_id is not None:
        opened = opened.where(Case.person_id == person_id)
        contacts = contacts.where(Case.person_id == person_id)
    if fresh_only:
        opened, contacts = opened.where(_not_anonymised), contacts.where(_not_anonymised)
    days = union_all(opened, contacts).subquery()
    last = func.max(days.c.on)
    stmt = select(days.c.person_id, last).group_by(days.c.person_id)
    if latest is not None:
        stmt = stmt.having(last <= latest)
    return {pid: start for pid, start in db.session.execute(stmt) if start is not None}


def _holds(today: date, person_id: int | None = None) -> dict[int, str]:
    stmt = select(RetentionHold).where(RetentionHold.released_at.is_(None))
    if person_id is not None:
        stmt = stmt.where(RetentionHold.person_id == person_id)
    return {
        r.person_id: r.reason
        for r in db.session.scalars(stmt)
        if r.until is None or r.until >= today
    }


def candidates(
    tenant, today: date | None = None, *, registry: Registry | None = None
) -> list[Candidate]:
    """Persons whose client file is due on ``today`` (or within the warning window)."""
    from core.persons.models import Person

    today = today or date.today()
    registry = registry or tenant_registry(tenant)
    rules = policy(tenant, registry)
    period = rules.periods.get(CLIENT_FILE)
    if period is None or period.months is None:
        return []
    holds = _holds(today)
    restricted = set(db.session.scalars(select(Person.id).where(Person.restricted_at.is_not(None))))
    anonymised = set(db.session.scalars(select(Person.id).where(Person.anonymised_at.is_not(None))))
    out = []
    # A coarse pre-filter in the database (a few days of slack for month ends); the exact due
    # date is decided below.
    latest = add_months(today + timedelta(days=rules.warn_days), -period.months) + timedelta(days=3)
    for person_id, start in _starts(period, latest=latest).items():
        if rules.action == "anonymise" and person_id in anonymised:
            continue
        due = add_months(start, period.months) + timedelta(days=1)
        if due > today + timedelta(days=rules.warn_days):
            continue
        held = person_id in holds or person_id in restricted
        reason = holds.get(person_id) or (
            _("processing restricted (Art. 18 GDPR)") if person_id in restricted else ""
        )
        out.append(Candidate(person_id, start, due, held, reason))
    return sorted(out, key=lambda c: (c.due_on, c.person_id))


def person_retention(tenant, person) -> dict:
    """What the Löschkonzept says about one person (Art. 15 package, person page)."""
    registry = tenant_registry(tenant)
    rules = policy(tenant, registry)
    period = rules.periods.get(CLIENT_FILE) or Period("closure", None)
    start = _starts(period, person_id=person.id).get(person.id)
    due = (
        add_months(start, period.months) + timedelta(days=1)
        if start is not None and period.months is not None
        else None
    )
    today = date.today()
    return {
        "retention_class": CLIENT_FILE,
        "start_event": period.start,
        "start_on": start,
        "months": period.months,
        "due_on": due,
        "action": rules.action,
        "held": person.id in _holds(today, person.id) or person.restricted_at is not None,
    }


def _purge_audit(tenant, rules: Policy, today: date, dry_run: bool) -> int:
    """The audit trail keeps ``audit_log`` months; older events go (content-free to begin with)."""
    from core.audit.models import AuditEvent

    period = rules.periods.get("audit_log")
    if period is None or period.months is None:
        return 0
    cutoff = datetime.combine(add_months(today, -period.months), time.min, tzinfo=UTC)
    count = (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.at < cutoff)
        )
        or 0
    )
    if count and not dry_run:
        db.session.execute(
            delete(AuditEvent)
            .where(AuditEvent.at < cutoff)
            .execution_options(synchronize_session=False)
        )
    return count


#: Persons per batch of the retention job: one commit each (a crash loses at most one batch).
BATCH_SIZE = 500


def _new_report(dry_run: bool) -> dict[str, Any]:
    return {
        "due": 0,
        "erased": 0,
        "anonymised": 0,
        "held": 0,
        "warned": 0,
        "audit_events_removed": 0,
        "replayed": 0,
        "dry_run": dry_run,
        "items": [],
    }


def run(
    tenant,
    today: date | None = None,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Anonymise or erase what is due in the current tenant scope; returns a content-free report.

    The work is committed batch by batch (``batch_size`` persons in record-number order), each
    commit moving the run record's cursor (:class:`RetentionRun`) forward with it: a run that
    crashed is continued by the next run on the same day after its last committed batch.
    ``progress(done, total)`` is told after each batch. A dry run changes nothing and keeps its
    result for the DSB desk (:func:`recompute`)."""
    today = today or date.today()
    registry = tenant_registry(tenant)
    rules = policy(tenant, registry)
    if dry_run:
        return _dry_run(tenant, today, registry, rules)
    # A restored backup must not bring back anyone erased since: the journal goes first.
    replayed = replay_deletions(tenant)["replayed"]
    db.session.commit()
    record = _unfinished_run(today)
    report = _new_report(False)
    if record is None:
        record = RetentionRun(day=today, dry_run=False, counts={}, last_person_id=0)
        db.session.add(record)
    else:
        report.update({k: v for k, v in (record.counts or {}).items() if k in report})
    report["replayed"] += replayed
    record.status, record.counts = "running", _counts(report)
    db.session.commit()
    run_id = record.id
    try:
        pending = sorted(
            (
                c
                for c in candidates(tenant, today, registry=registry)
                if c.person_id > record.last_person_id
            ),
            key=lambda c: c.person_id,
        )
        done = 0
        for start in range(0, len(pending), max(1, batch_size)):
            chunk = pending[start : start + max(1, batch_size)]
            _batch(tenant, rules, registry, chunk, today, report)
            record.last_person_id = chunk[-1].person_id
            record.counts = _counts(report)
            db.session.commit()
            done += len(chunk)
            if progress is not None:
                progress(done, len(pending))
        if progress is not None and not pending:
            progress(0, 0)
        # Revocations that waited for a legal hold whose end date has passed apply their policy.
        for person, reason in waiting_revocations(today):
            if not reason and resume_revocation(tenant, person, today=today) is not None:
                report["erased" if rules.on_processing_revocation == "erase" else "anonymised"] += 1
        report["audit_events_removed"] = _purge_audit(tenant, rules, today, False)
        record.counts, record.status, record.finished_at = _counts(report), "done", utcnow()
        db.session.flush()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        # Mark the run failed (it is continued all the same); a second error must not hide the
        # first one.
        try:
            failed = db.session.get(RetentionRun, run_id)
            if failed is not None:
                failed.status, failed.error = "failed", type(exc).__name__[:100]
                db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
        raise
    # What is left (kept files, files due within the warning period) for the desk.
    store_result(tenant, today, registry=registry)
    db.session.commit()
    return report


def _counts(report: dict) -> dict[str, int]:
    return {k: v for k, v in report.items() if isinstance(v, int) and not isinstance(v, bool)}


def _unfinished_run(today: date) -> RetentionRun | None:
    """The last real run of the day if it did not finish (crashed or failed): it is continued.
    One of an earlier day is closed as failed; a new run starts from the first record."""
    record = db.session.scalar(
        select(RetentionRun)
        .where(RetentionRun.dry_run.is_(False))
        .order_by(RetentionRun.id.desc())
        .limit(1)
    )
    if record is None or record.status == "done":
        return None
    if record.day != today:
        record.status, record.finished_at = "failed", record.finished_at or utcnow()
        return None
    return record


def _batch(tenant, rules: Policy, registry: Registry, chunk: list[Candidate], today, report):
    """One batch of candidates (in the caller's transaction): warn, keep or apply the policy."""
    from core.audit import services as audit

    due = []
    for candidate in chunk:
        if candidate.due_on > today:
            # Within the warning window: tell the case manager while the file can still be kept.
            if _warn(rules, candidate):
                report["warned"] += 1
            continue
        report["due"] += 1
        if candidate.held:
            report["held"] += 1
            audit.record(
                "privacy.retention_held", object_type="Person", object_id=candidate.person_id
            )
            continue
        due.append(candidate.person_id)
    if not due:
        return
    with erasure.privileged():
        # JMD: no contact for the whole period closes the file as "kein Kontakt mehr".
        erasure.close_open_cases(due, "no_contact", today)
    logs = erasure.apply_many(
        rules.action, _subjects(due), registry, rule=f"retention:{CLIENT_FILE}"
    )
    report["erased" if rules.action == "erase" else "anonymised"] += len(logs)


def _subjects(person_ids: list[int]) -> list:
    """What erasure needs of each person (record number, tenant, creation time), without
    loading whole person objects."""
    from core.persons.models import Person

    return list(
        db.session.execute(
            select(Person.id, Person.tenant_id, Person.created_at).where(
                among(Person.id, person_ids)
            )
        ).all()
    )


def _warn(rules: Policy, candidate: Candidate) -> bool:
    from core.cases.follow_ups import ensure_follow_up
    from core.cases.models import Case

    case = db.session.scalar(
        select(Case).where(Case.person_id == candidate.person_id).order_by(Case.id.desc()).limit(1)
    )
    return case is not None and bool(
        ensure_follow_up(
            case,
            case.case_manager_id,
            candidate.due_on - timedelta(days=1),
            _(
                "File will be %(action)s on %(date)s under the retention rules",
                date=candidate.due_on.strftime("%d.%m.%Y"),
                action=_("erased") if rules.action == "erase" else _("anonymised"),
            ),
            "retention_due",
            f"retention:{candidate.person_id}:{candidate.due_on.isoformat()}",
        )
    )


def _dry_run(tenant, today: date, registry: Registry, rules: Policy) -> dict:
    report = _new_report(True)
    report["replayed"] = replay_deletions(tenant, dry_run=True)["replayed"]
    for candidate in candidates(tenant, today, registry=registry):
        if candidate.due_on > today:
            continue
        report["due"] += 1
        report["held"] += candidate.held
        report["items"].append(
            {
                "person": candidate.person_id,
                "due_on": candidate.due_on.isoformat(),
                "held": candidate.held,
            }
        )
    report["audit_events_removed"] = _purge_audit(tenant, rules, today, True)
    return report


# --- the stored result of the last dry run (DSB desk, due-deletions page) --------------------

#: Rows per page of the due-deletions list.
PAGE_SIZE = 50


def store_result(tenant, today: date | None = None, *, registry: Registry | None = None):
    """Compute what is due (a dry run) and keep it: the desk and the due-deletions page read it
    instead of computing it on every view. Replaces the tenant's previous result (in the caller's
    transaction). Returns the run record."""
    from core.privacy.models import RetentionDue

    today = today or date.today()
    found = candidates(tenant, today, registry=registry)
    db.session.execute(delete(RetentionDue).execution_options(synchronize_session=False))
    db.session.execute(
        delete(RetentionRun)
        .where(RetentionRun.dry_run.is_(True))
        .execution_options(synchronize_session=False)
    )
    counts = {
        "due_now": sum(1 for c in found if c.due_on <= today and not c.held),
        "held": sum(1 for c in found if c.due_on <= today and c.held),
        "due_soon": sum(1 for c in found if c.due_on > today),
    }
    record = RetentionRun(
        day=today, dry_run=True, status="done", counts=counts, finished_at=utcnow()
    )
    db.session.add(record)
    db.session.flush()
    if found:
        db.session.execute(
            insert(RetentionDue),
            [
                {
                    "tenant_id": tenant.id,
                    "run_id": record.id,
                    "person_id": c.person_id,
                    "start_on": c.start_on,
                    "due_on": c.due_on,
                    "held": c.held,
                }
                for c in found
            ],
        )
    return record


def recompute(actor, tenant, today: date | None = None):
    """The DSB's "neu berechnen": a fresh dry run, kept for the desk (the caller commits)."""
    from core.audit import services as audit
    from core.auth.permissions import acting_member, require_permission

    if acting_member(actor):
        require_permission("disclosures.read")
    record = store_result(tenant, today)
    audit.record("privacy.retention_recomputed", actor=actor, obj=record, **record.counts)
    return record


def stored_result() -> RetentionRun | None:
    """The kept result of the last dry run of the bound tenant, or None before the first."""
    return db.session.scalar(
        select(RetentionRun)
        .where(RetentionRun.dry_run.is_(True))
        .order_by(RetentionRun.id.desc())
        .limit(1)
    )


def stored_result_or_compute(tenant) -> RetentionRun:
    """The kept result; computed and kept once when there is none yet (a new installation). Only
    the data-protection officer reads it (who is due for deletion is personal data): the desk, the
    due-deletions page and the API all come through here."""
    from core.auth.permissions import require_permission

    require_permission("disclosures.read")
    record = stored_result()
    if record is None:
        record = store_result(tenant)
        db.session.commit()
    return record


def stored_page(record: RetentionRun, page: int) -> tuple[list, bool]:
    """One page (``PAGE_SIZE`` rows, by due date and record number) of a kept result and whether
    another page follows."""
    from core.privacy.models import RetentionDue

    rows = db.session.scalars(
        select(RetentionDue)
        .where(RetentionDue.run_id == record.id)
        .order_by(RetentionDue.due_on, RetentionDue.person_id)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def hold_reasons(person_ids: list[int], today: date | None = None) -> dict[int, str]:
    """Why each of these persons' files is kept now (legal hold or restriction)."""
    from core.persons.models import Person

    if not person_ids:
        return {}
    today = today or date.today()
    out = {
        r.person_id: r.reason
        for r in db.session.scalars(
            select(RetentionHold).where(
                RetentionHold.released_at.is_(None), among(RetentionHold.person_id, person_ids)
            )
        )
        if r.until is None or r.until >= today
    }
    for person_id in db.session.scalars(
        select(Person.id).where(among(Person.id, person_ids), Person.restricted_at.is_not(None))
    ):
        out.setdefault(person_id, _("processing restricted (Art. 18 GDPR)"))
    return out


def held_reason(person, today: date | None = None) -> str:
    """Why the person's file must be kept now (legal hold or Art. 18 restriction), or ""."""
    if person.restricted_at is not None:
        return _("processing restricted (Art. 18 GDPR)")
    return _holds(today or date.today(), person.id).get(person.id, "")


def _dpo_ids() -> list[int]:
    from core.auth.models import Membership

    return sorted(
        {
            m.user_id
            for m in db.session.scalars(select(Membership).where(Membership.active.is_(True)))
            if "dpo" in (m.roles or [])
        }
    )


def _revocation_task_key(person_id: int, user_id: int) -> str:
    return f"revocation-hold:{person_id}:{user_id}"


def apply_revocation_policy(tenant, person, *, actor=None):
    """The processing consent was revoked: processing stops at once (the gate refuses every
    disclosure, the file refuses new entries) and the tenant's policy erases or anonymises. A legal
    hold or an Art. 18 restriction wins: the file stays frozen, the data-protection officer gets a
    content-free task, and :func:`resume_revocation` applies the policy when the hold ends."""
    from core.audit import services as audit
    from core.cases.follow_ups import ensure_follow_up

    with erasure.privileged():
        person.processing_revoked_at = person.processing_revoked_at or utcnow()
        db.session.flush()
    reason = held_reason(person)
    if reason:
        for user_id in _dpo_ids():
            ensure_follow_up(
                None,
                user_id,
                date.today(),
                _(
                    "Consent revoked for record no. %(n)d: the file is kept only because of a "
                    "legal hold or "
                    "restriction; it will be %(action)s when that ends",
                    n=person.id,
                    action=_("erased")
                    if policy(tenant).on_processing_revocation == "erase"
                    else _("anonymised"),
                ),
                "revocation_held",
                _revocation_task_key(person.id, user_id),
            )
        db.session.flush()
        audit.record(
            "privacy.revocation_held", actor=actor, object_type="Person", object_id=person.id
        )
        return None
    return _apply_revocation(tenant, person, actor)


def _apply_revocation(tenant, person, actor):
    from core.cases.models import FollowUp

    registry = tenant_registry(tenant)
    rules = policy(tenant, registry)
    person_id = person.id
    log = erasure.apply(
        rules.on_processing_revocation, person, registry, rule="revocation", actor=actor
    )
    for task in db.session.scalars(
        select(FollowUp).where(FollowUp.source_key.startswith(f"revocation-hold:{person_id}:"))
    ):
        task.done_at = task.done_at or utcnow()
    db.session.flush()
    return log


def resume_revocation(tenant, person, *, actor=None, today: date | None = None):
    """A hold was released or a restriction lifted: a revocation that waited for it now applies
    the policy (returns the deletion log, or None when nothing waits or another hold remains)."""
    if person is None or person.processing_revoked_at is None or held_reason(person, today):
        return None
    if person.anonymised_at is not None and policy(tenant).on_processing_revocation == "anonymise":
        return None
    return _apply_revocation(tenant, person, actor)


def waiting_revocations(today: date | None = None) -> list:
    """Persons whose processing consent was revoked but whose file a hold or restriction keeps."""
    from core.persons.models import Person

    rows = db.session.scalars(
        select(Person).where(Person.processing_revoked_at.is_not(None)).order_by(Person.id)
    ).all()
    return [
        (p, held_reason(p, today)) for p in rows if p.anonymised_at is None or held_reason(p, today)
    ]


# --- after a restore: replay the deletion journal --------------------------------------------


def replay_deletions(tenant, *, dry_run: bool = False) -> dict:
    """Apply the deletion journal again (see :mod:`core.privacy.erasure`): a database restored
    from a backup taken before an erasure must not bring the person back. A journal line only
    hits the record it was written for (same number *and* keyed fingerprint); case-number
    counters are raised past every number the journal knows, so none is issued twice."""
    from core.cases.models import CaseNumberCounter

    registry = tenant_registry(tenant)
    report = {"replayed": 0, "counters_raised": 0}
    highest: dict[int, int] = {}
    pending: list[dict] = []
    for entry in erasure.iter_journal():
        if entry.get("tenant_id") != tenant.id:
            continue
        for number in entry.get("case_numbers") or []:
            prefix, _sep, seq = str(number).partition("-")
            if prefix.isdigit() and seq.isdigit():
                highest[int(prefix)] = max(highest.get(int(prefix), 0), int(seq))
        kind, _sep, ref = str(entry.get("subject_ref") or "").partition(":")
        if kind == "person" and ref.isdigit():
            pending.append(entry)
            if len(pending) >= REPLAY_CHUNK:
                report["replayed"] += _replay(tenant, registry, pending, dry_run)
                pending = []
    report["replayed"] += _replay(tenant, registry, pending, dry_run)
    for year, number in sorted(highest.items()):
        counter = db.session.scalar(select(CaseNumberCounter).where(CaseNumberCounter.year == year))
        if counter is None or counter.last_number < number:
            report["counters_raised"] += 1
            if not dry_run:
                if counter is None:
                    db.session.add(CaseNumberCounter(year=year, last_number=number))
                else:
                    counter.last_number = number
    db.session.flush()
    return report


#: Journal lines looked up per statement when replaying.
REPLAY_CHUNK = 1000


def _replay(tenant, registry: Registry, entries: list[dict], dry_run: bool) -> int:
    """Journal lines whose record still exists with the same fingerprint, applied again in
    batches (one lookup for the chunk; most records of an old journal are long gone)."""
    from core.persons.models import Person

    if not entries:
        return 0
    ids = {int(str(e["subject_ref"]).partition(":")[2]) for e in entries}
    found = {
        row.id: row
        for row in db.session.execute(
            select(Person.id, Person.tenant_id, Person.created_at, Person.anonymised_at).where(
                among(Person.id, ids)
            )
        )
    }
    todo: dict[str, dict[int, Any]] = {"erase": {}, "anonymise": {}}
    rules: dict[int, str] = {}
    for entry in entries:
        person = found.get(int(str(entry["subject_ref"]).partition(":")[2]))
        if person is None or erasure.fingerprint(tenant.id, person) != entry.get("fingerprint"):
            continue
        action = "erase" if entry.get("action") == "erased" else "anonymise"
        if action == "anonymise" and person.anonymised_at is not None:
            continue
        if person.id in todo["erase"]:
            continue  # erased already covers whatever else the journal lists
        if action == "erase":
            todo["anonymise"].pop(person.id, None)
        elif person.id in todo["anonymise"]:
            continue
        todo[action][person.id] = person
        rules[person.id] = f"replay:{entry.get('log_id')}"[:60]
    count = len(todo["erase"]) + len(todo["anonymise"])
    if not dry_run:
        for action, persons in todo.items():
            # One log entry per person naming the journal line it replays (a replay follows a
            # restore and hits few persons; the lookups above are what every run pays).
            by_rule: dict[str, list] = {}
            for person_id, person in persons.items():
                by_rule.setdefault(rules[person_id], []).append(person)
            for rule, group in by_rule.items():
                erasure.apply_many(action, group, registry, rule=rule)
    return count


def recently_erased_tables(days: int = 7) -> set[str]:
    """Tables that erasures or anonymisations of the last days touched (for VACUUM)."""
    from core.privacy.models import DeletionLog

    since = datetime.combine(date.today() - timedelta(days=days), time.min, tzinfo=UTC)
    known = set(db.metadata.tables)
    tables: set[str] = set()
    for counts in db.session.scalars(select(DeletionLog.row_counts).where(DeletionLog.at >= since)):
        tables |= {name for name in (counts or {}) if name in known}
    return tables
