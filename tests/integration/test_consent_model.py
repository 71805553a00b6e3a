"""Property-based test of the gate: a hypothesis state machine grants, revokes, re-grants and
publishes new template versions, and compares ``check(..., at=day)`` with a tiny reference model."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import delete, select

from core.consent import services as consent
from core.consent.models import (
    ConsentRecord,
    ConsentRevocation,
    ConsentTemplateVersion,
)
from core.db import db, utcnow
from core.persons.services import create_person
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant

BASE = date.today() - timedelta(days=60)
RECIPIENTS = ("jobcenter", "schools_daycare", "landlords")
PURPOSES = ("referral", "case_conference", "export")
days = st.integers(min_value=0, max_value=50)


def model_allows(consents, recipient, purpose, day):
    for c in consents:
        if c["granted"] > day or recipient not in c["recipients"] or purpose not in c["purposes"]:
            continue
        if c["until"] is not None and c["until"] < day:
            continue
        if any(
            r["day"] <= day and (not r["keys"] or recipient in r["keys"]) for r in c["revocations"]
        ):
            continue
        return True
    return False


@pytest.fixture
def gate_tenant(app, make_tenant, make_processing_template):
    tenant = make_tenant("model")
    with app.test_request_context(), tenant_scope(tenant):
        consent.ensure_defaults(db.session.get(Tenant, tenant.id))
        db.session.commit()
    # A separate consent to processing keeps the file alive while releases come and go
    # (revoking the last basis would start the tenant's erasure policy, tested elsewhere).
    make_processing_template(tenant)
    return tenant


def test_check_matches_reference_model(app, gate_tenant):
    class GateMachine(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.person = create_person(None, {"first_name": "Modell", "last_name": "Person"})
            processing = next(
                v for v in consent.current_versions() if v.purposes == ["counselling"]
            )
            consent.record_consent(
                None,
                self.person,
                {
                    "template_version_id": processing.id,
                    "purposes": ["counselling"],
                    "granted_on": (BASE - timedelta(days=1)).isoformat(),
                },
            )
            db.session.commit()
            self.records, self.model = [], []

        def _version(self):
            return next(v for v in consent.current_versions() if v.purposes != ["counselling"])

        @rule(
            recipients=st.sets(st.sampled_from(RECIPIENTS), min_size=1),
            purposes=st.sets(st.sampled_from(PURPOSES), min_size=1),
            granted=days,
            duration=st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
        )
        def grant(self, recipients, purposes, granted, duration):
            granted_on = BASE + timedelta(days=granted)
            until = granted_on + timedelta(days=duration) if duration is not None else None
            record = consent.record_consent(
                None,
                self.person,
                {
                    "template_version_id": self._version().id,
                    "recipient_keys": sorted(recipients),
                    "purposes": sorted(purposes),
                    "granted_on": granted_on.isoformat(),
                    "valid_until": until.isoformat() if until else "",
                },
            )
            db.session.commit()
            self.records.append(record)
            self.model.append(
                {
                    "granted": granted_on,
                    "until": until,
                    "recipients": set(recipients),
                    "purposes": set(purposes),
                    "revocations": [],
                }
            )

        @precondition(lambda self: self.records)
        @rule(
            index=st.integers(min_value=0, max_value=20),
            day=days,
            partial=st.booleans(),
            data=st.data(),
        )
        def revoke(self, index, day, partial, data):
            i = index % len(self.records)
            keys = []
            if partial:
                keys = sorted(
                    data.draw(
                        st.sets(st.sampled_from(sorted(self.model[i]["recipients"])), min_size=1)
                    )
                )
            received = BASE + timedelta(days=day)
            consent.revoke(
                None, self.records[i], {"received_on": received.isoformat(), "recipient_keys": keys}
            )
            db.session.commit()
            self.model[i]["revocations"].append({"day": received, "keys": set(keys)})

        @rule()
        def new_template_version(self):
            """A new wording does not invalidate consents given on the old one."""
            old = self._version()
            db.session.add(
                ConsentTemplateVersion(
                    tenant_id=old.tenant_id,
                    template_id=old.template_id,
                    number=old.number + 1,
                    texts=old.texts,
                    recipient_keys=old.recipient_keys,
                    purposes=old.purposes,
                    published_at=utcnow(),
                )
            )
            old.retired_at = utcnow()
            db.session.commit()

        def teardown(self):
            """Each example starts from an empty history: the gate reads every release of the
            tenant, so without this later examples would wade through all earlier ones."""
            if not hasattr(self, "person"):
                return
            ids = select(ConsentRecord.id).where(ConsentRecord.person_id == self.person.id)
            db.session.execute(
                delete(ConsentRevocation).where(ConsentRevocation.consent_id.in_(ids))
            )
            db.session.execute(
                delete(ConsentRecord).where(ConsentRecord.person_id == self.person.id)
            )
            db.session.commit()

        @invariant()
        def gate_agrees_with_model(self):
            if not hasattr(self, "model"):
                return
            for recipient in RECIPIENTS:
                for purpose in PURPOSES:
                    for offset in (0, 20, 45, 59):
                        day = BASE + timedelta(days=offset)
                        expected = model_allows(self.model, recipient, purpose, day)
                        decision = consent.check(self.person, recipient, purpose, at=day)
                        assert decision.allowed == expected, (
                            recipient,
                            purpose,
                            day,
                            decision.reason,
                        )
                        if not expected:
                            assert decision.reason

    GateMachine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    with app.test_request_context(), tenant_scope(gate_tenant):
        GateMachine.TestCase().runTest()
