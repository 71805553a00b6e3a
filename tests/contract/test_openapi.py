"""The OpenAPI description is served per tenant and matches the routes."""

from __future__ import annotations


def test_openapi_served_per_tenant(make_tenant, browser):
    make_tenant("api-a", name="Kreis API")
    response = browser.get("/api-a/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert spec["servers"][0]["url"].endswith("/api-a/api/v1")
    assert {"/me", "/org-units", "/org-units/{unit_id}", "/plugins", "/plugins/{name}"} <= set(
        spec["paths"]
    )
    for path, item in spec["paths"].items():
        assert "{tenant}" not in path
        for operation in item.values():
            if isinstance(operation, dict):
                assert all(p.get("name") != "tenant" for p in operation.get("parameters", []))


def test_openapi_unknown_tenant_is_404(browser):
    assert browser.get("/nirgends/api/v1/openapi.json").status_code == 404


def test_api_requires_authentication_with_json_error(make_tenant, browser):
    make_tenant("api-b")
    response = browser.get("/api-b/api/v1/me")
    assert response.status_code == 401 and response.json["message"]


def test_api_org_units_and_field_named_errors(app, make_tenant, make_user, browser):
    tenant = make_tenant("api-c")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    browser.login("api-c", email)
    units = browser.client.get("/api-c/api/v1/org-units").json
    assert [u["key"] for u in units] == ["team-a"]
    headers = {"X-CSRFToken": browser.token}
    missing_csrf = browser.client.post(
        "/api-c/api/v1/org-units", json={"key": "x", "name": "X", "kind": "team"}
    )
    assert missing_csrf.status_code == 400
    bad = browser.client.post(
        "/api-c/api/v1/org-units",
        json={"key": "Bad Key", "name": "", "kind": "team"},
        headers=headers,
    )
    assert bad.status_code == 422 and {"key", "name"} <= set(bad.json["errors"])
    schema_bad = browser.client.post("/api-c/api/v1/org-units", json={"name": "X"}, headers=headers)
    assert schema_bad.status_code == 422 and "key" in schema_bad.json["errors"]
    ok = browser.client.post(
        "/api-c/api/v1/org-units",
        json={"key": "rt-nord", "name": "RT Nord", "kind": "team"},
        headers=headers,
    )
    assert ok.status_code == 201 and ok.json["key"] == "rt-nord"
    assert browser.client.get(f"/api-c/api/v1/org-units/{ok.json['id']}").status_code == 200


def test_api_plugin_switch(make_tenant, make_user, browser):
    tenant = make_tenant("api-d")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    browser.login("api-d", email)
    headers = {"X-CSRFToken": browser.token}
    rows = browser.client.put(
        "/api-d/api/v1/plugins/interpreters", json={"enabled": True}, headers=headers
    ).json
    assert {r["name"]: r["enabled"] for r in rows}["interpreters"] is True
    assert browser.get("/api-d/interpreters/").status_code == 200
    assert (
        browser.client.put(
            "/api-d/api/v1/plugins/nope", json={"enabled": True}, headers=headers
        ).status_code
        == 404
    )
    bad = browser.client.put(
        "/api-d/api/v1/plugins/interpreters", json={"enabled": "vielleicht"}, headers=headers
    )
    assert bad.status_code == 422 and "enabled" in bad.json["errors"]


def test_case_manager_cannot_change_org_units_via_api(make_tenant, make_user, browser):
    tenant = make_tenant("api-e")
    email, _ = make_user(tenant, roles=["case_manager"])
    browser.login("api-e", email)
    response = browser.client.post(
        "/api-e/api/v1/org-units",
        json={"key": "x", "name": "X", "kind": "team"},
        headers={"X-CSRFToken": browser.token},
    )
    assert response.status_code == 403
