"""consent

Revision ID: 0005_consent
Revises: 0004_weekly_hours
Create Date: 2026-11-22 18:59:34.247813
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import enable_rls

revision = "0005_consent"
down_revision = "0004_weekly_hours"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consent_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_consent_template_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_template")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_consent_template_tenant_id_id")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_consent_template_tenant_id_key")),
    )
    with op.batch_alter_table("consent_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_template_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "recipient_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_recipient_category_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_category")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_recipient_category_tenant_id_id")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_recipient_category_tenant_id_key")),
    )
    with op.batch_alter_table("recipient_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recipient_category_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "consent_template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("recipient_keys", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("processing_bodies", sa.Text(), nullable=False),
        sa.Column("privacy_notice", sa.JSON(), nullable=False),
        sa.Column("valid_months", sa.Integer(), nullable=True),
        sa.Column("published_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("retired_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "template_id"],
            ["consent_template.tenant_id", "consent_template.id"],
            name=op.f("fk_consent_template_version_tenant_id_template_id_consent_template"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_consent_template_version_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_template_version")),
        sa.UniqueConstraint(
            "tenant_id", "id", name=op.f("uq_consent_template_version_tenant_id_id")
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "template_id",
            "number",
            name=op.f("uq_consent_template_version_tenant_id_template_id_number"),
        ),
    )
    with op.batch_alter_table("consent_template_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_template_version_template_id"), ["template_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_template_version_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("template_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("signed_by", sa.String(length=20), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("covered_person_ids", sa.JSON(), nullable=False),
        sa.Column("recipient_keys", sa.JSON(), nullable=False),
        sa.Column("partner_names", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_consent_record_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evidence_id"],
            ["attachment.tenant_id", "attachment.id"],
            name=op.f("fk_consent_record_tenant_id_evidence_id_attachment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_consent_record_tenant_id_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "template_version_id"],
            ["consent_template_version.tenant_id", "consent_template_version.id"],
            name=op.f("fk_consent_record_tenant_id_template_version_id_consent_template_version"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_consent_record_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_record")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_consent_record_tenant_id_id")),
    )
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_record_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_record_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "consent_revocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recipient_keys", sa.JSON(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_consent_revocation_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "consent_id"],
            ["consent_record.tenant_id", "consent_record.id"],
            name=op.f("fk_consent_revocation_tenant_id_consent_id_consent_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_consent_revocation_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_revocation")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_consent_revocation_tenant_id_id")),
    )
    with op.batch_alter_table("consent_revocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_revocation_consent_id"), ["consent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_revocation_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "disclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("recipient_key", sa.String(length=60), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=60), nullable=False),
        sa.Column("legal_basis", sa.String(length=20), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("confirmation", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_disclosure_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "consent_id"],
            ["consent_record.tenant_id", "consent_record.id"],
            name=op.f("fk_disclosure_tenant_id_consent_id_consent_record"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_disclosure_tenant_id_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_disclosure_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_disclosure_tenant_id_id")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disclosure_tenant_id"), ["tenant_id"], unique=False)

    for table in (
        "recipient_category",
        "consent_template",
        "consent_template_version",
        "consent_record",
        "consent_revocation",
        "disclosure",
    ):
        enable_rls(op, table)


def downgrade():
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_person_id"))

    op.drop_table("disclosure")
    with op.batch_alter_table("consent_revocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_revocation_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_consent_revocation_consent_id"))

    op.drop_table("consent_revocation")
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_record_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_consent_record_person_id"))

    op.drop_table("consent_record")
    with op.batch_alter_table("consent_template_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_template_version_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_consent_template_version_template_id"))

    op.drop_table("consent_template_version")
    with op.batch_alter_table("recipient_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_category_tenant_id"))

    op.drop_table("recipient_category")
    with op.batch_alter_table("consent_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_template_tenant_id"))

    op.drop_table("consent_template")
