"""PostgreSQL row-level security as the second wall (security battery T04), checked with raw SQL
as the app's own non-owner role. Skipped on SQLite, which has no RLS."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from core.db import db
from core.tenancy.context import tenant_scope
from core.tenancy.models import OrgUnit

# That every tenant-owned table is protected (enabled, forced, policy) is checked on a freshly
# migrated schema in tests/contract/test_schema.py.


@pytest.fixture
def pg(app, _db_url):
    if not _db_url.startswith("postgresql"):
        pytest.skip("row-level security exists only on PostgreSQL")
    engine = create_engine(_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def rows(app, make_tenant):
    a, b = make_tenant("rls-a"), make_tenant("rls-b")
    return a, b


def _count(conn, tenant_id=None, all_tenants=False):
    if tenant_id is not None or all_tenants:
        conn.execute(
            text(
                "SELECT set_config('lotse.tenant_id', :t, true), set_config('lotse.all_tenants', "
                ":a, true)"
            ),
            {"t": str(tenant_id or ""), "a": "on" if all_tenants else "off"},
        )
    return conn.execute(text("SELECT count(*) FROM org_unit")).scalar()


def test_app_role_cannot_bypass(pg):
    with pg.connect() as conn:
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        assert role == (False, False)
        owned = conn.execute(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = "
                "current_user"
            )
        ).scalar()
        assert owned == 0


def test_raw_sql_sees_only_the_bound_tenant(pg, rows):
    a, b = rows
    with pg.begin() as conn:
        assert _count(conn) == 0  # no tenant set: nothing (fail closed)
    with pg.begin() as conn:
        assert _count(conn, a.id) == 1
    with pg.begin() as conn:
        assert _count(conn, all_tenants=True) == 2
    with pg.begin() as conn:
        # The setting was transaction-local: the pooled connection carries no tenant any more.
        assert _count(conn) == 0


def test_insert_into_other_tenant_is_refused(pg, rows):
    a, b = rows
    with pg.connect() as conn:
        trans = conn.begin()
        _count(conn, a.id)
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    "INSERT INTO org_unit (tenant_id, key, name, kind, description, active, "
                    "created_at) "
                    "VALUES (:t, 'x', 'x', 'team', '', true, now())"
                ),
                {"t": b.id},
            )
        trans.rollback()


def test_update_of_other_tenant_touches_nothing(pg, rows):
    a, b = rows
    with pg.begin() as conn:
        _count(conn, a.id)
        changed = conn.execute(
            text("UPDATE org_unit SET name = 'hijacked' WHERE tenant_id = :b"), {"b": b.id}
        ).rowcount
        assert changed == 0


def test_orm_and_database_agree(app, rows, pg):
    """The app's own session sets the tenant for PostgreSQL in every transaction."""
    a, _ = rows
    with app.app_context():
        with tenant_scope(a):
            units = db.session.scalars(db.select(OrgUnit)).all()
            assert [u.tenant_id for u in units] == [a.id]
            setting = db.session.execute(
                text("SELECT current_setting('lotse.tenant_id', true)")
            ).scalar()
            assert setting == str(a.id)
        db.session.commit()


def test_without_settings_nothing_and_all_tenants_everything(pg, rows, make_person):
    """The range policy fails closed like the OR it replaced: no settings, an empty tenant or a
    switched-off all-tenants flag see nothing; all-tenants sees every tenant (also while a tenant
    is set, as inside ``unscoped()``)."""
    a, b = rows
    make_person(a, first_name="Gulistan", last_name="Haji")
    make_person(b, first_name="Gulistan", last_name="Haji")

    def seen(table, **settings):
        with pg.begin() as conn:
            for name, value in settings.items():
                conn.execute(
                    text("SELECT set_config(:n, :v, true)"), {"n": f"lotse.{name}", "v": value}
                )
            return conn.execute(text(f"SELECT count(DISTINCT tenant_id) FROM {table}")).scalar()  # noqa: S608

    for table in ("org_unit", "person", "person_name_token"):
        assert seen(table) == 0
        assert seen(table, tenant_id="", all_tenants="off") == 0
        assert seen(table, all_tenants="") == 0
        assert seen(table, tenant_id=str(a.id)) == 1
        assert seen(table, all_tenants="on") == 2
        assert seen(table, tenant_id=str(a.id), all_tenants="on") == 2


def test_the_policy_is_one_range_an_index_can_use(pg, rows):
    """No per-row OR: the policy on every protected table (plugin tables included) is one range
    test on tenant_id, and PostgreSQL uses it as an index condition under the app role."""
    a, _ = rows
    with pg.begin() as conn:
        policies = conn.execute(
            text(
                "SELECT tablename, qual, with_check FROM pg_policies "
                "WHERE schemaname = current_schema() AND policyname = 'lotse_tenant_isolation'"
            )
        ).all()
        assert {"case_file", "person", "person_name_token"} <= {p.tablename for p in policies}
        for table, qual, check in policies:
            assert not re.search(r"\bOR\b", qual, re.I), table
            assert "tenant_id >=" in qual and "tenant_id <=" in qual, table
            assert qual == check, table
        _count(conn, a.id)
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(conn.execute(text("EXPLAIN SELECT * FROM org_unit")).scalars())
    assert "Index Cond: ((tenant_id >=" in plan and "Filter" not in plan, plan
