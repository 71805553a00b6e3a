"""retention runs: resumable retention job (a run record per tenant, committed per batch) and the
stored result of the last dry run, which the DSB desk and the due-deletions page read

Revision ID: 0012_retention_runs
Revises: 0011_case_lists_search
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import disable_rls, enable_rls

revision = "0012_retention_runs"
down_revision = "0011_case_lists_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("last_person_id", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_retention_run_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_run")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_retention_run_tenant_id_id")),
    )
    with op.batch_alter_table("retention_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_run_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "retention_due",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_retention_due_tenant_id_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "run_id"],
            ["retention_run.tenant_id", "retention_run.id"],
            name=op.f("fk_retention_due_tenant_id_run_id_retention_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_retention_due_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_due")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_retention_due_tenant_id_id")),
    )
    with op.batch_alter_table("retention_due", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retention_due_page", ["tenant_id", "run_id", "due_on", "person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_retention_due_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_due_tenant_id"), ["tenant_id"], unique=False)

    for table in ("retention_run", "retention_due"):
        enable_rls(op, table)
    # Erasure deletes goals and consents in bulk: the foreign keys pointing at them need an index,
    # or every deleted row scans the whole referencing table.
    with op.batch_alter_table("help_plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_plan_item_goal_id"), ["goal_id"], unique=False)
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_consent_id"), ["consent_id"], unique=False)


def downgrade():
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_consent_id"))
    with op.batch_alter_table("help_plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_plan_item_goal_id"))
    for table in ("retention_due", "retention_run"):
        disable_rls(op, table)
    with op.batch_alter_table("retention_due", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_due_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_retention_due_person_id"))
        batch_op.drop_index("ix_retention_due_page")
    op.drop_table("retention_due")
    with op.batch_alter_table("retention_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_run_tenant_id"))
    op.drop_table("retention_run")
