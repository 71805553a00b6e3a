"""eligibility: the access decision keeps the rules' suggestion next to the case manager's
decision (outcome, target groups, reasons, crisis reason, referral, the answers and their form
submission); the person gets the date of the first residence title (Vorrang check)

Revision ID: 0014_eligibility
Revises: 0012_retention_runs
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_eligibility"
down_revision = "0013_form_submissions"
branch_labels = None
depends_on = None

#: Frozen here (migrations do not import app code): the column type of core.db.UTCDateTime.
_UTC = sa.DateTime(timezone=True)

access_decision = sa.table(
    "access_decision",
    sa.column("admitted", sa.Boolean),
    sa.column("outcome", sa.String),
)


def upgrade():
    with op.batch_alter_table("access_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("target_groups", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("crisis_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("referred_to", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("suggested_outcome", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("suggested_reasons", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("form_submission_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("computed_at", _UTC, nullable=True))
        batch_op.alter_column("decided_on", existing_type=sa.Date(), nullable=True)
    # Decisions recorded before: admitted or not admitted.
    op.execute(
        access_decision.update()
        .where(access_decision.c.admitted.is_(True))
        .values(outcome="admitted")
    )
    op.execute(
        access_decision.update()
        .where(access_decision.c.admitted.is_(False))
        .values(outcome="not_admitted")
    )
    with op.batch_alter_table("access_decision", schema=None) as batch_op:
        for name in (
            "outcome",
            "target_groups",
            "crisis_reason",
            "referred_to",
            "suggested_outcome",
            "suggested_reasons",
            "answers",
        ):
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_residence_title_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("first_residence_title_on")
    op.execute(sa.text("DELETE FROM access_decision WHERE outcome = ''"))
    with op.batch_alter_table("access_decision", schema=None) as batch_op:
        batch_op.alter_column("decided_on", existing_type=sa.Date(), nullable=False)
        for name in (
            "computed_at",
            "form_submission_id",
            "answers",
            "suggested_reasons",
            "suggested_outcome",
            "referred_to",
            "crisis_reason",
            "target_groups",
            "outcome",
        ):
            batch_op.drop_column(name)
