"""interpreter pool

Revision ID: interpreters_0001
Revises:
Create Date: 2026-11-22 17:46:59.480043
"""

import sqlalchemy as sa
from alembic import op

from core.plugin_api import UTCDateTime

revision = "interpreters_0001"
down_revision = None
branch_labels = ("plugin_interpreters",)
depends_on = "0001_platform"


def upgrade():
    op.create_table(
        "plg_interpreters_interpreter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("pledge_signed_on", sa.Date(), nullable=True),
        sa.Column("on_site", sa.Boolean(), nullable=False),
        sa.Column("by_phone", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_plg_interpreters_interpreter_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plg_interpreters_interpreter")),
        sa.UniqueConstraint(
            "tenant_id", "id", name=op.f("uq_plg_interpreters_interpreter_tenant_id_id")
        ),
    )
    with op.batch_alter_table("plg_interpreters_interpreter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plg_interpreters_interpreter_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("plg_interpreters_interpreter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plg_interpreters_interpreter_tenant_id"))

    op.drop_table("plg_interpreters_interpreter")
