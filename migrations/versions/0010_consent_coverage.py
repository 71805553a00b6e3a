"""consent coverage: who a consent covers, one indexed row per person

``consent_coverage`` holds the holder and every minor child a consent covers, so a person's
consents are one indexed query (and the disclosure gate locks only those). It replaces the JSON
list ``consent_record.covered_person_ids``: the existing lists are moved over set-based (ids that
name no person of the record's tenant are dropped, as the foreign key would refuse them), every
record gets its holder's row, and the column goes.

Revision ID: 0010_consent_coverage
Revises: 0009_coded_person_fields
Create Date: 2026-12-02 06:30:00
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy.rls import disable_rls, enable_rls

revision = "0010_consent_coverage"
down_revision = "0009_coded_person_fields"
branch_labels = None
depends_on = None

#: The covered children of the old JSON lists: (tenant, record, person) rows of real persons.
COVERED_CHILDREN = {
    "sqlite": (
        "SELECT DISTINCT r.tenant_id, r.id, CAST(j.value AS INTEGER) "
        "FROM consent_record r, json_each(r.covered_person_ids) j "
        "WHERE CAST(j.value AS TEXT) GLOB '[0-9]*' AND CAST(j.value AS TEXT) NOT GLOB '*[^0-9]*' "
        "AND CAST(j.value AS INTEGER) != r.person_id "
        "AND EXISTS (SELECT 1 FROM person p WHERE p.tenant_id = r.tenant_id "
        "AND p.id = CAST(j.value AS INTEGER))"
    ),
    "postgresql": (
        "SELECT DISTINCT r.tenant_id, r.id, j.value::integer "
        "FROM consent_record r "
        "CROSS JOIN LATERAL json_array_elements_text(CASE WHEN "
        "json_typeof(r.covered_person_ids) = 'array' THEN r.covered_person_ids ELSE '[]'::json "
        "END) AS j(value) WHERE j.value ~ '^[0-9]{1,9}$' "
        "AND j.value::integer != r.person_id "
        "AND EXISTS (SELECT 1 FROM person p WHERE p.tenant_id = r.tenant_id "
        "AND p.id = j.value::integer)"
    ),
}
HOLDERS = (
    "SELECT r.tenant_id, r.id, r.person_id FROM consent_record r WHERE NOT EXISTS "
    "(SELECT 1 FROM consent_coverage c WHERE c.consent_id = r.id AND c.person_id = r.person_id)"
)
#: Downgrade: the covered children back into the JSON list, per record.
COVERED_LISTS = {
    "sqlite": (
        "UPDATE consent_record SET covered_person_ids = COALESCE((SELECT json_group_array("
        "c.person_id) FROM (SELECT person_id FROM consent_coverage WHERE consent_id = "
        "consent_record.id AND person_id != consent_record.person_id ORDER BY id) c), '[]')"
    ),
    "postgresql": (
        "UPDATE consent_record r SET covered_person_ids = COALESCE((SELECT json_agg(c.person_id "
        "ORDER BY c.id) FROM consent_coverage c WHERE c.consent_id = r.id "
        "AND c.person_id != r.person_id), '[]'::json)"
    ),
}


def _all_tenants(bind) -> None:
    """Row-level security is forced on PostgreSQL, also for the owner: see every tenant."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('lotse.all_tenants', 'on', true)"))


def upgrade():
    op.create_table(
        "consent_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "consent_id"],
            ["consent_record.tenant_id", "consent_record.id"],
            name=op.f("fk_consent_coverage_tenant_id_consent_id_consent_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_consent_coverage_tenant_id_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_consent_coverage_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_coverage")),
        sa.UniqueConstraint(
            "consent_id", "person_id", name=op.f("uq_consent_coverage_consent_id_person_id")
        ),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_consent_coverage_tenant_id_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_consent_coverage_tenant_id"), "consent_coverage", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_consent_coverage_tenant_id_person_id",
        "consent_coverage",
        ["tenant_id", "person_id", "consent_id"],
        unique=False,
    )
    enable_rls(op, "consent_coverage")
    bind = op.get_bind()
    _all_tenants(bind)
    columns = "INSERT INTO consent_coverage (tenant_id, consent_id, person_id) "
    bind.execute(sa.text(columns + COVERED_CHILDREN[bind.dialect.name]))
    bind.execute(sa.text(columns + HOLDERS))
    # SQLite 3.35+ drops a column in place (no table rebuild that would fire ON DELETE actions).
    op.drop_column("consent_record", "covered_person_ids")


def downgrade():
    bind = op.get_bind()
    op.add_column(
        "consent_record",
        sa.Column("covered_person_ids", sa.JSON(), nullable=False, server_default="[]"),
    )
    _all_tenants(bind)
    bind.execute(sa.text(COVERED_LISTS[bind.dialect.name]))
    disable_rls(op, "consent_coverage")
    op.drop_index("ix_consent_coverage_tenant_id_person_id", table_name="consent_coverage")
    op.drop_index(op.f("ix_consent_coverage_tenant_id"), table_name="consent_coverage")
    op.drop_table("consent_coverage")
