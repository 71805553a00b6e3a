"""Revoke while sharing, in parallel (PostgreSQL): no disclosure is committed after the revocation
it raced with (security battery T11). The consent rows are locked by both paths."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.consent import services as consent
from core.consent.models import ConsentRecord, ConsentRevocation, Disclosure
from core.db import db
from core.persons.services import create_person
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant

RUNS = 50


def test_revoke_while_sharing(app, make_tenant, _db_url):
    if not _db_url.startswith("postgresql"):
        pytest.skip("row locks are exercised on PostgreSQL")
    tenant = make_tenant("race")
    with app.test_request_context(), tenant_scope(tenant):
        consent.ensure_defaults(db.session.get(Tenant, tenant.id))
        version_id = consent.current_versions()[0].id
        db.session.commit()
    violations, shares_before, refused = 0, 0, 0
    for run in range(RUNS):
        with app.test_request_context(), tenant_scope(tenant):
            person = create_person(None, {"first_name": "Race", "last_name": f"Lauf{run}"})
            record = consent.record_consent(
                None,
                person,
                {
                    "template_version_id": version_id,
                    "recipient_keys": ["jobcenter"],
                    "purposes": ["referral"],
                    "granted_on": (date.today() - timedelta(days=1)).isoformat(),
                },
            )
            db.session.commit()
            person_id, record_id = person.id, record.id
        barrier = threading.Barrier(2)
        outcome = {}

        def share(barrier, person_id, outcome):
            with app.test_request_context(), tenant_scope(tenant):
                t = db.session.get(Tenant, tenant.id)
                from core.persons.models import Person

                person_ = db.session.get(Person, person_id)
                barrier.wait()
                try:
                    consent.disclose(
                        None,
                        t,
                        person_,
                        recipient_key="jobcenter",
                        purpose="referral",
                        channel="referral",
                        data_categories=["master_data"],
                    )
                    db.session.commit()
                    outcome["shared"] = True
                except consent.ConsentRefused:
                    db.session.rollback()
                    outcome["shared"] = False
                finally:
                    db.session.remove()

        def revoke(barrier, record_id):
            with app.test_request_context(), tenant_scope(tenant):
                record_ = db.session.get(ConsentRecord, record_id)
                barrier.wait()
                consent.revoke(None, record_, {"received_on": date.today().isoformat()})
                db.session.commit()
                db.session.remove()

        threads = [
            threading.Thread(target=share, args=(barrier, person_id, outcome)),
            threading.Thread(target=revoke, args=(barrier, record_id)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with app.app_context(), tenant_scope(tenant):
            revocation = db.session.scalar(
                select(ConsentRevocation).where(ConsentRevocation.consent_id == record_id)
            )
            disclosure = db.session.scalar(
                select(Disclosure).where(Disclosure.person_id == person_id)
            )
            if disclosure is not None:
                shares_before += 1
                # Both paths hold the consent row lock until commit: the later lock holder has
                # the later timestamp. A share after the revocation must never exist.
                if disclosure.at > revocation.at:
                    violations += 1
            else:
                refused += 1
    print(
        f"T11: {RUNS} runs, {shares_before} shares before the revocation, {refused} refused, "
        f"{violations} after"
    )
    assert violations == 0
    assert shares_before + refused == RUNS
