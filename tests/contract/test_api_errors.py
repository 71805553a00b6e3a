"""The error body the API sends is the one its OpenAPI description documents, for every status
code: ``{"status": <int>, "message": <str>, "errors"?: {…}, "conflicts"?: {…}}``; 405 names the
allowed methods in ``Allow``."""

from __future__ import annotations

import jsonschema
import pytest

from core.auth import services as auth
from core.db import db
from core.tenancy.context import tenant_scope

SLUG = "fehler"


@pytest.fixture
def env(app, make_tenant, make_user):
    tenant = make_tenant(SLUG)
    tokens = {}
    for role in ("case_manager", "tenant_admin"):
        email, _ = make_user(tenant, roles=[role])
        with app.app_context(), tenant_scope(tenant):
            _token, tokens[role] = auth.create_api_token(auth.find_user(email), tenant, role)
            db.session.commit()
    client = app.test_client()
    spec = client.get(f"/{SLUG}/api/v1/openapi.json").json

    def call(method, path, role="case_manager", **kwargs):
        headers = kwargs.pop("headers", {"Authorization": f"Bearer {tokens[role]}"})
        return client.open(f"/{SLUG}/api/v1{path}", method=method, headers=headers, **kwargs)

    return spec, call


def _documented(spec, path, method, status):
    """The schema the description promises for this answer (the status's own entry or default)."""
    responses = spec["paths"][path][method.lower()]["responses"]
    response = responses.get(str(status)) or responses["default"]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = response["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return {**schema, "components": spec["components"]}  # "#/components/…" refs resolve here


def test_every_error_status_matches_the_documented_body(app, env):
    spec, call = env
    error_schema = spec["components"]["schemas"]["Error"]
    assert error_schema["properties"]["status"]["type"] == "integer"
    person = call("POST", "/persons", json={"first_name": "Amina", "last_name": "Yusuf"}).json
    stale = {"first_name": "Amina", "last_name": "Yusuf", "version": person["version"]}
    assert (
        call(
            "PUT", f"/persons/{person['id']}", json={**stale, "last_name": "Yusuf-Kaya"}
        ).status_code
        == 200
    )
    stale["last_name"] = "Kaya"
    app.config["MAX_CONTENT_LENGTH"], limit = 2000, app.config["MAX_CONTENT_LENGTH"]
    try:
        answers = {
            400: (
                "POST",
                "/persons",
                call("POST", "/persons", data="{kaputt", content_type="application/json"),
            ),
            401: ("GET", "/me", call("GET", "/me", headers={})),
            403: (
                "POST",
                "/org-units",
                call("POST", "/org-units", json={"key": "x", "name": "X", "kind": "team"}),
            ),
            404: ("GET", "/persons/{person_id}", call("GET", "/persons/999999")),
            405: ("GET", "/me", call("DELETE", "/me")),
            409: (
                "PUT",
                "/persons/{person_id}",
                call("PUT", f"/persons/{person['id']}", json=stale),
            ),
            413: (
                "POST",
                "/persons",
                call("POST", "/persons", data="x" * 5000, content_type="application/json"),
            ),
            415: (
                "POST",
                "/persons",
                call("POST", "/persons", data="first_name=A", content_type="text/plain"),
            ),
            422: (
                "POST",
                "/org-units",
                call("POST", "/org-units", role="tenant_admin", json={"name": "X"}),
            ),
        }
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    for status, (method, path, response) in answers.items():
        assert response.status_code == status, (
            status,
            response.status_code,
            response.get_data(as_text=True)[:300],
        )
        assert response.mimetype == "application/json", status
        body = response.json
        assert body["status"] == status and isinstance(body["message"], str) and body["message"], (
            body
        )
        jsonschema.validate(body, error_schema)
        jsonschema.validate(body, _documented(spec, path, method, status))
    assert set(answers[405][2].headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert "DELETE" not in answers[405][2].headers["Allow"]


def test_html_405_names_allowed_methods_in_german(make_tenant, browser):
    make_tenant(SLUG)
    response = browser.client.delete(f"/{SLUG}/login")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"] and "GET" in response.headers["Allow"]
    assert "nicht möglich" in response.get_data(as_text=True)


def _flat(errors) -> bool:
    return isinstance(errors, dict) and all(
        isinstance(key, str)
        and isinstance(messages, list)
        and messages
        and all(isinstance(m, str) and m for m in messages)
        for key, messages in errors.items()
    )


def test_every_validation_error_has_one_flat_shape(env):
    """A bad query string, a body the schema refuses, a value only the service can judge and a
    number too large for the database: four sources, one shape ``{"errors": {"field": ["…"]}}``
    with German sentences, never grouped by location (``json``/``query``)."""
    _spec, call = env
    person = call("POST", "/persons", json={"first_name": "Amina", "last_name": "Yusuf"}).json
    open_case = {"person_id": person["id"], "case_type": "case_management"}
    assert call("POST", "/cases", json=open_case).status_code == 201
    answers = {
        "query": call("GET", "/cases?page=abc"),
        "schema": call("POST", "/persons", json={"first_name": "", "last_name": "x" * 500}),
        "service": call("POST", "/cases", json=open_case),  # one open case per person
        "too_big": call("POST", "/cases", json={**open_case, "person_id": 10**30}),
        "unseen": call("POST", "/cases", json={**open_case, "person_id": 999999}),
    }
    for source, answer in answers.items():
        assert answer.status_code in (400, 404, 422), (source, answer.status_code)
        if answer.status_code == 404:
            continue  # an id the user cannot see is "not found", never a field error
        body = answer.json
        assert _flat(body.get("errors")), (source, body)
        assert not {"json", "query", "form"} & set(body["errors"]), (source, body)
        assert body["status"] == answer.status_code and body["message"]
    assert [answers[s].status_code for s in answers] == [422, 422, 422, 400, 404]
    long_name = answers["schema"].json["errors"]["last_name"][0]
    assert "Zeichen" in long_name  # German, and says what is wrong


def test_a_refused_write_says_the_same_german_sentence_as_any_422(app, env):
    """A service's ValidationError (bad field values) and the API's own argument check (an
    unknown field) are both a 422 with the one translated sentence of the error pages."""
    from flask_babel import force_locale

    from core.errors import error_text

    _spec, call = env
    by_service = call("POST", "/persons", json={"first_name": "", "last_name": "Yusuf"})
    by_arguments = call("POST", "/org-units", role="tenant_admin", json={"name": "X"})
    assert by_service.status_code == by_arguments.status_code == 422
    assert "first_name" in by_service.json["errors"]
    with app.test_request_context(), force_locale("de"):
        german = error_text(422)
    assert german.startswith("Einige Felder")
    assert by_service.json["message"] == by_arguments.json["message"] == german
