"""Meta-tests: every hook is documented with its exact signature and has a test; plus one test
per hook (``test_hook_<name>``), exercising it through the real app."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import pytest
from markupsafe import Markup
from sqlalchemy import select

from core import hookimpl, hookspecs
from core.db import db
from core.plugins import PluginMeta, plugin_blueprint
from core.tenancy.context import tenant_scope
from core.testing.pytest_plugin import Browser
from tests.contract.plugin_kit import build_app

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(
    name for name, fn in vars(hookspecs).items() if name.startswith("lotse_") and callable(fn)
)


def test_every_hook_is_documented_with_its_signature():
    doc = (ROOT / "docs" / "plugin_hooks.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (lotse_\w+\(.*\))$", doc, flags=re.M))
    for name in HOOKS:
        signature = f"{name}{inspect.signature(getattr(hookspecs, name))}"
        assert signature in headings, f"docs/plugin_hooks.md lacks '## {signature}'"
    documented = {h.split("(")[0] for h in headings}
    assert documented == set(HOOKS), "documented hooks that do not exist"


def test_every_hook_has_a_test():
    """Core's tests or a first-party plugin's own tests (``plugins/<name>/tests``)."""
    files = [*(ROOT / "tests").rglob("test_*.py"), *(ROOT / "plugins").glob("*/tests/test_*.py")]
    sources = "".join(p.read_text(encoding="utf-8") for p in files)
    for name in HOOKS:
        assert f"def test_hook_{name}" in sources, f"no test_hook_{name}"


def test_every_hook_states_its_kind():
    for name in HOOKS:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert re.search(r"Kind: (startup|runtime)", doc), name


# --- one test per hook --------------------------------------------------------------------------

events: list = []


def _spy_plugin():
    module = types.ModuleType("spy_plugin")
    meta = PluginMeta(name="spy", title="Spy")
    module.PLUGIN = meta
    bp = plugin_blueprint(meta, __name__)

    @bp.route("/")
    def index():
        return "spy page"

    from core.plugin_api import plugin_api_blueprint

    api_blp = plugin_api_blueprint(meta, __name__, description="Spy API")

    @api_blp.route("")
    @api_blp.response(200)
    def api_index():
        return {"spy": True}

    from core.auth.permissions import Permission
    from core.web import MenuItem

    @hookimpl
    def lotse_blueprints():
        return [bp]

    @hookimpl
    def lotse_api_blueprints():
        return [api_blp]

    @hookimpl
    def lotse_cli(cli):
        import click

        @cli.command("spy-hello")
        def hello():
            click.echo("hello from spy")

    @hookimpl
    def lotse_migration_dirs():
        return []

    @hookimpl
    def lotse_permissions():
        return [Permission("spy.look", "Look", roles=frozenset({"case_manager"}))]

    @hookimpl
    def lotse_menu_items(tenant, user):
        return [MenuItem("Spy menu", "plugin_spy.index", order=70, permission="spy.look")]

    @hookimpl
    def lotse_template_slot(slot, tenant, user):
        return Markup("<section class='panel'>spy panel</section>") if slot == "dashboard" else None

    @hookimpl
    def lotse_person_visible(person, user):
        return person.last_name == "Spysichtbar" or None

    @hookimpl
    def lotse_demo_data(tenant):
        events.append(("demo", tenant.slug))

    @hookimpl
    def lotse_plugin_enabled(tenant, plugin_name):
        events.append(("enabled", tenant.slug, plugin_name))

    @hookimpl
    def lotse_plugin_disabled(tenant, plugin_name):
        events.append(("disabled", tenant.slug, plugin_name))

    @hookimpl
    def lotse_adjust_regelkreis(tenant, regelkreis):
        phase = regelkreis.phase("case_management", "intake")
        phase.label = "Spy-Erstgespräch"

    @hookimpl
    def lotse_case_created(case):
        events.append(("created", case.number))

    @hookimpl
    def lotse_case_phase_changed(case, old, new):
        events.append(("phase", old, new))

    @hookimpl
    def lotse_data_categories():
        from core.privacy.registry import ERASE, DataCategory, DataTable, RetentionClass

        return [
            RetentionClass("spy_class", "Spy retention", "closure", 12),
            DataCategory("spy_notes", "Spy notes", "Spying", "none", "clients", "spy_class"),
            DataTable(
                "spy_note", "case", {"case_id": ("spy_notes", "keep"), "text": ("spy_notes", ERASE)}
            ),
        ]

    for fn in (
        lotse_blueprints,
        lotse_api_blueprints,
        lotse_cli,
        lotse_migration_dirs,
        lotse_permissions,
        lotse_menu_items,
        lotse_template_slot,
        lotse_person_visible,
        lotse_demo_data,
        lotse_plugin_enabled,
        lotse_plugin_disabled,
        lotse_adjust_regelkreis,
        lotse_case_created,
        lotse_case_phase_changed,
        lotse_data_categories,
    ):
        setattr(module, fn.__name__, fn)
    return module


@pytest.fixture
def spy_app(_db_url, tmp_path, app):
    events.clear()
    return build_app(_db_url, tmp_path, _spy_plugin())


@pytest.fixture
def spy_tenant(spy_app, make_tenant):
    from core.plugins.services import enable_plugin
    from core.tenancy.models import Tenant

    tenant = make_tenant("spy-t")
    with spy_app.app_context(), tenant_scope(tenant):
        enable_plugin(db.session.get(Tenant, tenant.id), "spy")
        db.session.commit()
    return tenant


def test_hook_lotse_blueprints(spy_app, spy_tenant, make_user):
    email, _ = make_user(spy_tenant)
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", email)
    assert browser.get("/spy-t/spy/").get_data(as_text=True) == "spy page"


def test_hook_lotse_api_blueprints(spy_app, spy_tenant, make_user, make_tenant):
    """The spy's API lives below the tenant's API prefix, only where the spy is switched on; the
    core domains' API blueprints come through the same hook."""
    email, _ = make_user(spy_tenant)
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", email)
    assert browser.client.get("/spy-t/api/v1/spy").json == {"spy": True}
    assert browser.client.get("/spy-t/api/v1/me").json["email"] == email
    assert "/spy" in browser.client.get("/spy-t/api/v1/openapi.json").json["paths"]
    plain = make_tenant("no-spy-api")
    email2, _ = make_user(plain)
    other = Browser(spy_app.test_client())
    other.login("no-spy-api", email2)
    assert other.client.get("/no-spy-api/api/v1/spy").status_code == 404
    assert "/spy" not in other.client.get("/no-spy-api/api/v1/openapi.json").json["paths"]
    owners = dict(spy_app.extensions["lotse.pm"].contributions("lotse_api_blueprints"))
    assert "core.cases" in owners and "core.platform" in owners


