"""One schema layer for persons, cases and documentation (issue #9, item 1): the OpenAPI
description states the real limits and allowed values; the HTML form and the JSON API answer the
same bad input with the same German message, because the service validates both with the same
schema; nested input comes back with dotted field names."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from core.db import db
from core.tenancy.context import tenant_scope

SLUG = "schema"
TODAY = date.today()


@pytest.fixture
def tenant(make_tenant):
    return make_tenant(SLUG)


@pytest.fixture
def api(tenant, api_client):
    """A case manager's API token; returns a function calling the API with it."""
    return api_client(tenant, label="schema")


@pytest.fixture
def signed_in(browser, tenant, make_user):
    email, _ = make_user(tenant, roles=["case_manager"])
    browser.login(SLUG, email)
    return browser


def _messages_in(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _case(api) -> tuple[int, int]:
    person = api("POST", "/persons", json={"first_name": "Amina", "last_name": "Yusuf"}).json
    case = api("POST", "/cases", json={"person_id": person["id"], "case_type": "case_management"})
    assert case.status_code == 201, case.json
    return person["id"], case.json["id"]


# --- the OpenAPI description -------------------------------------------------------------------


def test_openapi_states_lengths_and_allowed_values(tenant, browser):
    schemas = browser.get(f"/{SLUG}/api/v1/openapi.json").json["components"]["schemas"]
    person = schemas["Person"]["properties"]
    assert person["first_name"]["maxLength"] == 100 and person["last_name"]["maxLength"] == 100
    assert person["other_names"]["maxLength"] == 300 and person["email"]["maxLength"] == 200
    assert person["gender"]["enum"] == ["female", "male", "diverse", "unspecified"]
    assert "duldung" in person["residence_status"]["enum"]
    assert {"", "SY", "DE", "XS"} <= set(person["nationality"]["enum"])
    assert "ar" in person["languages"]["items"]["enum"]
    assert {"first_name", "last_name"} <= set(schemas["Person"]["required"])
    assert person["id"]["readOnly"] is True  # one schema for input and output

    opening = schemas["CaseOpenInput"]["properties"]
    assert opening["access_path"]["enum"] == ["", "active_outreach", "forwarded", "referral"]
    assert opening["topic"]["maxLength"] == 300 and opening["case_type"]["maxLength"] == 40
    closing = schemas["CloseCase"]["properties"]
    assert "goals_achieved" in closing["closure_reason"]["enum"]
    assert closing["evaluation_course"]["minimum"] == 1
    assert closing["evaluation_course"]["maximum"] == 5
    assert closing["goal_ratings"]["additionalProperties"]["maximum"] == 4
    contact = schemas["Contact"]["properties"]
    assert "home_visit" in contact["channel"]["enum"] and contact["summary"]["maxLength"] == 20000
    assert (contact["duration_minutes"]["minimum"], contact["duration_minutes"]["maximum"]) == (
        1,
        600,
    )
    goal = schemas["Goal"]["properties"]
    assert goal["title"]["maxLength"] == 300 and "achieved" in goal["status"]["enum"]
    item = schemas["PlanItem"]["properties"]
    assert item["responsible"]["enum"] == ["client", "case_manager", "partner"]
    assert schemas["FollowUp"]["properties"]["title"]["maxLength"] == 300
    assert schemas["JournalEntry"]["properties"]["effort_minutes"]["maximum"] == 600
    # Every write names its body with the domain schema; the fields it refuses are documented.
    paths = browser.get(f"/{SLUG}/api/v1/openapi.json").json["paths"]
    close = paths["/cases/{case_id}/close"]["post"]
    assert close["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CloseCase"
    )
    assert "422" in close["responses"]
    assert schemas["Person"]["additionalProperties"] is False


# --- German messages, the same in the form and the API -----------------------------------------


def test_too_long_name_and_future_birth_date_in_german(api, signed_in):
    future = (TODAY + timedelta(days=3)).isoformat()
    body = {"first_name": "A" * 101, "last_name": "Yusuf", "birth_date": future}
    answer = api("POST", "/persons", json=body)
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "first_name": ["Bitte geben Sie höchstens 100 Zeichen ein."],
        "birth_date": ["Das Geburtsdatum liegt in der Zukunft. Bitte prüfen Sie Ihre Eingabe."],
    }
    old = api(
        "POST",
        "/persons",
        json={"first_name": "Eda", "last_name": "Kaya", "birth_date": "1899-12-31"},
    )
    assert old.json["errors"] == {
        "birth_date": ["Bitte prüfen Sie das Geburtsdatum: Es liegt vor 1900."]
    }
    signed_in.get(f"/{SLUG}/persons/new")
    page = signed_in.post(f"/{SLUG}/persons/new", body)
    assert page.status_code == 400
    text = _messages_in(page)
    for messages in answer.json["errors"].values():
        assert messages[0] in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", ""),
        ("last_name", " " * 3),
        ("postcode", "1234"),
        ("email", "keine-adresse"),
        ("nationality", "Atlantis"),
        ("interpreter_language", "Elbisch"),
        ("residence_status", "irgendwas"),
        ("other_names", "x" * 301),
    ],
)
def test_same_bad_person_input_same_message_in_form_and_api(api, signed_in, field, value):
    body = {"first_name": "Amina", "last_name": "Yusuf", field: value}
    answer = api("POST", "/persons", json=body)
    assert answer.status_code == 422 and list(answer.json["errors"]) == [field], answer.json
    message = answer.json["errors"][field][0]
    assert "Bitte" in message and "Please" not in message  # German
    signed_in.get(f"/{SLUG}/persons/new")
    page = signed_in.post(f"/{SLUG}/persons/new", body)
    assert page.status_code == 400 and message in _messages_in(page)


