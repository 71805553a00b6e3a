"""case lists and name search that do not grow with the installation

* ``person_name_token``: the name search index (folded name words, Kölner-Phonetik codes, sort
  name), filled from the existing persons (set-based, ``core.persons.search_index.rebuild``).
* Case list indexes ending in (last_activity_at, id), the list's keyset: own cases, standing
  deputy, a status and all cases of a tenant; the single-column ``last_activity_at`` index goes
  (the planner walked it across every tenant's cases). Case-number prefixes and "shared with me"
  get indexes of their own.
* The tenant isolation policy becomes one range test (no per-row OR), re-created on every table
  that has it - core and plugin tables alike (PostgreSQL only).

Revision ID: 0011_case_lists_search
Revises: 0010_consent_coverage
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy.rls import CONDITION, CONDITION_0002, disable_rls, enable_rls, recreate_policies

revision = "0011_case_lists_search"
down_revision = "0010_consent_coverage"
branch_labels = None
depends_on = None

CASE_LIST_INDEXES = (
    (
        "ix_case_file_manager_list",
        ["tenant_id", "case_manager_id", "status", "last_activity_at", "id"],
    ),
    ("ix_case_file_deputy_list", ["tenant_id", "deputy_id", "status", "last_activity_at", "id"]),
    ("ix_case_file_status_list", ["tenant_id", "status", "last_activity_at", "id"]),
    ("ix_case_file_activity_list", ["tenant_id", "last_activity_at", "id"]),
)


def upgrade():
    op.create_table(
        "person_name_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=220), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_person_name_token_tenant_id_person_id_person"),
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_person_name_token_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_name_token")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_person_name_token_tenant_id_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_person_name_token_person_id"), "person_name_token", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_name_token_tenant_id"), "person_name_token", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_person_name_token_lookup",
        "person_name_token",
        ["tenant_id", "kind", "token"],
        unique=False,
        postgresql_ops={"token": "text_pattern_ops"},
    )
    enable_rls(op, "person_name_token")

    op.drop_index("ix_case_file_last_activity_at", table_name="case_file")
    for name, columns in CASE_LIST_INDEXES:
        # The coordinator's lists (no case manager column) carry the person id for index-only
        # counts.
        include = [] if "case_manager_id" in columns or "deputy_id" in columns else ["person_id"]
        op.create_index(
            name, "case_file", columns, unique=False, postgresql_include=include or None
        )
    op.create_index(
        "ix_case_file_number_prefix",
        "case_file",
        ["tenant_id", "number"],
        unique=False,
        postgresql_ops={"number": "text_pattern_ops"},
    )
    op.drop_index("ix_case_share_user_id", table_name="case_share")
    op.create_index("ix_case_share_user_case", "case_share", ["user_id", "case_id"], unique=False)

    bind = op.get_bind()
    recreate_policies(bind, CONDITION)

    from core.persons.search_index import rebuild

    rebuild(bind)


def downgrade():
    bind = op.get_bind()
    recreate_policies(bind, CONDITION_0002)
    op.drop_index("ix_case_share_user_case", table_name="case_share")
    op.create_index("ix_case_share_user_id", "case_share", ["user_id"], unique=False)
    op.drop_index("ix_case_file_number_prefix", table_name="case_file")
    for name, _columns in CASE_LIST_INDEXES:
        op.drop_index(name, table_name="case_file")
    op.create_index(
        "ix_case_file_last_activity_at", "case_file", ["last_activity_at"], unique=False
    )
    disable_rls(op, "person_name_token")
    op.drop_index("ix_person_name_token_lookup", table_name="person_name_token")
    op.drop_index(op.f("ix_person_name_token_tenant_id"), table_name="person_name_token")
    op.drop_index(op.f("ix_person_name_token_person_id"), table_name="person_name_token")
    op.drop_table("person_name_token")
