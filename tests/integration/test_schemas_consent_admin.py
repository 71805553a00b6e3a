"""One schema layer for consent, privacy and administration: the OpenAPI description states the
allowed values and lengths the schemas check, and the page and the API answer the same bad input
with the same German message (they load the same schema in the same service)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from markupsafe import escape

from core.consent.models import CHANNELS, CONSENT_KINDS, DATA_CATEGORIES, PURPOSES
from core.tenancy.context import tenant_scope
from tests.integration.test_cases_ui import _new_person

END_BEFORE_SIGNATURE = "Das Ende kann nicht vor der Unterschrift liegen."
NOT_FROM_THE_LIST = "Bitte wählen Sie einen Wert aus der Liste."
KEY_RULE = "Bitte verwenden Sie nur Kleinbuchstaben, Ziffern und Bindestriche (z. B. rt-nord)."


def _body_schema(spec: dict, path: str, method: str = "post") -> dict:
    """The request body schema of an operation, with its ``$ref`` resolved."""
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]


def _version_id(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant):
        from core.consent.services import current_versions, ensure_defaults
        from core.db import db

        ensure_defaults(tenant)
        db.session.commit()
        return current_versions()[0].id


def test_openapi_states_allowed_values_and_lengths(kreis, cm, browser):  # noqa: F811
    spec = browser.client.get("/fall/api/v1/openapi.json").json

    consent = _body_schema(spec, "/persons/{person_id}/consents")["properties"]
    assert consent["purposes"]["items"]["enum"] == list(PURPOSES)
    assert consent["signed_by"]["enum"] == ["self", "guardian"]
    assert "de" in consent["language"]["enum"] and "ar" in consent["language"]["enum"]
    assert consent["guardian_name"]["maxLength"] == 200
    assert consent["partner_names"]["items"]["maxLength"] == 200

    disclosure = _body_schema(spec, "/disclosures")
    props = disclosure["properties"]
    assert props["purpose"]["enum"] == list(PURPOSES)
    assert props["channel"]["enum"] == list(CHANNELS)
    assert props["data_categories"]["items"]["enum"] == list(DATA_CATEGORIES)
    assert props["data_categories"]["minItems"] == 1
    assert props["override_reason"]["maxLength"] == 4000
    assert {"purpose", "channel", "data_categories", "case_id"} <= set(disclosure["required"])

    template = _body_schema(spec, "/consent-templates")["properties"]
    assert template["kind"]["enum"] == list(CONSENT_KINDS)
    assert template["title"]["maxLength"] == 200
    assert template["key"]["maxLength"] == 60 and template["key"]["pattern"]

    version = _body_schema(spec, "/consent-templates/versions/{version_id}", "patch")["properties"]
    assert version["purposes"]["items"]["enum"] == list(PURPOSES)
    assert (version["valid_months"]["minimum"], version["valid_months"]["maximum"]) == (1, 120)
    assert version["processing_bodies"]["maxLength"] == 2000
    components = spec["components"]["schemas"]
    assert components["Text"]["properties"]["body"]["maxLength"] == 20000
    assert components["Notice"]["properties"]["authority"]["maxLength"] == 4000

    request = _body_schema(spec, "/persons/{person_id}/privacy-requests")["properties"]
    assert request["kind"]["enum"][0] == "access" and request["details"]["maxLength"] == 4000
    unit = _body_schema(spec, "/org-units")["properties"]
    assert "team" in unit["kind"]["enum"] and unit["name"]["maxLength"] == 200


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (
            {"granted_on": "2025-03-01", "valid_until": "2025-02-28"},
            "valid_until",
            END_BEFORE_SIGNATURE,
        ),
        ({"signed_by": "neighbour"}, "signed_by", NOT_FROM_THE_LIST),
    ],
)
def test_consent_page_and_api_give_the_same_german_message(
    app,
    kreis,  # noqa: F811
    cm,  # noqa: F811
    browser,
    bad,
    field,
    message,
):
    person_id = _new_person(browser)
    version_id = _version_id(app, kreis)
    good = {
        "template_version_id": str(version_id),
        "recipient_keys": "jobcenter",
        "purposes": "referral",
        "granted_on": "2025-03-01",
    }
    url = f"/fall/persons/{person_id}/consents"
    browser.get(url)
    page = browser.post(url, {**good, **bad})
    assert page.status_code == 400
    assert str(escape(message)) in page.get_data(as_text=True)

    api = browser.client.post(
        f"/fall/api/v1{url[len('/fall') :]}",
        json={
            "template_version_id": version_id,
            "recipient_keys": ["jobcenter"],
            "purposes": ["referral"],
            "granted_on": "2025-03-01",
            **bad,
        },
        headers={"X-CSRFToken": browser.token},
    )
    assert api.status_code == 422
    assert api.json["errors"] == {field: [message]}
    assert browser.client.get(f"/fall/api/v1/persons/{person_id}/consents").json == []


def test_date_ranges_are_checked_in_german(app, kreis, cm, browser):  # noqa: F811
    """valid_until before the signature, absurdly far dates, a hold that ended yesterday."""
    person_id = _new_person(browser)
    version_id = _version_id(app, kreis)
    headers = {"X-CSRFToken": browser.token}
    url = f"/fall/api/v1/persons/{person_id}/consents"
    base = {"template_version_id": version_id, "recipient_keys": ["jobcenter"]}
    backwards = browser.client.post(
        url,
        json={
            **base,
            "purposes": ["referral"],
            "granted_on": "2025-05-10",
            "valid_until": "2025-05-09",
        },
        headers=headers,
    )
    assert backwards.status_code == 422
    assert backwards.json["errors"] == {"valid_until": [END_BEFORE_SIGNATURE]}

    far = date.today().year + 101
    typo = browser.client.post(
        url, json={**base, "purposes": ["referral"], "valid_until": f"{far}-01-01"}, headers=headers
    )
    assert typo.status_code == 422
    assert typo.json["errors"]["valid_until"] == [
        f"Bitte geben Sie ein Datum bis zum 31.12.{far - 1} ein."
    ]
    future = browser.client.post(
        url,
        json={
            **base,
            "purposes": ["referral"],
            "granted_on": (date.today() + timedelta(days=1)).isoformat(),
        },
        headers=headers,
    )
    assert future.json["errors"] == {
        "granted_on": ["Die Einwilligung kann nicht in der Zukunft datiert sein."]
    }


def test_admin_page_and_api_give_the_same_german_message(kreis, signed_in):  # noqa: F811
    admin = signed_in(kreis, roles=["tenant_admin"])
    admin.get("/fall/admin/org-units/new")
    page = admin.post(
        "/fall/admin/org-units/new",
        {"name": "Regionalteam Nord", "key": "RT Nord!", "kind": "team"},
    )
    assert page.status_code == 400
    assert str(escape(KEY_RULE)) in page.get_data(as_text=True)

    api = admin.client.post(
        "/fall/api/v1/org-units",
        json={"name": "Regionalteam Nord", "key": "RT Nord!", "kind": "team"},
        headers={"X-CSRFToken": admin.token},
    )
    assert api.status_code == 422 and api.json["errors"] == {"key": [KEY_RULE]}

    # An unknown kind: the same sentence on both ways, too.
    page = admin.post(
        "/fall/admin/org-units/new", {"name": "Team", "key": "team-x", "kind": "spaceship"}
    )
    assert page.status_code == 400 and NOT_FROM_THE_LIST in page.get_data(as_text=True)
    api = admin.client.post(
        "/fall/api/v1/org-units",
        json={"name": "Team", "key": "team-x", "kind": "spaceship"},
        headers={"X-CSRFToken": admin.token},
    )
    assert api.json["errors"] == {"kind": [NOT_FROM_THE_LIST]}
