"""Server-side sessions: revocable on logout, by admins and on password change; idle and
absolute time-outs; bound to the tenant they were opened for."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from core.auth.models import AuthSession, User
from core.db import commit_keeping_loaded, db, utcnow


def _hash(public_id: str) -> str:
    return hashlib.sha256(public_id.encode()).hexdigest()


def open_session(user: User, tenant, *, fully_authenticated: bool) -> AuthSession:
    """Create a new session row; the clear id is only on the returned object."""
    public_id = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(
        token_hash=_hash(public_id),
        user_id=user.id,
        tenant_id=tenant.id if tenant is not None else None,
        created_at=now,
        last_seen_at=now,
        fully_authenticated=fully_authenticated,
        user_agent=(request.user_agent.string or "")[:200] if request else "",
    )
    db.session.add(row)
    db.session.flush()
    row.public_id = public_id
    user.auth_session = row
    return row


def load_session(public_id: str) -> AuthSession | None:
    """Return the live session for ``public_id`` or ``None`` if unknown, revoked or timed out."""
    row = db.session.scalar(
        select(AuthSession)
        .where(AuthSession.token_hash == _hash(public_id))
        .options(joinedload(AuthSession.user))  # the user comes with it: one statement, not two
    )
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["LOTSE_SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["LOTSE_SESSION_MAX_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        row.revoked_at = now
        db.session.commit()
        return None
    if not row.user.active:
        return None
    # Write the idle timestamp at most once a minute to keep reads cheap.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        commit_keeping_loaded()
    row.public_id = public_id
    return row


def revoke(row: AuthSession) -> None:
    row.revoked_at = utcnow()


def revoke_all(
    user_id: int, *, tenant_id: int | None = None, keep: AuthSession | None = None
) -> int:
    """End every session of a user (optionally only those bound to one tenant)."""
    stmt = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if tenant_id is not None:
        stmt = stmt.where(AuthSession.tenant_id == tenant_id)
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep.id)
    return db.session.execute(stmt).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str) -> str:
    """``Firefox · Windows`` instead of the raw header, for the session list."""
    ua = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in ua), "")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    return " · ".join(part for part in (browser, system) if part)


def live_sessions(user_id: int) -> list[AuthSession]:
    return list(
        db.session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .order_by(AuthSession.last_seen_at.desc())
        )
    )
