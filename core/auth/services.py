"""Account services shared by the HTML views, the API and the CLI."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import pyotp
from flask_babel import gettext as _
from sqlalchemy import CursorResult, func, select
from sqlalchemy.orm import joinedload

from core.audit import services as audit
from core.auth.models import (
    ApiToken,
    AuthSession,
    Invitation,
    Membership,
    PasswordSetupToken,
    RecoveryCode,
    User,
)
from core.auth.passwords import hash_password, policy_errors, verify_password
from core.auth.permissions import ROLES
from core.auth.schemas import (
    EMAIL_PATTERN,
    TOKEN_MAX_DAYS,
    AccountSchema,
    ApiTokenSchema,
    LanguageSchema,
    NewPasswordSchema,
    PasswordChangeSchema,
    TotpDisableSchema,
    TotpSetupSchema,
)
from core.db import commit_keeping_loaded, db, utcnow
from core.schemas import ValidationError, load

EMAIL_RE = re.compile(EMAIL_PATTERN)
TOKEN_PREFIX = "lotse_"  # noqa: S105 - a public prefix, not a secret
SETUP_TOKEN_HOURS = 72
INVITATION_DAYS = 14


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def membership_of(user: User, tenant) -> Membership | None:
    """Active membership of ``user`` in ``tenant`` (the tenant must be bound)."""
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.tenant_id == tenant.id,
            Membership.active.is_(True),
        )
    )


def open_invitation_for(user: User, tenant) -> Invitation | None:
    """The newest open invitation of ``tenant`` addressed to the account's e-mail (tenant bound)."""
    if user is None or user.is_platform_operator:
        return None
    return db.session.scalar(
        select(Invitation)
        .where(
            Invitation.tenant_id == tenant.id,
            Invitation.email == user.email,
            *Invitation.open_now(),
        )
        .order_by(Invitation.id.desc())
        .limit(1)
    )


@dataclass
class LoginResult:
    #: Set exactly when the password was right and the account may sign in there.
    user: User | None
    rehash: bool = False


def check_credentials(email: str, password: str, *, tenant=None, operator=False) -> LoginResult:
    """Verify a password; always spends one Argon2 verification whatever the outcome."""
    user = find_user(email)
    if user is not None and not _may_sign_in(user, tenant=tenant, operator=operator):
        user = None
    ok, rehash = verify_password(user.password_hash if user is not None else None, password)
    if user is not None and ok and rehash:
        user.password_hash = hash_password(password)
    return LoginResult(user=user if ok else None, rehash=rehash)


def _may_sign_in(user: User, *, tenant, operator: bool) -> bool:
    if not user.active:
        return False
    if operator:
        return user.is_platform_operator
    if tenant is not None:
        # Members, and owners of an open invitation (who sign in to accept or decline it).
        return (
            membership_of(user, tenant) is not None or open_invitation_for(user, tenant) is not None
        )
    return True


