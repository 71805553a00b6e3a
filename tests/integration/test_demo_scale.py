"""``lotse demo --scale N --tenants K``: the NRW load-test installation (``core.demo.nrw``).

Tiny N (300 cases over 3 tenants) so the suite stays fast; the shapes are what the bench relies
on: every person has a processing consent, case managers have 40-60 open cases, numbers follow
the tenant's counter, the app opens a generated case file and person page, a rerun changes
nothing and an interrupted run completes to the same result.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.auth.models import Membership, User
from core.cases.models import Case, CaseNumberCounter, FollowUp
from core.consent.models import ConsentCoverage, ConsentRecord
from core.db import db
from core.demo import nrw
from core.persons.models import HouseholdMember, Person, PersonNameToken
from core.persons.phonetics import fold, name_key
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant

SLUGS = ("bielefeld", "bochum", "bonn")


def _run(cli, *extra):
    return cli("demo", "--scale", "300", "--tenants", "3", *extra)


def _counts(app):
    with app.app_context():
        return nrw.counts_per_tenant(list(SLUGS))


def _tenant(slug):
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


@pytest.fixture
def scaled(demo, cli):
    result = _run(cli)
    assert result.exit_code == 0, result.output
    return demo


def _cases_are_spread_by_population_over_the_first_tenants(scaled):
    counts = _counts(scaled)
    assert set(counts) == set(SLUGS)
    wanted = {p.area.slug: p.cases for p in nrw.plan(300, 3)}
    assert sum(wanted.values()) == 300
    assert {s: c["open"] + c["closed"] for s, c in counts.items()} == wanted
    assert {s: c["persons"] for s, c in counts.items()} == wanted  # one case per person
    with scaled.app_context():
        assert _tenant("koeln") is None  # only the first three of the 53


def _case_managers_have_40_to_60_open_cases_and_every_tenant_a_dpo(scaled):
    with scaled.app_context():
        for slug in SLUGS:
            with tenant_scope(_tenant(slug)):
                managers = db.session.scalars(
                    select(Membership).where(Membership.active.is_(True))
                ).all()
                roles = [r for m in managers for r in m.roles]
                assert roles.count("dpo") == 1 and "coordinator" in roles, slug
                open_by_owner = {
                    owner: n
                    for owner, n in db.session.execute(
                        select(Case.case_manager_id, func.count())
                        .where(Case.status == "open")
                        .group_by(Case.case_manager_id)
                    )
                }
                active_cms = {m.user_id for m in managers if "case_manager" in m.roles}
                assert set(open_by_owner) <= active_cms, slug
                assert open_by_owner and all(40 <= n <= 60 for n in open_by_owner.values()), (
                    slug,
                    open_by_owner,
                )
                # closed cases over the years, some of colleagues who left (inactive members)
                years = set(
                    db.session.scalars(
                        select(func.min(Case.opened_on)).where(Case.status == "closed")
                    )
                )
                assert min(years).year < date.today().year - 2, slug


def _every_person_has_a_processing_consent_and_releases_cover_children(scaled):
    with scaled.app_context():
        for slug in SLUGS:
            with tenant_scope(_tenant(slug)):
                without = db.session.scalar(
                    select(func.count())
                    .select_from(Person)
                    .where(
                        ~select(ConsentRecord.id)
                        .where(
                            ConsentRecord.person_id == Person.id,
                            ConsentRecord.kind == "processing",
                        )
                        .exists()
                    )
                )
                assert without == 0, slug
                children = set(
                    db.session.scalars(
                        select(HouseholdMember.person_id).where(
                            HouseholdMember.role == "minor_child"
                        )
                    )
                )
                covered = set(
                    db.session.scalars(
                        select(ConsentCoverage.person_id)
                        .join(ConsentRecord, ConsentRecord.id == ConsentCoverage.consent_id)
                        .where(
                            ConsentRecord.kind == "confidentiality_release",
                            ConsentCoverage.person_id != ConsentRecord.person_id,
                        )
                    )
                )
                assert children and covered == children, slug
                # Every record covers its holder (the gate's one indexed lookup).
                uncovered = db.session.scalar(
                    select(func.count())
                    .select_from(ConsentRecord)
                    .where(
                        ~select(ConsentCoverage.id)
                        .where(
                            ConsentCoverage.consent_id == ConsentRecord.id,
                            ConsentCoverage.person_id == ConsentRecord.person_id,
                        )
                        .exists()
                    )
                )
                assert uncovered == 0, slug
                # The name search index holds the persons that are not anonymised, no others.
                indexed = set(db.session.scalars(select(PersonNameToken.person_id).distinct()))
                named = set(
                    db.session.scalars(select(Person.id).where(Person.anonymised_at.is_(None)))
                )
                assert indexed == named, slug


def _derived_columns_numbers_and_follow_ups_are_as_the_services_make_them(scaled):
    with scaled.app_context():
        for slug in SLUGS:
            with tenant_scope(_tenant(slug)):
                for p in db.session.scalars(select(Person).where(Person.anonymised_at.is_(None))):
                    assert p.name_key == name_key(p.first_name, p.last_name, p.other_names)[:400]
                    assert p.sort_name == fold(f"{p.last_name} {p.first_name}")[:220]
                numbers = db.session.scalars(select(Case.number)).all()
                assert len(numbers) == len(set(numbers)), slug
                counters = {
                    year: n
                    for year, n in db.session.execute(
                        select(CaseNumberCounter.year, CaseNumberCounter.last_number)
                    )
                }
                for number in numbers:
                    year, n = number.split("-")
                    assert int(n) <= counters[int(year)], number
                overdue = db.session.scalar(
                    select(func.count())
                    .select_from(FollowUp)
                    .where(FollowUp.done_at.is_(None), FollowUp.due_on < date.today())
                )
                assert overdue > 0, slug


def test_the_app_opens_generated_case_files_and_person_pages(scaled, sign_in):
    with scaled.app_context():
        tenant = _tenant("bonn")
        user_id = db.session.scalar(select(User.id).where(User.email == "cm-01@bonn.demo"))
        with tenant_scope(tenant):
            cases = db.session.scalars(
                select(Case).where(Case.case_manager_id == user_id).limit(5)
            ).all()
            ids = [(c.id, c.person_id) for c in cases]
        db.session.commit()
    assert ids
    browser = sign_in("bonn", "cm-01@bonn.demo", "lotse-demo")
    assert browser.get("/bonn/cases/").status_code == 200
    for case_id, person_id in ids:
        assert browser.get(f"/bonn/cases/{case_id}").status_code == 200
        assert browser.get(f"/bonn/persons/{person_id}").status_code == 200


def test_the_generated_installation_has_the_shapes_the_bench_relies_on(scaled, cli):
    """One generation (it takes seconds), every property checked on it, then a second run
    that must change nothing and a run with other arguments that must be refused."""
    _cases_are_spread_by_population_over_the_first_tenants(scaled)
    _case_managers_have_40_to_60_open_cases_and_every_tenant_a_dpo(scaled)
    _every_person_has_a_processing_consent_and_releases_cover_children(scaled)
    _derived_columns_numbers_and_follow_ups_are_as_the_services_make_them(scaled)
    before = _counts(scaled)
    result = _run(cli)
    assert result.exit_code == 0, result.output
    assert _counts(scaled) == before
    refused = cli("demo", "--scale", "600", "--tenants", "3")
    assert refused.exit_code != 0
    assert "bielefeld" in refused.output


def test_an_interrupted_run_resumes_to_the_same_result(demo, cli, monkeypatch):
    monkeypatch.setattr(nrw, "HOUSEHOLDS_PER_BATCH", 20)
    real = nrw.write_batch
    calls = {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(nrw, "write_batch", crashing)
    assert _run(cli).exit_code != 0
    partial = _counts(demo)
    assert 0 < sum(c["persons"] for c in partial.values()) < 300
    monkeypatch.setattr(nrw, "write_batch", real)
    result = _run(cli)
    assert result.exit_code == 0, result.output
    counts = _counts(demo)
    assert {s: c["open"] + c["closed"] for s, c in counts.items()} == {
        p.area.slug: p.cases for p in nrw.plan(300, 3)
    }
    with demo.app_context(), tenant_scope(_tenant("bielefeld")):
        numbers = db.session.scalars(select(Case.number)).all()
        assert len(numbers) == len(set(numbers))
