"""The data-protection officer's desk: what needs a look, computed in one place.

Overrides and refusals of the disclosure gate, revocations, unusual reading of case files, open and
overdue data-subject requests, files due for deletion, restricted persons, recipients still to be
told of an erasure, revocations waiting for a hold to end, and the separation-of-duties report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Row, func, select

from core.db import db, utcnow

#: How far back the desk looks for overrides, refusals and revocations (days).
DESK_DAYS = 90
#: How far back it looks for unusual reading of case files (days).
READS_DAYS = 30
#: Different case files one person may read on one day before the desk shows it (tenant setting
#: ``unusual_reads_per_day``).
DEFAULT_READS_PER_DAY = 25


def reads_threshold(tenant) -> int:
    return int((tenant.settings or {}).get("unusual_reads_per_day") or DEFAULT_READS_PER_DAY)


def unusual_reads() -> list[tuple[str, dict[str, int]]]:
    """Reads of case files by Fachaufsicht or deputies in the last 30 days, per reader and way."""
    from core.audit.models import AuditEvent
    from core.auth.models import User

    via = AuditEvent.details["via"].as_string()
    rows = db.session.execute(
        select(User.display_name, via, func.count())
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action == "case.read",
            AuditEvent.at >= utcnow() - timedelta(days=READS_DAYS),
            via.in_(("supervision", "substitute")),
        )
        .group_by(User.display_name, via)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for name, how, count in rows:
        out.setdefault(name, {})[how] = count
    return sorted(out.items())


def bulk_reads(threshold: int) -> Sequence[Row]:
    """Many different case files read by one person on one day (possible browsing or data theft)."""
    from core.audit.models import AuditEvent
    from core.auth.models import User

    day = func.date(AuditEvent.at)
    files = func.count(func.distinct(AuditEvent.object_id))
    return db.session.execute(
        select(User.display_name, day, files)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action == "case.read",
            AuditEvent.at >= utcnow() - timedelta(days=READS_DAYS),
        )
        .group_by(User.display_name, day)
        .having(files > threshold)
        .order_by(day.desc(), User.display_name)
    ).all()


def overview(tenant, today: date | None = None) -> dict:
    """Everything the desk shows, by name (the page renders it; nothing is written)."""
    from core.audit.models import AuditEvent
    from core.auth.duties import dsb_overview
    from core.consent.models import ConsentRevocation, Disclosure
    from core.persons.models import Person
    from core.privacy import erasure, requests
    from core.privacy.retention import stored_result_or_compute, waiting_revocations

    today = today or date.today()
    since = utcnow() - timedelta(days=DESK_DAYS)
    threshold = reads_threshold(tenant)
    open_requests = requests.open_requests()
    # The kept result of the last dry run: computing it anew takes long on a large installation.
    kept = stored_result_or_compute(tenant)
    return {
        "overrides": db.session.scalars(
            select(Disclosure)
            .where(Disclosure.legal_basis == "override", Disclosure.at >= since)
            .order_by(Disclosure.at.desc())
        ).all(),
        "refusals": db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "disclosure.refused", AuditEvent.at >= since)
        ),
        "revocations": db.session.scalars(
            select(ConsentRevocation)
            .where(ConsentRevocation.at >= since)
            .order_by(ConsentRevocation.at.desc())
        ).all(),
        "unusual": unusual_reads(),
        "bulk": bulk_reads(threshold),
        "threshold": threshold,
        "open_requests": open_requests,
        "overdue": [r for r in open_requests if r.due_on < today],
        "due_now": kept.counts.get("due_now", 0),
        "due_soon": kept.counts.get("due_soon", 0),
        "retention_run": kept,
        "restricted": db.session.scalars(
            select(Person).where(Person.restricted_at.is_not(None)).order_by(Person.sort_name)
        ).all(),
        "duties": dsb_overview(tenant),
        "erased_revocations": erasure.erased_revocations_since(since),
        "recipient_notices": erasure.open_recipient_notices(),
        "waiting": waiting_revocations(today),
        "today": today,
    }
