"""PostgreSQL row-level security: the second wall behind the ORM guard.

Every tenant-owned table gets ``ENABLE`` + ``FORCE ROW LEVEL SECURITY`` and one policy that only
admits rows of the tenant named in the transaction-local setting ``lotse.tenant_id`` (or every row
while ``lotse.all_tenants`` is ``on``, which the app sets only inside an explicit ``unscoped()``
block or for a statement with ``all_tenants=True``). Without the settings a session sees no
tenant-owned rows at all: raw SQL that forgets the tenant fails closed.

The settings are transaction-local (``set_config(..., true)``), so a pooled connection never
carries a tenant into the next transaction. The app must connect as a role that is neither
superuser nor ``BYPASSRLS`` (see docs/deploy.md); migrations run as the owner.
"""

from __future__ import annotations

POLICY = "lotse_tenant_isolation"
#: The tenant range this transaction may see: ``[tenant, tenant]`` while ``lotse.tenant_id`` is
#: set, every id while ``lotse.all_tenants`` is ``on``, NULL (no row) without settings.
_ALL = "current_setting('lotse.all_tenants', true) = 'on'"
_TENANT = "NULLIF(current_setting('lotse.tenant_id', true), '')::integer"
#: One range test, no OR: both bounds are stable for the statement, so the planner evaluates them
#: once and uses them as an index condition on ``tenant_id`` (an OR with the all-tenants switch
#: was evaluated per row and kept every index led by ``tenant_id`` from being used by it).
CONDITION = (
    f"tenant_id BETWEEN (CASE WHEN {_ALL} THEN -2147483648 ELSE {_TENANT} END) "
    f"AND (CASE WHEN {_ALL} THEN 2147483647 ELSE {_TENANT} END)"
)
#: The policy before revision 0011 (its downgrade restores it).
CONDITION_0002 = (
    "current_setting('lotse.all_tenants', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('lotse.tenant_id', true), '')::integer"
)


def enable_rls(op, table: str) -> None:
    """For migrations (core and plugins): protect ``table`` on PostgreSQL; no-op elsewhere."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING ({CONDITION}) WITH CHECK ({CONDITION})')


def recreate_policies(bind, condition: str = CONDITION) -> list[str]:
    """Re-create the isolation policy with ``condition`` on every table that has it (core and
    plugin tables alike, found in ``pg_policies``); for migrations that change the policy.
    Returns the tables. No-op outside PostgreSQL."""
    if bind.dialect.name != "postgresql":
        return []
    tables = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
            "AND policyname = %(policy)s ORDER BY tablename",
            {"policy": POLICY},
        )
    ]
    for table in tables:
        bind.exec_driver_sql(f'DROP POLICY {POLICY} ON "{table}"')
        bind.exec_driver_sql(
            f'CREATE POLICY {POLICY} ON "{table}" USING ({condition}) WITH CHECK ({condition})'
        )
    return tables


def disable_rls(op, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


def forget(connection) -> None:
    """A new transaction starts with no settings; the next tenant-owned statement sets them."""
    connection.info.pop("lotse_rls", None)


def sync(connection, tenant_id: int | None, all_tenants: bool, epoch: int = 0) -> None:
    """Make the transaction's settings match the code's tenant context. One round trip when the
    context changes; ``epoch`` changes when a savepoint rolled back (which undoes settings)."""
    if connection.dialect.name != "postgresql":
        return
    wanted = (epoch, tenant_id, all_tenants)
    if connection.info.get("lotse_rls") == wanted:
        return
    connection.exec_driver_sql(
        "SELECT set_config('lotse.tenant_id', %(tenant)s, true), set_config('lotse.all_tenants', "
        "%(all)s, true)",
        {
            "tenant": "" if tenant_id is None else str(tenant_id),
            "all": "on" if all_tenants else "off",
        },
    )
    connection.info["lotse_rls"] = wanted
