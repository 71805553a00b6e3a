"""The consent domain's follow-up source: a confidentiality release about to run out reminds the
case manager to renew it, before the next disclosure is refused. Contributed through
``lotse_follow_up_sources`` like a plugin's source, so the follow-up job in ``core.cases`` needs
no knowledge of consents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.cases.models import Case
from core.consent import services as consent
from core.consent.models import ConsentRecord
from core.db import db
from core.plugins.providers import DueFollowUp, FollowUpSource

#: How far ahead a release's end is announced, and how early before it the reminder is due.
HORIZON_DAYS = 30
REMIND_DAYS_BEFORE = 14


class ConsentExpirySource(FollowUpSource):
    key = "consent_expiry"
    label = _l("confidentiality release expires")

    def collect(self, tenant, today: date) -> Iterator[DueFollowUp]:
        horizon = today + timedelta(days=HORIZON_DAYS)
        expiring = db.session.scalars(
            select(ConsentRecord).where(
                ConsentRecord.kind == "confidentiality_release",
                ConsentRecord.valid_until.is_not(None),
                ConsentRecord.valid_until >= today,
                ConsentRecord.valid_until <= horizon,
            )
        ).all()
        if not expiring:
            return
        # The holders' releases, their revocations and open cases: three statements in all, not
        # three per expiring release.
        person_ids = sorted({r.person_id for r in expiring})
        releases: dict[int, list[ConsentRecord]] = {}
        for row in db.session.scalars(
            select(ConsentRecord).where(
                ConsentRecord.person_id.in_(person_ids),
                ConsentRecord.kind == "confidentiality_release",
            )
        ):
            releases.setdefault(row.person_id, []).append(row)
        revocations = consent._revocations([r.id for rows in releases.values() for r in rows])
        open_cases: dict[int, Case] = {}
        for open_case in db.session.scalars(
            select(Case)
            .where(Case.person_id.in_(person_ids), Case.status == "open")
            .order_by(Case.id.desc())
        ):
            open_cases.setdefault(open_case.person_id, open_case)
        for record in expiring:
            until = record.valid_until
            assert until is not None  # the query selects only releases with an end
            if not _last_standing_release(
                record, releases.get(record.person_id, []), revocations, until, today
            ):
                continue
            case = open_cases.get(record.person_id)
            if case is None:
                continue
            yield DueFollowUp(
                source_key=f"{self.key}:{record.id}:{until.isoformat()}",
                due_on=max(today, until - timedelta(days=REMIND_DAYS_BEFORE)),
                title=_(
                    "Confidentiality release expires on %(date)s: renew it",
                    date=until.strftime("%d.%m.%Y"),
                ),
                case=case,
            )


def _last_standing_release(
    record: ConsentRecord, records: list[ConsentRecord], revocations, until: date, today: date
) -> bool:
    """The release (ending on ``until``) is not revoked and no later (or unlimited) release of the
    person (``records``: all of the person's releases) stands in."""
    if consent.status(record, revocations.get(record.id, []), today) == "revoked":
        return False
    return not any(
        r.id != record.id
        and (r.valid_until is None or r.valid_until > until)
        and consent.status(r, revocations.get(r.id, []), today) != "revoked"
        for r in records
    )
