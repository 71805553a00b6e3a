"""Core domains are built-in plugins: found by discovery, always on, never switchable; a new
domain is one package with a ``hooks.py`` and edits no central list. Plus the hook trace."""

from __future__ import annotations

import logging
import sys
import textwrap

import pytest

import core
from core.app import create_app
from core.plugins.builtins import builtin_modules, builtin_names
from core.plugins.manager import LotsePluginManager
from core.testing.pytest_plugin import Browser, make_test_config

DOMAINS_WITH_HOOKS = {
    "admin",
    "audit",
    "auth",
    "cases",
    "consent",
    "demo",
    "documentation",
    "eligibility",
    "forms",
    "home",
    "persons",
    "platform",
    "privacy",
    "tenancy",
}


def test_every_core_package_with_hooks_is_a_builtin_and_none_is_switchable(app):
    pm = app.extensions["lotse.pm"]
    assert set(pm.builtins) == {f"core.{d}" for d in DOMAINS_WITH_HOOKS} == set(builtin_names())
    assert not set(pm.builtins) & set(pm.metas)
    assert set(pm.metas) == {
        "interpreters",
        "kim_nrw",
        "oberhausen",
        "pflegesetting",
        "process_support",
    }


def test_builtins_are_called_first_in_their_order(app):
    pm = app.extensions["lotse.pm"]
    owners = [owner for owner, _ in pm.contributions("lotse_blueprints")]
    builtins = [name for name, _ in builtin_modules() if name in owners]
    assert owners[: len(builtins)] == builtins
    assert owners[len(builtins) :] == ["interpreters"]
    # The records of processing list core data in the domains' order.
    categories = list(app.extensions["lotse.data_registry"].categories)
    assert categories[:3] == ["client_master", "client_residence", "case_documentation"]
    assert categories.index("audit") < categories.index("staff")


def test_tenant_without_plugins_still_reaches_every_core_domain(app, make_tenant, make_user):
    from core.db import db
    from core.plugins.relay import relay_for
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    tenant = make_tenant("bare")
    with app.test_request_context(), tenant_scope(tenant):
        relay = relay_for(db.session.get(Tenant, tenant.id))
        items = [i for part in relay.lotse_menu_items(tenant=tenant, user=None) for i in part]
    assert {i.endpoint for i in items} >= {"home.dashboard", "cases.index", "admin.index"}
    email, _ = make_user(tenant, roles=["tenant_admin"])
    browser = Browser(app.test_client())
    browser.login("bare", email)
    listed = {p["name"] for p in browser.client.get("/bare/api/v1/plugins").json}
    assert listed == {
        "interpreters",
        "kim_nrw",
        "oberhausen",
        "pflegesetting",
        "process_support",
    }  # core domains are not offered
    page = browser.get("/bare/admin/plugins").get_data(as_text=True)
    assert "core." not in page


EXAMPLE_HOOKS = """
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.auth.permissions import Permission
from core.web import MenuItem

bp = Blueprint("zz_example", __name__, url_prefix="/<tenant>/zz-example")


@bp.route("/")
def index():
    return "example domain"


@hookimpl
def lotse_blueprints():
    return [bp]


@hookimpl
def lotse_permissions():
    return [Permission("zz_example.use", _l("Use the example"), roles=frozenset({"case_manager"}))]


@hookimpl
def lotse_menu_items(tenant, user):
    return [MenuItem("Example domain", "zz_example.index", order=95, permission="zz_example.use")]
"""


@pytest.fixture
def example_domain(tmp_path, monkeypatch):
    """``core/zz_example/`` with nothing but ``__init__.py`` and ``hooks.py``."""
    package = tmp_path / "zz_example"
    package.mkdir()
    (package / "__init__.py").write_text('"""An example domain."""\n')
    (package / "hooks.py").write_text(textwrap.dedent(EXAMPLE_HOOKS))
    monkeypatch.setattr(core, "__path__", [*core.__path__, str(tmp_path)])
    yield "core.zz_example"
    for name in ("core.zz_example.hooks", "core.zz_example"):
        sys.modules.pop(name, None)


def test_a_new_domain_is_one_package_and_edits_no_central_list(
    example_domain, _db_url, tmp_path, app, make_tenant, make_user
):
    pm = LotsePluginManager()
    assert pm.is_builtin(example_domain) and example_domain not in pm.metas
    example_app = create_app(make_test_config(_db_url, tmp_path), plugin_manager=pm)
    assert "zz_example.use" in example_app.extensions["lotse.permissions"]
    tenant = make_tenant("example-t")  # no plugin switched on: built-ins need none
    email, _ = make_user(tenant, roles=["case_manager"])
    browser = Browser(example_app.test_client())
    browser.login("example-t", email)
    assert browser.get("/example-t/zz-example/").get_data(as_text=True) == "example domain"
    assert "Example domain" in browser.get("/example-t/").get_data(as_text=True)


def test_trace_hooks_logs_every_call_with_plugin_and_duration(
    _db_url, tmp_path, app, make_tenant, make_user, caplog, monkeypatch
):
    from core.config import from_environment

    monkeypatch.setenv("LOTSE_TRACE_HOOKS", "1")
    assert from_environment()["LOTSE_TRACE_HOOKS"] is True
    pm = LotsePluginManager()
    pm.load_entry_points()
    with caplog.at_level(logging.INFO, logger="lotse.hooks"):
        traced = create_app(
            make_test_config(_db_url, tmp_path, LOTSE_TRACE_HOOKS=True), plugin_manager=pm
        )
        startup = [r.getMessage() for r in caplog.records if r.name == "lotse.hooks"]
        assert any(m.startswith("lotse_permissions plugin=core.cases ") for m in startup)
        assert any(m.startswith("lotse_blueprints plugin=interpreters ") for m in startup)
        assert all(m.endswith(" ms") for m in startup)
        caplog.clear()
        tenant = make_tenant("traced", plugins=["interpreters"])
        email, _ = make_user(tenant)
        browser = Browser(traced.test_client())
        browser.login("traced", email)
        browser.get("/traced/")
    runtime = [r.getMessage() for r in caplog.records if r.name == "lotse.hooks"]
    assert any(m.startswith("lotse_menu_items plugin=core.home ") for m in runtime)
    assert any(m.startswith("lotse_menu_items plugin=interpreters ") for m in runtime)


def test_hooks_are_not_traced_by_default(app, caplog, make_tenant, make_user, browser):
    tenant = make_tenant("quiet")
    browser.login("quiet", make_user(tenant)[0])
    with caplog.at_level(logging.INFO, logger="lotse.hooks"):
        browser.get("/quiet/")
    assert not [r for r in caplog.records if r.name == "lotse.hooks"]
