"""row-level security on tenant-owned tables (PostgreSQL only)

Revision ID: 0002_rls
Revises: 0001_platform
Create Date: 2026-11-22
"""

from alembic import op

from core.tenancy.rls import disable_rls, enable_rls

revision = "0002_rls"
down_revision = "0001_platform"
branch_labels = None
depends_on = None

TABLES = ("api_token", "audit_event", "location", "membership", "org_unit", "tenant_plugin")


def upgrade():
    for table in TABLES:
        enable_rls(op, table)


def downgrade():
    for table in TABLES:
        disable_rls(op, table)
