"""Account services shared by the HTML views, the API and the CLI."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.audit import services as audit
from core.auth.models import ApiToken, Membership, PasswordSetupToken, RecoveryCode, User
from core.auth.passwords import hash_password, policy_errors, verify_password
from core.auth.permissions import ROLES
from core.db import db, utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "lotse_"  # noqa: S105 - a public prefix, not a secret
SETUP_TOKEN_HOURS = 72


class ValidationError(Exception):
    """Bad input: ``errors`` maps field names to lists of translated messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


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


@dataclass
class LoginResult:
    user: User | None
    ok: bool
    rehash: bool = False


def check_credentials(email: str, password: str, *, tenant=None, operator=False) -> LoginResult:
    """Verify a password; always spends one Argon2 verification whatever the outcome."""
    user = find_user(email)
    eligible = user is not None and user.active
    if eligible and operator:
        eligible = user.is_platform_operator
    elif eligible and tenant is not None:
        eligible = membership_of(user, tenant) is not None
    ok, rehash = verify_password(user.password_hash if eligible else None, password)
    if ok and rehash:
        user.password_hash = hash_password(password)
    return LoginResult(user=user if ok else None, ok=ok, rehash=rehash)


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
    for code in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(code)
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


def create_user(email: str, display_name: str, *, password: str | None = None,
                is_platform_operator: bool = False, check_policy: bool = True) -> User:
    errors: dict[str, list[str]] = {}
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors.setdefault("email", []).append(_("Please enter a valid e-mail address."))
    elif find_user(email) is not None:
        errors.setdefault("email", []).append(_("An account with this e-mail address exists already."))
    display_name = (display_name or "").strip()
    if not display_name:
        errors.setdefault("display_name", []).append(_("Please enter a name."))
    elif len(display_name) > 200:
        errors.setdefault("display_name", []).append(_("The name may have at most 200 characters."))
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
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, tenant, roles, org_unit_id: int | None = None) -> Membership:
    roles = validate_roles(roles)
    existing = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant.id)
    )
    if existing is not None:
        existing.roles = roles
        existing.org_unit_id = org_unit_id
        existing.active = True
        return existing
    membership = Membership(user_id=user.id, tenant_id=tenant.id, roles=roles, org_unit_id=org_unit_id)
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


def set_password(user: User, new_password: str, *, context: tuple[str, ...] = ()) -> None:
    problems = policy_errors(new_password, context=(user.email.split("@")[0], *context))
    if problems:
        raise ValidationError({"new_password": problems})
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


def change_password(user: User, current: str, new: str, confirm: str, *, context=()) -> None:
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current)[0]:
        errors["current_password"] = [_("The current password is not correct.")]
    if new != confirm:
        errors["confirm_password"] = [_("The two new passwords do not match.")]
    if errors:
        raise ValidationError(errors)
    set_password(user, new, context=context)


# --- API tokens ----------------------------------------------------------------------------


def create_api_token(user: User, tenant, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("Please give the token a name (at most 100 characters).")]})
    if days is not None and not (1 <= days <= 366):
        raise ValidationError({"days": [_("A token is valid for 1 to 366 days.")]})
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=tenant.id,
        user_id=user.id,
        name=name,
        prefix=clear[: len(TOKEN_PREFIX) + 6],
        token_hash=_sha256(clear),
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", actor=user, obj=token)
    return token, clear


def find_api_token(clear: str) -> ApiToken | None:
    """Look a token up across tenants (the caller compares its tenant with the URL's)."""
    if not clear.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _sha256(clear))
        .execution_options(all_tenants=True)
    )
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at < utcnow():
        return None
    return token


def count_members(tenant) -> int:
    return db.session.scalar(
        select(func.count(Membership.id))
        .where(Membership.tenant_id == tenant.id)
        .execution_options(all_tenants=True)
    )


def verify_password_for(user: User, password: str) -> bool:
    """Re-authentication before security changes (2FA on/off)."""
    return verify_password(user.password_hash, password)[0]
