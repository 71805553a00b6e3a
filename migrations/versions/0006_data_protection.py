"""data protection: data-subject requests, retention holds, correction trail, deletion log

Revision ID: 0006_data_protection
Revises: 0005_consent
Create Date: 2026-11-22 20:26:32.955906
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import enable_rls

revision = "0006_data_protection"
down_revision = "0005_consent"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_subject_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_subject_request_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_subject_request_requested_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_data_subject_request_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_subject_request")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_data_subject_request_tenant_id_id")),
    )
    with op.batch_alter_table("data_subject_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_subject_request_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_data_subject_request_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "deletion_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("subject_ref", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("row_counts", sa.JSON(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_deletion_log_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_deletion_log_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_log")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_deletion_log_tenant_id_id")),
    )
    with op.batch_alter_table("deletion_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deletion_log_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "person_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_person_change_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_person_change_tenant_id_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_person_change_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_change")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_person_change_tenant_id_id")),
    )
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_change_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_change_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "retention_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("released_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_retention_hold_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_retention_hold_tenant_id_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_retention_hold_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_hold")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_retention_hold_tenant_id_id")),
    )
    with op.batch_alter_table("retention_hold", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_hold_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_retention_hold_tenant_id"), ["tenant_id"], unique=False
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("restricted_at", core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("restriction_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("anonymised_at", core.db.UTCDateTime(timezone=True), nullable=True)
        )

    for table in ("data_subject_request", "deletion_log", "person_change", "retention_hold"):
        enable_rls(op, table)


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("restriction_reason")
        batch_op.drop_column("restricted_at")

    with op.batch_alter_table("retention_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_hold_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_retention_hold_person_id"))

    op.drop_table("retention_hold")
    with op.batch_alter_table("person_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_change_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_person_change_person_id"))

    op.drop_table("person_change")
    with op.batch_alter_table("deletion_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deletion_log_tenant_id"))

    op.drop_table("deletion_log")
    with op.batch_alter_table("data_subject_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_subject_request_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_data_subject_request_person_id"))

    op.drop_table("data_subject_request")
