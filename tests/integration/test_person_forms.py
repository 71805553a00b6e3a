"""Forms that attach to a person (the fixture ``formfix.person_note``, ``attaches_to: person``)
and to a household, through the real app: the "Formulare" panel of the person page, start, save,
finalise after the confirmation, read, correct with a reason, print and PDF; the same through
the API; a form of the wrong kind is refused; a colleague who cannot see the person, another
tenant and a tenant without the plugin get nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import db
from core.forms.models import FormSubmission
from tests.integration.forms_kit import KEY, api, in_tenant

NOTE = "formfix.person_note"


def _person_id(forms_world, tenant="a") -> int:
    return forms_world[f"{tenant}_case"].person_id


def _base(forms_world, tenant="a") -> str:
    return f"/{forms_world[tenant].slug}/persons/{_person_id(forms_world, tenant)}"


def _row(app, tenant, sid) -> FormSubmission:
    with in_tenant(app, tenant):
        row = db.session.get(FormSubmission, sid)
        db.session.expunge(row)
        return row


def _count(app, tenant) -> int:
    with in_tenant(app, tenant):
        return db.session.scalar(select(func.count()).select_from(FormSubmission))


def _household(app, tenant, person_id) -> int:
    from core.persons import services as persons
    from core.persons.models import Person

    with in_tenant(app, tenant):
        person = db.session.get(Person, person_id)
        household = persons.add_to_household(None, person, {"role": "head"})
        db.session.commit()
        return household.id


def test_the_person_page_offers_person_forms_only(forms_world):
    browser = forms_world["a_browser"]
    status, html = browser.text(_base(forms_world))
    assert status == 200
    assert 'id="panel-forms"' in html
    assert "Notiz zur Person (Test)" in html
    assert "Checkliste Zugang (Test)" not in html  # a case form belongs to the case file
    assert "Noch keine Formulare ausgefüllt." in html


def test_start_save_finalise_read_correct_print_through_the_pages(forms_world):
    app, a, browser = forms_world["app"], forms_world["a"], forms_world["a_browser"]
    base = _base(forms_world)
    browser.get(base)
    response = browser.post(f"{base}/forms/start", {"form_key": NOTE})
    assert response.status_code == 302
    sid = int(response.headers["Location"].rstrip("/").split("/")[-1])
    row = _row(app, a, sid)
    assert (row.attaches_to, row.person_id, row.case_id) == (
        "person",
        _person_id(forms_world),
        None,
    )

    status, html = browser.text(f"{base}/forms/{sid}")
    assert status == 200 and "Notiz zur Person (Test)" in html
    # Finalising without the required answer: the German error at the field, nothing stored.
    response = browser.post(
        f"{base}/forms/{sid}", {"text": "", "_action": "finalise", "version": row.version}
    )
    assert response.status_code == 400
    assert _row(app, a, sid).status == "draft"
    # Save the draft, then finalise after the confirmation page.
    response = browser.post(
        f"{base}/forms/{sid}", {"text": "Erste Notiz", "_action": "save", "version": row.version}
    )
    assert response.status_code == 302
    assert _row(app, a, sid).data == {"text": "Erste Notiz"}
    status, html = browser.text(f"{base}/forms/{sid}/finalise")
    assert status == 200 and "Erste Notiz" in html
    assert browser.post(f"{base}/forms/{sid}/finalise", {}).status_code == 302
    assert _row(app, a, sid).status == "final"

    # The read view of the final; a POST to it is refused.
    status, html = browser.text(f"{base}/forms/{sid}")
    assert status == 200 and "Erste Notiz" in html
    assert browser.post(f"{base}/forms/{sid}", {"text": "x"}).status_code == 405
    # A correction needs a reason (German error at the field).
    response = browser.post(f"{base}/forms/{sid}/correct", {"correction_reason": " "})
    assert response.status_code == 400
    assert "Bitte geben Sie den Grund für die Korrektur an." in response.get_data(as_text=True)
    response = browser.post(f"{base}/forms/{sid}/correct", {"correction_reason": "Tippfehler"})
    assert response.status_code == 302
    draft_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    draft = _row(app, a, draft_id)
    assert (draft.correction_of_id, draft.version_no, draft.attaches_to) == (sid, 2, "person")
    browser.post(
        f"{base}/forms/{draft_id}",
        {"text": "Korrigierte Notiz", "_action": "save", "version": draft.version},
    )
    assert browser.post(f"{base}/forms/{draft_id}/finalise", {}).status_code == 302
    assert _row(app, a, sid).superseded_by_id == draft_id

    # Print view and PDF; the person page lists both versions.
    status, html = browser.text(f"{base}/forms/{draft_id}/print")
    assert status == 200 and "Korrigierte Notiz" in html
    response = browser.get(f"{base}/forms/{draft_id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    status, html = browser.text(base)
    assert f"/forms/{sid}" in html and f"/forms/{draft_id}" in html


def test_a_case_form_cannot_be_started_on_a_person_nor_a_person_form_on_a_case(forms_world):
    app, a, browser = forms_world["app"], forms_world["a"], forms_world["a_browser"]
    base = _base(forms_world)
    browser.get(base)
    response = browser.post(f"{base}/forms/start", {"form_key": KEY})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/persons/{_person_id(forms_world)}#panel-forms"
    )
    status, html = browser.text(base)
    assert "Dieses Formular kann hier nicht ausgefüllt werden." in html
    call = api(app, a, forms_world["a_email"])
    response = call(
        "POST",
        f"/persons/{_person_id(forms_world)}/form-submissions",
        json={"form_key": KEY, "data": {}},
    )
    assert response.status_code == 422 and "form_key" in response.json["errors"]
    response = call(
        "POST",
        f"/cases/{forms_world['a_case'].id}/form-submissions",
        json={"form_key": NOTE, "data": {}},
    )
    assert response.status_code == 422 and "form_key" in response.json["errors"]
    assert _count(app, a) == 0


def test_the_api_starts_lists_finalises_and_corrects_person_forms(forms_world):
    app, a = forms_world["app"], forms_world["a"]
    call = api(app, a, forms_world["a_email"])
    pid = _person_id(forms_world)
    response = call("POST", f"/persons/{pid}/form-submissions", json={"form_key": NOTE, "data": {}})
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["attaches_to"], body["person_id"], body["case_id"]) == ("person", pid, None)
    sid = body["id"]
    response = call("POST", f"/form-submissions/{sid}/finalise", json={})
    assert response.status_code == 422 and "text" in response.json["errors"]
    response = call(
        "PATCH",
        f"/form-submissions/{sid}",
        json={"data": {"text": "API-Notiz"}, "version": body["version"]},
    )
    assert response.status_code == 200
    assert call("POST", f"/form-submissions/{sid}/finalise", json={}).json["status"] == "final"
    response = call(
        "POST", f"/form-submissions/{sid}/corrections", json={"correction_reason": "Ergänzung"}
    )
    assert response.status_code == 201 and response.json["version_no"] == 2
    items = call("GET", f"/persons/{pid}/form-submissions").json["items"]
    assert [i["id"] for i in items] == [response.json["id"], sid]
    # A case's forms are not the person's: the case list does not hold them either.
    assert call("GET", f"/cases/{forms_world['a_case'].id}/form-submissions").json["items"] == []
    assert call("GET", f"/form-submissions/{sid}").json["data"] == {"text": "API-Notiz"}


def test_household_forms_through_the_api(forms_world):
    app, a, b = forms_world["app"], forms_world["a"], forms_world["b"]
    hid = _household(app, a, _person_id(forms_world))
    call = api(app, a, forms_world["a_email"])
    assert call("GET", f"/households/{hid}/form-submissions").json["items"] == []
    # The fixture has no household form: a person form is refused at form_key.
    response = call(
        "POST", f"/households/{hid}/form-submissions", json={"form_key": NOTE, "data": {}}
    )
    assert response.status_code == 422 and "form_key" in response.json["errors"]
    call_b = api(app, b, forms_world["b_email"])
    assert call_b("GET", f"/households/{hid}/form-submissions").status_code == 404
    assert (
        call_b(
            "POST",
            f"/households/{hid}/form-submissions",
            json={"form_key": "core.assessment", "data": {}},
        ).status_code
        == 404
    )
    assert _count(app, a) == 0


def test_a_colleague_who_cannot_see_the_person_gets_404(forms_world, make_user):
    from core.testing.browser import Browser

    app, a = forms_world["app"], forms_world["a"]
    pid = _person_id(forms_world)
    call_a = api(app, a, forms_world["a_email"])
    sid = call_a(
        "POST", f"/persons/{pid}/form-submissions", json={"form_key": NOTE, "data": {}}
    ).json["id"]
    email, _pw = make_user(a, roles=["case_manager"])
    other = api(app, a, email)
    assert other("GET", f"/persons/{pid}/form-submissions").status_code == 404
    assert (
        other(
            "POST", f"/persons/{pid}/form-submissions", json={"form_key": NOTE, "data": {}}
        ).status_code
        == 404
    )
    assert other("GET", f"/form-submissions/{sid}").status_code == 404
    assert other("PATCH", f"/form-submissions/{sid}", json={"data": {}}).status_code == 404
    browser = Browser(app.test_client())
    browser.login(a.slug, email)
    base = f"/{a.slug}/persons/{pid}"
    for url in (f"{base}/forms/{sid}", f"{base}/forms/{sid}/print", f"{base}/forms/{sid}/pdf"):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"{base}/forms/start", {"form_key": NOTE}).status_code == 404
    assert _count(app, a) == 1


def test_tenant_b_cannot_touch_tenant_as_person_forms(forms_world):
    app, a, b = forms_world["app"], forms_world["a"], forms_world["b"]
    pid_a = _person_id(forms_world)
    call_a = api(app, a, forms_world["a_email"])
    sid = call_a(
        "POST",
        f"/persons/{pid_a}/form-submissions",
        json={"form_key": NOTE, "data": {"text": "A"}, "final": True},
    ).json["id"]
    call_b = api(app, b, forms_world["b_email"])
    assert call_b("GET", f"/persons/{pid_a}/form-submissions").status_code == 404
    assert (
        call_b(
            "POST", f"/persons/{pid_a}/form-submissions", json={"form_key": NOTE, "data": {}}
        ).status_code
        == 404
    )
    assert call_b("GET", f"/form-submissions/{sid}").status_code == 404
    assert call_b("PATCH", f"/form-submissions/{sid}", json={"data": {}}).status_code == 404
    assert call_b("POST", f"/form-submissions/{sid}/finalise", json={}).status_code == 404
    assert (
        call_b(
            "POST", f"/form-submissions/{sid}/corrections", json={"correction_reason": "x"}
        ).status_code
        == 404
    )
    # An id of A's person in B's body is no way in either.
    pid_b = _person_id(forms_world, "b")
    response = call_b(
        "POST",
        f"/persons/{pid_b}/form-submissions",
        json={"form_key": "core.assessment", "data": {}, "person_id": pid_a},
    )
    assert response.status_code == 422 and "person_id" in response.json["errors"]
    # The pages: A's submission under B's own person, and A's person.
    browser, base_b = forms_world["b_browser"], _base(forms_world, "b")
    for url in (
        f"{base_b}/forms/{sid}",
        f"{base_b}/forms/{sid}/print",
        f"{base_b}/forms/{sid}/pdf",
        f"/{b.slug}/persons/{pid_a}/forms/{sid}",
    ):
        assert browser.get(url).status_code == 404, url
    browser.get(base_b)
    assert (
        browser.post(f"/{b.slug}/persons/{pid_a}/forms/start", {"form_key": NOTE}).status_code
        == 404
    )
    assert (
        browser.post(f"{base_b}/forms/{sid}/correct", {"correction_reason": "x"}).status_code == 404
    )
    row = _row(app, a, sid)
    assert row.status == "final" and row.superseded_at is None
    assert _count(app, b) == 0


def test_a_tenant_without_the_plugin_is_not_offered_person_forms(forms_world):
    app, b = forms_world["app"], forms_world["b"]
    status, html = forms_world["b_browser"].text(_base(forms_world, "b"))
    assert status == 200 and "Notiz zur Person" not in html
    call = api(app, b, forms_world["b_email"])
    response = call(
        "POST",
        f"/persons/{_person_id(forms_world, 'b')}/form-submissions",
        json={"form_key": NOTE, "data": {"text": "x"}},
    )
    assert response.status_code == 404
    assert _count(app, b) == 0