def test_hook_lotse_cli(spy_app):
    import click
    from click.testing import CliRunner

    group = click.Group()
    spy_app.extensions["lotse.pm"].hook.lotse_cli(cli=group)
    result = CliRunner().invoke(group, ["spy-hello"])
    assert result.exit_code == 0 and "hello from spy" in result.output


def test_hook_lotse_migration_dirs(app):
    dirs = [d for group in app.extensions["lotse.pm"].hook.lotse_migration_dirs() for d in group]
    assert any(d.endswith("plugins/interpreters/migrations/versions") for d in dirs)
    from core.migrate import alembic_config

    with app.app_context():
        assert any(
            "interpreters" in loc
            for loc in alembic_config()
            .get_main_option("version_locations")
            .split(__import__("os").pathsep)
        )


def test_hook_lotse_permissions(spy_app, spy_tenant, make_user):
    assert "spy.look" in spy_app.extensions["lotse.permissions"]
    email, _ = make_user(spy_tenant, roles=["case_manager"])
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", email)
    assert "spy.look" in browser.client.get("/spy-t/api/v1/me").json["permissions"]


def test_hook_lotse_menu_items(spy_app, spy_tenant, make_user, make_tenant):
    email, _ = make_user(spy_tenant, roles=["case_manager"])
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", email)
    assert "Spy menu" in browser.get("/spy-t/").get_data(as_text=True)
    dpo, _ = make_user(spy_tenant, roles=["dpo"])
    other = Browser(spy_app.test_client())
    other.login("spy-t", dpo)
    assert "Spy menu" not in other.get("/spy-t/").get_data(as_text=True)  # lacks spy.look


