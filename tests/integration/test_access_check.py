"""The Zugangsprüfung through the real app: consent gate, crisis reason, Vorrang check,
tenant isolation of the access-decision endpoints."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.cases.models import AccessDecision

TODAY = date.today()


def _years_ago(years: int, days: int = 30) -> str:
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=days)).isoformat()


def _world(make_tenant, make_person, make_case, api_client, *, plugins=(), **person):
    tenant = make_tenant(plugins=list(plugins))
    person = make_person(tenant, **person)
    case = make_case(tenant, person)
    return tenant, person, case, api_client(tenant, roles=("coordinator",))


def _decisions(app, tenant, case_id):
    from core.db import db
    from core.tenancy.context import tenant_scope

    with app.app_context(), tenant_scope(tenant):
        return list(
            db.session.scalars(
                select(AccessDecision.outcome).where(
                    AccessDecision.case_id == case_id, AccessDecision.outcome != ""
                )
            )
        )


def test_no_processing_consent_refuses_admission(
    app, make_tenant, make_person, make_case, make_consent, api_client
):
    tenant, person, case, call = _world(make_tenant, make_person, make_case, api_client)
    url = f"/cases/{case.id}/access-decision"
    refused = call("POST", url, json={"outcome": "admitted", "reason": "Bedarf"})
    assert refused.status_code == 422
    assert "Einwilligung" in refused.json["errors"]["outcome"][0]
    crisis = call("POST", url, json={"outcome": "crisis", "crisis_reason": "Wohnungsverlust"})
    assert crisis.status_code == 422 and "outcome" in crisis.json["errors"]
    assert _decisions(app, tenant, case.id) == []
    # Not admitting needs no consent.
    assert (
        call("POST", url, json={"outcome": "not_admitted", "reason": "kein Bedarf"}).status_code
        == 201
    )
    make_consent(tenant, person)
    state = call("GET", url).json
    assert state["suggestion"]["processing_consent"] is True
    ok = call("POST", url, json={"outcome": "admitted", "reason": "Bedarf"})
    assert ok.status_code == 201 and ok.json["admitted"] is True
    assert _decisions(app, tenant, case.id) == ["not_admitted", "admitted"]


def test_crisis_without_reason_is_a_german_error_and_stores_nothing(
    app, make_tenant, make_person, make_case, make_consent, api_client, signed_in
):
    tenant, person, case, call = _world(make_tenant, make_person, make_case, api_client)
    make_consent(tenant, person)
    answer = call("POST", f"/cases/{case.id}/access-decision", json={"outcome": "crisis"})
    assert answer.status_code == 422
    assert answer.json["errors"]["crisis_reason"] == [
        "Bitte geben Sie an, warum die Beratung wegen akuter Krise aufgenommen wird."
    ]
    # The HTML form says it at the field, and stores nothing either.
    browser = signed_in(tenant, roles=("coordinator",))
    browser.get(f"/{tenant.slug}/cases/{case.id}/access")
    page = browser.post(f"/{tenant.slug}/cases/{case.id}/access-decision", {"outcome": "crisis"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "warum die Beratung wegen akuter Krise aufgenommen wird" in html
    assert 'class="field__error"' in html
    assert _decisions(app, tenant, case.id) == []
    ok = call(
        "POST",
        f"/cases/{case.id}/access-decision",
        json={"outcome": "crisis", "crisis_reason": "Drohende Obdachlosigkeit"},
    )
    assert ok.status_code == 201 and ok.json["crisis_reason"] == "Drohende Obdachlosigkeit"
    from core.db import db
    from core.eligibility.services import crisis_admissions
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    # Another tenant's crisis admission is not counted here.
    other, other_person, other_case, other_call = _world(
        make_tenant, make_person, make_case, api_client
    )
    make_consent(other, other_person)
    assert (
        other_call(
            "POST",
            f"/cases/{other_case.id}/access-decision",
            json={"outcome": "crisis", "crisis_reason": "Gewalt in der Familie"},
        ).status_code
        == 201
    )
    with app.app_context(), tenant_scope(tenant):
        rows = crisis_admissions(db.session.get(Tenant, tenant.id), (TODAY, TODAY))
        assert [r.case_id for r in rows] == [case.id]
        yesterday = TODAY - timedelta(days=1)
        assert crisis_admissions(db.session.get(Tenant, tenant.id), (yesterday, yesterday)) == []


def test_vorrang_age_30_title_two_years_ago_suggests_mbe(
    make_tenant, make_person, make_case, api_client
):
    tenant, person, case, call = _world(
        make_tenant,
        make_person,
        make_case,
        api_client,
        birth_date=_years_ago(30),
        nationality="SY",
        residence_status="permit_limited",
        first_residence_title_on=_years_ago(2),
    )
    priority = call("GET", f"/cases/{case.id}/access-decision").json["suggestion"]["priority"]
    assert priority["institution"] == "mbe" and priority["applies"] is True
    assert "MBE" in priority["label"] and "Vorrang" in priority["reason"]


def test_vorrang_after_the_threshold_case_management_comes_first(
    make_tenant, make_person, make_case, api_client
):
    tenant, person, case, call = _world(
        make_tenant,
        make_person,
        make_case,
        api_client,
        birth_date=_years_ago(20),
        residence_status="permit_limited",
        first_residence_title_on=_years_ago(4),
    )
    priority = call("GET", f"/cases/{case.id}/access-decision").json["suggestion"]["priority"]
    assert priority["institution"] == "jmd" and priority["applies"] is False


def test_access_decision_endpoints_are_tenant_isolated(
    make_tenant, make_person, make_case, api_client
):
    other, _p, foreign, _call = _world(make_tenant, make_person, make_case, api_client)
    mine = make_tenant()
    call = api_client(mine, roles=("coordinator", "case_manager"))
    url = f"/cases/{foreign.id}/access-decision"
    assert call("GET", url).status_code == 404
    assert call("POST", url, json={"outcome": "not_admitted", "reason": "x"}).status_code == 404
    assert call("PUT", url + "/answers", json={"answers": {"a": 1}}).status_code == 404


def test_zugangspruefung_page_shows_consent_and_decision_form(
    make_tenant, make_person, make_case, signed_in
):
    tenant = make_tenant()
    browser = signed_in(tenant, roles=("coordinator",))
    case = make_case(tenant)
    status, html = browser.text(f"/{tenant.slug}/cases/{case.id}/access")
    assert status == 200
    assert "Zugangsprüfung" in html and "Einwilligung" in html
    assert 'name="outcome" value="crisis"' in html
    other = make_tenant()
    foreign = make_case(other)
    assert browser.get(f"/{tenant.slug}/cases/{foreign.id}/access").status_code == 404
    answer = browser.post(
        f"/{tenant.slug}/cases/{foreign.id}/access-decision",
        {"outcome": "not_admitted", "reason": "x"},
    )
    assert answer.status_code == 404


def test_priority_threshold_is_a_tenant_setting(make_tenant, make_person, make_case, api_client):
    tenant = make_tenant(settings={"priority_years": 5})
    person = make_person(
        tenant,
        birth_date=_years_ago(40),
        residence_status="permit_limited",
        first_residence_title_on=_years_ago(4),
    )
    case = make_case(tenant, person)
    call = api_client(tenant, roles=("coordinator",))
    priority = call("GET", f"/cases/{case.id}/access-decision").json["suggestion"]["priority"]
    assert priority["institution"] == "mbe" and priority["applies"] is True
    assert "weniger als 5" in priority["reason"]


def test_referral_button_continues_the_case_as_referral_counselling(
    app, make_tenant, make_person, make_case, signed_in
):
    from core.cases.models import Case
    from core.db import db
    from core.tenancy.context import tenant_scope

    tenant = make_tenant()
    person = make_person(
        tenant,
        birth_date=_years_ago(30),
        residence_status="permit_limited",
        first_residence_title_on=_years_ago(2),
    )
    case = make_case(tenant, person)
    browser = signed_in(tenant, roles=("coordinator",))
    status, html = browser.text(f"/{tenant.slug}/cases/{case.id}/access")
    assert "Verweisberatung an Migrationsberatung für erwachsene Zugewanderte (MBE)" in html
    assert (
        browser.post(
            f"/{tenant.slug}/cases/{case.id}/access-decision",
            {
                "outcome": "referred",
                "referred_to": "Migrationsberatung für erwachsene Zugewanderte (MBE)",
                "continue_as_referral": "1",
            },
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(tenant):
        assert db.session.get(Case, case.id).case_type == "referral_counselling"
    assert _decisions(app, tenant, case.id) == ["referred"]
    # A referral names where to: without it, a German error at the field.
    other = make_case(tenant)
    page = browser.post(f"/{tenant.slug}/cases/{other.id}/access-decision", {"outcome": "referred"})
    assert page.status_code == 400
    assert "Bitte geben Sie an, an wen verwiesen wird." in page.get_data(as_text=True)


def test_on_answers_changed_reassesses_only_forms_a_rule_reads(
    app, make_tenant, make_case, monkeypatch
):
    from core.db import db
    from core.eligibility.services import on_answers_changed
    from core.plugin_api import TARGET_GROUP, EligibilityRule, Verdict
    from core.tenancy.context import tenant_scope

    tenant = make_tenant()
    case = make_case(tenant)

    class Reads(EligibilityRule):
        key = "t.reads"
        label = "Liest"
        category = TARGET_GROUP
        forms = ("t.checklist",)

        def check(self, context):
            return Verdict(bool(context.answers.get("ok")), ("ok",))

    monkeypatch.setattr(
        "core.eligibility.services.eligibility_rules",
        lambda tenant, hooks=None: {"t.reads": Reads()},
    )
    with app.test_request_context(), tenant_scope(tenant):
        stored = db.session.merge(case)
        assert on_answers_changed(stored, "t.other", {"ok": True}, None) is None
        row = on_answers_changed(stored, "t.checklist", {"ok": True}, None)
        assert row.suggested_outcome == "admitted" and row.outcome == ""
        assert row.answers == {"t.checklist": {"ok": True}}
        again = on_answers_changed(stored, "t.checklist", {"ok": False}, None)
        assert again.id == row.id and again.suggested_outcome == "not_admitted"
        db.session.rollback()


def test_a_rule_must_implement_check_or_evaluate():
    import pytest

    from core.plugin_api import EligibilityRule

    with pytest.raises(TypeError):

        class Nothing(EligibilityRule):
            key = "t.nothing"
