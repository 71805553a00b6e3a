"""Case work through the HTML pages: search before create, open a case, walk the Regelkreis,
document, plan, close; visibility inside the tenant; conflicts; one transaction per write."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.cases.models import Case, Contact, FollowUp, HelpPlan, PhaseTransition
from core.db import db
from core.persons.models import Person
from core.tenancy.context import tenant_scope


def _new_person(browser, **extra):
    data = {
        "first_name": "Amina",
        "last_name": "Yılmaz",
        "birth_date": "1990-04-01",
        "gender": "female",
        "languages": "Türkisch, Deutsch",
        "residence_status": "permit_limited",
        "postcode": "46045",
    }
    data.update(extra)
    browser.get("/fall/persons/new")
    response = browser.post("/fall/persons/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"person_id=(\d+)", response.headers["Location"]).group(1))


def _add_contact(browser, base, channel, minutes="45", **extra):
    """A contact of today recorded on the case's contact page → the response."""
    contact = {"contact_on": date.today().isoformat(), "duration_minutes": minutes}
    return browser.post(f"{base}/contacts", {**contact, "channel": channel, **extra})


def _open_case(browser, person_id, **extra):
    data = {
        "person_id": person_id,
        "case_type": "case_management",
        "access_path": "forwarded",
        "source": "jobcenter",
    }
    data.update(extra)
    browser.get(f"/fall/cases/new?person_id={person_id}")
    response = browser.post("/fall/cases/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_search_before_create_finds_name_variants(app, kreis, cm, browser):
    _new_person(browser)
    status, html = browser.text(
        "/fall/persons/search?first_name=Amina&last_name=Yilmaz&birth_date=1990-04-01"
    )
    assert status == 200 and "Yılmaz" in html and "gleiches Geburtsdatum" in html
    status, html = browser.text("/fall/persons/search?first_name=Amiena&last_name=Jilmas")
    assert "Yılmaz" in html  # phonetic match
    status, html = browser.text("/fall/persons/search?first_name=Peter&last_name=Schulze")
    assert "Keine ähnliche Person" in html


def test_person_validation_in_german_writes_nothing(app, kreis, cm, browser, count_rows):
    browser.get("/fall/persons/new")
    response = browser.post(
        "/fall/persons/new",
        {
            "first_name": "",
            "last_name": "",
            "postcode": "12",
            "birth_date": "2999-01-01",
            "email": "x",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for text in ("Vornamen", "Nachnamen", "fünf Ziffern", "Zukunft", "gültige E-Mail-Adresse"):
        assert text in html
    assert count_rows(kreis, Person) == 0


def test_full_regelkreis(app, kreis, cm, browser, count_rows, make_consent):
    person_id = _new_person(browser)
    case_id = _open_case(browser, person_id)
    status, html = browser.text(f"/fall/cases/{case_id}")
    assert status == 200 and "Erstberatung" in html and "Yılmaz" in html
    base = f"/fall/cases/{case_id}"
    # Forward to access check, then the requirement blocks goal agreement without a decision.
    assert browser.post(f"{base}/phase", {"phase": "access_check", "version": 1}).status_code == 302
    browser.get(base)
    with app.app_context(), tenant_scope(kreis):
        version = db.session.get(Case, case_id).version
    browser.post(
        f"{base}/phase", {"phase": "goal_agreement", "reason": "überspringen", "version": version}
    )
    html = browser.get(base).get_data(as_text=True)
    assert "Zugangsprüfung" in html
    with app.app_context(), tenant_scope(kreis):
        assert db.session.get(Case, case_id).phase == "access_check"
    # Without the consent to processing the Zugangsprüfung admits no one.
    refused = browser.post(
        f"{base}/access-decision",
        {"outcome": "admitted", "target_group": "Nachholende Integration", "reason": "AT 4 J."},
    )
    assert refused.status_code == 400 and "Einwilligung" in refused.get_data(as_text=True)
    make_consent(kreis, SimpleNamespace(id=person_id))
    browser.post(
        f"{base}/access-decision",
        {
            "outcome": "admitted",
            "target_group": "Nachholende Integration",
            "reason": "AT seit 4 Jahren",
        },
    )
    for phase in ("assessment", "goal_agreement"):
        with app.app_context(), tenant_scope(kreis):
            version = db.session.get(Case, case_id).version
        assert (
            browser.post(f"{base}/phase", {"phase": phase, "version": version}).status_code == 302
        )
    browser.get(f"{base}/goals")
    assert (
        browser.post(
            f"{base}/goals",
            {
                "life_area": "language",
                "title": "Deutsch B1 erreichen",
                "priority": "1",
                "target_date": (date.today() + timedelta(days=180)).isoformat(),
            },
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(kreis):
        version = db.session.get(Case, case_id).version
    assert (
        browser.post(f"{base}/phase", {"phase": "help_planning", "version": version}).status_code
        == 302
    )
    # Help plan: draft, measure, agree; then a change makes version 2 and version 1 stays.
    browser.get(f"{base}/plan")
    browser.post(f"{base}/plan/draft")
    with app.app_context(), tenant_scope(kreis):
        plan = db.session.scalar(select(HelpPlan).where(HelpPlan.case_id == case_id))
        plan_id, plan_version = plan.id, plan.version
        goal_id = db.session.scalar(select(func.min(PhaseTransition.id)))  # any int; replaced below
        from core.cases.models import Goal

        goal_id = db.session.scalar(select(Goal.id).where(Goal.case_id == case_id))
    due = (date.today() + timedelta(days=14)).isoformat()
    assert (
        browser.post(
            f"{base}/plan/{plan_id}/items",
            {
                "goal_id": goal_id,
                "measure": "Anmeldung Integrationskurs",
                "responsible": "client",
                "due_on": due,
            },
        ).status_code
        == 302
    )
    bad = browser.post(f"{base}/plan/{plan_id}/items", {"measure": "", "responsible": "partner"})
    assert bad.status_code == 400 and "Netzwerkpartner" in bad.get_data(as_text=True)
    assert (
        browser.post(
            f"{base}/plan/{plan_id}/agree",
            {"review_on": (date.today() + timedelta(days=90)).isoformat(), "version": plan_version},
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(kreis):
        assert db.session.get(HelpPlan, plan_id).status == "agreed"
        assert (
            db.session.scalar(
                select(func.count()).select_from(FollowUp).where(FollowUp.case_id == case_id)
            )
            == 2
        )
    browser.post(f"{base}/plan/draft")
    with app.app_context(), tenant_scope(kreis):
        plans = db.session.scalars(
            select(HelpPlan).where(HelpPlan.case_id == case_id).order_by(HelpPlan.number)
        ).all()
        assert [(p.number, p.status, len(p.items)) for p in plans] == [
            (1, "agreed", 1),
            (2, "draft", 1),
        ]
        new_plan_id = plans[1].id
    browser.post(
        f"{base}/plan/{new_plan_id}/items",
        {"measure": "Termin Ausländerbehörde", "responsible": "partner", "partner_name": "ABH"},
    )
    with app.app_context(), tenant_scope(kreis):
        assert len(db.session.get(HelpPlan, plan_id).items) == 1  # the agreed version is unchanged
    status, html = browser.text(f"{base}/plan/{plan_id}/print")
    assert status == 200 and "Anmeldung Integrationskurs" in html and "Unterschrift" in html
    # Contacts and journal.
    browser.get(f"{base}/contacts")
    assert _add_contact(browser, base, "in_person", summary="Erstgespräch").status_code == 302
    bad = browser.post(
        f"{base}/contacts", {"contact_on": "", "duration_minutes": "0", "channel": "telepathy"}
    )
    assert bad.status_code == 400
    assert count_rows(kreis, Contact) == 1
    browser.get(f"{base}/journal")
    assert (
        browser.post(
            f"{base}/journal", {"text": "Telefonat mit Jobcenter", "effort_minutes": "15"}
        ).status_code
        == 302
    )
    assert "1 Std. 0 Min." in browser.get(base).get_data(as_text=True)
    # Going back needs a reason and is recorded.
    with app.app_context(), tenant_scope(kreis):
        version = db.session.get(Case, case_id).version
    browser.post(f"{base}/phase", {"phase": "assessment", "version": version})
    with app.app_context(), tenant_scope(kreis):
        assert db.session.get(Case, case_id).phase == "help_planning"
        version = db.session.get(Case, case_id).version
    browser.post(
        f"{base}/phase",
        {"phase": "assessment", "reason": "Re-Assessment: neue Lage", "version": version},
    )
    with app.app_context(), tenant_scope(kreis):
        transition = db.session.scalar(
            select(PhaseTransition)
            .where(PhaseTransition.case_id == case_id)
            .order_by(PhaseTransition.id.desc())
        )
        assert transition.backwards and transition.reason == "Re-Assessment: neue Lage"
        version = db.session.get(Case, case_id).version
    # Closure with evaluation and a follow-up talk; then reopen with a reason.
    browser.get(f"{base}/closure")
    bad = browser.post(
        f"{base}/closure", {"action": "close", "closure_reason": "", "version": version}
    )
    assert bad.status_code == 400
    talk = (date.today() + timedelta(days=180)).isoformat()
    ok = browser.post(
        f"{base}/closure",
        {
            "action": "close",
            "closure_reason": "goals_achieved",
            f"goal_{goal_id}": "4",
            "evaluation_satisfaction": "5",
            "follow_up_talk_on": talk,
            "version": version,
        },
    )
    assert ok.status_code == 302
    with app.app_context(), tenant_scope(kreis):
        case = db.session.get(Case, case_id)
        assert case.status == "closed" and case.evaluation == {"satisfaction": 5}
        assert (
            db.session.scalar(
                select(FollowUp).where(FollowUp.kind == "after_closure")
            ).due_on.isoformat()
            == talk
        )
    assert browser.post(f"{base}/closure", {"action": "reopen", "reason": ""}).status_code == 400
    assert (
        browser.post(
            f"{base}/closure",
            {"action": "reopen", "reason": "Neue Lebenslage", "phase": "monitoring"},
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(kreis):
        assert db.session.get(Case, case_id).status == "open"


def test_one_person_one_case(app, kreis, cm, browser, count_rows):
    person_id = _new_person(browser)
    _open_case(browser, person_id)
    browser.get(f"/fall/cases/new?person_id={person_id}")
    response = browser.post(
        "/fall/cases/new", {"person_id": person_id, "case_type": "case_management"}
    )
    assert response.status_code == 400 and "Eine Person, ein Fall" in response.get_data(
        as_text=True
    )
    assert count_rows(kreis, Case) == 1


def test_short_counselling_session_limit_and_conversion(app, kreis, cm, browser):
    person_id = _new_person(browser)
    case_id = _open_case(
        browser, person_id, case_type="short_counselling", topic="Antrag Kindergeld"
    )
    base = f"/fall/cases/{case_id}"
    browser.get(f"{base}/contacts")
    for _ in range(5):
        assert _add_contact(browser, base, "phone").status_code == 302
    sixth = _add_contact(browser, base, "phone")
    assert sixth.status_code == 400 and "höchstens 5" in sixth.get_data(as_text=True)
    later = _add_contact(browser, base, "phone", "30", over_limit_reason="Frist läuft")
    assert later.status_code == 302
    browser.get(base)
    assert browser.post(f"{base}/convert", {"reason": "mehrere Problemlagen"}).status_code == 302
    with app.app_context(), tenant_scope(kreis):
        case = db.session.get(Case, case_id)
        assert (case.case_type, case.phase) == ("case_management", "access_check")


def test_case_managers_do_not_see_each_others_cases(
    app, kreis, cm, browser, make_user, new_browser, signed_in
):
    person_id = _new_person(browser, first_name="Geheim", last_name="Fallakte")
    case_id = _open_case(browser, person_id)
    other_email, _ = make_user(kreis, roles=["case_manager"])
    other = new_browser()
    other.login("fall", other_email)
    for path in (
        f"/fall/cases/{case_id}",
        f"/fall/cases/{case_id}/contacts",
        f"/fall/cases/{case_id}/plan",
        f"/fall/persons/{person_id}",
    ):
        assert other.get(path).status_code == 404, path
    assert "Fallakte" not in other.get("/fall/cases/?status=all").get_data(as_text=True)
    # Coordinator (Fachaufsicht) reads it, audited as supervision.
    boss = signed_in(kreis, roles=["coordinator"])
    assert "Fallakte" in boss.get(f"/fall/cases/{case_id}").get_data(as_text=True)
    with app.app_context(), tenant_scope(kreis):
        reads = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "case.read", AuditEvent.object_id == str(case_id)
            )
        ).all()
        assert any(r.details.get("via") == "supervision" for r in reads)
    # Sharing opens it for the colleague.
    with app.app_context(), tenant_scope(kreis):
        from core.auth.models import User

        other_id = db.session.scalar(select(User.id).where(User.email == other_email))
    browser.get(f"/fall/cases/{case_id}")
    browser.post(f"/fall/cases/{case_id}/share", {"user_id": other_id})
    assert other.get(f"/fall/cases/{case_id}").status_code == 200
    # Local administration sees no case data.
    admin = signed_in(kreis, roles=["tenant_admin"])
    assert admin.get(f"/fall/cases/{case_id}").status_code == 404
    assert admin.get("/fall/cases/").status_code == 403


def test_deputy_within_unit_and_across_units_with_approval(
    app, kreis, cm, browser, make_user, new_browser, signed_in
):
    person_id = _new_person(browser)
    case_id = _open_case(browser, person_id)
    from core.tenancy.models import OrgUnit

    with app.app_context(), tenant_scope(kreis):
        other_unit = OrgUnit(tenant_id=kreis.id, key="traeger", name="Träger X", kind="provider")
        db.session.add(other_unit)
        db.session.commit()
        other_unit_id = other_unit.id
    deputy_email, _ = make_user(kreis, roles=["case_manager"], org_unit_id=other_unit_id)
    deputy = new_browser()
    deputy.login("fall", deputy_email)
    with app.app_context(), tenant_scope(kreis):
        from core.auth.models import User

        deputy_id = db.session.scalar(select(User.id).where(User.email == deputy_email))
    browser.get("/fall/deputies")
    today = date.today()
    response = browser.post(
        "/fall/deputies",
        {
            "deputy_id": deputy_id,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert deputy.get(f"/fall/cases/{case_id}").status_code == 404  # cross-unit: not yet approved
    leads = []
    for _ in range(2):
        lead = signed_in(kreis, roles=["coordinator"])
        html = lead.get("/fall/deputies").get_data(as_text=True)
        dep_id = re.search(r'name="deputy_id" value="(\d+)"', html).group(1)
        assert (
            lead.post("/fall/deputies", {"action": "approve", "deputy_id": dep_id}).status_code
            == 302
        )
        leads.append(lead)
    assert deputy.get(f"/fall/cases/{case_id}").status_code == 200
    with app.app_context(), tenant_scope(kreis):
        reads = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "case.read", AuditEvent.actor_id == deputy_id
            )
        ).all()
        assert reads and all(r.details["via"] == "substitute" for r in reads)


def test_concurrent_edits_get_a_conflict_with_both_values(app, kreis, cm, browser, signed_in):
    person_id = _new_person(browser)
    _open_case(browser, person_id)
    boss = signed_in(kreis, roles=["coordinator"])
    boss.get(f"/fall/persons/{person_id}")
    browser.get(f"/fall/persons/{person_id}")
    first = browser.post(
        f"/fall/persons/{person_id}",
        {"first_name": "Amina", "last_name": "Yılmaz", "city": "Oberhausen", "version": "1"},
    )
    assert first.status_code == 302
    second = boss.post(
        f"/fall/persons/{person_id}",
        {"first_name": "Amina", "last_name": "Yılmaz", "city": "Duisburg", "version": "1"},
    )
    html = second.get_data(as_text=True)
    assert (
        second.status_code == 409
        and "Oberhausen" in html
        and "Duisburg" in html
        and "in der Zwischenzeit" in html
    )
    with app.app_context(), tenant_scope(kreis):
        assert db.session.get(Person, person_id).city == "Oberhausen"


def test_write_is_one_transaction(app, kreis, cm, browser, monkeypatch, count_rows):
    """An injected failure after the case row was flushed leaves nothing behind."""
    person_id = _new_person(browser)
    from core.cases import services

    def boom(**kwargs):
        raise RuntimeError("injected failure")

    original = services.audit.record

    def failing_record(action, **kwargs):
        if action == "case.created":
            boom()
        return original(action, **kwargs)

    monkeypatch.setattr(services.audit, "record", failing_record)
    app.config["LOTSE_RAISE_ERRORS"] = False
    try:
        browser.get(f"/fall/cases/new?person_id={person_id}")
        response = browser.post(
            "/fall/cases/new", {"person_id": person_id, "case_type": "case_management"}
        )
    finally:
        app.config["LOTSE_RAISE_ERRORS"] = True
    assert response.status_code == 500
    assert count_rows(kreis, Case) == 0
    assert count_rows(kreis, PhaseTransition) == 0


def test_my_follow_ups_and_automatic_ones(app, kreis, cm, browser):
    person_id = _new_person(
        browser,
        residence_valid_until=(date.today() + timedelta(days=20)).isoformat(),
        residence_issued_on="2024-01-01",
    )
    case_id = _open_case(browser, person_id)
    browser.get(f"/fall/cases/{case_id}/follow-ups")
    assert (
        browser.post(
            f"/fall/cases/{case_id}/follow-ups",
            {"due_on": (date.today() - timedelta(days=1)).isoformat(), "title": "Bescheid prüfen"},
        ).status_code
        == 302
    )
    from core.cases.follow_ups import generate_follow_ups
    from core.tenancy.models import Tenant

    with app.app_context(), tenant_scope(kreis):
        created = generate_follow_ups(db.session.get(Tenant, kreis.id))
        db.session.commit()
        assert created["residence_expiry"] == 1
        assert (
            generate_follow_ups(db.session.get(Tenant, kreis.id))["residence_expiry"] == 0
        )  # idempotent
        db.session.commit()
    html = browser.get("/fall/follow-ups").get_data(as_text=True)
    assert "Bescheid prüfen" in html and "Aufenthaltstitel" in html and "Überfällig" in html
    html = browser.get("/fall/").get_data(as_text=True)
    assert "Bescheid prüfen" in html


def test_caseload_traffic_light(app, kreis, cm, browser, signed_in):
    for i in range(3):
        _open_case(browser, _new_person(browser, first_name=f"Person{i}", last_name=f"Nachname{i}"))
    boss = signed_in(kreis, roles=["coordinator"])
    html = boss.get("/fall/caseload").get_data(as_text=True)
    assert "Clara Case" in html and "light--green" in html
    assert browser.get("/fall/caseload").status_code == 403


def test_attachments_are_checked_and_served_as_download(app, kreis, cm, browser, tmp_path):
    import io

    app.config["LOTSE_ATTACHMENT_DIR"] = str(tmp_path)
    case_id = _open_case(browser, _new_person(browser))
    base = f"/fall/cases/{case_id}/documents"
    browser.get(base)
    fake = browser.post(
        base,
        {"file": (io.BytesIO(b"<html><script>alert(1)</script>"), "bescheid.pdf")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 400 and "passt nicht" in fake.get_data(as_text=True)
    exe = browser.post(
        base, {"file": (io.BytesIO(b"MZ..."), "tool.exe")}, content_type="multipart/form-data"
    )
    assert exe.status_code == 400
    ok = browser.post(
        base,
        {
            "file": (io.BytesIO(b"%PDF-1.7\n..."), "../../Bescheid Jobcenter.pdf"),
            "description": "Bescheid",
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    html = browser.get(base).get_data(as_text=True)
    link = re.search(r'href="(/fall/cases/\d+/documents/\d+)"', html).group(1)
    download = browser.get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert (
        "attachment" in download.headers["Content-Disposition"]
        and ".." not in download.headers["Content-Disposition"]
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    stored = list(tmp_path.rglob("*"))
    assert all(".pdf" not in p.name for p in stored)  # stored under generated names


def test_reassigning_a_case_with_conflict_detection(
    app, kreis, cm, browser, make_user, new_browser
):
    case_id = _open_case(browser, _new_person(browser))
    with app.app_context(), tenant_scope(kreis):
        from core.auth.models import User

        me = db.session.scalar(select(User.id).where(User.email == cm))
    boss_email, _ = make_user(kreis, roles=["coordinator"], name="Bea Boss")
    boss = new_browser()
    boss.login("fall", boss_email)
    with app.app_context(), tenant_scope(kreis):
        boss_id = db.session.scalar(select(User.id).where(User.email == boss_email))
        version = db.session.get(Case, case_id).version
    boss.get(f"/fall/cases/{case_id}/edit")
    browser.get(f"/fall/cases/{case_id}/edit")
    assert (
        browser.post(
            f"/fall/cases/{case_id}/edit",
            {"case_manager_id": me, "source": "mbe", "version": version},
        ).status_code
        == 302
    )
    late = boss.post(
        f"/fall/cases/{case_id}/edit",
        {"case_manager_id": boss_id, "source": "jobcenter", "version": version},
    )
    assert late.status_code == 409 and "Bea Boss" in late.get_data(as_text=True)
    bad = browser.post(
        f"/fall/cases/{case_id}/edit", {"case_manager_id": "", "version": version + 1}
    )
    assert bad.status_code == 400
    with app.app_context(), tenant_scope(kreis):
        case = db.session.get(Case, case_id)
        assert (case.case_manager_id, case.source) == (me, "mbe")


def test_caseload_target_scales_with_weekly_hours(app, kreis, cm):
    from core.auth.models import Membership, User
    from core.cases.caseload import caseload
    from core.tenancy.models import Tenant

    with app.test_request_context(), tenant_scope(kreis):
        tenant = db.session.get(Tenant, kreis.id)
        tenant.settings = {"caseload_ratio": 40, "full_time_hours": 39}
        member = db.session.scalar(
            select(Membership).join(User, User.id == Membership.user_id).where(User.email == cm)
        )
        member.weekly_hours = 19.5
        db.session.commit()
        row = next(r for r in caseload(db.session.get(Tenant, kreis.id)) if r.user.email == cm)
        assert (row.ratio, row.fte, row.light) == (20, 0.5, "green")


def test_new_plan_version_replaces_follow_ups_and_numbers_keep_counting(app, kreis, cm, browser):
    from core.auth.models import User
    from core.cases import help_plans, services
    from core.cases.models import Goal
    from core.tenancy.models import Tenant

    case_id = _open_case(browser, _new_person(browser))
    with app.test_request_context(), tenant_scope(kreis):
        user = db.session.scalar(select(User).where(User.email == cm))
        case = db.session.get(Case, case_id)
        db.session.add(Goal(case_id=case.id, life_area="language", title="B1"))
        for measure, due_in, review_in in (("Kurs", 5, 30), ("Neu", 9, 60)):
            # Each round agrees a new version of the plan with one measure.
            plan = help_plans.editable_plan(user, case)
            help_plans.save_plan_item(
                user,
                case,
                plan,
                {
                    "measure": measure,
                    "responsible": "client",
                    "due_on": (date.today() + timedelta(days=due_in)).isoformat(),
                },
            )
            review_on = (date.today() + timedelta(days=review_in)).isoformat()
            help_plans.agree_plan(user, case, plan, {"review_on": review_on})
        db.session.commit()
        open_ = db.session.scalars(
            select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.done_at.is_(None))
        ).all()
        assert sorted(f.title for f in open_) == sorted(["Hilfeplan überprüfen", "Kurs", "Neu"])
        assert len(open_) == 3  # the first version's follow-ups were closed
        # Case numbers count on past 9999.
        tenant = db.session.get(Tenant, kreis.id)
        from core.cases.models import CaseNumberCounter

        counter = db.session.scalar(
            select(CaseNumberCounter).where(CaseNumberCounter.year == date.today().year)
        )
        counter.last_number = 9999
        db.session.flush()
        from core.persons.services import create_person

        other = create_person(user, {"first_name": "A", "last_name": "B"})
        new = services.open_case(
            user, tenant, {"person_id": other.id, "case_type": "case_management"}
        )
        assert new.number == f"{date.today().year}-10000"
        db.session.rollback()