def test_hook_lotse_template_slot(spy_app, spy_tenant, make_user, make_tenant):
    email, _ = make_user(spy_tenant)
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", email)
    assert "spy panel" in browser.get("/spy-t/").get_data(as_text=True)
    plain = make_tenant("no-spy")
    email2, _ = make_user(plain)
    other = Browser(spy_app.test_client())
    other.login("no-spy", email2)
    assert "spy panel" not in other.get("/no-spy/").get_data(as_text=True)


def test_hook_lotse_person_visible(
    spy_app, spy_tenant, make_user, make_tenant, make_person, make_case
):
    """A case worker sees the persons they created and those a domain vouches for: core's cases
    for a case the worker may open, the spy for its marked persons, only where it is switched on.
    Coordination sees all; nobody else is asked."""
    author, _ = make_user(spy_tenant)
    worker, _ = make_user(spy_tenant)
    coordinator, _ = make_user(spy_tenant, roles=["coordinator"])
    marked = make_person(spy_tenant, actor=author, last_name="Spysichtbar")
    unmarked = make_person(spy_tenant, actor=author, last_name="Unsichtbar")
    with_case = make_case(spy_tenant, actor=worker, person=make_person(spy_tenant, actor=author))
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", worker)
    assert browser.get(f"/spy-t/persons/{marked.id}").status_code == 200
    assert browser.get(f"/spy-t/persons/{unmarked.id}").status_code == 404
    page = browser.get(f"/spy-t/persons/{with_case.person_id}")
    assert page.status_code == 200
    assert with_case.number in page.get_data(as_text=True)  # cases' panel on the person page
    boss = Browser(spy_app.test_client())
    boss.login("spy-t", coordinator)
    assert boss.get(f"/spy-t/persons/{unmarked.id}").status_code == 200

    plain = make_tenant("no-spy")
    plain_author, _ = make_user(plain)
    plain_worker, _ = make_user(plain)
    other_marked = make_person(plain, actor=plain_author, last_name="Spysichtbar")
    other = Browser(spy_app.test_client())
    other.login("no-spy", plain_worker)
    assert other.get(f"/no-spy/persons/{other_marked.id}").status_code == 404


def test_hook_lotse_persons_visible(spy_app, spy_tenant, make_user, make_person, make_case):
    """The duplicate search asks for all candidates at once: core's cases answers the list form
    with one query, the spy (which only answers the single form) is still asked person by person.
    A candidate the worker may not see is listed without a link."""
    author, _ = make_user(spy_tenant)
    worker, _ = make_user(spy_tenant)
    marked = make_person(spy_tenant, actor=author, first_name="Lale", last_name="Spysichtbar")
    hidden = make_person(spy_tenant, actor=author, first_name="Lale", last_name="Spysichtbarx")
    with_case = make_person(spy_tenant, actor=author, first_name="Lale", last_name="Spysichtbarz")
    make_case(spy_tenant, with_case, actor=worker)
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", worker)
    page = browser.post(
        "/spy-t/persons/search", {"first_name": "Lale", "last_name": "Spysichtbar"}
    ).get_data(as_text=True)
    assert f"/spy-t/persons/{marked.id}" in page  # the spy's single answer
    assert f"/spy-t/persons/{with_case.id}" in page  # cases' list answer
    assert f"/spy-t/persons/{hidden.id}" not in page
    assert "Spysichtbarx" in page  # listed, without a link

    with spy_app.test_request_context("/spy-t/"), tenant_scope(spy_tenant):
        from flask import g

        from core.auth.models import Membership, User
        from core.persons.models import Person
        from core.persons.services import visible_person_ids
        from core.plugins.relay import enter_tenant
        from core.tenancy.models import Tenant
        from core.testing.queries import counting_statements

        g.tenant = db.session.get(Tenant, spy_tenant.id)
        enter_tenant(g.tenant)
        user = db.session.scalar(select(User).where(User.email == worker))
        g.membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        people = db.session.scalars(select(Person)).all()
        with counting_statements(db.engine) as log:
            seen = visible_person_ids(people, user)
        assert seen == {marked.id, with_case.id}
        assert log.count == 1, log.report()  # cases: one query for every candidate


