"""Building blocks for tests that load throw-away plugins into a real app."""

from __future__ import annotations

import types

from core import hookimpl
from core.app import create_app
from core.db import db
from core.plugins import PluginMeta
from core.plugins.manager import LotsePluginManager
from core.tenancy.context import tenant_scope
from core.testing.pytest_plugin import Browser, make_test_config


def fake_plugin(name: str, *, requires=(), **hooks) -> types.ModuleType:
    """A plugin package made in memory: ``fake_plugin("x", lotse_case_panels=fn)``."""
    module = types.ModuleType(f"fake_{name}")
    module.PLUGIN = PluginMeta(name=name, title=name.title(), requires=frozenset(requires))
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


def build_app(db_url, tmp_path, *packages):
    """The real app with the installed plugins plus ``packages``, on the test database."""
    pm = LotsePluginManager()
    pm.load_entry_points()
    for package in packages:
        pm.register_plugin(package)
    return create_app(make_test_config(db_url, tmp_path), plugin_manager=pm)


def enable(app, tenant, *names) -> None:
    from core.plugins.services import enable_plugin
    from core.tenancy.models import Tenant

    with app.app_context(), tenant_scope(tenant):
        for name in names:
            enable_plugin(db.session.get(Tenant, tenant.id), name, operator=True)
        db.session.commit()


def signed_in(app, tenant, make_user, roles=("case_manager",)) -> Browser:
    email, _password = make_user(tenant, roles=list(roles))
    browser = Browser(app.test_client())
    browser.login(tenant.slug, email)
    return browser


def open_case(browser: Browser, slug: str, *, birth_date: str = "") -> int:
    """A client and a case management case, made through the pages a case manager uses."""
    browser.get(f"/{slug}/persons/new")
    response = browser.post(
        f"/{slug}/persons/new",
        {"first_name": "Erika", "last_name": "Beispiel", "birth_date": birth_date},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    person_id = int(response.headers["Location"].split("person_id=")[1])
    browser.get(f"/{slug}/cases/new?person_id={person_id}")
    response = browser.post(
        f"/{slug}/cases/new", {"person_id": person_id, "case_type": "case_management"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])
