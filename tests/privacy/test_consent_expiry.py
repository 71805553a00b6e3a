"""A confidentiality release that runs out soon reminds the case manager – once, and only when no
later release stands in for it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.cases.follow_ups import generate_follow_ups
from core.cases.models import FollowUp
from core.consent import services as consent
from core.consent.models import ConsentRecord
from core.db import db
from core.persons.models import Person
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant


def test_expiring_release_creates_one_follow_up(app, world):
    a, b = world["a"], world["b"]
    today = date.today()
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        for person_id in (a.person_id, b.person_id):
            record = db.session.scalar(
                select(ConsentRecord).where(ConsentRecord.person_id == person_id)
            )
            record.valid_until = today + timedelta(days=20)
        # B signed a new release without an end date: no reminder for B.
        version = consent.current_versions()[0]
        consent.record_consent(
            None,
            db.session.get(Person, b.person_id),
            {
                "template_version_id": version.id,
                "recipient_keys": ["jobcenter"],
                "purposes": ["referral"],
            },
        )
        db.session.commit()
        assert generate_follow_ups(tenant, today)["consent_expiry"] == 1
        assert generate_follow_ups(tenant, today)["consent_expiry"] == 0
        reminders = db.session.scalars(
            select(FollowUp).where(FollowUp.kind == "consent_expiry")
        ).all()
        assert [r.case_id for r in reminders] == [a.case_id]
        assert reminders[0].due_on == today + timedelta(days=6)
        # Far from its end, a release reminds no one.
        db.session.delete(reminders[0])
        record = db.session.scalar(
            select(ConsentRecord).where(ConsentRecord.person_id == a.person_id)
        )
        record.valid_until = today + timedelta(days=90)
        db.session.commit()
        assert generate_follow_ups(tenant, today)["consent_expiry"] == 0