# --- second factor -------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def verify_totp(user: User, code: str, secret: str | None = None) -> bool:
    """Accept a code at most once: its time step must be newer than the last accepted one."""
    secret = secret or user.totp_secret
    code = (code or "").replace(" ", "")
    if not secret or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for offset in (0, -1, 1):  # tolerate one step of clock skew
        at = now + timedelta(seconds=30 * offset)
        step = totp.timecode(at)
        if secrets.compare_digest(totp.at(at), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def enable_totp(user: User, secret: str) -> list[str]:
    """Switch on 2FA and return fresh recovery codes (shown once)."""
    user.totp_secret = secret
    user.totp_enabled = True
    return regenerate_recovery_codes(user)


def disable_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    for code in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(code)


def regenerate_recovery_codes(user: User, count: int = 10) -> list[str]:
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(row)
    codes = ["-".join(secrets.token_hex(3) for _ in range(3)) for _ in range(count)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(code)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    code = (code or "").strip().lower()
    for row in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if verify_password(row.code_hash, code)[0]:
            row.used_at = utcnow()
            return True
    return False


# --- users, memberships and password set-up ------------------------------------------------


def validate_roles(roles) -> list[str]:
    roles = sorted(set(roles or []))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationError({"roles": [_("Unknown role: %(role)s", role=", ".join(unknown))]})
    return roles


def create_user(
    email: str,
    display_name: str,
    *,
    password: str | None = None,
    is_platform_operator: bool = False,
    check_policy: bool = True,
    credential_tenant=None,
) -> User:
    errors: dict[str, list[str]] = {}
    try:
        values = load(AccountSchema, {"email": email, "display_name": display_name})
        email, display_name = values["email"], values["display_name"]
    except ValidationError as exc:
        errors = dict(exc.errors)
        email, display_name = normalise_email(email), (display_name or "").strip()
    if "email" not in errors and find_user(email) is not None:
        errors["email"] = [_("An account with this e-mail address exists already.")]
    if password is not None and check_policy:
        problems = policy_errors(password, context=(email.split("@")[0],))
        if problems:
            errors["password"] = problems
    if errors:
        raise ValidationError(errors)
    user = User(
        email=email,
        display_name=display_name,
        # Until the user sets a password through the set-up link nobody can sign in.
        password_hash=hash_password(password) if password else "!" + secrets.token_hex(16),
        password_changed_at=utcnow() if password else None,
        is_platform_operator=is_platform_operator,
        credential_tenant_id=credential_tenant.id if credential_tenant is not None else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, tenant, roles, org_unit_id: int | None = None) -> Membership:
    """Make ``user`` a member. An account that now serves a second tenant leaves the credential
    care of its first tenant for good (no tenant's administrator may reset it any more)."""
    roles = validate_roles(roles)
    if user.credential_tenant_id is not None and user.credential_tenant_id != tenant.id:
        user.credential_tenant_id = None
    existing = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant.id)
    )
    if existing is not None:
        existing.roles = roles
        existing.org_unit_id = org_unit_id
        existing.active = True
        return existing
    membership = Membership(
        user_id=user.id, tenant_id=tenant.id, roles=roles, org_unit_id=org_unit_id
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def issue_setup_token(user: User) -> str:
    """A one-time, 72-hour link token; earlier unused tokens of the user stop working."""
    now = utcnow()
    for row in db.session.scalars(
        select(PasswordSetupToken).where(
            PasswordSetupToken.user_id == user.id, PasswordSetupToken.used_at.is_(None)
        )
    ):
        row.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordSetupToken(
            user_id=user.id,
            token_hash=_sha256(token),
            expires_at=now + timedelta(hours=SETUP_TOKEN_HOURS),
        )
    )
    return token


def find_setup_token(token: str) -> PasswordSetupToken | None:
    row = db.session.scalar(
        select(PasswordSetupToken).where(PasswordSetupToken.token_hash == _sha256(token or ""))
    )
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def may_tenant_manage_credentials(user: User, tenant) -> bool:
    """Only the tenant whose invitation created the account, while it serves no other tenant."""
    if user.is_platform_operator or user.credential_tenant_id != tenant.id:
        return False
    other = db.session.scalar(
        select(func.count(Membership.id))
        .where(Membership.user_id == user.id, Membership.tenant_id != tenant.id)
        .execution_options(all_tenants=True)
    )
    return not other


def send_password_link(user: User, tenant, *, reason: str) -> None:
    """Issue a one-time link and mail it to the account's own address (never shown to anyone)."""
    from core.mail.services import password_link_mail

    token = issue_setup_token(user)
    password_link_mail(user, tenant, token, reason=reason)


def revoke_api_tokens(user_id: int, *, tenant_id: int | None = None) -> int:
    """Revoke every live API token of an account (optionally only those of one tenant)."""
    from sqlalchemy import update

    stmt = (
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(all_tenants=True, synchronize_session=False)
    )
    if tenant_id is not None:
        stmt = stmt.where(ApiToken.tenant_id == tenant_id)
    return cast(CursorResult, db.session.execute(stmt)).rowcount  # an UPDATE's result


