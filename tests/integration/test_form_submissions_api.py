"""The form API (``/<tenant>/api/v1/forms``, ``…/form-submissions``): definitions with their JSON
Schema, one-call submissions, drafts, finalising, corrections; field-named German errors with
nothing stored; tenant isolation by id in the URL and in the body; a tenant without the plugin
never meets its forms."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import db
from core.forms.models import FormSubmission
from tests.integration.forms_kit import (
    KEY,
    VALID,
    api,
    in_tenant,
)


def _count(app, tenant) -> int:
    with in_tenant(app, tenant):
        return db.session.scalar(select(func.count()).select_from(FormSubmission))


def test_forms_and_their_json_schema(forms_world):
    call = api(forms_world["app"], forms_world["a"], forms_world["a_email"])
    response = call("GET", "/forms")
    assert response.status_code == 200
    keys = {item["key"] for item in response.json["items"]}
    assert {KEY, "formfix.person_note", "core.assessment"} <= keys
    item = next(i for i in response.json["items"] if i["key"] == KEY)
    assert item["phases"] == ["access_check"] and "en" in item["locales"]
    schema = call("GET", item["schema_url"].split("/api/v1", 1)[1])
    assert schema.status_code == 200
    body = schema.json
    assert body["properties"]["fazit"]["enum"][:3] == ["aufgenommen", "verwiesen", "krise"]
    assert body["properties"]["fazit"]["title"] == "Fazit"
    assert call("GET", f"/forms/{KEY}/9/schema").status_code == 404


def test_openapi_description_points_at_the_form_schema(forms_world):
    call = api(forms_world["app"], forms_world["a"], forms_world["a_email"])
    spec = call("GET", "/openapi.json").json
    assert "/cases/{case_id}/form-submissions" in spec["paths"]
    assert "/forms/{key}/{version}/schema" in spec["paths"]
    data = spec["components"]["schemas"]["Submission"]["properties"]["data"]
    assert data["x-lotse-json-schema"] == "forms/{form_key}/{form_version}/schema"


def test_submit_draft_patch_finalise_and_correct(forms_world):
    app, a, case = forms_world["app"], forms_world["a"], forms_world["a_case"]
    call = api(app, a, forms_world["a_email"])
    path = f"/cases/{case.id}/form-submissions"
    # Invalid and final: field-named German errors, nothing stored.
    response = call("POST", path, json={"form_key": KEY, "final": True, "data": {"fazit": "krise"}})
    assert response.status_code == 422
    errors = response.json["errors"]
    assert "krise_grund" in errors  # the name comes prefilled from the person
    assert all(isinstance(m, str) and m for ms in errors.values() for m in ms)
    response = call(
        "POST",
        path,
        json={"form_key": KEY, "final": True, "data": {**VALID, "zg2_bereiche": ["arbeit"]}},
    )
    assert response.status_code == 422
    assert response.json["errors"] == {
        "zg2_bereiche": ["Für die Zielgruppe 2 müssen mindestens 3 Bereiche angekreuzt sein."]
    }
    assert _count(app, a) == 0
    # A wrong kind of answer stops even a draft.
    response = call("POST", path, json={"form_key": KEY, "data": {"kinder": [{"alter": "alt"}]}})
    assert response.status_code == 422 and any(
        k.startswith("kinder") for k in response.json["errors"]
    )
    assert _count(app, a) == 0

    response = call("POST", path, json={"form_key": KEY, "data": {"name": "Erika"}})
    assert response.status_code == 201, response.json
    draft = response.json
    assert draft["status"] == "draft" and draft["data"]["name"] == "Erika"
    sid = draft["id"]
    response = call(
        "PATCH", f"/form-submissions/{sid}", json={"data": VALID, "version": draft["version"]}
    )
    assert response.status_code == 200 and response.json["data"]["krise_grund"]
    stale = call("PATCH", f"/form-submissions/{sid}", json={"data": VALID, "version": 1})
    assert stale.status_code == 409
    response = call("POST", f"/form-submissions/{sid}/finalise", json={})
    assert response.status_code == 200 and response.json["status"] == "final"
    assert response.json["computed"]["anzahl_bereiche"] == 3
    # A final cannot be changed, only corrected.
    response = call("PATCH", f"/form-submissions/{sid}", json={"data": VALID})
    assert response.status_code == 422
    response = call("POST", f"/form-submissions/{sid}/corrections", json={})
    assert response.status_code == 422 and "correction_reason" in response.json["errors"]
    response = call(
        "POST", f"/form-submissions/{sid}/corrections", json={"correction_reason": "Tippfehler"}
    )
    assert response.status_code == 201
    correction = response.json
    assert (correction["version_no"], correction["correction_of_id"]) == (2, sid)
    response = call(
        "POST",
        f"/form-submissions/{correction['id']}/finalise",
        json={"data": {**VALID, "name": "Erika B."}},
    )
    assert response.status_code == 200
    old = call("GET", f"/form-submissions/{sid}").json
    assert old["current"] is False and old["superseded_by_id"] == correction["id"]
    listed = call("GET", path).json["items"]
    assert {i["id"] for i in listed} == {sid, correction["id"]}


def test_unknown_keys_and_ids_in_the_body_are_refused(forms_world):
    app, a, case = forms_world["app"], forms_world["a"], forms_world["a_case"]
    call = api(app, a, forms_world["a_email"])
    response = call(
        "POST",
        f"/cases/{case.id}/form-submissions",
        json={"form_key": KEY, "data": {}, "case_id": forms_world["b_case"].id},
    )
    assert response.status_code == 422 and "case_id" in response.json["errors"]
    response = call(
        "POST", f"/cases/{case.id}/form-submissions", json={"form_key": KEY, "data": {"x": 1}}
    )
    assert response.status_code == 422 and "x" in response.json["errors"]
    assert _count(app, a) == 0


def test_tenant_b_cannot_touch_tenant_as_submissions(forms_world):
    app, a, b = forms_world["app"], forms_world["a"], forms_world["b"]
    call_a = api(app, a, forms_world["a_email"])
    sid = call_a(
        "POST",
        f"/cases/{forms_world['a_case'].id}/form-submissions",
        json={"form_key": KEY, "data": VALID, "final": True},
    ).json["id"]
    draft_id = call_a(
        "POST",
        f"/cases/{forms_world['a_case'].id}/form-submissions",
        json={"form_key": "core.assessment", "data": {}},
    ).json["id"]
    call_b = api(app, b, forms_world["b_email"])
    for target in (sid, draft_id):
        assert call_b("GET", f"/form-submissions/{target}").status_code == 404
        assert call_b("PATCH", f"/form-submissions/{target}", json={"data": {}}).status_code == 404
        assert call_b("POST", f"/form-submissions/{target}/finalise", json={}).status_code == 404
        assert (
            call_b(
                "POST",
                f"/form-submissions/{target}/corrections",
                json={"correction_reason": "x"},
            ).status_code
            == 404
        )
    case_a = forms_world["a_case"].id
    assert call_b("GET", f"/cases/{case_a}/form-submissions").status_code == 404
    assert (
        call_b(
            "POST",
            f"/cases/{case_a}/form-submissions",
            json={"form_key": "core.assessment", "data": {}},
        ).status_code
        == 404
    )
    # The pages: by id in the URL (own case, other tenant's submission; other tenant's case).
    browser, case_b = forms_world["b_browser"], forms_world["b_case"]
    for url in (
        f"/{b.slug}/cases/{case_b.id}/forms/{sid}",
        f"/{b.slug}/cases/{case_b.id}/forms/{sid}/print",
        f"/{b.slug}/cases/{case_b.id}/forms/{sid}/pdf",
        f"/{b.slug}/cases/{case_a}/forms/{sid}",
    ):
        assert browser.get(url).status_code == 404, url
    browser.get(f"/{b.slug}/cases/{case_b.id}/tabs/forms")
    assert (
        browser.post(f"/{b.slug}/cases/{case_a}/forms/start", {"form_key": KEY}).status_code == 404
    )
    assert (
        browser.post(
            f"/{b.slug}/cases/{case_b.id}/forms/{sid}/correct", {"correction_reason": "x"}
        ).status_code
        == 404
    )
    # Nothing changed in A.
    with in_tenant(app, a):
        row = db.session.get(FormSubmission, sid)
        assert row.status == "final" and row.superseded_at is None
    assert _count(app, b) == 0


def test_a_colleague_without_access_to_the_case_gets_404(forms_world, make_user):
    from core.testing.browser import Browser

    app, a = forms_world["app"], forms_world["a"]
    call_a = api(app, a, forms_world["a_email"])
    sid = call_a(
        "POST",
        f"/cases/{forms_world['a_case'].id}/form-submissions",
        json={"form_key": KEY, "data": {"name": "Erika"}},
    ).json["id"]
    email, _pw = make_user(a, roles=["case_manager"])
    other = api(app, a, email)
    assert other("GET", f"/form-submissions/{sid}").status_code == 404
    assert other("PATCH", f"/form-submissions/{sid}", json={"data": {}}).status_code == 404
    browser = Browser(app.test_client())
    browser.login(a.slug, email)
    assert browser.get(f"/{a.slug}/cases/{forms_world['a_case'].id}/forms/{sid}").status_code == 404


def test_a_tenant_without_the_plugin_never_meets_its_forms(forms_world):
    app, b, case_b = forms_world["app"], forms_world["b"], forms_world["b_case"]
    call = api(app, b, forms_world["b_email"])
    keys = {item["key"] for item in call("GET", "/forms").json["items"]}
    assert "core.assessment" in keys and not any(k.startswith("formfix.") for k in keys)
    assert call("GET", f"/forms/{KEY}/1/schema").status_code == 404
    response = call(
        "POST", f"/cases/{case_b.id}/form-submissions", json={"form_key": KEY, "data": VALID}
    )
    assert response.status_code == 404
    status, html = forms_world["b_browser"].text(f"/{b.slug}/cases/{case_b.id}/tabs/forms")
    assert status == 200 and "Checkliste Zugang" not in html
    spec = call("GET", "/openapi.json").json
    assert "formfix" not in str(spec)
