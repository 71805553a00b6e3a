"""Shared set-up of the form submission tests: an app with the fixture plugin ``formfix`` (a
small YAML form from ``tests/fixtures/forms_store``), tenants with and without it, signed-in
case managers and API tokens for that app."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db import db
from core.tenancy.context import tenant_scope
from core.testing.browser import Browser
from tests.contract.plugin_kit import build_app, enable, fake_plugin

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms_store"
KEY = "formfix.checklist"
#: Answers that pass every rule of the fixture form.
VALID = {
    "name": "Erika Beispiel",
    "fazit": "krise",
    "krise_grund": "Wohnungsverlust droht",
    "zg2_unterversorgung": True,
    "zg2_bereiche": ["arbeit", "wohnen", "sprache"],
}

saved: list = []


def formfix_plugin(**extra):
    def lotse_form_definitions(tenant):
        from core.plugin_api import load_form_definitions

        return load_form_definitions(FORMS)

    def lotse_form_saved(submission, actor):
        saved.append((submission.id, submission.form_key, submission.status))

    return fake_plugin(
        "formfix",
        lotse_form_definitions=lotse_form_definitions,
        lotse_form_saved=lotse_form_saved,
        **extra,
    )


@pytest.fixture(scope="module")
def forms_app(_db_url, tmp_path_factory, app):
    return build_app(_db_url, tmp_path_factory.mktemp("forms"), formfix_plugin())


@pytest.fixture
def forms_world(forms_app, make_tenant, make_user, make_case):
    """Tenant A with the plugin (a case manager and a case), tenant B without it (the same)."""
    saved.clear()
    forms_app.extensions.get("lotse.relays", {}).clear()
    forms_app.extensions.get("lotse.enabled_plugins", {}).clear()
    a = make_tenant()
    b = make_tenant()
    enable(forms_app, a, "formfix")
    out = {"app": forms_app, "a": a, "b": b}
    for name, tenant in (("a", a), ("b", b)):
        email, _pw = make_user(tenant, roles=["case_manager"])
        browser = Browser(forms_app.test_client())
        browser.login(tenant.slug, email)
        case = make_case(tenant, actor=email)
        out[f"{name}_email"] = email
        out[f"{name}_browser"] = browser
        out[f"{name}_case"] = case
    return out


def api(app, tenant, email):
    """The tenant's API v1 through ``app``, with a real token of ``email``."""
    from core.auth import services as auth

    with app.app_context(), tenant_scope(tenant):
        _token, clear = auth.create_api_token(auth.find_user(email), tenant, "tests")
        db.session.commit()
    client = app.test_client()

    def call(method, path, **kwargs):
        headers = {"Authorization": f"Bearer {clear}", **kwargs.pop("headers", {})}
        return client.open(f"/{tenant.slug}/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


def in_tenant(app, tenant):
    """An app context bound to ``tenant`` (services called as a job would: no member checks)."""

    class _Ctx:
        def __enter__(self):
            self.ctx = app.test_request_context()
            self.ctx.__enter__()
            self.scope = tenant_scope(tenant)
            self.scope.__enter__()
            from core.tenancy.models import Tenant

            return db.session.get(Tenant, tenant.id)

        def __exit__(self, *exc):
            db.session.rollback()
            self.scope.__exit__(*exc)
            self.ctx.__exit__(*exc)

    return _Ctx()