def end_all_access(user: User, *, keep: AuthSession | None = None) -> tuple[int, int]:
    """After a password change or reset: every other session and every API token ends."""
    from core.auth.sessions import revoke_all

    return revoke_all(user.id, keep=keep), revoke_api_tokens(user.id)


def set_password(user: User, new_password: str, *, context: tuple[str, ...] = ()) -> None:
    problems = policy_errors(new_password, context=(user.email.split("@")[0], *context))
    if problems:
        raise ValidationError({"new_password": problems})
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


def change_password(user: User, data, *, context=(), keep: AuthSession | None = None):
    """The account's own change (``data``: :class:`~core.auth.schemas.PasswordChangeSchema`):
    the current password first; then every other session and every API token ends. Returns the
    numbers of sessions and tokens ended."""
    errors: dict[str, list[str]] = {}
    values = None
    try:
        values = load(PasswordChangeSchema, data)
    except ValidationError as exc:
        errors = exc.errors
    current = values["current_password"] if values else str(data.get("current_password") or "")
    if not verify_password(user.password_hash, current)[0]:
        errors = {"current_password": [_("The current password is not correct.")], **errors}
    if errors or values is None:  # a failed load has left its errors
        raise ValidationError(errors)
    set_password(user, values["new_password"], context=context)
    ended, tokens = end_all_access(user, keep=keep)
    audit.record(
        "auth.password_changed", actor=user, other_sessions_ended=ended, tokens_revoked=tokens
    )
    return ended, tokens


def set_password_by_link(user: User, link: PasswordSetupToken, tenant, data, *, context=()):
    """A one-time link from a mail (``data``: :class:`~core.auth.schemas.NewPasswordSchema`):
    the first password of a new account, which then joins through its invitation, or a reset.
    The link is used up; every session and API token of the account ends."""
    values = load(NewPasswordSchema, data)
    invitation = open_invitation_for(user, tenant)
    first_password = user.password_changed_at is None
    set_password(user, values["new_password"], context=context)
    if first_password and invitation is not None:
        accept_invitation(user, invitation, tenant)
    link.used_at = utcnow()
    sessions_ended, tokens_revoked = end_all_access(user)
    audit.record(
        "auth.password_set",
        actor=user,
        sessions_ended=sessions_ended,
        tokens_revoked=tokens_revoked,
    )


def enable_second_factor(user: User, row: AuthSession, data) -> list[str]:
    """Switch the second factor on with the secret on offer in ``row`` (``data``:
    :class:`~core.auth.schemas.TotpSetupSchema`). Other sessions end; returns the recovery codes
    (shown once)."""
    from core.auth.sessions import revoke_all

    secret = row.pending_totp_secret
    assert secret is not None  # the set-up page puts the secret on offer before it is entered
    values = load(TotpSetupSchema, data)
    if not verify_password_for(user, values["password"]):
        raise ValidationError({"password": [_("The current password is not correct.")]})
    if not verify_totp(user, values["code"], secret=secret):
        raise ValidationError(
            {
                "code": [
                    _("The code is not correct. Please check the time on your phone and try again.")
                ]
            }
        )
    codes = enable_totp(user, secret)
    row.pending_totp_secret = None
    revoke_all(user.id, keep=row)
    audit.record("auth.second_factor.enabled", actor=user)
    return codes


def disable_second_factor(user: User, data) -> None:
    """Switch the second factor off: the current password is asked again."""
    values = load(TotpDisableSchema, data)
    if not verify_password_for(user, values["disable_password"]):
        raise ValidationError({"disable_password": [_("The current password is not correct.")]})
    disable_totp(user)
    audit.record("auth.second_factor.disabled", actor=user)


def set_locale(user: User, tenant, data) -> None:
    """The account's language: one the tenant offers, or empty for the tenant's default."""
    locale = load(LanguageSchema, data)["locale"]
    if locale not in ("", *tenant.locales):
        raise ValidationError({"locale": [_("This language is not offered here.")]})
    user.locale = locale


