"""accounts: invitations instead of silent memberships, credential owner, DB-backed login throttle

Revision ID: 0007_accounts
Revises: 0006_data_protection
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.tenancy.rls import disable_rls, enable_rls

revision = "0007_accounts"
down_revision = "0006_data_protection"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credential_tenant_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_user_account_credential_tenant_id_tenant"),
            "tenant",
            ["credential_tenant_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_totp_secret", sa.String(length=64), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        # membership is under FORCE ROW LEVEL SECURITY: read it across tenants for this one update.
        op.execute("SELECT set_config('lotse.all_tenants', 'on', true)")
    # Existing accounts: only an account with exactly one membership (and no operator role) stays
    # under the credential care of that tenant; shared accounts belong to nobody's administrators.
    op.execute(
        "UPDATE user_account SET credential_tenant_id = ("
        " SELECT MIN(m.tenant_id) FROM membership m WHERE m.user_id = user_account.id)"
        " WHERE is_platform_operator = false"
        " AND (SELECT COUNT(*) FROM membership m WHERE m.user_id = user_account.id) = 1"
    )

    op.create_table(
        "member_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("declined_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("membership_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_member_invitation_invited_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_member_invitation_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "org_unit_id"],
            ["org_unit.tenant_id", "org_unit.id"],
            name=op.f("fk_member_invitation_tenant_id_org_unit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_invitation")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_member_invitation_tenant_id_id")),
    )
    with op.batch_alter_table("member_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_invitation_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_member_invitation_tenant_id"), ["tenant_id"], unique=False
        )
    enable_rls(op, "member_invitation")

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failure_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_login_failure_scope_key_hash_at", ["scope", "key_hash", "at"], unique=False
        )


def downgrade():
    op.drop_table("login_failure")
    disable_rls(op, "member_invitation")
    op.drop_table("member_invitation")
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_column("pending_totp_secret")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_user_account_credential_tenant_id_tenant"), type_="foreignkey"
        )
        batch_op.drop_column("credential_tenant_id")
