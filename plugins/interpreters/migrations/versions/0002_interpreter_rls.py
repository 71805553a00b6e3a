"""row-level security on the interpreter pool (PostgreSQL only)

Revision ID: interpreters_0002
Revises: interpreters_0001
Create Date: 2026-11-22
"""

from alembic import op

from core.plugin_api import disable_rls, enable_rls

revision = "interpreters_0002"
down_revision = "interpreters_0001"
branch_labels = None
depends_on = "0002_rls"


def upgrade():
    enable_rls(op, "plg_interpreters_interpreter")


def downgrade():
    disable_rls(op, "plg_interpreters_interpreter")
