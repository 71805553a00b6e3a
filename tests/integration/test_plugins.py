"""Per-tenant plugins: the URL gate, switching without restart, dependencies, data kept."""

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


# --- plugin API blueprints ------------------------------------------------------------------


def _add_interpreter(app, tenant, name, languages):
    from plugins.interpreters.models import Interpreter

    with app.app_context(), tenant_scope(tenant):
        db.session.add(Interpreter(name=name, languages=languages))
        db.session.commit()


def test_plugin_api_answers_only_where_the_plugin_is_on(app, tenants, make_user, new_browser):
    with_plugin, without = tenants
    _add_interpreter(app, with_plugin, "Api Demo-Rahimi", ["Dari", "Farsi"])
    _add_interpreter(app, with_plugin, "Api Demo-Kovalenko", ["Ukrainisch"])
    member = new_browser()
    member.login("mit", make_user(with_plugin)[0])
    listed = member.client.get("/mit/api/v1/interpreters")
    assert listed.status_code == 200
    assert [i["name"] for i in listed.json] == ["Api Demo-Kovalenko", "Api Demo-Rahimi"]
    found = member.client.get("/mit/api/v1/interpreters?language=far").json
    assert [i["name"] for i in found] == ["Api Demo-Rahimi"]
    other = new_browser()
    other.login("ohne", make_user(without)[0])
    assert other.client.get("/ohne/api/v1/interpreters").status_code == 404  # not switched on
    assert other.client.get("/mit/api/v1/interpreters").status_code == 404  # not a member
    steering = new_browser()
    steering.login("mit", make_user(with_plugin, roles=["steering_member"])[0])
    assert steering.client.get("/mit/api/v1/interpreters").status_code == 403  # service check


def test_plugin_api_is_in_the_openapi_description_only_where_the_plugin_is_on(
    app, tenants, make_user, browser
):
    on = browser.client.get("/mit/api/v1/openapi.json").json
    off = browser.client.get("/ohne/api/v1/openapi.json").json
    assert "/interpreters" in on["paths"] and "/interpreters" not in off["paths"]
    assert "Interpreter" in on["components"]["schemas"]
    assert "Interpreter" not in off["components"]["schemas"]
    assert "plugin_interpreters_api" in {t["name"] for t in on["tags"]}
    assert "plugin_interpreters_api" not in {t["name"] for t in off["tags"]}
    assert set(on["paths"]) - set(off["paths"]) == {"/interpreters"}
    # Switched on at run time: the description follows without a restart.
    admin = make_user(tenants[1], roles=["tenant_admin"])[0]
    browser.login("ohne", admin)
    browser.get("/ohne/admin/plugins")
    browser.post("/ohne/admin/plugins/interpreters", {"action": "enable"})
    assert "/interpreters" in browser.client.get("/ohne/api/v1/openapi.json").json["paths"]
    assert browser.client.get("/ohne/api/v1/interpreters").status_code == 200


def _api_plugin(name, prefix):
    module = types.ModuleType(f"apiplugin_{name}")
    meta = PluginMeta(name=name, title=name.title())
    module.PLUGIN = meta
    from flask_smorest import Blueprint as ApiBlueprint

    blp = ApiBlueprint(f"plugin_{name}_api", __name__, url_prefix=prefix)

    @blp.route("")
    @blp.response(200)
    def listing():
        return []

    @hookimpl
    def lotse_api_blueprints():
        return [blp]

    module.lotse_api_blueprints = lotse_api_blueprints
    return module


def test_plugin_api_colliding_with_core_is_refused(_db_url, tmp_path):
    pm = LotsePluginManager()
    pm.register_plugin(_api_plugin("hijack", "/cases"))
    with pytest.raises(ValueError, match="collides with core API /cases"):
        create_app(make_test_config(_db_url, tmp_path), plugin_manager=pm)


# --- lotse_version --------------------------------------------------------------------------


def _versioned(name, lotse_version):
    module = types.ModuleType(f"versioned_{name}")
    module.PLUGIN = PluginMeta(name=name, title=name.title(), lotse_version=lotse_version)
    return module


def test_incompatible_plugin_stops_the_start_with_a_clear_message(_db_url, tmp_path):
    from core import __version__
    from core.plugins.manager import IncompatiblePluginError

    pm = LotsePluginManager()
    pm.register_plugin(_versioned("future", ">=99.0"))
    with pytest.raises(IncompatiblePluginError) as caught:
        create_app(make_test_config(_db_url, tmp_path), plugin_manager=pm)
    message = str(caught.value)
    assert "'future'" in message and ">=99.0" in message and __version__ in message


def test_lotse_version_range_is_checked_against_our_version():
    from core.plugins.manager import IncompatiblePluginError

    pm = LotsePluginManager()
    pm.register_plugin(_versioned("ranged", ">=0.9,<2"))
    pm.validate("1.4.0")
    pm.validate("0.9")
    for outside in ("0.8.9", "2.0.0"):
        with pytest.raises(IncompatiblePluginError, match=r"requires Lotse >=0.9,<2"):
            pm.validate(outside)
    broken = LotsePluginManager()
    broken.register_plugin(_versioned("typo", "0.9+"))
    with pytest.raises(IncompatiblePluginError, match="invalid lotse_version '0.9\\+'"):
        broken.validate()


def test_installed_plugins_declare_a_range_that_includes_this_lotse(app):
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    # One source of the version: the package metadata reads it from core.__version__.
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "core.__version__"}
    for meta in app.extensions["lotse.pm"].metas.values():
        assert meta.lotse_version, f"{meta.name} declares no lotse_version"
