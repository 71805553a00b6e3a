"""The data-subject-rights API: field errors, four eyes, restriction, holds, deletion log and the
tenant boundary."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.persons.models import Person
from core.tenancy.context import tenant_scope


def _api(new_browser, tenant, email):
    b = new_browser()
    b.login(tenant, email)
    return b.client, {"X-CSRFToken": b.token}


def test_requests_restriction_holds_and_erasure(app, world, new_browser):
    a = world["a"]
    base = f"/priv/api/v1/persons/{a.person_id}"
    cm, h = _api(new_browser, "priv", world["email"])
    bad = cm.post(
        f"{base}/privacy-requests", json={"kind": "wish", "received_on": "nonsense"}, headers=h
    )
    assert bad.status_code == 422 and {"kind", "received_on"} <= set(bad.json["errors"])
    created = cm.post(
        f"{base}/privacy-requests", json={"kind": "erasure", "received_on": "2026-11-02"}, headers=h
    )
    assert (
        created.status_code == 201
        and created.json["due_on"] == "2026-12-02"
        and created.json["status"] == "open"
    )
    request_id = created.json["id"]
    assert [r["id"] for r in cm.get(f"{base}/privacy-requests").json if r["kind"] == "erasure"] == [
        request_id
    ]
    own = cm.post(
        f"/priv/api/v1/privacy/requests/{request_id}/decision",
        json={"decision": "erase"},
        headers=h,
    )
    assert own.status_code == 422 and "approver" in own.json["errors"]

    dpo, hd = _api(new_browser, "priv", world["email_dpo"])
    hold = dpo.post(f"{base}/holds", json={"reason": ""}, headers=hd)
    assert hold.status_code == 422 and "reason" in hold.json["errors"]
    hold = dpo.post(f"{base}/holds", json={"reason": "Gerichtsverfahren"}, headers=hd)
    assert hold.status_code == 201
    held = dpo.post(
        f"/priv/api/v1/privacy/requests/{request_id}/decision",
        json={"decision": "erase"},
        headers=hd,
    )
    assert held.status_code == 422 and "hold" in held.json["errors"]
    assert (
        dpo.post(f"/priv/api/v1/privacy/holds/{hold.json['id']}/release", headers=hd).status_code
        == 200
    )

    restricted = dpo.put(
        f"{base}/restriction", json={"restriction_reason": "bestritten"}, headers=hd
    )
    assert restricted.status_code == 200 and restricted.json["restricted"] is True
    changed = cm.post(
        f"/priv/api/v1/cases/{a.case_id}/journal",
        json={"text": "neu", "effort_minutes": 5},
        headers=h,
    )
    assert changed.status_code == 422 and "restricted" in changed.json["errors"]
    assert dpo.delete(f"{base}/restriction", headers=hd).json["restricted"] is False

    assert cm.get(f"{base}/retention").json["retention_class"] == "client_file"
    assert any(c["field"] == "city" for c in cm.get(f"{base}/changes").json)

    erased = dpo.post(
        f"/priv/api/v1/privacy/requests/{request_id}/decision",
        json={"decision": "erase", "decision_note": "ok"},
        headers=hd,
    )
    assert erased.status_code == 200 and erased.json["status"] == "done"
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.scalar(select(Person.id).where(Person.id == a.person_id)) is None
    log = dpo.get("/priv/api/v1/privacy/deletion-log").json
    assert log[0]["action"] == "erased" and log[0]["request_id"] == request_id
    assert "PersAKanarie" not in str(log)
    assert cm.get("/priv/api/v1/privacy/deletion-log").status_code == 403
    assert isinstance(dpo.get("/priv/api/v1/privacy/retention/due").json, list)


def test_revocation_reports_the_policy(app, world, new_browser):
    a = world["a"]
    cm, h = _api(new_browser, "priv", world["email"])
    consent_id = cm.get(f"/priv/api/v1/persons/{a.person_id}/consents").json[0]["id"]
    revoked = cm.post(
        f"/priv/api/v1/persons/{a.person_id}/consents/{consent_id}/revoke", json={}, headers=h
    )
    assert revoked.status_code == 201 and revoked.json["policy_applied"] == "anonymised"


def test_other_tenant_sees_nothing(app, world, new_browser):
    a = world["a"]
    other, h = _api(new_browser, "other", world["email_other"])
    # The other tenant's member addresses tenant priv: 404, whatever the path.
    for path in (
        f"/priv/api/v1/persons/{a.person_id}/privacy-requests",
        f"/priv/api/v1/persons/{a.person_id}/retention",
        "/priv/api/v1/privacy/deletion-log",
    ):
        assert other.get(path).status_code == 404
    # In its own tenant, A's id does not exist.
    assert (
        other.get(f"/other/api/v1/persons/{a.person_id + 1000}/privacy-requests").status_code == 404
    )
