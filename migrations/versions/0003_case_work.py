"""case work

Revision ID: 0003_case_work
Revises: 0002_rls
Create Date: 2026-11-22 18:18:34.441632
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import enable_rls

revision = "0003_case_work"
down_revision = "0002_rls"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deputy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("absent_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cross_unit", sa.Boolean(), nullable=False),
        sa.Column("approved_by_absent_lead_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_deputy_lead_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["absent_id"],
            ["user_account.id"],
            name=op.f("fk_deputy_absent_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_absent_lead_id"],
            ["user_account.id"],
            name=op.f("fk_deputy_approved_by_absent_lead_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_deputy_lead_id"],
            ["user_account.id"],
            name=op.f("fk_deputy_approved_by_deputy_lead_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_deputy_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["user_account.id"],
            name=op.f("fk_deputy_deputy_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_deputy_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deputy")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_deputy_tenant_id_id")),
    )
    with op.batch_alter_table("deputy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deputy_absent_id"), ["absent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deputy_deputy_id"), ["deputy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deputy_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_household_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_household_tenant_id_id")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("other_names", sa.String(length=300), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("nationality", sa.String(length=100), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("interpreter_language", sa.String(length=100), nullable=False),
        sa.Column("residence_status", sa.String(length=30), nullable=False),
        sa.Column("residence_issued_on", sa.Date(), nullable=True),
        sa.Column("residence_valid_until", sa.Date(), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("sort_name", sa.String(length=220), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_person_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_person_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_person_tenant_id_id")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_postcode"), ["postcode"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_residence_valid_until"), ["residence_valid_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_sort_name"), ["sort_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_type", sa.String(length=40), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("access_path", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("warm_handover", sa.Boolean(), nullable=False),
        sa.Column("case_manager_id", sa.Integer(), nullable=True),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("last_activity_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_reason", sa.String(length=40), nullable=False),
        sa.Column("closure_note", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.JSON(), nullable=False),
        sa.Column("follow_up_talk_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_manager_id"],
            ["user_account.id"],
            name=op.f("fk_case_file_case_manager_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["user_account.id"],
            name=op.f("fk_case_file_deputy_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "org_unit_id"],
            ["org_unit.tenant_id", "org_unit.id"],
            name=op.f("fk_case_file_tenant_id_org_unit_id_org_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_case_file_tenant_id_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_case_file_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_case_file_tenant_id_id")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_case_file_tenant_id_number")),
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_file_case_manager_id"), ["case_manager_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_last_activity_at"), ["last_activity_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_file_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "household_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "household_id"],
            ["household.tenant_id", "household.id"],
            name=op.f("fk_household_member_tenant_id_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_household_member_tenant_id_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_household_member_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_member")),
        sa.UniqueConstraint(
            "tenant_id",
            "household_id",
            "person_id",
            name=op.f("uq_household_member_tenant_id_household_id_person_id"),
        ),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_household_member_tenant_id_id")),
    )
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_member_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_household_member_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_household_member_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "access_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("admitted", sa.Boolean(), nullable=False),
        sa.Column("target_group", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_access_decision_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_access_decision_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_access_decision_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_decision")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_access_decision_tenant_id_id")),
    )
    with op.batch_alter_table("access_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_decision_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_access_decision_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("storage_name", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("uploaded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_attachment_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_attachment_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_attachment_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_attachment_storage_name")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_attachment_tenant_id_id")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "case_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("shared_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shared_by_id"],
            ["user_account.id"],
            name=op.f("fk_case_share_shared_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_case_share_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_case_share_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_case_share_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_share")),
        sa.UniqueConstraint(
            "tenant_id", "case_id", "user_id", name=op.f("uq_case_share_tenant_id_case_id_user_id")
        ),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_case_share_tenant_id_id")),
    )
    with op.batch_alter_table("case_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_share_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_share_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_share_user_id"), ["user_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("participants", sa.String(length=300), nullable=False),
        sa.Column("interpreter_used", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_contact_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_contact_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_contact_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_contact_tenant_id_id")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=True),
        sa.Column("done_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user_account.id"],
            name=op.f("fk_follow_up_assignee_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user_account.id"],
            name=op.f("fk_follow_up_done_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_follow_up_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_follow_up_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_follow_up_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id", "source_key", name=op.f("uq_follow_up_tenant_id_source_key")
        ),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("life_area", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("achievement", sa.Integer(), nullable=True),
        sa.Column("achievement_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_goal_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_goal_tenant_id_tenant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_goal_tenant_id_id")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "help_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("agreed_by_client", sa.Boolean(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_help_plan_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_help_plan_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_plan")),
        sa.UniqueConstraint(
            "tenant_id", "case_id", "number", name=op.f("uq_help_plan_tenant_id_case_id_number")
        ),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_help_plan_tenant_id_id")),
    )
    with op.batch_alter_table("help_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_plan_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_plan_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("effort_minutes", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_journal_entry_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_journal_entry_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_journal_entry_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_journal_entry_tenant_id_id")),
    )
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_entry_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_entry_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "phase_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_phase", sa.String(length=40), nullable=False),
        sa.Column("to_phase", sa.String(length=40), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("backwards", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_phase_transition_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_phase_transition_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_phase_transition_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phase_transition")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_phase_transition_tenant_id_id")),
    )
    with op.batch_alter_table("phase_transition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phase_transition_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_phase_transition_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "help_plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=20), nullable=False),
        sa.Column("partner_name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "goal_id"],
            ["goal.tenant_id", "goal.id"],
            name=op.f("fk_help_plan_item_tenant_id_goal_id_goal"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "plan_id"],
            ["help_plan.tenant_id", "help_plan.id"],
            name=op.f("fk_help_plan_item_tenant_id_plan_id_help_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_help_plan_item_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_plan_item")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_help_plan_item_tenant_id_id")),
    )
    with op.batch_alter_table("help_plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_plan_item_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_help_plan_item_tenant_id"), ["tenant_id"], unique=False
        )

    for table in TENANT_TABLES:
        enable_rls(op, table)


TENANT_TABLES = (
    "deputy",
    "household",
    "person",
    "case_file",
    "household_member",
    "access_decision",
    "attachment",
    "case_share",
    "contact",
    "follow_up",
    "goal",
    "help_plan",
    "journal_entry",
    "phase_transition",
    "help_plan_item",
)


def downgrade():
    with op.batch_alter_table("help_plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_plan_item_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_help_plan_item_plan_id"))

    op.drop_table("help_plan_item")
    with op.batch_alter_table("phase_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phase_transition_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_phase_transition_case_id"))

    op.drop_table("phase_transition")
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entry_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_journal_entry_case_id"))

    op.drop_table("journal_entry")
    with op.batch_alter_table("help_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_plan_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_help_plan_case_id"))

    op.drop_table("help_plan")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_goal_case_id"))

    op.drop_table("goal")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_due_on"))
        batch_op.drop_index(batch_op.f("ix_follow_up_case_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_assignee_id"))

    op.drop_table("follow_up")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_contact_case_id"))

    op.drop_table("contact")
    with op.batch_alter_table("case_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_share_user_id"))
        batch_op.drop_index(batch_op.f("ix_case_share_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_case_share_case_id"))

    op.drop_table("case_share")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_case_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("access_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_decision_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_access_decision_case_id"))

    op.drop_table("access_decision")
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_member_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_household_member_person_id"))
        batch_op.drop_index(batch_op.f("ix_household_member_household_id"))

    op.drop_table("household_member")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_status"))
        batch_op.drop_index(batch_op.f("ix_case_file_person_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_last_activity_at"))
        batch_op.drop_index(batch_op.f("ix_case_file_case_manager_id"))

    op.drop_table("case_file")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_person_sort_name"))
        batch_op.drop_index(batch_op.f("ix_person_residence_valid_until"))
        batch_op.drop_index(batch_op.f("ix_person_postcode"))
        batch_op.drop_index(batch_op.f("ix_person_name_key"))

    op.drop_table("person")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_tenant_id"))

    op.drop_table("household")
    with op.batch_alter_table("deputy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputy_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_deputy_deputy_id"))
        batch_op.drop_index(batch_op.f("ix_deputy_absent_id"))

    op.drop_table("deputy")