def test_hook_lotse_demo_data(demo):
    """`lotse demo` calls the hook for each tenant; the interpreter plugin fills its pool (the
    ``demo`` fixture is the run's one seeding, restored)."""
    from core.demo import seed_demo
    from plugins.interpreters.models import Interpreter

    with demo.app_context():
        from core.tenancy.models import Tenant

        kleve = db.session.scalar(select(Tenant).where(Tenant.slug == "kleve"))
        with tenant_scope(kleve):
            assert len(db.session.scalars(select(Interpreter)).all()) == 5
        seed_demo()  # idempotent
        db.session.commit()
        with tenant_scope(kleve):
            assert len(db.session.scalars(select(Interpreter)).all()) == 5


def test_hook_lotse_plugin_enabled(spy_app, spy_tenant):
    assert ("enabled", "spy-t", "spy") in events


def test_hook_lotse_plugin_disabled(spy_app, spy_tenant):
    from core.plugins.services import disable_plugin
    from core.tenancy.models import Tenant

    with spy_app.app_context(), tenant_scope(spy_tenant):
        disable_plugin(db.session.get(Tenant, spy_tenant.id), "spy")
        db.session.commit()
    assert ("disabled", "spy-t", "spy") in events


def _open_spy_case(spy_app, spy_tenant, make_user):
    from core.auth.models import User
    from core.cases import services
    from core.persons.services import create_person
    from core.tenancy.models import Tenant

    email, _ = make_user(spy_tenant, roles=["case_manager"])
    with spy_app.test_request_context(), tenant_scope(spy_tenant):
        tenant = db.session.get(Tenant, spy_tenant.id)
        user = db.session.scalar(select(User).where(User.email == email))
        person = create_person(user, {"first_name": "Spy", "last_name": "Person"})
        case = services.open_case(
            user, tenant, {"person_id": person.id, "case_type": "case_management"}
        )
        db.session.commit()
        return case.id, email


def test_hook_lotse_adjust_regelkreis(spy_app, spy_tenant, make_user):
    case_id, email = _open_spy_case(spy_app, spy_tenant, make_user)
    browser = Browser(spy_app.test_client())
    browser.login("spy-t", email)
    assert "Spy-Erstgespräch" in browser.get(f"/spy-t/cases/{case_id}").get_data(as_text=True)


def test_hook_lotse_case_created(spy_app, spy_tenant, make_user):
    _open_spy_case(spy_app, spy_tenant, make_user)
    assert any(e[0] == "created" for e in events)


def test_hook_lotse_case_phase_changed(spy_app, spy_tenant, make_user):
    from core.auth.models import User
    from core.cases import phases
    from core.cases.models import Case
    from core.tenancy.models import Tenant

    case_id, email = _open_spy_case(spy_app, spy_tenant, make_user)
    with spy_app.test_request_context(), tenant_scope(spy_tenant):
        user = db.session.scalar(select(User).where(User.email == email))
        phases.move_to_phase(
            user,
            db.session.get(Tenant, spy_tenant.id),
            db.session.get(Case, case_id),
            {"phase": "access_check"},
        )
        db.session.commit()
    assert ("phase", "intake", "access_check") in events


def test_hook_lotse_data_categories(spy_app):
    """The spy's declarations join the registry under its name; a tenant only sees them with the
    plugin enabled."""
    registry = spy_app.extensions["lotse.data_registry"]
    assert registry.owners["spy_note"] == "spy"
    assert registry.tables["spy_note"].columns["text"] == ("spy_notes", "erase")
    assert "spy_notes" in registry.for_plugins({"spy"}).categories
    assert "spy_notes" not in registry.for_plugins(set()).categories
    assert "spy_note" not in registry.for_plugins(set()).tables
    assert "client_master" in registry.for_plugins(set()).categories
