"""The tenant a piece of code works for.

A ContextVar rather than ``flask.g`` so that CLI commands, jobs and tests use the same mechanism as
requests. Code enters a tenant with :func:`tenant_scope`; reading tenant data without one raises.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class TenantScopeError(RuntimeError):
    """Raised when tenant-owned data is touched without a bound tenant (fail closed)."""


@dataclass(frozen=True)
class BoundTenant:
    id: int
    slug: str


_current: ContextVar[BoundTenant | None] = ContextVar("lotse_tenant", default=None)
_unscoped: ContextVar[bool] = ContextVar("lotse_unscoped", default=False)


def current_tenant_id() -> int | None:
    bound = _current.get()
    return bound.id if bound else None


def current_bound_tenant() -> BoundTenant | None:
    return _current.get()


def is_unscoped() -> bool:
    return _unscoped.get()


def bind_tenant(tenant) -> object:
    """Bind ``tenant`` and return a token for :func:`unbind_tenant` (used by request hooks)."""
    return _current.set(BoundTenant(tenant.id, tenant.slug) if tenant is not None else None)


def unbind_tenant(token) -> None:
    _current.reset(token)


@contextmanager
def tenant_scope(tenant):
    """Work inside one tenant. Nested scopes for another tenant are refused on purpose."""
    outer = _current.get()
    if outer is not None and outer.id != tenant.id:
        raise TenantScopeError(
            f"already inside tenant {outer.slug!r}; leave it before entering {tenant.slug!r}"
        )
    token = bind_tenant(tenant)
    try:
        yield tenant
        _flush_pending()
    finally:
        unbind_tenant(token)


def _flush_pending() -> None:
    """Writes made inside a scope are flushed before leaving it, so the flush guard checks them
    against the tenant they were made for."""
    from flask import has_app_context

    if has_app_context():
        from core.db import db

        session = db.session()
        if session.new or session.dirty or session.deleted:
            session.flush()


@contextmanager
def unscoped():
    """Explicit opt-out for platform code that must see every tenant (operator console counts,
    migrations, jobs that iterate tenants). Use sparingly; every use is a reviewed decision."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)
