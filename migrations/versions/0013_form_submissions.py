"""form submissions: the answers to the form engine's definitions (draft / final, corrections
as new versions in a chain), with the indexes for "forms of a case" and "latest final of form X
for a case", row-level security, and a trigger that keeps a final submission's identity frozen

Revision ID: 0013_form_submissions
Revises: 0012_retention_runs
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import disable_rls, enable_rls

revision = "0013_form_submissions"
down_revision = "0012_retention_runs"
branch_labels = None
depends_on = None

#: A final submission keeps its form, version, status, chain and finalisation for good (answers
#: are guarded by the service and the ORM; anonymisation may still blank them).
FROZEN = (
    "form_key",
    "form_version",
    "attaches_to",
    "case_id",
    "person_id",
    "household_id",
    "status",
    "correction_of_id",
    "version_no",
    "finalised_at",
)
_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
_CHANGED_SQLITE = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)

POSTGRES_GUARD = (
    "CREATE FUNCTION lotse_form_submission_frozen() RETURNS trigger AS $$ BEGIN "
    f"IF OLD.status = 'final' AND ({_CHANGED}) THEN "
    "RAISE EXCEPTION 'final form submission % cannot change', OLD.id; END IF; "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER form_submission_frozen BEFORE UPDATE ON form_submission "
    "FOR EACH ROW EXECUTE FUNCTION lotse_form_submission_frozen()",
)
SQLITE_GUARD = (
    "CREATE TRIGGER form_submission_frozen BEFORE UPDATE ON form_submission "
    f"FOR EACH ROW WHEN OLD.status = 'final' AND ({_CHANGED_SQLITE}) "
    "BEGIN SELECT RAISE(ABORT, 'final form submission cannot change'); END",
)


def upgrade():
    op.create_table(
        "form_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=100), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("attaches_to", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("computed", sa.JSON(), nullable=False),
        sa.Column("correction_of_id", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finalised_by_id", sa.Integer(), nullable=True),
        sa.Column("finalised_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_form_submission_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["finalised_by_id"],
            ["user_account.id"],
            name=op.f("fk_form_submission_finalised_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["case_file.tenant_id", "case_file.id"],
            name=op.f("fk_form_submission_tenant_id_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "correction_of_id"],
            ["form_submission.tenant_id", "form_submission.id"],
            name=op.f("fk_form_submission_tenant_id_correction_of_id_form_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "household_id"],
            ["household.tenant_id", "household.id"],
            name=op.f("fk_form_submission_tenant_id_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            name=op.f("fk_form_submission_tenant_id_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_form_submission_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submission")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_form_submission_tenant_id_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_form_submission_case_form",
            ["tenant_id", "case_id", "form_key", "status", "finalised_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_form_submission_correction_of_id"), ["correction_of_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_form_submission_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_form_submission_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_form_submission_tenant_id"), ["tenant_id"], unique=False
        )
    enable_rls(op, "form_submission")
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRES_GUARD, "sqlite": SQLITE_GUARD}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.execute(
        "DROP TRIGGER IF EXISTS form_submission_frozen"
        + (" ON form_submission" if dialect == "postgresql" else "")
    )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS lotse_form_submission_frozen()")
    disable_rls(op, "form_submission")
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submission_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_form_submission_person_id"))
        batch_op.drop_index(batch_op.f("ix_form_submission_household_id"))
        batch_op.drop_index(batch_op.f("ix_form_submission_correction_of_id"))
        batch_op.drop_index("ix_form_submission_case_form")
    op.drop_table("form_submission")
