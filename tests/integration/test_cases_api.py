"""The JSON API of case work (/<tenant>/api/v1/persons, /cases, /follow-ups, /caseload): the same
services as the HTML views, field-named 422 errors with nothing written, 409 on stale versions,
404 for every case the user may not open (other tenants included), audited reads."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.cases.models import Case, Contact, HelpPlanItem
from core.db import db
from core.persons.models import Person
from core.tenancy.context import tenant_scope

TODAY = date.today().isoformat()
SOON = (date.today() + timedelta(days=30)).isoformat()


class Api:
    """One signed-in member talking JSON to the API of one tenant (session auth + CSRF header)."""

    def __init__(self, browser, slug, email):
        browser.login(slug, email)
        self.browser = browser
        self.base = f"/{slug}/api/v1"
        self.me = self.get("/me").json

    @property
    def id(self):
        return self.me["id"]

    def get(self, path, **kwargs):
        return self.browser.client.get(self.base + path, **kwargs)

    def post(self, path, json=None):
        return self.browser.client.post(
            self.base + path,
            json=json if json is not None else {},
            headers={"X-CSRFToken": self.browser.token},
        )

    def put(self, path, json):
        return self.browser.client.put(
            self.base + path, json=json, headers={"X-CSRFToken": self.browser.token}
        )

    # Shortcuts for the happy path.
    def person(self, first="Amina", last="Yusuf", **extra):
        response = self.post("/persons", {"first_name": first, "last_name": last, **extra})
        assert response.status_code == 201, response.json
        return response.json

    def case(self, person_id, case_type="case_management", **extra):
        response = self.post("/cases", {"person_id": person_id, "case_type": case_type, **extra})
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("kreis-api")


@pytest.fixture
def member(tenant, make_user, new_browser):
    """``member(["case_manager"])`` → an :class:`Api` for a new member with these roles."""

    def make(roles=("case_manager",), *, of=None):
        of = of or tenant
        email, _ = make_user(of, roles=list(roles))
        return Api(new_browser(), of.slug, email)

    return make


def _audit(app, tenant, action, object_id=None):
    with app.app_context(), tenant_scope(tenant):
        stmt = select(AuditEvent).where(AuditEvent.action == action)
        if object_id is not None:
            stmt = stmt.where(AuditEvent.object_id == str(object_id))
        return [
            (event.actor_id, dict(event.details))
            for event in db.session.scalars(stmt.order_by(AuditEvent.id))
        ]


# --- persons, opening, reading -----------------------------------------------------------------


def test_create_person_open_case_and_the_read_is_audited(app, tenant, member):
    cm = member()
    person = cm.person(
        birth_date="1990-04-01", languages=["Arabisch", "Englisch"], postcode="47533"
    )
    assert (
        person["version"] == 1
        and person["birth_date"] == "1990-04-01"
        and person["languages"] == ["ar", "en"]
    )
    candidates = cm.get(
        "/persons", query_string={"q": "Amina Jusuf", "birth_date": "1990-04-01"}
    ).json
    assert candidates[0]["id"] == person["id"] and candidates[0]["score"] >= 30
    assert candidates[0]["birth_date"] == "1990-04-01"
    assert cm.get("/persons", query_string={"q": "Yusuf, Amina"}).json[0]["id"] == person["id"]

    opened = cm.case(person["id"], source="jobcenter", access_path="referral", opened_on=TODAY)
    assert (
        opened["phase"] == "intake"
        and opened["status"] == "open"
        and opened["case_manager_id"] == cm.id
    )
    assert opened["number"].startswith(f"{date.today().year}-")

    case = cm.get(f"/cases/{opened['id']}")
    assert case.status_code == 200
    body = case.json
    assert body["person"] == {
        "id": person["id"],
        "first_name": "Amina",
        "last_name": "Yusuf",
        "birth_date": "1990-04-01",
    }
    assert body["access_reason"] == "owner" and body["version"] >= 1
    moves = {m["phase"]: m["backwards"] for m in body["allowed_moves"]}
    assert moves["access_check"] is False and "intake" not in moves and "closure" not in moves
    reads = _audit(app, tenant, "case.read", opened["id"])
    assert reads == [(cm.id, {"part": "api", "via": "owner"})]

    listing = cm.get("/cases").json
    assert listing["total"] == 1 and listing["items"][0]["person"]["last_name"] == "Yusuf"
    assert cm.get("/cases", query_string={"status": "closed"}).json["total"] == 0
    assert cm.get("/cases", query_string={"q": "yusuf"}).json["total"] == 1
    assert cm.get("/cases", query_string={"q": "Meier"}).json["total"] == 0
    assert cm.get(f"/persons/{person['id']}").json["last_name"] == "Yusuf"


def test_field_named_errors_write_nothing(app, tenant, member, count_rows):
    cm = member()
    bad = cm.post(
        "/persons",
        {"first_name": "", "last_name": " ", "birth_date": "31.02.1990", "postcode": "123"},
    )
    assert bad.status_code == 422
    assert {"first_name", "last_name", "birth_date", "postcode"} <= set(bad.json["errors"])
    assert bad.json["errors"]["birth_date"] == [
        "Bitte geben Sie ein gültiges Datum ein."
    ]  # German, from the service
    assert count_rows(tenant, Person) == 0

    person = cm.person()
    bad_case = cm.post(
        "/cases",
        {
            "person_id": person["id"],
            "case_type": "nope",
            "opened_on": "gestern",
            "case_manager_id": 999999,
            "org_unit_id": 999999,
        },
    )
    assert bad_case.status_code == 422
    assert {"case_type", "opened_on", "case_manager_id", "org_unit_id"} <= set(
        bad_case.json["errors"]
    )
    no_topic = cm.post("/cases", {"person_id": person["id"], "case_type": "short_counselling"})
    assert no_topic.status_code == 422 and "topic" in no_topic.json["errors"]
    # Schema errors (wrong types, unknown fields) name the field too.
    schema_bad = cm.post("/cases", {"case_type": "case_management", "frobnicate": 1})
    assert schema_bad.status_code == 422 and {"person_id", "frobnicate"} <= set(
        schema_bad.json["errors"]
    )
    assert count_rows(tenant, Case) == 0
    assert len(_audit(app, tenant, "case.created")) == 0
    assert cm.get("/persons", query_string={"q": ""}).status_code == 422
    assert cm.get("/persons", query_string={"q": "Yusuf", "birth_date": "morgen"}).json[
        "errors"
    ] == {"birth_date": ["Bitte geben Sie ein gültiges Datum ein."]}


def test_one_person_one_case(app, tenant, member, count_rows):
    cm = member()
    person = cm.person()
    cm.case(person["id"])
    second = cm.post(
        "/cases", {"person_id": person["id"], "case_type": "short_counselling", "topic": "Wohnung"}
    )
    assert second.status_code == 422 and "person" in second.json["errors"]
    assert count_rows(tenant, Case) == 1
    assert (
        cm.post("/cases", {"person_id": 999999, "case_type": "case_management"}).status_code == 404
    )


def test_visibility_supervision_and_sharing(app, tenant, member):
    a, b = member(), member()
    coordinator = member(["coordinator"])
    person = a.person()
    case = a.case(person["id"])
    cid = case["id"]

    assert b.get(f"/cases/{cid}").status_code == 404
    assert b.get(f"/cases/{cid}/contacts").status_code == 404
    assert b.post(f"/cases/{cid}/journal", {"text": "Notiz"}).status_code == 404
    assert b.get(f"/persons/{person['id']}").status_code == 404
    assert (
        b.put(f"/persons/{person['id']}", {"first_name": "X", "last_name": "Y"}).status_code == 404
    )
    assert b.get("/cases").json["total"] == 0
    assert b.get("/cases", query_string={"status": "all"}).json["total"] == 0

    supervised = coordinator.get(f"/cases/{cid}")
    assert supervised.status_code == 200 and supervised.json["access_reason"] == "supervision"
    assert (coordinator.id, {"part": "api", "via": "supervision"}) in _audit(
        app, tenant, "case.read", cid
    )
    assert coordinator.get("/cases").json["total"] == 1
    assert coordinator.get("/cases", query_string={"mine": "1"}).json["total"] == 0
    assert coordinator.get(f"/persons/{person['id']}").status_code == 200

    bad_share = a.post(f"/cases/{cid}/shares", {"user_id": 999999})
    assert bad_share.status_code == 422 and "user_id" in bad_share.json["errors"]
    shared = a.post(f"/cases/{cid}/shares", {"user_id": b.id})
    assert shared.status_code == 201 and shared.json["user_id"] == b.id
    seen = b.get(f"/cases/{cid}")
    assert seen.status_code == 200 and seen.json["access_reason"] == "shared"
    assert (b.id, {"part": "api", "via": "shared"}) in _audit(app, tenant, "case.read", cid)
    assert b.get(f"/persons/{person['id']}").status_code == 200
    assert b.get("/cases").json["total"] == 1
    assert (
        b.post(
            f"/cases/{cid}/journal", {"text": "Rückruf erledigt", "effort_minutes": 10}
        ).status_code
        == 201
    )
    assert [e["text"] for e in a.get(f"/cases/{cid}/journal").json] == ["Rückruf erledigt"]


def test_person_created_without_case_is_readable_by_its_creator_only(member):
    a, b = member(), member()
    person = a.person()
    assert a.get(f"/persons/{person['id']}").status_code == 200
    assert b.get(f"/persons/{person['id']}").status_code == 404
    # The duplicate search still finds the person (search before create), with little data.
    found = b.get("/persons", query_string={"q": "Amina Yusuf"}).json
    assert [c["id"] for c in found] == [person["id"]] and set(found[0]) == {
        "id",
        "first_name",
        "last_name",
        "other_names",
        "birth_date",
        "score",
        "reasons",
    }


def test_permissions_of_other_roles(app, tenant, member):
    cm, coordinator, admin = member(), member(["coordinator"]), member(["tenant_admin"])
    case = cm.case(cm.person()["id"])
    assert admin.get("/cases").status_code == 403
    assert admin.get(f"/cases/{case['id']}").status_code == 404
    assert admin.get("/persons", query_string={"q": "Yusuf"}).status_code == 403
    assert admin.post("/persons", {"first_name": "A", "last_name": "B"}).status_code == 403
    assert admin.get("/follow-ups").status_code == 403
    assert cm.get("/caseload").status_code == 403
    assert admin.get("/caseload").status_code == 403
    rows = {r["user_id"]: r for r in coordinator.get("/caseload").json}
    assert (
        rows[cm.id]["active"] == 1
        and rows[cm.id]["ratio"] == 40
        and rows[cm.id]["light"] == "green"
    )
    assert rows[cm.id]["name"] and rows[coordinator.id]["active"] == 0
    assert admin.id not in rows


# --- another tenant ----------------------------------------------------------------------------


def test_foreign_tenant_ids_are_404_everywhere(
    app, make_tenant, make_user, new_browser, tenant, member, count_rows
):
    other = make_tenant("kreis-geheim", name="Kreis Geheim")
    email, _ = make_user(other, roles=["case_manager"])
    owner = Api(new_browser(), other.slug, email)
    person = owner.person(first="CANARY", last="Geheimnis", birth_date="1980-01-01")
    case = owner.case(person["id"])
    cid = case["id"]
    goal = owner.post(f"/cases/{cid}/goals", {"life_area": "language", "title": "CANARY-Ziel"}).json
    plan = owner.post(f"/cases/{cid}/help-plans/draft").json
    owner.post(
        f"/cases/{cid}/help-plans/{plan['id']}/items",
        {"measure": "CANARY", "responsible": "client"},
    )
    follow_up = owner.post(
        "/follow-ups", {"case_id": cid, "due_on": SOON, "title": "CANARY-Wiedervorlage"}
    ).json
    owner.post(
        f"/cases/{cid}/contacts",
        {"contact_on": TODAY, "duration_minutes": 30, "channel": "phone", "summary": "CANARY"},
    )

    # A member with every case role in this tenant uses the foreign ids in this tenant's API.
    intruder = member(["case_manager", "coordinator", "tenant_admin"])
    calls = [
        ("get", f"/persons/{person['id']}", None),
        ("put", f"/persons/{person['id']}", {"first_name": "X", "last_name": "Y", "version": 1}),
        ("post", "/cases", {"person_id": person["id"], "case_type": "case_management"}),
        ("get", f"/cases/{cid}", None),
        ("post", f"/cases/{cid}/phase", {"phase": "access_check"}),
        ("post", f"/cases/{cid}/access-decision", {"admitted": True, "reason": "x"}),
        ("post", f"/cases/{cid}/close", {"closure_reason": "goals_achieved"}),
        ("post", f"/cases/{cid}/reopen", {"reason": "x"}),
        ("post", f"/cases/{cid}/convert", {"reason": "x"}),
        ("post", f"/cases/{cid}/shares", {"user_id": intruder.id}),
        ("get", f"/cases/{cid}/contacts", None),
        (
            "post",
            f"/cases/{cid}/contacts",
            {"contact_on": TODAY, "duration_minutes": 5, "channel": "phone"},
        ),
        ("get", f"/cases/{cid}/journal", None),
        ("post", f"/cases/{cid}/journal", {"text": "x"}),
        ("get", f"/cases/{cid}/goals", None),
        ("post", f"/cases/{cid}/goals", {"life_area": "language", "title": "x"}),
        (
            "put",
            f"/cases/{cid}/goals/{goal['id']}",
            {"life_area": "language", "title": "x", "version": 1},
        ),
        ("get", f"/cases/{cid}/help-plans", None),
        ("post", f"/cases/{cid}/help-plans/draft", None),
        (
            "post",
            f"/cases/{cid}/help-plans/{plan['id']}/items",
            {"measure": "x", "responsible": "client"},
        ),
        ("post", f"/cases/{cid}/help-plans/{plan['id']}/agree", {"review_on": SOON}),
        ("post", "/follow-ups", {"case_id": cid, "due_on": SOON, "title": "x"}),
        ("post", f"/follow-ups/{follow_up['id']}/done", None),
    ]
    for method, path, payload in calls:
        if method == "get":
            response = intruder.get(path)
        else:
            response = getattr(intruder, method)(path, payload if payload is not None else {})
        body = response.get_data(as_text=True)
        assert response.status_code == 404, (method, path, response.status_code, body[:300])
        assert "CANARY" not in body and "Geheim" not in body, path
    for path in ("/cases", "/follow-ups", "/caseload"):
        body = intruder.get(
            path, query_string={"status": "all"} if path == "/cases" else None
        ).get_data(as_text=True)
        assert "CANARY" not in body, path
    assert "CANARY" not in intruder.get(
        "/persons", query_string={"q": "CANARY Geheimnis"}
    ).get_data(as_text=True)
    # The foreign tenant's URL is a 404 altogether.
    assert intruder.browser.client.get(f"/kreis-geheim/api/v1/cases/{cid}").status_code == 404
    # Nothing changed over there.
    after = owner.get(f"/cases/{cid}").json
    assert after["phase"] == "intake" and after["status"] == "open"
    assert len(owner.get(f"/cases/{cid}/contacts").json) == 1
    assert owner.get(f"/cases/{cid}/goals").json[0]["title"] == "CANARY-Ziel"
    assert [p["status"] for p in owner.get(f"/cases/{cid}/help-plans").json] == ["draft"]
    assert owner.get(f"/persons/{person['id']}").json["first_name"] == "CANARY"
    assert [f["done_at"] for f in owner.get("/follow-ups").json] == [None]
    assert count_rows(other, Case) == 1 and count_rows(tenant, Case) == 0


# --- the Regelkreis ----------------------------------------------------------------------------


def test_phase_moves_requirements_and_reasons(app, tenant, member, make_consent):
    cm = member()
    person_id = cm.person()["id"]
    cid = cm.case(person_id)["id"]
    moved = cm.post(f"/cases/{cid}/phase", {"phase": "access_check"})
    assert moved.status_code == 200 and moved.json["phase"] == "access_check"

    blocked = cm.post(f"/cases/{cid}/phase", {"phase": "goal_agreement"})
    assert blocked.status_code == 422 and "phase" in blocked.json["errors"]
    assert "reason" in blocked.json["errors"]  # skipping a phase needs a reason too
    blocked = cm.post(
        f"/cases/{cid}/phase", {"phase": "goal_agreement", "reason": "Assessment liegt vor"}
    )
    assert blocked.status_code == 422 and list(blocked.json["errors"]) == ["phase"]
    assert cm.post(f"/cases/{cid}/phase", {"phase": "closure"}).status_code == 422
    assert cm.post(f"/cases/{cid}/phase", {"phase": "nirgendwo"}).status_code == 422

    missing = cm.post(f"/cases/{cid}/access-decision", {"admitted": None})
    assert missing.status_code == 422 and {"outcome"} <= set(missing.json["errors"])
    # Admission needs the consent to processing first (the older "admitted" field still works).
    refused = cm.post(f"/cases/{cid}/access-decision", {"admitted": True, "reason": "ok"})
    assert refused.status_code == 422 and "Einwilligung" in refused.json["errors"]["outcome"][0]
    make_consent(tenant, SimpleNamespace(id=person_id))
    decision = cm.post(
        f"/cases/{cid}/access-decision",
        {
            "admitted": True,
            "reason": "Zielgruppe erfüllt",
            "target_group": "Ü27",
            "decided_on": TODAY,
        },
    )
    assert decision.status_code == 201 and decision.json["admitted"] is True
    state = cm.get(f"/cases/{cid}").json
    assert state["phase"] == "access_check"
    moved = cm.post(f"/cases/{cid}/phase", {"phase": "assessment", "version": state["version"]})
    assert moved.status_code == 200 and moved.json["phase"] == "assessment"
    assert {m["phase"]: m["backwards"] for m in moved.json["allowed_moves"]}["intake"] is True

    back = cm.post(f"/cases/{cid}/phase", {"phase": "intake"})
    assert back.status_code == 422 and "reason" in back.json["errors"]
    stale = cm.post(
        f"/cases/{cid}/phase",
        {"phase": "intake", "reason": "Neue Lage", "version": state["version"]},
    )
    assert stale.status_code == 409 and stale.json["conflicts"] == {
        "phase": {"theirs": "assessment", "yours": "intake"}
    }
    assert stale.json["message"]
    back = cm.post(f"/cases/{cid}/phase", {"phase": "intake", "reason": "Neue Lage"})
    assert back.status_code == 200 and back.json["phase"] == "intake"
    changes = [d for _, d in _audit(app, tenant, "case.phase_changed", cid)]
    assert [(d["old"], d["new"], d["backwards"]) for d in changes] == [
        ("intake", "access_check", False),
        ("access_check", "assessment", False),
        ("assessment", "intake", True),
    ]


# --- optimistic locking --------------------------------------------------------------------------


def test_two_writers_with_the_same_version_get_409(app, tenant, member):
    a, b = member(), member()
    person = a.person(birth_date="1990-04-01", city="Kleve")
    cid = a.case(person["id"])["id"]
    a.post(f"/cases/{cid}/shares", {"user_id": b.id})

    goal = a.post(
        f"/cases/{cid}/goals", {"life_area": "language", "title": "B1 erreichen", "priority": 1}
    )
    assert goal.status_code == 201 and goal.json["version"] == 1
    gid = goal.json["id"]
    first = a.put(
        f"/cases/{cid}/goals/{gid}",
        {"life_area": "language", "title": "B1 bis Juni", "priority": 1, "version": 1},
    )
    assert first.status_code == 200 and first.json["version"] == 2
    second = b.put(
        f"/cases/{cid}/goals/{gid}",
        {"life_area": "language", "title": "B2 erreichen", "priority": 1, "version": 1},
    )
    assert second.status_code == 409
    assert second.json["conflicts"] == {"title": {"theirs": "B1 bis Juni", "yours": "B2 erreichen"}}
    assert [g["title"] for g in b.get(f"/cases/{cid}/goals").json] == ["B1 bis Juni"]
    assert (
        b.put(f"/cases/{cid}/goals/999999", {"life_area": "language", "title": "x"}).status_code
        == 404
    )
    bad = b.put(f"/cases/{cid}/goals/{gid}", {"life_area": "mars", "title": "", "version": 2})
    assert bad.status_code == 422 and {"life_area", "title"} <= set(bad.json["errors"])

    base = {"first_name": "Amina", "last_name": "Yusuf"}
    first = a.put(
        f"/persons/{person['id']}",
        {**base, "birth_date": "1990-04-01", "city": "Goch", "version": 1},
    )
    assert first.status_code == 200 and first.json["city"] == "Goch" and first.json["version"] == 2
    second = b.put(
        f"/persons/{person['id']}",
        {**base, "birth_date": "1990-04-02", "city": "Emmerich", "version": 1},
    )
    assert second.status_code == 409
    assert second.json["conflicts"]["city"] == {"theirs": "Goch", "yours": "Emmerich"}
    assert second.json["conflicts"]["birth_date"] == {"theirs": "1990-04-01", "yours": "1990-04-02"}
    now = b.get(f"/persons/{person['id']}").json
    assert now["city"] == "Goch" and now["birth_date"] == "1990-04-01" and now["version"] == 2
    assert len(_audit(app, tenant, "person.changed", person["id"])) == 1


# --- help plans ----------------------------------------------------------------------------------


def test_agreed_help_plan_is_frozen_and_changes_make_a_new_version(app, tenant, member, count_rows):
    cm = member()
    cid = cm.case(cm.person()["id"])["id"]
    gid = cm.post(f"/cases/{cid}/goals", {"life_area": "language", "title": "B1 erreichen"}).json[
        "id"
    ]
    draft = cm.post(f"/cases/{cid}/help-plans/draft")
    assert (
        draft.status_code == 200 and draft.json["number"] == 1 and draft.json["status"] == "draft"
    )
    pid = draft.json["id"]
    assert (
        cm.post(f"/cases/{cid}/help-plans/draft").json["id"] == pid
    )  # the open draft, not a new one

    empty = cm.post(f"/cases/{cid}/help-plans/{pid}/agree", {"review_on": SOON})
    assert empty.status_code == 422 and "plan" in empty.json["errors"]
    bad_item = cm.post(
        f"/cases/{cid}/help-plans/{pid}/items",
        {"goal_id": 999999, "measure": "", "responsible": "partner"},
    )
    assert bad_item.status_code == 422 and {"goal_id", "measure", "partner_name"} <= set(
        bad_item.json["errors"]
    )
    item = cm.post(
        f"/cases/{cid}/help-plans/{pid}/items",
        {"goal_id": gid, "measure": "Sprachkurs anmelden", "responsible": "client", "due_on": SOON},
    )
    assert item.status_code == 201 and item.json["position"] == 1
    no_review = cm.post(f"/cases/{cid}/help-plans/{pid}/agree", {})
    assert no_review.status_code == 422 and "review_on" in no_review.json["errors"]
    agreed = cm.post(
        f"/cases/{cid}/help-plans/{pid}/agree",
        {"review_on": SOON, "agreed_by_client": True, "version": draft.json["version"]},
    )
    assert (
        agreed.status_code == 200
        and agreed.json["status"] == "agreed"
        and agreed.json["review_on"] == SOON
    )
    v1_items = agreed.json["items"]
    again = cm.post(f"/cases/{cid}/help-plans/{pid}/agree", {"review_on": SOON})
    assert again.status_code == 422 and "plan" in again.json["errors"]

    frozen = cm.post(
        f"/cases/{cid}/help-plans/{pid}/items", {"measure": "Noch etwas", "responsible": "client"}
    )
    assert frozen.status_code == 422 and "plan" in frozen.json["errors"]
    edit_frozen = cm.post(
        f"/cases/{cid}/help-plans/{pid}/items",
        {"item_id": v1_items[0]["id"], "measure": "Geändert", "responsible": "client"},
    )
    assert edit_frozen.status_code == 422

    v2 = cm.post(f"/cases/{cid}/help-plans/draft").json
    assert v2["number"] == 2 and v2["status"] == "draft" and v2["id"] != pid
    assert [i["measure"] for i in v2["items"]] == ["Sprachkurs anmelden"]
    assert (
        cm.post(
            f"/cases/{cid}/help-plans/{v2['id']}/items",
            {"item_id": v1_items[0]["id"], "measure": "x", "responsible": "client"},
        ).status_code
        == 404
    )
    changed = cm.post(
        f"/cases/{cid}/help-plans/{v2['id']}/items",
        {
            "item_id": v2["items"][0]["id"],
            "goal_id": gid,
            "measure": "Sprachkurs B1 besuchen",
            "responsible": "partner",
            "partner_name": "VHS Kleve",
            "status": "in_progress",
        },
    )
    assert changed.status_code == 201 and changed.json["id"] == v2["items"][0]["id"]

    plans = cm.get(f"/cases/{cid}/help-plans").json
    assert [(p["number"], p["status"]) for p in plans] == [(2, "draft"), (1, "agreed")]
    assert plans[1]["items"] == v1_items  # version 1 stays exactly as agreed
    assert plans[0]["items"][0]["measure"] == "Sprachkurs B1 besuchen"

    assert (
        cm.post(f"/cases/{cid}/help-plans/{v2['id']}/agree", {"review_on": SOON}).status_code == 200
    )
    plans = cm.get(f"/cases/{cid}/help-plans").json
    assert [(p["number"], p["status"]) for p in plans] == [(2, "agreed"), (1, "superseded")]
    assert plans[1]["items"] == v1_items
    assert count_rows(tenant, HelpPlanItem) == 2
    kinds = {f["kind"] for f in cm.get("/follow-ups").json}
    # Version 1's follow-ups were replaced; the edited measure of version 2 has no due date.
    assert "goal_review" in kinds and "help_plan_due" not in kinds
    assert cm.post(f"/cases/{cid}/help-plans/999999/agree", {"review_on": SOON}).status_code == 404


# --- documentation -------------------------------------------------------------------------------


def test_short_counselling_session_limit_and_conversion(app, tenant, member, count_rows):
    cm = member()
    cid = cm.case(cm.person()["id"], "short_counselling", topic="Wohnungssuche")["id"]
    contact = {
        "contact_on": TODAY,
        "duration_minutes": 45,
        "channel": "in_person",
        "summary": "Beratung",
    }
    for _ in range(5):
        assert cm.post(f"/cases/{cid}/contacts", contact).status_code == 201
    sixth = cm.post(f"/cases/{cid}/contacts", contact)
    assert sixth.status_code == 422 and list(sixth.json["errors"]) == ["over_limit_reason"]
    assert count_rows(tenant, Contact) == 5 and len(cm.get(f"/cases/{cid}/contacts").json) == 5
    sixth = cm.post(
        f"/cases/{cid}/contacts", {**contact, "over_limit_reason": "Termin beim Amt begleitet"}
    )
    assert sixth.status_code == 201 and "Termin beim Amt begleitet" in sixth.json["summary"]
    future = cm.post(
        f"/cases/{cid}/contacts", {**contact, "contact_on": SOON, "over_limit_reason": "x"}
    )
    assert future.status_code == 422 and "contact_on" in future.json["errors"]
    bad = cm.post(f"/cases/{cid}/contacts", {"duration_minutes": 0, "channel": "brieftaube"})
    assert bad.status_code == 422 and {"contact_on", "duration_minutes", "channel"} <= set(
        bad.json["errors"]
    )
    assert cm.get(f"/cases/{cid}").json["effort_minutes"] == 6 * 45

    assert cm.post(f"/cases/{cid}/convert", {"reason": " "}).json["errors"].keys() == {"reason"}
    converted = cm.post(f"/cases/{cid}/convert", {"reason": "Mehr Unterstützungsbedarf"})
    assert converted.status_code == 200
    assert (
        converted.json["case_type"] == "case_management"
        and converted.json["phase"] == "access_check"
    )
    assert cm.post(f"/cases/{cid}/contacts", contact).status_code == 201  # no limit any more
    assert cm.post(f"/cases/{cid}/convert", {"reason": "nochmal"}).status_code == 422


def test_close_and_reopen(app, tenant, member):
    cm = member()
    person = cm.person()
    cid = cm.case(person["id"])["id"]
    gid = cm.post(f"/cases/{cid}/goals", {"life_area": "housing", "title": "Eigene Wohnung"}).json[
        "id"
    ]
    cm.post("/follow-ups", {"case_id": cid, "due_on": SOON, "title": "Mietvertrag prüfen"})

    bad = cm.post(
        f"/cases/{cid}/close",
        {"closure_reason": "other", "evaluation_course": 9, "goal_ratings": {str(gid): 7}},
    )
    assert bad.status_code == 422 and {"closure_note", "evaluation_course", f"goal_{gid}"} <= set(
        bad.json["errors"]
    )
    assert cm.get(f"/cases/{cid}").json["status"] == "open"
    closed = cm.post(
        f"/cases/{cid}/close",
        {
            "closure_reason": "goals_achieved",
            "closed_on": TODAY,
            "evaluation_satisfaction": 5,
            "evaluation_comment": "Sehr zufrieden",
            "goal_ratings": {str(gid): 4},
            "follow_up_talk_on": SOON,
        },
    )
    assert closed.status_code == 200
    assert (
        closed.json["status"] == "closed"
        and closed.json["phase"] == "closure"
        and closed.json["allowed_moves"] == []
    )
    assert closed.json["evaluation"] == {"satisfaction": 5, "comment": "Sehr zufrieden"}
    assert cm.get(f"/cases/{cid}/goals").json[0]["status"] == "achieved"
    # Closing ticks off open follow-ups and plans the follow-up talk.
    assert [(f["kind"], f["due_on"]) for f in cm.get("/follow-ups").json] == [
        ("after_closure", SOON)
    ]
    assert cm.post(f"/cases/{cid}/close", {"closure_reason": "goals_achieved"}).json[
        "errors"
    ].keys() == {"case"}
    contact = cm.post(
        f"/cases/{cid}/contacts", {"contact_on": TODAY, "duration_minutes": 10, "channel": "phone"}
    )
    assert contact.status_code == 422 and "case" in contact.json["errors"]
    assert cm.post(f"/cases/{cid}/phase", {"phase": "intake", "reason": "x"}).json[
        "errors"
    ].keys() == {"phase"}

    # A new case for the same person may be opened now; then the old one cannot be reopened.
    second = cm.case(person["id"], "short_counselling", topic="Kita-Platz")
    assert cm.get("/cases", query_string={"status": "all"}).json["total"] == 2
    assert cm.post(f"/cases/{cid}/reopen", {"reason": ""}).json["errors"].keys() == {
        "reason",
        "case",
    }
    cm.post(f"/cases/{second['id']}/close", {"closure_reason": "ended_by_client"})
    reopened = cm.post(f"/cases/{cid}/reopen", {"reason": "Neue Kündigung"})
    assert reopened.status_code == 200
    assert (
        reopened.json["status"] == "open"
        and reopened.json["phase"] == "monitoring"
        and reopened.json["closed_on"] is None
    )
    assert cm.post(f"/cases/{cid}/reopen", {"reason": "nochmal"}).status_code == 422
    assert [d for _, d in _audit(app, tenant, "case.reopened", cid)] == [{}]


# --- follow-ups ----------------------------------------------------------------------------------


def test_follow_ups_list_and_done(app, tenant, member):
    a, b = member(), member()
    cid = a.case(a.person()["id"])["id"]
    for_case = a.post("/follow-ups", {"case_id": cid, "due_on": SOON, "title": "Bescheid prüfen"})
    assert for_case.status_code == 201
    assert (
        for_case.json["assignee_id"] == a.id
        and for_case.json["case_number"]
        and for_case.json["person_name"] == "Amina Yusuf"
    )
    alone = a.post("/follow-ups", {"due_on": TODAY, "title": "Teamrunde vorbereiten"})
    assert alone.status_code == 201 and alone.json["case_id"] is None
    bad = a.post("/follow-ups", {"title": " ", "due_on": "bald"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"due_on", "title"}
    assert [f["title"] for f in a.get("/follow-ups").json] == [
        "Teamrunde vorbereiten",
        "Bescheid prüfen",
    ]

    assert b.post("/follow-ups", {"case_id": cid, "due_on": SOON, "title": "x"}).status_code == 404
    assert b.post(f"/follow-ups/{for_case.json['id']}/done").status_code == 404
    assert b.get("/follow-ups").json == []
    assert b.post("/follow-ups/999999/done").status_code == 404

    done = a.post(f"/follow-ups/{for_case.json['id']}/done")
    assert done.status_code == 200 and done.json["done_at"] and done.json["done_by_id"] == a.id
    assert [f["title"] for f in a.get("/follow-ups").json] == ["Teamrunde vorbereiten"]
    assert len(a.get("/follow-ups", query_string={"include_done": "1"}).json) == 2

    # A colleague who cannot open the case gets no follow-up of it (their list would name the
    # client); once the case is shared with them, they do.
    refused = a.post(
        "/follow-ups",
        {"case_id": cid, "due_on": SOON, "title": "Akte kopieren", "assignee_id": b.id},
    )
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"assignee_id"}
    assert a.post(f"/cases/{cid}/shares", {"user_id": b.id}).status_code == 201
    delegated = a.post(
        "/follow-ups",
        {"case_id": cid, "due_on": SOON, "title": "Akte kopieren", "assignee_id": b.id},
    )
    assert delegated.status_code == 201 and delegated.json["assignee_id"] == b.id
    mine = b.get("/follow-ups").json
    assert [f["title"] for f in mine] == ["Akte kopieren"]
    done = b.post(f"/follow-ups/{delegated.json['id']}/done")
    assert done.status_code == 200 and done.json["person_name"] == "Amina Yusuf"
    assert len(_audit(app, tenant, "follow_up.done")) == 2


# --- tokens and the OpenAPI description ----------------------------------------------------------


def test_bearer_token_writes_without_csrf(app, tenant, make_user):
    from core.auth import services as auth

    email, _ = make_user(tenant, roles=["case_manager"])
    with app.app_context(), tenant_scope(tenant):
        user = auth.find_user(email)
        _token, clear = auth.create_api_token(user, tenant, "Fachverfahren")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {clear}"}
    person = client.post(
        "/kreis-api/api/v1/persons",
        json={"first_name": "Jonas", "last_name": "Berg"},
        headers=headers,
    )
    assert person.status_code == 201
    case = client.post(
        "/kreis-api/api/v1/cases",
        json={"person_id": person.json["id"], "case_type": "case_management"},
        headers=headers,
    )
    assert case.status_code == 201
    assert (
        client.get(f"/kreis-api/api/v1/cases/{case.json['id']}", headers=headers).json["person"][
            "first_name"
        ]
        == "Jonas"
    )


CASE_PATHS = {
    "/persons",
    "/persons/{person_id}",
    "/cases",
    "/cases/{case_id}",
    "/cases/{case_id}/phase",
    "/cases/{case_id}/access-decision",
    "/cases/{case_id}/close",
    "/cases/{case_id}/reopen",
    "/cases/{case_id}/convert",
    "/cases/{case_id}/shares",
    "/cases/{case_id}/contacts",
    "/cases/{case_id}/journal",
    "/cases/{case_id}/goals",
    "/cases/{case_id}/goals/{goal_id}",
    "/cases/{case_id}/help-plans",
    "/cases/{case_id}/help-plans/draft",
    "/cases/{case_id}/help-plans/{plan_id}/items",
    "/cases/{case_id}/help-plans/{plan_id}/agree",
    "/follow-ups",
    "/follow-ups/{follow_up_id}/done",
    "/caseload",
}


def test_openapi_describes_the_case_api(tenant, browser):
    spec = browser.get("/kreis-api/api/v1/openapi.json").json
    assert CASE_PATHS <= set(spec["paths"])
    assert not [p for p in spec["paths"] if "{tenant}" in p or p.startswith("/kreis-api")]
    without_body = {
        ("post", "/cases/{case_id}/help-plans/draft"),
        ("post", "/follow-ups/{follow_up_id}/done"),
    }
    for path in CASE_PATHS:
        for method, operation in spec["paths"][path].items():
            if method not in ("get", "post", "put"):
                continue
            assert all(p.get("name") != "tenant" for p in operation.get("parameters", []))
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert len(success) == 1, (method, path)
            assert operation["responses"][success[0]]["content"]["application/json"]["schema"], (
                method,
                path,
            )
            if method in ("post", "put") and (method, path) not in without_body:
                assert operation["requestBody"]["content"]["application/json"]["schema"], (
                    method,
                    path,
                )
    assert "409" in spec["paths"]["/cases/{case_id}/goals/{goal_id}"]["put"]["responses"]
    assert "409" in spec["paths"]["/persons/{person_id}"]["put"]["responses"]
    assert spec["paths"]["/cases"]["get"]["parameters"]  # status, mine, q, phase, page
    assert {"Case", "Person", "Goal", "HelpPlan", "Conflict", "CaseOpenInput"} <= set(
        spec["components"]["schemas"]
    )
