"""Contract between models and migrations, on the database the suite runs on (SQLite and
PostgreSQL): ``upgrade heads`` into an empty database gives exactly the schema the models (core
and every installed plugin) describe, and on PostgreSQL every tenant-owned table is protected
by row-level security. A new model without its migration, or a plugin table without
``enable_rls``, fails here."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import db
from core.tenancy.rls import POLICY
from core.testing.discovery import load_installed_models, tenant_scoped_models

#: Platform tables that carry a tenant_id but are read before a tenant is known (session lookup,
#: host alias resolution). They hold no case data; the ORM treats them as platform tables, and
#: RLS would lock the app out of resolving the tenant in the first place.
PLATFORM_TABLES_WITH_TENANT_ID = {"auth_session", "tenant_host"}
#: PostgreSQL: the schema the migrations run into for this module.
SCHEMA = "lotse_schema_check"


@pytest.fixture(scope="module")
def migrated(app, _owner_db_url, tmp_path_factory):
    """An empty schema of its own (SQLite: a new file; PostgreSQL: a schema first on the search
    path, cheaper than a new database) built only by ``upgrade heads``; yields its engine."""
    from core import migrate
    from core.app import create_app
    from core.testing.pytest_plugin import make_test_config

    tmp = tmp_path_factory.mktemp("schema")
    base = make_url(_owner_db_url)
    owner = None
    if base.get_backend_name() == "postgresql":
        owner = create_engine(base)
        with owner.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        url = base.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(
            hide_password=False
        )
    else:
        url = f"sqlite:///{tmp / 'schema.sqlite3'}"
    fresh = create_app(make_test_config(url, tmp))
    with fresh.app_context():
        migrate.upgrade("heads")
        db.engine.dispose()
    engine = create_engine(url)
    yield engine
    engine.dispose()
    if owner is not None:
        with owner.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        owner.dispose()


def _normalise(diff) -> list:
    """Flatten alembic's diff: column-level changes come as lists of tuples."""
    out = []
    for entry in diff:
        out.extend(entry if isinstance(entry, list) else [entry])
    return out


def test_migrations_produce_exactly_the_models_schema(migrated):
    load_installed_models()
    with migrated.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": conn.dialect.name == "sqlite"}
        )
        diff = _normalise(compare_metadata(context, db.metadata))
    assert diff == [], "models and migrations differ:\n" + "\n".join(map(repr, diff))


def test_every_tenant_table_has_forced_rls_and_its_policy(migrated):
    """Every TenantScoped table: RLS enabled *and* forced (the owner is held too) and the
    isolation policy on reads and writes. Any other table with a tenant_id must be listed above."""
    if migrated.dialect.name != "postgresql":
        pytest.skip("row-level security exists only on PostgreSQL")
    scoped = {m.__table__.name for m in tenant_scoped_models()}
    with migrated.connect() as conn:
        with_tenant_id = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attname = "
                    "'tenant_id'"
                )
            ).scalars()
        )
        state = {
            name: (enabled, forced)
            for name, enabled, forced in conn.execute(
                text(
                    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            )
        }
        policies = {
            table: (cmd, qual or "", check or "")
            for table, cmd, qual, check in conn.execute(
                text(
                    "SELECT tablename, cmd, qual, with_check FROM pg_policies "
                    "WHERE schemaname = current_schema() AND policyname = :p"
                ),
                {"p": POLICY},
            )
        }
    assert scoped <= with_tenant_id
    unlisted = with_tenant_id - scoped - PLATFORM_TABLES_WITH_TENANT_ID
    assert not unlisted, f"tables with tenant_id that are not TenantScoped: {unlisted}"
    problems = []
    for table in sorted(scoped):
        if state.get(table) != (True, True):
            problems.append(f"{table}: RLS enabled/forced = {state.get(table)}")
        cmd, qual, check = policies.get(table, ("", "", ""))
        if cmd != "ALL" or "tenant_id" not in qual or "tenant_id" not in check:
            problems.append(f"{table}: policy {POLICY} missing or incomplete ({cmd!r})")
    assert problems == [], "\n".join(problems)
