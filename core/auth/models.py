"""Users, their memberships in tenants, server-side sessions, API tokens and 2FA recovery codes."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import CreatedAt, Model, UTCDateTime
from core.tenancy.scoping import TenantScoped, tenant_foreign_key


class User(UserMixin, CreatedAt, Model):
    """A person who signs in. Platform-level: one account may be a member of several tenants."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the login form lower-cases too.
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Operators run the installation (tenants only) and never see case data.
    is_platform_operator: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: Preferred UI locale; empty means "tenant default".
    locale: Mapped[str] = mapped_column(String(10), default="", nullable=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: Last accepted TOTP time step: a code is never accepted twice (pyotp does not prevent replay).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: The one tenant whose administrators may send this account a password set-up mail: the
    #: tenant whose invitation created it. Cleared for good when the account joins a second
    #: tenant, so no tenant's administrator can reach the credentials another tenant relies on.
    credential_tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenant.id", ondelete="SET NULL")
    )

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    #: The server-side session this user object was loaded for (set by the session loader).
    auth_session = cast("AuthSession | None", None)

    def get_id(self) -> str:
        # flask-login stores this in the cookie: the revocable session id, never the user id.
        if self.auth_session is None:
            raise RuntimeError("user has no server-side session")
        return self.auth_session.public_id

    @property
    def is_active(self) -> bool:
        return self.active


class Membership(TenantScoped, CreatedAt, Model):
    """A user's place in one tenant: roles and org unit."""

    __tablename__ = "membership"
    __tenant_table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        tenant_foreign_key("org_unit_id", "org_unit", ondelete="SET NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    org_unit_id: Mapped[int | None] = mapped_column(Integer)
    #: Role names from the role registry (``core.auth.permissions.ROLES``).
    roles: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: Contracted weekly hours; ``None`` = full time. Scales the caseload target.
    weekly_hours: Mapped[float | None] = mapped_column(Float)

    user: Mapped[User] = relationship(back_populates="memberships")
    org_unit = relationship(
        "OrgUnit", primaryjoin="foreign(Membership.org_unit_id) == OrgUnit.id", viewonly=True
    )


class AuthSession(Model):
    """Server-side record of a signed-in browser, so logout and admin actions really end it.

    The cookie carries only ``public_id``; the row holds its hash, the tenant the session was
    opened for and the idle/absolute timestamps.
    """

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: The tenant this session is bound to; ``None`` for the operator console.
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: True once the second factor was passed (or the user has none).
    fully_authenticated: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    user_agent: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    #: TOTP secret offered during 2FA set-up; kept here, never in the (readable) cookie session.
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()

    #: The clear-text id, known only while handling the request that created the session.
    public_id: str = ""


class Invitation(TenantScoped, CreatedAt, Model):
    """An offer of membership, addressed to an e-mail address, not to an account.

    The administrator never learns whether the address has an account: the membership is created
    only when its owner accepts (after signing in with their own password, or by setting the
    first password through the mailed link of a new account).
    """

    __tablename__ = "member_invitation"
    __tenant_table_args__ = (tenant_foreign_key("org_unit_id", "org_unit", ondelete="SET NULL"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    roles: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    org_unit_id: Mapped[int | None] = mapped_column(Integer)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The membership the acceptance created.
    membership_id: Mapped[int | None] = mapped_column(Integer)

    @classmethod
    def open_now(cls):
        """SQL conditions for an invitation that can still be accepted (mirrors :attr:`is_open`)."""
        from core.db import utcnow

        return (
            cls.accepted_at.is_(None),
            cls.declined_at.is_(None),
            cls.withdrawn_at.is_(None),
            cls.expires_at > utcnow(),
        )

    @property
    def is_open(self) -> bool:
        from core.db import utcnow

        return (
            self.accepted_at is None
            and self.declined_at is None
            and self.withdrawn_at is None
            and self.expires_at > utcnow()
        )


class LoginFailure(Model):
    """One failed sign-in (or second-factor) attempt, counted by every worker alike.

    ``key_hash`` is a SHA-256 of the scope's key (account + client address, account alone, or
    address alone); no e-mail address or IP is stored in clear. Rows older than a day are removed.
    """

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)

    __table_args__ = (Index("ix_login_failure_scope_key_hash_at", "scope", "key_hash", "at"),)


class ApiToken(TenantScoped, CreatedAt, Model):
    """Personal API token of one user for one tenant. Only a SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: First characters of the token, shown in the UI to recognise it.
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class RecoveryCode(CreatedAt, Model):
    """One-time recovery code for a lost second factor, stored as an Argon2 hash."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordSetupToken(CreatedAt, Model):
    """One-time link with which a new user sets their own password (admins never choose it)."""

    __tablename__ = "password_setup_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
