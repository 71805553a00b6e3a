"""The Oberhausen target groups through the real app (API of the access check): the edge cases
of § 2.3 and the isolation of the target groups from tenants without the plugin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

TODAY = date.today()
ACCESS = "oberhausen.access_checklist"
CARE = "pflegesetting.care_checklist"

GENERAL = {
    "einwanderungsgeschichte": True,
    "einwanderungsgeschichte_alternative": "nicht_deutsch",
    "zustaendigkeit": True,
    "kooperationsbereit": True,
    "intensiver_bedarf": True,
    "verstaendnis": True,
}
ZG2 = "oberhausen.zg2_familiaere_problemlagen"
ZG3 = "oberhausen.zg3_pflegesetting"


def _born(years: int) -> str:
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=40)).isoformat()


@pytest.fixture
def oberhausen(make_tenant, make_person, make_case, make_consent, api_client):
    """``start(**person)`` → (call, case) in a tenant with the Oberhausen plugin, consent given."""
    tenant = make_tenant(plugins=["oberhausen"])
    call = api_client(tenant, roles=("coordinator",))

    def start(consent=True, **fields):
        values = {"birth_date": _born(35), "nationality": "SY", "postcode": "46045", **fields}
        person = make_person(tenant, **values)
        case = make_case(tenant, person)
        if consent:
            make_consent(tenant, person)
        return call, case

    start.tenant = tenant
    return start


def _answer(call, case, answers, form=ACCESS):
    response = call(
        "PUT",
        f"/cases/{case.id}/access-decision/answers",
        json={"form_key": form, "answers": answers},
    )
    assert response.status_code == 200, response.json
    return response.json["suggestion"]


def _verdict(suggestion, key):
    return next(v for v in suggestion["verdicts"] if v["key"] == key)


def _family(dimensions, members):
    return {**GENERAL, "zg2_bereiche": dimensions, "zg2_mitglieder": members}


PARENT = {"name": "Mutter", "rolle": "elternteil", "alter": 38, "bereiche": ["arbeit"]}
CHILD = {"name": "Sohn", "rolle": "kind", "alter": 9, "bereiche": ["bildung_erziehung"]}
TWO_DIMENSIONS = _family(["arbeit", "wohnen"], [PARENT, {**CHILD, "bereiche": ["wohnen"]}])


def test_two_of_seven_dimensions_is_not_eligible(oberhausen):
    call, case = oberhausen()
    # The parent and the child are affected in the same two dimensions that are ticked.
    suggestion = _answer(call, case, TWO_DIMENSIONS)
    zg2 = _verdict(suggestion, ZG2)
    assert zg2["eligible"] is False
    assert "2 von 7 Bereichen angekreuzt – mindestens 3 nötig." in zg2["reasons"]
    assert suggestion["outcome"] == "not_admitted"
    refused = call(
        "POST", f"/cases/{case.id}/access-decision", json={"outcome": "admitted", "reason": "x"}
    )
    assert refused.status_code == 422
    assert "nur wegen akuter Krise" in refused.json["errors"]["outcome"][0]
    crisis = call(
        "POST",
        f"/cases/{case.id}/access-decision",
        json={"outcome": "crisis", "crisis_reason": "Räumungsklage nächste Woche"},
    )
    assert crisis.status_code == 201 and crisis.json["outcome"] == "crisis"
    assert crisis.json["suggested_outcome"] == "not_admitted"


def test_three_dimensions_with_parent_and_minor_child_is_eligible(oberhausen):
    call, case = oberhausen()
    suggestion = _answer(call, case, _family(["arbeit", "wohnen", "einkommen"], [PARENT, CHILD]))
    assert _verdict(suggestion, ZG2)["eligible"] is True
    assert suggestion["outcome"] == "admitted"
    decided = call(
        "POST",
        f"/cases/{case.id}/access-decision",
        json={"outcome": "admitted", "reason": "Familie mit mehreren Problemlagen"},
    )
    assert decided.status_code == 201 and decided.json["target_groups"] == [ZG2]


def test_three_dimensions_but_no_minor_child_affected_is_not_eligible(oberhausen):
    call, case = oberhausen()
    grown_up = {**CHILD, "alter": 19}
    unaffected = {**CHILD, "bereiche": []}
    for members in ([PARENT], [PARENT, grown_up], [PARENT, unaffected]):
        suggestion = _answer(call, case, _family(["arbeit", "wohnen", "einkommen"], members))
        zg2 = _verdict(suggestion, ZG2)
        assert zg2["eligible"] is False
        assert "Kein minderjähriges Kind ist als betroffen angegeben." in zg2["reasons"]
        assert suggestion["outcome"] == "not_admitted"


def test_relative_without_migration_history_only_through_the_care_recipient(oberhausen):
    call, case = oberhausen(nationality="DE")
    relative = {
        **GENERAL,
        "einwanderungsgeschichte": False,
        "einwanderungsgeschichte_alternative": None,
        "zg3_rolle": "angehoerig",
        "zg3_pflegegrad_vorhanden": True,
        "zg3_pflegegrad": "3",
        "zg3_pflegeperson_einwanderungsgeschichte": False,
    }
    suggestion = _answer(call, case, relative)
    assert _verdict(suggestion, ZG3)["eligible"] is False
    assert _verdict(suggestion, "kim_nrw.einwanderungsgeschichte")["eligible"] is False
    assert suggestion["outcome"] == "not_admitted"

    suggestion = _answer(call, case, {**relative, "zg3_pflegeperson_einwanderungsgeschichte": True})
    assert _verdict(suggestion, ZG3)["eligible"] is True
    assert _verdict(suggestion, "kim_nrw.einwanderungsgeschichte")["eligible"] is True
    assert suggestion["outcome"] == "admitted"


def test_care_setting_without_proof_needs_a_plausible_checklist(oberhausen):
    call, case = oberhausen()
    impaired = {**GENERAL, "zg3_rolle": "pflegebeduerftig", "zg3_beeintraechtigt": True}
    suggestion = _answer(call, case, impaired)
    assert _verdict(suggestion, ZG3)["eligible"] is False
    suggestion = _answer(call, case, {"plausibel": False, "begruendung": "x"}, form=CARE)
    assert _verdict(suggestion, ZG3)["eligible"] is False
    suggestion = _answer(call, case, {"plausibel": True, "begruendung": "x"}, form=CARE)
    assert _verdict(suggestion, ZG3)["eligible"] is True
    assert suggestion["outcome"] == "admitted"


def test_catch_up_integration_respects_the_vorrang_check(oberhausen):
    call, case = oberhausen(
        residence_status="permit_limited",
        first_residence_title_on=(TODAY - timedelta(days=2 * 365 + 30)).isoformat(),
        birth_date=_born(30),
    )
    zg1 = {**GENERAL, "zg1_nachholender_bedarf": True, "zg1_bereiche": ["spracherwerb"]}
    suggestion = _answer(call, case, zg1)
    verdict = _verdict(suggestion, "oberhausen.zg1_nachholende_erstintegration")
    assert verdict["eligible"] is False
    assert suggestion["priority"]["institution"] == "mbe"
    assert suggestion["outcome"] == "referred" and "MBE" in suggestion["referred_to"]


def test_general_condition_missing_blocks_every_target_group(oberhausen):
    call, case = oberhausen()
    answers = {
        **_family(["arbeit", "wohnen", "einkommen"], [PARENT, CHILD]),
        "kooperationsbereit": False,
    }
    suggestion = _answer(call, case, answers)
    assert _verdict(suggestion, ZG2)["eligible"] is True
    assert suggestion["eligible"] is False and suggestion["outcome"] == "not_admitted"


def test_the_decision_keeps_its_answers_and_a_change_makes_a_new_suggestion(oberhausen):
    call, case = oberhausen()
    _answer(call, case, _family(["arbeit", "wohnen", "einkommen"], [PARENT, CHILD]))
    url = f"/cases/{case.id}/access-decision"
    assert call("POST", url, json={"outcome": "admitted", "reason": "ok"}).status_code == 201
    _answer(call, case, _family(["arbeit"], [PARENT, CHILD]))
    state = call("GET", url).json
    assert state["decision"]["outcome"] == "admitted"
    assert state["suggestion"]["outcome"] == "not_admitted"


def test_a_tenant_without_oberhausen_never_sees_its_target_groups(
    make_tenant, make_person, make_case, api_client, signed_in
):
    tenant = make_tenant(plugins=["kim_nrw"])
    call = api_client(tenant, roles=("coordinator",))
    case = make_case(tenant, make_person(tenant, nationality="SY"))
    suggestion = _answer(call, case, _family(["arbeit", "wohnen", "einkommen"], [PARENT, CHILD]))
    keys = {v["key"] for v in suggestion["verdicts"]}
    assert keys == {"kim_nrw.einwanderungsgeschichte"}
    browser = signed_in(tenant, roles=("coordinator",))
    status, html = browser.text(f"/{tenant.slug}/cases/{case.id}/access")
    assert status == 200 and "Zielgruppe 2" not in html and "Einwanderungsgeschichte" in html
    spec = call("GET", "/openapi.json")
    assert spec.status_code == 200 and "oberhausen" not in spec.get_data(as_text=True)


def test_oberhausen_page_shows_verdicts_in_german(oberhausen, signed_in):
    call, case = oberhausen()
    _answer(call, case, TWO_DIMENSIONS)
    browser = signed_in(oberhausen.tenant, roles=("coordinator",))
    status, html = browser.text(f"/{oberhausen.tenant.slug}/cases/{case.id}/access")
    assert status == 200
    assert "Zielgruppe 2: Multiple familiäre Problemlagen" in html
    assert "2 von 7 Bereichen angekreuzt – mindestens 3 nötig." in html
    assert ">oberhausen.zg2" not in html  # only as a form value, never as text
