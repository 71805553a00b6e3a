"""ids are never reused: SQLite AUTOINCREMENT on every table, a case-number counter per tenant
and year, Art. 19 recipient notices and the bare count of erased persons' revocations

On SQLite every existing table with an integer id is rebuilt (Alembic batch mode,
``recreate="always"``) with ``AUTOINCREMENT``, so a deleted row's id is never given to the next
row. The rebuild runs with foreign keys switched off (SQLite would otherwise run the ON DELETE
actions of the children when the old table is dropped) and checks them before it commits.
On PostgreSQL sequences never go back: nothing to rebuild.

Revision ID: 0008_monotonic_ids
Revises: 0006_data_protection
Create Date: 2026-12-01
"""

import re

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import disable_rls, enable_rls

revision = "0008_monotonic_ids"
down_revision = "0007_accounts"
branch_labels = None
depends_on = None

NEW_TABLES = ("case_number_counter", "recipient_notice", "erased_revocation")


def _create_tables():
    op.create_table(
        "case_number_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_case_number_counter_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_number_counter")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_case_number_counter_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id", "year", name=op.f("uq_case_number_counter_tenant_id_year")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_case_number_counter_tenant_id"), "case_number_counter", ["tenant_id"], unique=False
    )

    op.create_table(
        "recipient_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deletion_log_id", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("done_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user_account.id"],
            name=op.f("fk_recipient_notice_done_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deletion_log_id"],
            ["deletion_log.tenant_id", "deletion_log.id"],
            name=op.f("fk_recipient_notice_tenant_id_deletion_log"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_recipient_notice_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_notice")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_recipient_notice_tenant_id_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_recipient_notice_deletion_log_id"),
        "recipient_notice",
        ["deletion_log_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_recipient_notice_tenant_id"), "recipient_notice", ["tenant_id"], unique=False
    )

    op.create_table(
        "erased_revocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("deletion_log_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deletion_log_id"],
            ["deletion_log.tenant_id", "deletion_log.id"],
            name=op.f("fk_erased_revocation_tenant_id_deletion_log"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_erased_revocation_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_revocation")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_erased_revocation_tenant_id_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_erased_revocation_at"), "erased_revocation", ["at"], unique=False)
    op.create_index(
        op.f("ix_erased_revocation_tenant_id"), "erased_revocation", ["tenant_id"], unique=False
    )
    for table in NEW_TABLES:
        enable_rls(op, table)


def _seed_counters(bind):
    """Start each tenant's counter after the highest number it has issued so far."""
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("SELECT set_config('lotse.all_tenants', 'on', true)")
    highest: dict[tuple[int, int], int] = {}
    for tenant_id, number in bind.execute(sa.text("SELECT tenant_id, number FROM case_file")):
        match = re.fullmatch(r"(\d{4})-(\d+)", number or "")
        if match:
            key = (tenant_id, int(match.group(1)))
            highest[key] = max(highest.get(key, 0), int(match.group(2)))
    counters = sa.table(
        "case_number_counter", sa.column("tenant_id"), sa.column("year"), sa.column("last_number")
    )
    if highest:
        op.bulk_insert(
            counters,
            [
                {"tenant_id": t, "year": y, "last_number": n}
                for (t, y), n in sorted(highest.items())
            ],
        )


def _needs_autoincrement(bind, table: str) -> bool:
    sql = (
        bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).scalar()
        or ""
    )
    if "AUTOINCREMENT" in sql.upper():
        return False
    pk = [row for row in bind.exec_driver_sql(f'PRAGMA table_info("{table}")') if row[5]]
    return len(pk) == 1 and (pk[0][2] or "").upper() == "INTEGER"


def _rebuild_sqlite_tables(bind):
    tables = [
        name
        for (name,) in bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '\\_alembic%' ESCAPE '\\' AND name != 'alembic_version' ORDER BY "
            "name"
        )
    ]
    todo = [t for t in tables if _needs_autoincrement(bind, t)]
    if not todo:
        return
    with op.get_context().autocommit_block():
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            bind.exec_driver_sql("BEGIN")
            for table in todo:
                # Keep the highest id ever used: the copy's own AUTOINCREMENT starts above it.
                with op.batch_alter_table(
                    table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
                ):
                    pass
            problems = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
            if problems:
                raise RuntimeError(f"foreign keys broken by the rebuild: {problems[:5]}")
            bind.exec_driver_sql("COMMIT")
        except BaseException:
            bind.exec_driver_sql("ROLLBACK")
            raise
        finally:
            bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade():
    bind = op.get_bind()
    _create_tables()
    _seed_counters(bind)
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite_tables(bind)


def downgrade():
    # AUTOINCREMENT stays (it only ever prevents reuse); the new tables go.
    for table in NEW_TABLES:
        disable_rls(op, table)
    op.drop_table("erased_revocation")
    op.drop_table("recipient_notice")
    op.drop_table("case_number_counter")
