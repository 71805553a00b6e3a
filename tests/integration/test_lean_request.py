"""The per-process caches of a request (issue #10, "a lean request") never outlive a revocation.

Each test warms the caches with a request, then changes the database the way *another* gunicorn
process would (plain UPDATEs, none of this process's write paths run), and checks that the very
next request of this process already follows the change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db import db


def _elsewhere(app, tenant, *statements):
    """Run UPDATEs as another process would: no service, no in-process invalidation."""
    from core.tenancy.context import tenant_scope

    with app.app_context(), tenant_scope(tenant):
        for statement in statements:
            db.session.execute(statement)
        db.session.commit()


@pytest.fixture
def interpreting(make_tenant, make_user, sign_in):
    """A tenant with the interpreters plugin on and a signed-in case manager."""
    tenant = make_tenant("lean", plugins=["interpreters"])
    email, _ = make_user(tenant, roles=["case_manager"])
    return tenant, sign_in(tenant, email)


def test_plugin_switched_off_elsewhere_is_off_on_the_next_request(app, interpreting):
    from core.tenancy.models import Tenant, TenantPlugin

    tenant, browser = interpreting
    assert browser.get("/lean/interpreters/").status_code == 200
    assert "/lean/interpreters/" in browser.get("/lean/").get_data(as_text=True)  # menu entry
    _elsewhere(
        app,
        tenant,
        update(TenantPlugin)
        .where(TenantPlugin.plugin_name == "interpreters")
        .values(enabled=False),
        update(Tenant)
        .where(Tenant.id == tenant.id)
        .values(plugins_version=Tenant.plugins_version + 1),
    )
    assert browser.get("/lean/interpreters/").status_code == 404
    assert "/lean/interpreters/" not in browser.get("/lean/").get_data(as_text=True)


def test_a_rolled_back_switch_leaves_no_relay_behind(app, interpreting):
    """A switch that rolls back gives its version number back; the relay cache must not keep the
    rolled-back plugin set under it for the next switch to inherit."""
    from core.plugins.relay import relay_for
    from core.plugins.services import disable_plugin
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    tenant, browser = interpreting
    with app.test_request_context(), tenant_scope(tenant):
        row = db.session.get(Tenant, tenant.id)
        disable_plugin(row, "interpreters")
        relay_for(row)  # asked inside the switching transaction
        db.session.rollback()
    assert browser.get("/lean/interpreters/").status_code == 200
    with app.app_context():
        relays = app.extensions.get("lotse.relays", {})
        version = db.session.get(Tenant, tenant.id).plugins_version
        assert not [k for k in relays if k[0] == tenant.id and k[1] > version]


def test_tenant_switched_off_elsewhere_is_gone_on_the_next_request(app, interpreting):
    from core.tenancy.models import Tenant

    tenant, browser = interpreting
    assert browser.get("/lean/").status_code == 200
    _elsewhere(app, tenant, update(Tenant).where(Tenant.id == tenant.id).values(active=False))
    assert browser.get("/lean/").status_code == 404


def test_host_alias_added_elsewhere_pins_at_once(app, make_tenant, interpreting):
    from core.tenancy.models import TenantHost

    tenant, browser = interpreting
    make_tenant("lean-other")
    host = "http://integration.lean.de"
    assert browser.client.get("/lean-other/login", base_url=host).status_code == 200
    with app.app_context():
        db.session.add(TenantHost(tenant_id=tenant.id, host="integration.lean.de"))
        db.session.commit()
    assert browser.client.get("/lean-other/login", base_url=host).status_code == 404
    assert browser.client.get("/lean/login", base_url=host).status_code in (200, 302)


def test_membership_ended_elsewhere_is_a_404_on_the_next_request(
    app, make_tenant, make_user, sign_in
):
    """The switcher may still list a tenant for a minute; access never outlives the membership."""
    from core.auth.models import Membership, User

    a = make_tenant("lean-a", name="Kreis Eins")
    b = make_tenant("lean-b", name="Kreis Zwei")
    email, _ = make_user(a, roles=["case_manager"])
    make_user(b, email=email, roles=["case_manager"])
    browser = sign_in(a, email)
    assert "Kreis Zwei" in browser.get("/lean-a/").get_data(as_text=True)  # switcher cached
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    _elsewhere(app, a, update(Membership).where(Membership.user_id == user_id).values(active=False))
    assert browser.get("/lean-a/").status_code == 404
    assert browser.get("/lean-a/cases/").status_code == 404


def test_roles_changed_elsewhere_apply_on_the_next_request(app, make_tenant, make_user, sign_in):
    """Permissions come from the membership read on each request, not from a cache."""
    from core.auth.models import Membership, User

    tenant = make_tenant("lean-roles")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    browser = sign_in(tenant, email)
    assert browser.get("/lean-roles/admin/users").status_code == 200
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    _elsewhere(
        app,
        tenant,
        update(Membership).where(Membership.user_id == user_id).values(roles=["case_manager"]),
    )
    assert browser.get("/lean-roles/admin/users").status_code == 403
    assert "/lean-roles/admin/" not in browser.get("/lean-roles/").get_data(as_text=True)


def test_switcher_follows_memberships_made_in_this_process(app, make_tenant, make_user, sign_in):
    a = make_tenant("lean-sw-a", name="Kreis Alpha")
    b = make_tenant("lean-sw-b", name="Kreis Beta")
    email, _ = make_user(a, roles=["case_manager"])
    browser = sign_in(a, email)
    assert "Kreis Beta" not in browser.get("/lean-sw-a/").get_data(as_text=True)
    make_user(b, email=email, roles=["case_manager"])
    assert "Kreis Beta" in browser.get("/lean-sw-a/").get_data(as_text=True)


def test_menu_is_per_permission_set(app, make_tenant, make_user, sign_in):
    tenant = make_tenant("lean-menu")
    admin, _ = make_user(tenant, roles=["tenant_admin"])
    worker, _ = make_user(tenant, roles=["case_manager"])
    admin_page = sign_in(tenant, admin).get("/lean-menu/").get_data(as_text=True)
    worker_page = sign_in(tenant, worker).get("/lean-menu/").get_data(as_text=True)
    assert "/lean-menu/admin/" in admin_page
    assert "/lean-menu/admin/" not in worker_page
    assert "/lean-menu/cases/" in worker_page


def test_token_use_is_written_once_a_minute(app, make_tenant, api_client):
    from core.auth.models import ApiToken
    from core.tenancy.context import tenant_scope

    tenant = make_tenant("lean-api")
    call = api_client(tenant)

    def last_used():
        with app.app_context(), tenant_scope(tenant):
            return db.session.scalar(select(ApiToken.last_used_at))

    assert call("GET", "/me").status_code == 200
    first = last_used()
    assert first is not None
    assert call("GET", "/me").status_code == 200
    assert last_used() == first  # no write within the minute
    _elsewhere(app, tenant, update(ApiToken).values(last_used_at=first - timedelta(minutes=2)))
    assert call("GET", "/me").status_code == 200
    assert last_used() > first


def test_token_revoked_elsewhere_fails_at_once(app, make_tenant, api_client):
    from core.auth.models import ApiToken
    from core.db import utcnow

    tenant = make_tenant("lean-rev")
    call = api_client(tenant)
    assert call("GET", "/me").status_code == 200
    _elsewhere(app, tenant, update(ApiToken).values(revoked_at=utcnow()))
    assert call("GET", "/me").status_code == 401


def test_token_of_another_tenant_is_not_found(app, make_tenant, make_user):
    """The token lookup runs inside the URL's tenant: another tenant's token does not exist there,
    even for an account that is a member of both."""
    from core.auth import services as auth
    from core.tenancy.context import tenant_scope

    a = make_tenant("lean-ta")
    b = make_tenant("lean-tb")
    email, _ = make_user(a, roles=["case_manager"])
    make_user(b, email=email, roles=["case_manager"])
    with app.app_context(), tenant_scope(a):
        _token, clear = auth.create_api_token(auth.find_user(email), a, "lean")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {clear}"}
    assert client.get("/lean-ta/api/v1/me", headers=headers).status_code == 200
    assert client.get("/lean-tb/api/v1/me", headers=headers).status_code == 401
