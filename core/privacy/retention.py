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

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, select

from core.dates import add_months
from core.db import db, utcnow
from core.privacy import erasure
from core.privacy.models import RetentionHold
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


@dataclass
class Candidate:
    person_id: int
    start_on: date
    due_on: date
    held: bool = False
    hold_reason: str = ""


def _caseless_starts(
    *, person_id: int | None = None, latest: date | None = None
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
    if latest is not None:
        stmt = stmt.where(
            Person.created_at < datetime.combine(latest + timedelta(days=1), time.min, tzinfo=UTC)
        )
    return {pid: created.date() for pid, created in db.session.execute(stmt) if created is not None}


def _starts(
    period: Period, *, person_id: int | None = None, latest: date | None = None
) -> dict[int, date]:
    """Start date of the client-file class per person, aggregated in the database. Under a
    closure rule a person with any open case has no start yet; ``latest`` drops persons whose
    period cannot have run out (start after it). Persons without a case start at creation."""
    return {
        **_case_starts(period, person_id=person_id, latest=latest),
        **_caseless_starts(person_id=person_id, latest=latest),
    }


def _case_starts(
    period: Period, *, person_id: int | None = None, latest: date | None = None
) -> dict[int, date]:
    from core.cases.models import Case, Contact

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
        # Every case closed means every closing date set: ``start`` is never None.
        return {pid: start for pid, start in db.session.execute(stmt) if start is not None}
    opened = select(Case.person_id, func.max(Case.opened_on)).group_by(Case.person_id)
    contacts = (
        select(Case.person_id, func.max(Contact.contact_on))
        .join(Case, Case.id == Contact.case_id)
        .group_by(Case.person_id)
    )
    if person_id is not None:
        opened, contacts = (
            opened.where(Case.person_id == person_id),
            contacts.where(Case.person_id == person_id),
        )
    last_contact = dict(db.session.execute(contacts).all())
    out = {}
    for pid, first in db.session.execute(opened):
        start = max(d for d in (first, last_contact.get(pid)) if d is not None)
        if latest is None or start <= latest:
            out[pid] = start
    return out


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


def run(tenant, today: date | None = None, *, dry_run: bool = False) -> dict:
    """Anonymise or erase what is due in the current tenant scope; returns a content-free report."""
    from core.cases.follow_ups import ensure_follow_up
    from core.cases.models import Case
    from core.persons.models import Person

    today = today or date.today()
    registry = tenant_registry(tenant)
    rules = policy(tenant, registry)
    report: dict[str, Any] = {
        "due": 0,
        "erased": 0,
        "anonymised": 0,
        "held": 0,
        "warned": 0,
        "audit_events_removed": 0,
        "dry_run": dry_run,
        "items": [],
    }
    # A restored backup must not bring back anyone erased since: the journal goes first.
    report["replayed"] = replay_deletions(tenant, dry_run=dry_run)["replayed"]
    for candidate in candidates(tenant, today, registry=registry):
        item = {
            "person": candidate.person_id,
            "due_on": candidate.due_on.isoformat(),
            "held": candidate.held,
        }
        if candidate.due_on > today:
            # Within the warning window: tell the case manager while the file can still be kept.
            if not dry_run:
                case = db.session.scalar(
                    select(Case)
                    .where(Case.person_id == candidate.person_id)
                    .order_by(Case.id.desc())
                    .limit(1)
                )
                if case is not None and ensure_follow_up(
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
                ):
                    report["warned"] += 1
            continue
        report["due"] += 1
        report["items"].append(item)
        if candidate.held:
            report["held"] += 1
            if not dry_run:
                from core.audit import services as audit

                audit.record(
                    "privacy.retention_held", object_type="Person", object_id=candidate.person_id
                )
            continue
        if dry_run:
            continue
        person = db.session.get(Person, candidate.person_id)
        assert person is not None  # a candidate is a person of the database, each comes up once
        for case in db.session.scalars(
            select(Case).where(Case.person_id == person.id, Case.status != "closed")
        ):
            # JMD: no contact for the whole period closes the file as "kein Kontakt mehr".
            case.status, case.phase, case.closed_on, case.closure_reason = (
                "closed",
                "closure",
                today,
                "no_contact",
            )
        log = erasure.apply(rules.action, person, registry, rule=f"retention:{CLIENT_FILE}")
        if log is not None:
            report["erased" if rules.action == "erase" else "anonymised"] += 1
    # Revocations that waited for a legal hold whose end date has passed apply their policy now.
    for person, reason in waiting_revocations(today):
        if (
            not reason
            and not dry_run
            and resume_revocation(tenant, person, today=today) is not None
        ):
            report["erased" if rules.on_processing_revocation == "erase" else "anonymised"] += 1
    report["audit_events_removed"] = _purge_audit(tenant, rules, today, dry_run)
    db.session.flush()
    return report


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
    from core.persons.models import Person

    registry = tenant_registry(tenant)
    report = {"replayed": 0, "counters_raised": 0}
    highest: dict[int, int] = {}
    for entry in erasure.read_journal():
        if entry.get("tenant_id") != tenant.id:
            continue
        for number in entry.get("case_numbers") or []:
            prefix, _sep, seq = str(number).partition("-")
            if prefix.isdigit() and seq.isdigit():
                highest[int(prefix)] = max(highest.get(int(prefix), 0), int(seq))
        kind, _sep, ref = str(entry.get("subject_ref") or "").partition(":")
        if kind != "person" or not ref.isdigit():
            continue
        person = db.session.get(Person, int(ref))
        if person is None or erasure.fingerprint(tenant.id, person) != entry.get("fingerprint"):
            continue
        action = "erase" if entry.get("action") == "erased" else "anonymise"
        if action == "anonymise" and person.anonymised_at is not None:
            continue
        report["replayed"] += 1
        if not dry_run:
            erasure.apply(action, person, registry, rule=f"replay:{entry.get('log_id')}"[:60])
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


def recently_erased_tables(days: int = 7) -> set[str]:
    """Tables that erasures or anonymisations of the last days touched (for VACUUM)."""
    from core.privacy.models import DeletionLog

    since = datetime.combine(date.today() - timedelta(days=days), time.min, tzinfo=UTC)
    known = set(db.metadata.tables)
    tables: set[str] = set()
    for counts in db.session.scalars(select(DeletionLog.row_counts).where(DeletionLog.at >= since)):
        tables |= {name for name in (counts or {}) if name in known}
    return tables
