"""The operator console: tenants only, never case data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from core.tenancy.models import Tenant


@pytest.fixture
def operator(make_user, browser):
    email, _ = make_user(None, operator=True)
    browser.operator_login(email)
    return email


def test_bad_tenant_input_writes_nothing(app, operator, browser):
    browser.get("/platform/tenants/new")
    response = browser.post(
        "/platform/tenants/new",
        {"name": "", "slug": "Platform!", "kind": "dorf", "admin_email": "x"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Tenant)).all() == []


def test_reserved_slug_is_refused(app, operator, browser):
    browser.get("/platform/tenants/new")
    response = browser.post(
        "/platform/tenants/new",
        {
            "name": "X",
            "slug": "platform",
            "kind": "kreis",
            "admin_email": "a@b.de",
            "admin_name": "A",
        },
    )
    assert response.status_code == 400


def test_disabling_tenant_ends_sessions_and_sign_in(
    app, operator, browser, make_tenant, make_user, new_browser
):
    tenant = make_tenant("aus")
    email, password = make_user(tenant)
    member = new_browser()
    member.login("aus", email)
    browser.get(f"/platform/tenants/{tenant.id}")
    asked = browser.post(f"/platform/tenants/{tenant.id}", {"action": "disable"})
    assert asked.status_code == 200 and "Sitzung" in asked.get_data(as_text=True)
    assert member.get("/aus/").status_code == 200  # nothing happened before the confirmation
    browser.post(f"/platform/tenants/{tenant.id}", {"action": "disable", "confirmed": "1"})
    assert member.get("/aus/").status_code == 404
    assert new_browser().get("/aus/login").status_code == 404
    browser.post(f"/platform/tenants/{tenant.id}", {"action": "enable"})
    assert new_browser().get("/aus/login").status_code == 200


def test_operator_cannot_take_over_case_managers(app, operator, browser, make_tenant, make_user):
    tenant = make_tenant("schutz")
    cm, _ = make_user(tenant, roles=["case_manager"])
    browser.get(f"/platform/tenants/{tenant.id}")
    response = browser.post(
        f"/platform/tenants/{tenant.id}", {"action": "admin_link", "admin_email": cm}
    )
    assert response.status_code == 400


def test_tenant_user_cannot_reach_console(make_tenant, make_user, browser):
    tenant = make_tenant("kein-betrieb")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    browser.login("kein-betrieb", email)
    assert browser.get("/platform/").status_code == 404


def test_console_requires_login(browser):
    assert browser.get("/platform/").status_code == 302


def test_operator_actions_are_audited(app, operator, browser, make_tenant):
    from core.audit.models import PlatformAuditEvent

    tenant = make_tenant("prot")
    browser.get(f"/platform/tenants/{tenant.id}")
    browser.post(
        f"/platform/tenants/{tenant.id}", {"action": "add_host", "host": "prot.example.de"}
    )
    bad = browser.post(
        f"/platform/tenants/{tenant.id}", {"action": "add_host", "host": "kein host"}
    )
    assert bad.status_code == 400
    with app.app_context():
        actions = db.session.scalars(select(PlatformAuditEvent.action)).all()
    assert "tenant.host_added" in actions and "auth.login.succeeded" in actions
