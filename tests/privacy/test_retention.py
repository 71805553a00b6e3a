"""T20: the retention engine follows each tenant's Löschkonzept, day by day, idempotently."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.cases.models import Case, FollowUp
from core.db import db
from core.persons.models import Person
from core.privacy import requests, retention
from core.privacy.models import DeletionLog
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant

LAST_CONTACT = date(2025, 1, 10)


def _configure(tenant_id, **retention_settings):
    tenant = db.session.get(Tenant, tenant_id)
    tenant.settings = {**(tenant.settings or {}), "retention": retention_settings}
    db.session.commit()
    return tenant


@pytest.fixture
def jmd(app, world):
    """JMD rule: anonymise nine months after the last contact."""
    with app.app_context():
        _configure(
            world["tenant"].id,
            action="anonymise",
            warn_days=30,
            periods={"client_file": {"start": "last_contact", "months": 9}},
        )
    with app.test_request_context(), tenant_scope(world["tenant"]):
        # Move A's whole history back to January 2025; B keeps today's contact.
        case = db.session.get(Case, world["a"].case_id)
        case.opened_on = LAST_CONTACT - timedelta(days=30)
        for contact in case_contacts(case):
            contact.contact_on = LAST_CONTACT
        db.session.commit()
    return world


def case_contacts(case):
    from core.cases.models import Contact

    return db.session.scalars(select(Contact).where(Contact.case_id == case.id)).all()


def _run(app, world, day, **kwargs):
    with app.test_request_context(), tenant_scope(world["tenant"]):
        report = retention.run(db.session.get(Tenant, world["tenant"].id), day, **kwargs)
        db.session.commit()
        return report


def _anonymised(app, world, person_id):
    with app.test_request_context(), tenant_scope(world["tenant"]):
        return db.session.get(Person, person_id).anonymised_at is not None


def test_kept_on_the_last_day_anonymised_the_day_after(app, jmd):
    end = retention.add_months(LAST_CONTACT, 9)  # 2025-10-10: the period ends
    report = _run(app, jmd, end)
    assert report["anonymised"] == 0 and not _anonymised(app, jmd, jmd["a"].person_id)
    report = _run(app, jmd, end + timedelta(days=1))
    assert report["anonymised"] == 1 and _anonymised(app, jmd, jmd["a"].person_id)
    assert not _anonymised(app, jmd, jmd["b"].person_id)
    with app.test_request_context(), tenant_scope(jmd["tenant"]):
        case = db.session.get(Case, jmd["a"].case_id)
        assert (case.status, case.closure_reason) == ("closed", "no_contact")
    # Idempotent: the second run changes nothing and logs nothing.
    again = _run(app, jmd, end + timedelta(days=2))
    assert again["anonymised"] == 0 and again["due"] == 0
    with app.test_request_context(), tenant_scope(jmd["tenant"]):
        assert db.session.scalar(select(func.count()).select_from(DeletionLog)) == 1


def test_case_manager_is_warned_before_the_period_ends(app, jmd):
    end = retention.add_months(LAST_CONTACT, 9)
    report = _run(app, jmd, end - timedelta(days=10))
    assert report["warned"] == 1 and report["anonymised"] == 0
    _run(app, jmd, end - timedelta(days=9))
    with app.test_request_context(), tenant_scope(jmd["tenant"]):
        warnings = db.session.scalars(
            select(FollowUp).where(FollowUp.kind == "retention_due")
        ).all()
        assert len(warnings) == 1 and "11.10.2025" in warnings[0].title


def test_dry_run_changes_nothing(app, jmd):
    report = _run(app, jmd, date(2026, 1, 1), dry_run=True)
    assert report["due"] == 1 and report["anonymised"] == 0
    assert not _anonymised(app, jmd, jmd["a"].person_id)


def test_legal_hold_and_restriction_keep_the_file(app, jmd):
    with app.test_request_context(), tenant_scope(jmd["tenant"]):
        person = db.session.get(Person, jmd["a"].person_id)
        hold = requests.add_hold(None, person, {"reason": "Klageverfahren anhängig"})
        db.session.commit()
        hold_id = hold.id
    report = _run(app, jmd, date(2026, 1, 1))
    assert report == {**report, "due": 1, "held": 1, "anonymised": 0}
    with app.test_request_context(), tenant_scope(jmd["tenant"]):
        from core.privacy.models import RetentionHold

        requests.release_hold(None, db.session.get(RetentionHold, hold_id))
        requests.restrict(
            None, db.session.get(Person, jmd["a"].person_id), "Richtigkeit bestritten"
        )
        db.session.commit()
    assert _run(app, jmd, date(2026, 1, 1))["held"] == 1
    assert not _anonymised(app, jmd, jmd["a"].person_id)


def test_periods_differ_per_tenant_on_the_same_day(app, world):
    """Tenant A keeps closed files 3 years, tenant B 5 years: on one day only A's is due."""
    closed = date(2021, 6, 30)
    day = date(2025, 1, 1)
    for key, months in (("tenant", 36), ("other", 60)):
        with app.app_context():
            _configure(
                world[key].id,
                action="erase",
                periods={"client_file": {"start": "closure", "months": months}},
            )
        with app.test_request_context(), tenant_scope(world[key]):
            for case in db.session.scalars(select(Case)):
                case.status, case.closed_on, case.closure_reason = "closed", closed, "goals_reached"
            db.session.commit()
    assert _run(app, world, day)["erased"] == 2
    with app.test_request_context(), tenant_scope(world["other"]):
        report = retention.run(db.session.get(Tenant, world["other"].id), day)
        assert report["erased"] == 0 and report["due"] == 0
        assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_open_cases_are_never_due_under_a_closure_rule(app, world):
    with app.app_context():
        _configure(
            world["tenant"].id,
            action="erase",
            periods={"client_file": {"start": "closure", "months": 0}},
        )
    assert _run(app, world, date.today() + timedelta(days=3650))["due"] == 0


def test_cli_retention_job(app, jmd, cli):

    result = cli("jobs", "retention", "--tenant", "priv", "--dry-run", "--date", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert '"due": 1' in result.output and "person:" in result.output
    refused = cli("jobs", "retention", "--date", "2026-01-01")
    assert refused.exit_code != 0 and "dry-run" in refused.output
    assert not _anonymised(app, jmd, jmd["a"].person_id)
    result = cli("jobs", "retention", "--tenant", "priv")
    assert result.exit_code == 0, result.output
    assert _anonymised(app, jmd, jmd["a"].person_id)
