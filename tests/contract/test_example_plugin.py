"""The example plugin of the guide (``docs/examples/hello_plugin``) is real: loaded into a plugin
manager exactly like an installed one, it works for the tenant that enables it, stays invisible
for the others, and nothing in core or the configuration names it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from core.db import db
from core.tenancy.context import tenant_scope
from tests.contract.plugin_kit import build_app, enable, open_case, signed_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "hello_plugin"


@pytest.fixture
def hello(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    return importlib.import_module("hello_plugin")


def test_adding_the_plugin_touches_no_central_list():
    """Only the example's own folder and the guide mention it: no entry in core, the
    configuration, the migrations or the tests' fixtures."""
    places = ["core", "plugins", "templates", "tenants", "migrations", "tests"]
    files = [p for place in places for p in (ROOT / place).rglob("*") if p.is_file()]
    files += [ROOT / name for name in ("pyproject.toml", "Makefile", "babel.cfg")]
    mentions = [
        path.relative_to(ROOT).as_posix()
        for path in files
        if path.suffix not in (".mo", ".pyc", ".png", ".sqlite3")
        and "hello_plugin" in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert mentions == ["tests/contract/test_example_plugin.py"]


def test_example_plugin_works_for_the_tenant_that_enabled_it(
    hello, _db_url, tmp_path, make_tenant, make_user
):
    app = build_app(_db_url, tmp_path, hello)
    on, off = make_tenant("hello-on"), make_tenant("hello-off")
    enable(app, on, "hello")

    browser = signed_in(app, on, make_user)
    case_id = open_case(browser, "hello-on", birth_date="1990-05-01")
    page = browser.get(f"/hello-on/cases/{case_id}").get_data(as_text=True)
    assert 'id="panel-hello.adult"' in page
    assert "Volljährig: ja" in page  # in the plugin's own translation domain

    other = signed_in(app, off, make_user)
    other_case = open_case(other, "hello-off", birth_date="1990-05-01")
    assert 'id="panel-hello.adult"' not in other.get(f"/hello-off/cases/{other_case}").get_data(
        as_text=True
    )

    from core.persons.models import Person
    from core.plugins.providers import evaluate_eligibility
    from core.tenancy.models import Tenant

    with app.test_request_context(), tenant_scope(on):
        person = db.session.scalars(db.select(Person)).one()
        [(rule, verdict)] = evaluate_eligibility(db.session.get(Tenant, on.id), person)
        assert rule.key == "hello.adult" and verdict.eligible
    with app.test_request_context(), tenant_scope(off):
        assert evaluate_eligibility(db.session.get(Tenant, off.id), None) == []


def test_example_plugin_own_tests_pass(hello):
    from hello_plugin.tests import test_hello

    for name in dir(test_hello):
        if name.startswith("test_"):
            getattr(test_hello, name)()
