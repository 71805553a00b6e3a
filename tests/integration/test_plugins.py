"""Per-tenant plugins: the URL gate, switching in the UI without restart, dependencies, data kept."""

from __future__ import annotations

import types

import pytest
from sqlalchemy import select

from core import hookimpl
from core.app import create_app
from core.db import db
from core.plugins import PluginMeta, plugin_blueprint
from core.plugins.manager import LotsePluginManager
from core.tenancy.context import tenant_scope
from core.testing.pytest_plugin import make_test_config


@pytest.fixture
def tenants(make_tenant):
    return make_tenant("mit", plugins=["interpreters"]), make_tenant("ohne")


def test_plugin_route_is_404_without_and_200_with(tenants, make_user, browser, new_browser):
    with_plugin, without = tenants
    email, _ = make_user(with_plugin)
    browser.login("mit", email)
    assert browser.get("/mit/interpreters/").status_code == 200
    other_email, _ = make_user(without)
    other = new_browser()
    other.login("ohne", other_email)
    assert other.get("/ohne/interpreters/").status_code == 404
    css = "interpreters/static/interpreters/interpreters.css"
    assert browser.get(f"/mit/{css}").status_code == 200
    assert other.get(f"/ohne/{css}").status_code == 404
    assert "Dolmetsch" not in other.get("/ohne/").get_data(as_text=True)


def test_admin_switches_plugin_on_and_off_without_restart(app, tenants, make_user, browser):
    _, tenant = tenants
    admin, _ = make_user(tenant, roles=["tenant_admin", "coordinator"])
    browser.login("ohne", admin)
    assert browser.get("/ohne/interpreters/").status_code == 404
    browser.get("/ohne/admin/plugins")
    response = browser.post("/ohne/admin/plugins/interpreters", {"action": "enable"})
    assert response.status_code == 302
    assert browser.get("/ohne/interpreters/").status_code == 200
    browser.get("/ohne/interpreters/new")
    saved = browser.post(
        "/ohne/interpreters/new",
        {"name": "Test Person", "languages": "Dari", "on_site": "1", "active": "1"},
    )
    assert saved.status_code == 302
    browser.get("/ohne/admin/plugins")
    browser.post("/ohne/admin/plugins/interpreters", {"action": "disable"})
    assert browser.get("/ohne/interpreters/").status_code == 404
    from plugins.interpreters.models import Interpreter

    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(select(Interpreter.name)) == "Test Person"  # data kept
    browser.get("/ohne/admin/plugins")
    browser.post("/ohne/admin/plugins/interpreters", {"action": "enable"})
    assert "Test Person" in browser.get("/ohne/interpreters/").get_data(as_text=True)


def test_case_manager_cannot_switch_plugins(tenants, make_user, browser):
    _, tenant = tenants
    email, _ = make_user(tenant, roles=["case_manager"])
    browser.login("ohne", email)
    assert browser.get("/ohne/admin/plugins").status_code == 403
    assert browser.post("/ohne/admin/plugins/interpreters", {"action": "enable"}).status_code == 403


# --- a second app with test plugins that depend on each other --------------------------------

calls: list[tuple[str, str]] = []


def _plugin(name, requires=(), *, restricted=False):
    module = types.ModuleType(f"testplugin_{name}")
    meta = PluginMeta(
        name=name, title=name.title(), requires=frozenset(requires), restricted=restricted
    )
    module.PLUGIN = meta
    bp = plugin_blueprint(meta, __name__)

    @bp.route("/")
    def index():
        return f"plugin {name}"

    module.bp = bp

    @hookimpl
    def lotse_blueprints():
        return [bp]

    @hookimpl
    def lotse_menu_items(tenant, user):
        calls.append((name, tenant.slug))
        return []

    module.lotse_blueprints = lotse_blueprints
    module.lotse_menu_items = lotse_menu_items
    return module


@pytest.fixture
def dep_app(_db_url, tmp_path):
    pm = LotsePluginManager()
    for module in (
        _plugin("base_data"),
        _plugin("reports", requires=["base_data"]),
        _plugin("special", restricted=True),
    ):
        pm.register_plugin(module)
    app = create_app(make_test_config(_db_url, tmp_path), plugin_manager=pm)
    return app


def test_enabling_pulls_in_dependencies_and_disabling_cascades(app, dep_app, make_tenant):
    from core.auth.services import ValidationError
    from core.plugins.services import disable_plugin, enable_plugin, enabled_plugins

    tenant = make_tenant("dep")
    with dep_app.app_context(), tenant_scope(tenant):
        from core.tenancy.models import Tenant

        t = db.session.get(Tenant, tenant.id)
        assert enable_plugin(t, "reports") == ["base_data", "reports"]
        assert enabled_plugins(t) == {"base_data", "reports"}
        assert disable_plugin(t, "base_data") == ["reports", "base_data"]
        assert enabled_plugins(t) == set()
        with pytest.raises(ValidationError):
            enable_plugin(t, "special")  # restricted: operator only
        assert enable_plugin(t, "special", operator=True) == ["special"]
        db.session.commit()


def test_hooks_only_reach_enabled_plugins(app, dep_app, make_tenant, make_user):
    from core.testing.pytest_plugin import Browser

    on = make_tenant("hook-on")
    off = make_tenant("hook-off")
    with dep_app.app_context(), tenant_scope(on):
        from core.plugins.services import enable_plugin
        from core.tenancy.models import Tenant

        enable_plugin(db.session.get(Tenant, on.id), "reports")
        db.session.commit()
    email_on, _ = make_user(on)
    email_off, _ = make_user(off)
    calls.clear()
    b1 = Browser(dep_app.test_client())
    b1.login("hook-on", email_on)
    b2 = Browser(dep_app.test_client())
    b2.login("hook-off", email_off)
    assert ("reports", "hook-on") in calls and ("base_data", "hook-on") in calls
    assert not [c for c in calls if c[1] == "hook-off"]
    assert b1.get("/hook-on/reports/").get_data(as_text=True) == "plugin reports"
    assert b2.get("/hook-off/reports/").status_code == 404


def test_unknown_hook_fails_at_start(_db_url, tmp_path):
    module = types.ModuleType("bad_plugin")
    module.PLUGIN = PluginMeta(name="bad", title="Bad")

    @hookimpl
    def lotse_does_not_exist():
        return None

    module.lotse_does_not_exist = lotse_does_not_exist
    pm = LotsePluginManager()
    pm.register_plugin(module)
    from pluggy import PluginValidationError

    with pytest.raises(PluginValidationError):
        create_app(make_test_config(_db_url, tmp_path), plugin_manager=pm)


def test_plugin_url_colliding_with_core_is_refused(_db_url, tmp_path):
    module = types.ModuleType("collide")
    meta = PluginMeta(name="admin", title="Collide")
    module.PLUGIN = meta
    bp = plugin_blueprint(meta, __name__)

    @hookimpl
    def lotse_blueprints():
        return [bp]

    module.lotse_blueprints = lotse_blueprints
    pm = LotsePluginManager()
    pm.register_plugin(module)
    with pytest.raises(ValueError, match="collides"):
        create_app(make_test_config(_db_url, tmp_path), plugin_manager=pm)
