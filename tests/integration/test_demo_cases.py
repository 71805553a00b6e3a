"""Demo cases (``core.demo.cases``) and the round-robin case generator (``core.demo.scale``)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from core.cases.models import Case, Contact, FollowUp, Goal, HelpPlan, HelpPlanItem
from core.db import db, utcnow
from core.demo import DEMO_TENANTS
from core.persons.models import HouseholdMember, Person
from core.tenancy.context import tenant_scope, unscoped
from core.tenancy.models import Tenant

CM_PHASES = {
    "intake",
    "access_check",
    "assessment",
    "goal_agreement",
    "help_planning",
    "linking",
    "monitoring",
}


def _seed(app):
    from core.demo import seed_demo

    with app.app_context():
        seed_demo()
        db.session.commit()


def _tenant(slug):
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def _counts(app) -> dict[str, int]:
    with app.app_context():
        out = {}
        for slug in DEMO_TENANTS:
            with tenant_scope(_tenant(slug)):
                out[slug] = db.session.scalar(select(func.count()).select_from(Case))
        return out


def test_demo_cases_cover_the_whole_regelkreis(demo):
    app = demo
    today = date.today()
    with app.app_context():
        for slug in DEMO_TENANTS:
            with tenant_scope(_tenant(slug)):
                all_cases = db.session.scalars(select(Case)).all()
                assert 10 <= len(all_cases) <= 14 + 4 * (slug == "oberhausen"), slug
                managed = [c for c in all_cases if c.case_type == "case_management"]
                assert {c.phase for c in managed if c.status == "open"} >= CM_PHASES, slug
                closed = [c for c in all_cases if c.status == "closed"]
                assert closed and all(c.phase == "closure" and c.closure_reason for c in closed), (
                    slug
                )
                assert any(c.evaluation.get("satisfaction") for c in closed), slug
                short = [c for c in all_cases if c.case_type == "short_counselling"]
                assert short and short[0].topic
                assert (
                    2
                    <= db.session.scalar(
                        select(func.count())
                        .select_from(Contact)
                        .where(Contact.case_id == short[0].id)
                    )
                    <= 3
                )
                assert any(c.case_type == "referral_counselling" for c in all_cases)
                # a household whose two members both have a case
                members = db.session.scalars(select(HouseholdMember)).all()
                by_household: dict[int, set[int]] = {}
                for m in members:
                    by_household.setdefault(m.household_id, set()).add(m.person_id)
                with_cases = {c.person_id for c in all_cases}
                assert any(len(people & with_cases) >= 2 for people in by_household.values()), slug
                # an open case whose residence permit ends within 60 days
                expiring = db.session.scalars(
                    select(Person)
                    .join(Case, Case.person_id == Person.id)
                    .where(
                        Case.status == "open",
                        Person.residence_valid_until.between(today, today + timedelta(days=60)),
                    )
                ).all()
                assert expiring, slug
                # a case without activity for more than six months, with its automatic follow-up
                stale = [
                    c
                    for c in all_cases
                    if c.status == "open" and c.last_activity_at < utcnow() - timedelta(days=183)
                ]
                assert stale, slug
                kinds = {
                    f.kind
                    for f in db.session.scalars(select(FollowUp).where(FollowUp.done_at.is_(None)))
                }
                assert {"manual", "inactivity", "residence_expiry", "goal_review"} <= kinds, slug
                overdue = db.session.scalars(
                    select(FollowUp).where(
                        FollowUp.kind == "manual",
                        FollowUp.done_at.is_(None),
                        FollowUp.due_on < today,
                    )
                ).all()
                assert overdue, slug
                # no contact lies in the future; cases belong to the demo case manager or the
                # coordinator
                assert db.session.scalar(select(func.max(Contact.contact_on))) <= today
                managers = {c.case_manager_id for c in all_cases}
                assert len(managers) == 2, slug


def test_jmd_tenant_has_the_samira_case(demo):
    app = demo
    today = date.today()
    with app.app_context(), tenant_scope(_tenant("jmd-oberhausen")):
        person = db.session.scalar(select(Person).where(Person.first_name == "Samira"))
        assert person is not None and person.gender == "female"
        case = db.session.scalar(select(Case).where(Case.person_id == person.id))
        goals = db.session.scalars(select(Goal).where(Goal.case_id == case.id)).all()
        assert len(goals) == 5
        titles = " ".join(g.title for g in goals)
        for word in (
            "psychischen Stabilität",
            "Aufenthalts",
            "Lebensunterhalts",
            "Selbstständige Lebensführung",
            "Sprache und Ausbildung",
        ):
            assert word in titles
        agreed = db.session.scalar(
            select(HelpPlan).where(HelpPlan.case_id == case.id, HelpPlan.status == "agreed")
        )
        assert agreed is not None and agreed.number == 2  # the goals were agreed step by step
        # Wiedervorlage 12.01. after an IFP of 05.10.: 99 days, kept when moving the dates
        first = db.session.scalar(
            select(HelpPlan).where(HelpPlan.case_id == case.id, HelpPlan.number == 1)
        )
        assert (agreed.review_on - first.agreed_on).days == 99 and agreed.review_on > today
        items = db.session.scalars(
            select(HelpPlanItem).where(HelpPlanItem.plan_id == agreed.id)
        ).all()
        assert {i.responsible for i in items} == {"client", "case_manager", "partner"}
        partners = {i.partner_name for i in items}
        assert {
            "Ausländerbehörde",
            "Flüchtlingssozialberatung in der Unterkunft",
            "Evang. Zentrum für Beratung und Therapie am Weißen Stein",
            "Jobcenter",
        } <= partners
        therapy = next(i for i in items if i.measure.startswith("Teilziel 2 – Therapie beginnen"))
        assert (therapy.due_on - first.agreed_on).days == 58
        assert case.phase == "monitoring"


def test_seeding_twice_creates_nothing_new(demo):
    from core.demo import seed_cases

    app = demo  # seeded once already
    before = _counts(app)
    _seed(app)
    assert _counts(app) == before
    with app.app_context():
        tenant = _tenant("kleve")
        with tenant_scope(tenant):
            assert seed_cases(tenant) == 0


def _generate_cases(app, total, seed=1):
    """The round-robin generator over the demo tenants (bench/cases.py uses it; ``lotse demo
    --scale`` spreads over the NRW tenants instead, see test_demo_scale.py)."""
    from core.demo.scale import generate_cases

    with app.app_context():
        created = generate_cases(total, seed=seed)
        db.session.commit()
    return created


def test_demo_scale_adds_cases_round_robin(demo):
    app = demo
    before = _counts(app)
    assert sum(_generate_cases(app, 30).values()) == 30
    after = _counts(app)
    assert sum(after.values()) - sum(before.values()) == 30
    assert all(after[slug] - before[slug] == 6 for slug in DEMO_TENANTS)
    with app.app_context():
        with unscoped():
            every = db.session.scalar(
                select(func.count()).select_from(Case).execution_options(all_tenants=True)
            )
        assert every == sum(after.values())  # no row outside the demo tenants' scopes
        for slug in DEMO_TENANTS:
            tenant = _tenant(slug)
            with tenant_scope(tenant):
                scaled = db.session.scalars(select(Case).where(Case.number.like("S%"))).all()
                assert len(scaled) == 6 and {c.tenant_id for c in scaled} == {tenant.id}
                assert len({c.number for c in scaled}) == 6
                for case in scaled:
                    person = db.session.scalar(select(Person).where(Person.id == case.person_id))
                    assert (
                        person is not None
                        and person.tenant_id == tenant.id
                        and person.sort_name
                        and person.name_key
                    )
                    assert (
                        1
                        <= db.session.scalar(
                            select(func.count())
                            .select_from(Contact)
                            .where(Contact.case_id == case.id)
                        )
                        <= 5
                    )
                    assert (
                        1
                        <= db.session.scalar(
                            select(func.count()).select_from(Goal).where(Goal.case_id == case.id)
                        )
                        <= 3
                    )
    # a second run continues the numbering
    assert sum(_generate_cases(app, 5, seed=2).values()) == 5
    assert sum(_counts(app).values()) == sum(after.values()) + 5


def test_oberhausen_cases_carry_their_access_checklists(demo):
    """Every Oberhausen demo case with an access decision has its final Checkliste
    „Zugangsbedingungen“; the case still in the access check a draft (Vorrang MBE); the intake
    a draft Erhebungsbogen; a referral (two dimensions, no minor child) and the relatives'
    exception of target group 3 are among them. Other tenants have no such forms."""
    from core.cases.models import AccessDecision
    from core.forms.models import FormSubmission

    app = demo
    with app.app_context():
        with tenant_scope(_tenant("oberhausen")):
            rows = db.session.scalars(select(FormSubmission)).all()
            checklists = [r for r in rows if r.form_key == "oberhausen.access_checklist"]
            # Rows without an outcome are the rules' suggestions (from a draft checklist).
            decided = set(
                db.session.scalars(
                    select(AccessDecision.case_id).where(AccessDecision.outcome != "")
                )
            )
            final = {r.case_id for r in checklists if r.status == "final"}
            assert decided and decided <= final
            drafts = [r for r in checklists if r.status == "draft"]
            assert [r.data["fazit"] for r in drafts] == ["verwiesen"]
            assert {r.data.get("fazit") for r in checklists} >= {"aufgenommen", "verwiesen"}
            referred = next(
                r for r in checklists if r.data.get("zg2_bereiche") == ["arbeit", "einkommen"]
            )
            assert referred.status == "final" and referred.computed["zg2_kinder_betroffen"] == 0
            relative = next(r for r in checklists if r.data.get("zg3_rolle") == "angehoerig")
            assert relative.data["zg3_pflegeperson_einwanderungsgeschichte"] is True
            assert "einwanderungsgeschichte_alternative" not in relative.data
            family = [r for r in checklists if r.computed.get("zg2_kinder_betroffen")]
            assert family and all(r.computed["zg2_anzahl_dimensionen"] >= 3 for r in family)
            intake = [r for r in rows if r.form_key == "oberhausen.intake"]
            assert len(intake) == 1 and intake[0].status == "draft"
            assert intake[0].data["kinder_liste"][1]["name"] == "Maksym"
        with tenant_scope(_tenant("kleve")):
            assert not db.session.scalars(
                select(FormSubmission).where(FormSubmission.form_key.like("oberhausen.%"))
            ).all()


def test_oberhausen_demo_has_a_case_for_each_failing_rule(demo):
    """Issue #11 item 9: besides the admissions, the Oberhausen demo shows each way the access
    check can fail, each with its final checklist and the decision the case manager recorded:
    the Vorrang of the MBE (target group 1, referred), target group 3 without proof and not
    plausible (not admitted), a general condition (not cooperative, not admitted) and an acute
    crisis admitted although no target group holds. The rules' verdicts are recomputed from the
    stored answers, so a story that stops failing its rule fails this test."""
    from core.cases.models import AccessDecision
    from core.eligibility import services as eligibility
    from core.forms.models import FormSubmission

    app = demo
    with app.app_context():
        tenant = _tenant("oberhausen")
        with tenant_scope(tenant):
            decisions = db.session.scalars(
                select(AccessDecision).where(AccessDecision.outcome != "")
            ).all()
            seen = {}
            for row in decisions:
                case = db.session.get(Case, row.case_id)
                checklist = (
                    db.session.get(FormSubmission, row.form_submission_id)
                    if row.form_submission_id is not None
                    else None
                )
                assessment = eligibility.assess(tenant, case)
                groups = {r.key: v.eligible for r, v in assessment.target_groups}
                conditions = {r.key: v.eligible for r, v in assessment.conditions}
                fazit = checklist.data.get("fazit") if checklist is not None else None
                if row.outcome == "referred" and assessment.priority is not None:
                    if assessment.priority.applies:
                        seen["priority"] = (row, checklist, assessment)
                        assert not groups["oberhausen.zg1_nachholende_erstintegration"]
                        assert row.suggested_outcome == "referred"
                        assert "MBE" in row.referred_to and fazit == "verwiesen"
                if row.outcome == "not_admitted" and fazit == "nicht_aufgenommen":
                    care = assessment.context.other_answers.get("pflegesetting.care_checklist")
                    if care is not None:
                        seen["care"] = (row, checklist, assessment)
                        assert care["plausibel"] is False
                        assert checklist.data["zg3_beeintraechtigt"] is True
                        assert not any(
                            checklist.data.get(k)
                            for k in (
                                "zg3_pflegebeduerftig",
                                "zg3_pflegegrad_vorhanden",
                                "zg3_bescheinigung",
                            )
                        )
                        assert not groups["oberhausen.zg3_pflegesetting"]
                        assert all(conditions.values())
                    elif not conditions["oberhausen.kooperationsbereit"]:
                        seen["condition"] = (row, checklist, assessment)
                        # target group 1 holds: only the general condition keeps them out
                        assert groups["oberhausen.zg1_nachholende_erstintegration"]
                    assert row.suggested_outcome == "not_admitted" and not row.admitted
                if row.outcome == "crisis":
                    seen["crisis"] = (row, checklist, assessment)
                    assert not any(groups.values()) and all(conditions.values())
                    assert row.admitted and row.crisis_reason and fazit == "krise"
                    assert row.suggested_outcome == "not_admitted" and row.target_groups == []
            assert set(seen) == {"priority", "care", "condition", "crisis"}, seen
            for row, checklist, assessment in seen.values():
                assert checklist.status == "final" and checklist.case_id == row.case_id
                assert not assessment.eligible
            care_form = db.session.scalars(
                select(FormSubmission).where(
                    FormSubmission.form_key == "pflegesetting.care_checklist",
                    FormSubmission.case_id == seen["care"][0].case_id,
                )
            ).one()
            assert care_form.status == "final"
