"""weekly hours

Revision ID: 0004_weekly_hours
Revises: 0003_case_work
Create Date: 2026-11-22 18:30:47.502447
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_weekly_hours"
down_revision = "0003_case_work"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weekly_hours", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("weekly_hours")