def test_same_bad_case_work_input_same_message_in_form_and_api(api, signed_in, app, tenant):
    person_id, case_id = _case(api)
    # The signed-in colleague works on the case through the form (shared with them).
    me = api("GET", "/me").json
    colleague = signed_in.get(f"/{SLUG}/api/v1/me").json
    assert (
        api("POST", f"/cases/{case_id}/shares", json={"user_id": colleague["id"]}).status_code
        == 201
    )
    assert me["id"] != colleague["id"]
    base = f"/{SLUG}/cases/{case_id}"
    signed_in.get(f"{base}/contacts")
    contact = {"contact_on": TODAY.isoformat(), "duration_minutes": 0, "channel": "brieftaube"}
    answer = api("POST", f"/cases/{case_id}/contacts", json=contact)
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "duration_minutes": ["Bitte geben Sie eine Zahl zwischen 1 und 600 ein."],
        "channel": ["Bitte wählen Sie einen Wert aus der Liste."],
    }
    page = signed_in.post(f"{base}/contacts", {**contact, "duration_minutes": "0"})
    assert page.status_code == 400
    for messages in answer.json["errors"].values():
        assert messages[0] in _messages_in(page)

    far = (TODAY + timedelta(days=20 * 366)).isoformat()
    follow_up = api(
        "POST", "/follow-ups", json={"case_id": case_id, "title": "Termin", "due_on": far}
    )
    assert follow_up.status_code == 422 and list(follow_up.json["errors"]) == ["due_on"]
    assert re.match(
        r"Bitte geben Sie ein Datum zwischen dem \d\d\.\d\d\.\d{4} und",
        follow_up.json["errors"]["due_on"][0],
    )
    signed_in.get(f"{base}/follow-ups")
    page = signed_in.post(f"{base}/follow-ups", {"title": "Termin", "due_on": far})
    assert page.status_code == 400 and follow_up.json["errors"]["due_on"][0] in _messages_in(page)

    missing = api("POST", f"/cases/{case_id}/journal", json={"text": "   "})
    assert missing.json["errors"] == {"text": ["Bitte schreiben Sie den Eintrag."]}
    signed_in.get(f"{base}/journal")
    page = signed_in.post(f"{base}/journal", {"text": "   "})
    assert page.status_code == 400 and "Bitte schreiben Sie den Eintrag." in _messages_in(page)


def test_nested_input_errors_are_dotted(api):
    _person_id, case_id = _case(api)
    goal = api("POST", f"/cases/{case_id}/goals", json={"life_area": "language", "title": "B1"})
    assert goal.status_code == 201
    gid = goal.json["id"]
    answer = api(
        "POST",
        f"/cases/{case_id}/close",
        json={"closure_reason": "goals_achieved", "goal_ratings": {str(gid): "sehr gut"}},
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        f"goal_ratings.{gid}.value": ["Bitte geben Sie eine ganze Zahl ein."]
    }
    # A rating out of range is named like the form's field; an unknown goal by the mapping.
    answer = api(
        "POST",
        f"/cases/{case_id}/close",
        json={"closure_reason": "goals_achieved", "goal_ratings": {str(gid): 5, "999999": 1}},
    )
    assert answer.json["errors"] == {
        f"goal_{gid}": ["Bitte geben Sie eine Zahl zwischen 0 und 4 ein."],
        "goal_ratings": ["Bitte bewerten Sie nur Ziele dieses Falls."],
    }
    assert api("GET", f"/cases/{case_id}").json["status"] == "open"


def test_schema_errors_and_state_errors_come_together(api):
    """A bad field and a problem of the record's state are named in one answer."""
    _person_id, case_id = _case(api)
    answer = api("POST", f"/cases/{case_id}/reopen", json={"reason": "", "frobnicate": 1})
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"reason", "case", "frobnicate"}
    assert answer.json["errors"]["frobnicate"] == [
        "Dieses Feld ist hier nicht vorgesehen. Bitte lassen Sie es weg."
    ]
    not_an_object = api("POST", f"/cases/{case_id}/journal", json=["Notiz"])
    assert not_an_object.status_code == 422 and "_schema" in not_an_object.json["errors"]


def test_services_refuse_unvalidated_input_outside_requests(app, tenant, make_user):
    """Jobs, the CLI and the demo call the same services: they validate as the forms do."""
    from core.persons.services import create_person
    from core.schemas import ValidationError

    make_user(tenant, roles=["case_manager"])
    with app.test_request_context(), tenant_scope(tenant):
        with pytest.raises(ValidationError) as caught:
            create_person(None, {"first_name": "", "last_name": "B", "gender": "x"})
        assert set(caught.value.errors) == {"first_name", "gender"}
        person = create_person(
            None,
            {"first_name": " Amina ", "last_name": "Yusuf", "languages": "Arabisch, Englisch"},
        )
        assert (person.first_name, person.languages, person.gender) == (
            "Amina",
            ["ar", "en"],
            "unspecified",
        )
        db.session.rollback()
