"""Tenant isolation, parametrised over every TenantScoped model of core and the installed plugins
(found through the plugin entry points, ``core.testing.discovery``: no plugin is named here).

For each model: rows of tenant B are invisible and untouchable from tenant A (select, get,
bulk update, bulk delete, lazy loads), a query without a bound tenant raises, a flush into another
tenant raises, and the database itself rejects cross-tenant links on composite foreign keys.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.exc import IntegrityError

from core.db import db
from core.tenancy.context import TenantScopeError, tenant_scope, unscoped
from core.tenancy.scoping import TenantScoped
from core.testing.discovery import installed_plugin_packages, tenant_scoped_models
from tests.tenancy.rows import make_row

MODELS = tenant_scoped_models()


def test_registry_collects_core_and_plugin_models():
    names = {m.__name__ for m in MODELS}
    assert {
        "OrgUnit",
        "Location",
        "Membership",
        "TenantPlugin",
        "ApiToken",
        "AuditEvent",
        "Person",
        "Case",
        "Contact",
        "Goal",
        "HelpPlan",
        "HelpPlanItem",
        "FollowUp",
        "JournalEntry",
    } <= names
    # Every installed plugin's tenant-owned models are in, whoever wrote the plugin.
    for package in installed_plugin_packages().values():
        plugin_models = [m for m in MODELS if m.__module__.startswith(f"{package}.")]
        declared = [
            m
            for m in TenantScoped.__subclasses__()
            if m.__module__.startswith(f"{package}.") and hasattr(m, "__table__")
        ]
        assert set(declared) <= set(plugin_models), package
    assert any(not m.__module__.startswith("core.") for m in MODELS), "no plugin model found"


def test_every_scoped_table_has_not_null_indexed_tenant_fk(app):
    for model in MODELS:
        column = model.__table__.c.tenant_id
        assert not column.nullable, model
        assert any(fk.column.table.name == "tenant" for fk in column.foreign_keys), model
        assert column.index, model


@pytest.fixture
def two_tenants(make_tenant):
    return make_tenant("iso-a"), make_tenant("iso-b")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_rows_of_another_tenant_are_invisible(app_ctx, two_tenants, model):
    a, b = two_tenants
    with tenant_scope(a):
        own_id = make_row(model, a.id).id
    with tenant_scope(b):
        foreign_id = make_row(model, b.id).id
    db.session.commit()
    db.session.expunge_all()

    with tenant_scope(a):
        rows = db.session.scalars(select(model)).all()
        assert rows and all(r.tenant_id == a.id for r in rows)
        assert db.session.get(model, foreign_id) is None
        assert db.session.get(model, own_id) is not None
        count = db.session.scalar(select(func.count()).select_from(model))
        assert count == len(rows)
        changed = db.session.execute(
            update(model)
            .where(model.id == foreign_id)
            .values(tenant_id=a.id)
            .execution_options(synchronize_session=False)
        )
        assert changed.rowcount == 0
        removed = db.session.execute(
            delete(model).where(model.id == foreign_id).execution_options(synchronize_session=False)
        )
        assert removed.rowcount == 0
    db.session.commit()
    with unscoped():
        assert db.session.scalar(select(model.tenant_id).where(model.id == foreign_id)) == b.id


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_query_without_tenant_raises(app_ctx, model):
    with pytest.raises(TenantScopeError):
        db.session.scalars(select(model)).all()
    with pytest.raises(TenantScopeError):
        db.session.get(model, 1)
    with pytest.raises(TenantScopeError):
        db.session.execute(delete(model))
    db.session.rollback()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_flush_into_another_tenant_raises(app_ctx, two_tenants, model):
    a, b = two_tenants
    with pytest.raises(TenantScopeError), tenant_scope(a):
        make_row(model, b.id)
    db.session.rollback()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_write_without_tenant_raises(app_ctx, two_tenants, model):
    a, _b = two_tenants
    with pytest.raises(TenantScopeError):
        make_row(model, a.id)
    db.session.rollback()


def _composite_fks():
    out = []
    for model in MODELS:
        # A set: sorted, so every xdist worker collects the same list.
        for fk in sorted(model.__table__.foreign_key_constraints, key=lambda c: c.name):
            cols = [c.name for c in fk.columns]
            if "tenant_id" in cols and len(cols) == 2:
                out.append((model, fk))
    return out


@pytest.mark.parametrize(
    "model,fk", _composite_fks(), ids=lambda x: getattr(x, "__name__", None) or x.name
)
def test_database_rejects_cross_tenant_links(app_ctx, two_tenants, model, fk):
    """Even with the ORM guard bypassed, the composite FK stops a link to another tenant's row."""
    from tests.tenancy.rows import model_for_table

    a, b = two_tenants
    local = next(c.name for c in fk.columns if c != "tenant_id" and c.name != "tenant_id")
    parent_model = model_for_table(fk.referred_table)
    with tenant_scope(b):
        foreign_parent_id = make_row(parent_model, b.id).id
    db.session.commit()
    with pytest.raises(IntegrityError), tenant_scope(a):
        make_row(model, a.id, **{local: foreign_parent_id})
    db.session.rollback()


def test_lazy_loads_and_joins_are_filtered(app_ctx, two_tenants):
    from core.tenancy.models import Location, OrgUnit

    a, b = two_tenants
    with tenant_scope(b):
        b_unit = make_row(OrgUnit, b.id)
        make_row(Location, b.id, org_unit_id=b_unit.id)
    db.session.commit()
    db.session.expunge_all()
    with tenant_scope(a):
        joined = db.session.execute(
            select(OrgUnit, Location).join(Location, Location.org_unit_id == OrgUnit.id)
        ).all()
        assert all(unit.tenant_id == a.id for unit, _ in joined)
        units = db.session.scalars(select(OrgUnit)).all()
        for unit in units:
            assert all(loc.tenant_id == a.id for loc in unit.locations)


def test_guard_adds_tenant_predicate_to_sql(app_ctx, two_tenants):
    from core.tenancy.models import OrgUnit

    a, _ = two_tenants
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with tenant_scope(a):
            db.session.scalars(select(OrgUnit)).all()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert any("org_unit.tenant_id" in s for s in seen)


def test_nested_scope_for_other_tenant_is_refused(app_ctx, two_tenants):
    a, b = two_tenants
    with tenant_scope(a), pytest.raises(TenantScopeError):
        with tenant_scope(b):
            pass


def test_all_tenants_opt_out_is_explicit(app_ctx, two_tenants):
    from core.tenancy.models import OrgUnit

    assert issubclass(OrgUnit, TenantScoped)
    rows = db.session.scalars(select(OrgUnit).execution_options(all_tenants=True)).all()
    assert {r.tenant_id for r in rows} == {t.id for t in two_tenants}
