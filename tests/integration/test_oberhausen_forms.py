"""The Oberhausen forms through the real app (issue #11, "Must hold"): the access checklist
refuses a crisis without its reason and target group 2 with two areas, in German at the field and
with nothing stored; three areas pass; the final checklist opens the goal agreement; a tenant
without the plugin is not offered the forms. The intake form prints in the client's language
without the internal notes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.db import db
from core.tenancy.context import tenant_scope

KEY = "oberhausen.access_checklist"


@pytest.fixture
def ob(app, make_tenant, make_user, make_case, sign_in):
    tenant = make_tenant("ob-forms", plugins=["oberhausen"])
    email, password = make_user(tenant, roles=["case_manager"])
    browser = sign_in(tenant, email, password)
    case = make_case(tenant, actor=email)
    return {"app": app, "tenant": tenant, "browser": browser, "case": case}


def _url(ob, *parts):
    return "/".join([f"/{ob['tenant'].slug}/cases/{ob['case'].id}", *map(str, parts)])


def _start(ob, key=KEY):
    ob["browser"].get(_url(ob, "tabs", "forms"))
    response = ob["browser"].post(_url(ob, "forms", "start"), {"form_key": key})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _post(ob, sid, data, action):
    ob["browser"].get(_url(ob, "forms", sid))
    return ob["browser"].post(_url(ob, "forms", sid), {**data, "_action": action})


def _row(ob, sid):
    from core.forms.models import FormSubmission

    with ob["app"].app_context(), tenant_scope(ob["tenant"]):
        row = db.session.get(FormSubmission, sid)
        db.session.expunge(row)
        return row


def test_crisis_without_reason_is_refused_in_german_and_nothing_is_stored(ob):
    sid = _start(ob)
    assert _row(ob, sid).data.get("name")  # prefilled from the person
    response = _post(ob, sid, {"name": "Haddad, Omar", "fazit": "krise"}, "finalise")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "error-summary" in html and "Bitte füllen Sie dieses Feld aus." in html
    assert re.search(r'href="#[^"]*krise_grund', html)  # the summary links to the field
    assert "Akute Krise - aufgenommen, weil" in html
    row = _row(ob, sid)
    assert row.status == "draft" and row.data.get("fazit") is None
    response = _post(
        ob,
        sid,
        {"name": "Haddad, Omar", "fazit": "krise", "krise_grund": "Räumungsklage"},
        "finalise",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/finalise")


def test_target_group_2_needs_three_of_the_seven_areas(ob):
    sid = _start(ob)
    two = {
        "name": "Mahmoud, Rania",
        "fazit": "aufgenommen",
        "zg2_unterversorgung": "1",
        "zg2_bereiche": ["arbeit", "wohnen"],
    }
    response = _post(ob, sid, two, "finalise")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "mindestens 3 der 7 Bereiche" in html
    assert _row(ob, sid).data.get("zg2_bereiche") is None
    three = {**two, "zg2_bereiche": ["arbeit", "wohnen", "einkommen"]}
    assert _post(ob, sid, three, "finalise").status_code == 302
    browser = ob["browser"]
    browser.get(_url(ob, "forms", sid, "finalise"))
    assert browser.post(_url(ob, "forms", sid, "finalise"), {}).status_code == 302
    row = _row(ob, sid)
    assert row.status == "final" and row.computed.get("zg2_anzahl_dimensionen") == 3


def test_the_final_access_checklist_opens_the_goal_agreement(ob):
    from core.cases.models import Case
    from core.cases.settings import regelkreis_for
    from core.plugins.relay import relay_for

    def problems():
        with ob["app"].test_request_context(), tenant_scope(ob["tenant"]):
            case = db.session.get(Case, ob["case"].id)
            requirement = next(
                r
                for r in relay_for(ob["tenant"]).lotse_phase_requirements(tenant=ob["tenant"])
                for r in r
                if r.key == "form." + KEY
            )
            assert (
                "form." + KEY
                in regelkreis_for(ob["tenant"]).phase("case_management", "goal_agreement").requires
            )
            return requirement.check(case)

    assert problems()  # no final checklist yet
    sid = _start(ob)
    data = {"name": "Nowak, Piotr", "fazit": "verwiesen", "verwiesen_an": "MBE"}
    assert _post(ob, sid, data, "finalise").status_code == 302
    ob["browser"].get(_url(ob, "forms", sid, "finalise"))
    assert ob["browser"].post(_url(ob, "forms", sid, "finalise"), {}).status_code == 302
    assert problems() == []


def test_a_tenant_without_the_plugin_is_not_offered_the_forms(
    app, make_tenant, signed_in, make_case
):
    from core.forms.models import FormSubmission

    tenant = make_tenant("ohne-ob")
    browser = signed_in(tenant)
    case = make_case(tenant, actor=browser.email)
    html = browser.get(f"/ohne-ob/cases/{case.id}/tabs/forms").get_data(as_text=True)
    assert "Zugangsbedingungen" not in html and "Erhebungsbogen" not in html
    response = browser.post(f"/ohne-ob/cases/{case.id}/forms/start", {"form_key": KEY})
    assert response.status_code in (302, 400, 404)
    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 0


def test_intake_prints_in_arabic_without_the_internal_notes(ob):
    sid = _start(ob, "oberhausen.intake")
    data = {
        "datum": "2024-03-04",
        "name": "Mahmoud",
        "vorname": "Rania",
        "religion": "",
        "bemerkungen": "Termine bitte vormittags.",
        "bemerkungen_intern": "VERTRAULICHER VERMERK",
        "kontakt_durch": "jc",
    }
    assert _post(ob, sid, data, "save").status_code == 302
    browser = ob["browser"]
    client = browser.get(_url(ob, "forms", sid, "print") + "?lang=ar&copy=client")
    html = client.get_data(as_text=True)
    assert client.status_code == 200
    assert "استمارة المقابلة الأولى" in html and "Termine bitte vormittags." in html
    assert "VERTRAULICHER VERMERK" not in html and "مركز العمل (JC)" not in html
    assert '<html lang="ar" dir="rtl">' in html  # Arabic is laid out right to left
    internal = browser.get(_url(ob, "forms", sid, "print")).get_data(as_text=True)
    assert "VERTRAULICHER VERMERK" in internal and "Bemerkungen intern" in internal
    assert '<html lang="de" dir="ltr">' in internal


def test_saving_the_checklist_moves_the_access_check_suggestion(ob):
    """The form engine tells eligibility (``lotse_form_saved``): the Zugangsprüfung's verdict
    follows the checklist's answers, draft by draft, and keeps the submission it came from."""

    def family_verdict():
        response = ob["browser"].get(
            f"/{ob['tenant'].slug}/api/v1/cases/{ob['case'].id}/access-decision"
        )
        assert response.status_code == 200
        verdicts = {v["key"]: v for v in response.get_json()["suggestion"]["verdicts"]}
        return verdicts["oberhausen.zg2_familiaere_problemlagen"]

    assert family_verdict()["eligible"] is False
    sid = _start(ob)
    family = {
        "name": "Mahmoud, Rania",
        "zg2_unterversorgung": "1",
        "zg2_bereiche": ["arbeit", "wohnen", "gesundheit"],
        "zg2_mitglieder-0-name": "Rania",
        "zg2_mitglieder-0-rolle": "elternteil",
        "zg2_mitglieder-0-alter": "38",
        "zg2_mitglieder-0-bereiche": ["arbeit", "wohnen", "gesundheit"],
        "zg2_mitglieder-1-name": "Samir",
        "zg2_mitglieder-1-rolle": "kind",
        "zg2_mitglieder-1-alter": "12",
        "zg2_mitglieder-1-bereiche": ["arbeit", "wohnen", "gesundheit"],
    }
    response = _post(ob, sid, family, "save")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert family_verdict()["eligible"] is True
    from core.cases.models import AccessDecision

    with ob["app"].app_context(), tenant_scope(ob["tenant"]):
        row = db.session.scalars(
            select(AccessDecision).where(AccessDecision.case_id == ob["case"].id)
        ).one()
        assert row.form_submission_id == sid and row.outcome == ""
    # Saving with the child no longer affected moves the verdict back (§ 2.3.3: the whole
    # family, i.e. at least one parent and one minor child, must be affected).
    del family["zg2_mitglieder-1-bereiche"]
    assert _post(ob, sid, family, "save").status_code == 302
    assert family_verdict()["eligible"] is False