# --- API tokens ----------------------------------------------------------------------------


def create_api_token(
    user: User, tenant, name: str, days: int = TOKEN_MAX_DAYS
) -> tuple[ApiToken, str]:
    """A personal API token of ``user`` in ``tenant``; the clear secret is returned once."""
    values = load(ApiTokenSchema, {"name": name, "days": days})
    name, days = values["name"], values["days"]
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=tenant.id,
        user_id=user.id,
        name=name,
        prefix=clear[: len(TOKEN_PREFIX) + 6],
        token_hash=_sha256(clear),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", actor=user, obj=token)
    return token, clear


def find_api_token(clear: str, tenant=None) -> ApiToken | None:
    """Look a token up, with its user: in ``tenant`` (bound) when given, so a token of another
    tenant is simply not found; else across tenants (the caller compares the tenants)."""
    if not clear.startswith(TOKEN_PREFIX):
        return None
    stmt = (
        select(ApiToken)
        .where(ApiToken.token_hash == _sha256(clear))
        .options(joinedload(ApiToken.user))
    )
    if tenant is not None:
        stmt = stmt.where(ApiToken.tenant_id == tenant.id)
    else:
        stmt = stmt.execution_options(all_tenants=True)
    token = db.session.scalar(stmt)
    if token is None or token.revoked_at is not None:
        return None
    # Tokens from before the 90-day rule had no end: they now end 90 days after creation.
    expires_at = token.expires_at or token.created_at + timedelta(days=TOKEN_MAX_DAYS)
    if expires_at < utcnow():
        return None
    return token


#: ``last_used_at`` of a token is written at most this often: a token used by a script for every
#: request would otherwise cost a write and a commit per read.
TOKEN_USE_GRANULARITY = timedelta(minutes=1)


def note_token_use(token: ApiToken) -> None:
    """Record that ``token`` was used, to the minute (the token list shows it)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_GRANULARITY:
        return
    token.last_used_at = now
    commit_keeping_loaded()


def count_members(tenant) -> int:
    return db.session.execute(
        select(func.count(Membership.id))
        .where(Membership.tenant_id == tenant.id)
        .execution_options(all_tenants=True)
    ).scalar_one()


def verify_password_for(user: User, password: str) -> bool:
    """Re-authentication before security changes (2FA on/off)."""
    return verify_password(user.password_hash, password)[0]


# --- invitations (the invitee's side) -------------------------------------------------------


def accept_invitation(user: User, invitation: Invitation, tenant) -> Membership:
    """The invited account's owner, signed in with their own credentials, joins the tenant."""
    from core.auth.duties import check_duties, record_case_data_grant

    if (
        invitation is None
        or not invitation.is_open
        or invitation.email != user.email
        or user.is_platform_operator
    ):
        raise ValidationError({"invitation": [_("This invitation is no longer open.")]})
    if invitation.invited_by_id == user.id:
        raise ValidationError(
            {"invitation": [_("Nobody can accept an invitation they sent themselves.")]}
        )
    roles = validate_roles(invitation.roles)
    check_duties(tenant, roles)
    if membership_of(user, tenant) is not None:
        raise ValidationError({"invitation": [_("You are a member of this organisation already.")]})
    membership = add_membership(user, tenant, roles, invitation.org_unit_id)
    invitation.accepted_at = utcnow()
    invitation.membership_id = membership.id
    audit.record(
        "auth.invitation_accepted",
        actor=user,
        obj=invitation,
        membership=membership.id,
        roles=roles,
    )
    record_case_data_grant(
        tenant, actor=invitation.invited_by_id, membership=membership, roles=roles, before=[]
    )
    return membership


def decline_invitation(user: User, invitation: Invitation) -> None:
    if invitation is None or not invitation.is_open or invitation.email != user.email:
        raise ValidationError({"invitation": [_("This invitation is no longer open.")]})
    invitation.declined_at = utcnow()
    audit.record("auth.invitation_declined", actor=user, obj=invitation)
