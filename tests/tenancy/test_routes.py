"""Route inventory: every tenant URL of the app (core and plugins) answers 404 to members of
other tenants and to the platform operator, for every method, with no trace of the object."""

from __future__ import annotations

import re

import pytest

from core.db import db
from core.tenancy.context import tenant_scope


def tenant_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/<tenant>/"):
            yield rule


def build_path(rule, slug, object_id):
    path = rule.rule.replace("<tenant>", slug)

    def fill(match):
        converter = match.group(1) or ""
        return (
            str(object_id)
            if converter.startswith("int")
            else "interpreters"
            if "name" in match.group(2)
            else "x"
        )

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, path)


@pytest.fixture
def two_tenants(make_tenant, make_user, app):
    kleve = make_tenant("kleve-t", plugins=["interpreters"], name="Kreis Geheim")
    ob = make_tenant("ob-t", plugins=["interpreters"], name="Stadt Offen")
    # Canary content in the target tenant that must never leak.
    from plugins.interpreters.models import Interpreter

    with app.app_context(), tenant_scope(kleve):
        db.session.add(Interpreter(name="CANARY-kleve-interpreter", languages=["CANARY-lang"]))
        db.session.commit()
    return kleve, ob


def test_inventory_is_not_empty(app):
    endpoints = {rule.endpoint for rule in tenant_rules(app)}
    assert {
        "home.dashboard",
        "admin.plugin_list",
        "plugin_interpreters.index",
        "api_me.Me",
    } <= endpoints


def test_member_of_other_tenant_gets_404_everywhere(app, two_tenants, make_user, browser):
    kleve, ob = two_tenants
    email, _ = make_user(ob, roles=["tenant_admin", "coordinator", "case_manager", "dpo"])
    browser.login("ob-t", email)
    checked = 0
    for rule in tenant_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for object_id in (1, 999999):
                path = build_path(rule, "kleve-t", object_id)
                response = browser.client.open(
                    path, method=method, data={"csrf_token": browser.token}
                )
                body = response.get_data(as_text=True)
                assert response.status_code == 404, (method, path, response.status_code)
                assert "CANARY" not in body and "Geheim" not in body, path
                checked += 1
    assert checked > 40


def test_operator_gets_404_on_every_tenant_route(app, two_tenants, make_user, browser):
    kleve, _ = two_tenants
    email, _ = make_user(None, operator=True)
    browser.operator_login(email)
    for rule in tenant_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = build_path(rule, "kleve-t", 1)
            response = browser.client.open(path, method=method, data={"csrf_token": browser.token})
            assert response.status_code == 404, (method, path)
            assert "CANARY" not in response.get_data(as_text=True)


def test_signed_out_visitors_learn_nothing(app, two_tenants, browser):
    for rule in tenant_rules(app):
        path = build_path(rule, "kleve-t", 1)
        response = browser.client.get(path)
        assert response.status_code in (200, 302, 401, 404, 405), path
        assert "CANARY" not in response.get_data(as_text=True)


def test_unknown_and_disabled_tenants_are_404(app, make_tenant, browser):
    tenant = make_tenant("weg")
    assert browser.get("/gibt-es-nicht/login").status_code == 404
    assert browser.get("/weg/login").status_code == 200
    from core.tenancy.models import Tenant

    with app.app_context():
        db.session.get(Tenant, tenant.id).active = False
        db.session.commit()
    assert browser.get("/weg/login").status_code == 404


def test_host_alias_pins_its_tenant(app, make_tenant, browser):
    from core.tenancy.models import TenantHost

    a = make_tenant("alias-a")
    make_tenant("alias-b")
    with app.app_context():
        db.session.add(TenantHost(tenant_id=a.id, host="integration.kreis-a.de"))
        db.session.commit()
    assert (
        browser.client.get("/", base_url="http://integration.kreis-a.de")
        .headers["Location"]
        .endswith("/alias-a/")
    )
    assert (
        browser.client.get("/alias-a/login", base_url="http://integration.kreis-a.de").status_code
        == 200
    )
    assert (
        browser.client.get("/alias-b/login", base_url="http://integration.kreis-a.de").status_code
        == 404
    )


def test_multi_tenant_user_must_switch_explicitly(app, make_tenant, make_user, browser):
    a = make_tenant("multi-a", name="Kreis Eins")
    b = make_tenant("multi-b", name="Kreis Zwei")
    email, _ = make_user(a)
    make_user(b, email=email)
    browser.login("multi-a", email)
    html = browser.get("/multi-a/").get_data(as_text=True)
    assert "Kreis Zwei" in html  # offered in the tenant switcher
    response = browser.get("/multi-b/")
    assert response.status_code == 302 and "/multi-b/switch" in response.headers["Location"]
    status, html = browser.text(response.headers["Location"])
    assert status == 200 and "Kreis Zwei" in html
    switched = browser.post("/multi-a/go/multi-b")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/multi-b/")
    assert browser.get("/multi-b/").status_code == 200
    assert browser.get("/multi-a/").status_code == 302  # now bound to B; A needs a switch back


def test_security_headers(browser, make_tenant):
    make_tenant("hdr")
    response = browser.get("/hdr/login")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in body
