"""Audit rows. ``AuditEvent`` is per tenant (readable by the DPO); ``PlatformAuditEvent`` records
operator actions on the installation itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped


class AuditEvent(TenantScoped, Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Dotted action name: ``auth.login.failed``, ``plugin.enabled``, ``case.read`` …
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    object_id: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    #: Ids and codes only, never names, free text or other personal values.
    details: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)


class PlatformAuditEvent(Model):
    __tablename__ = "platform_audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    object_type: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    object_id: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    details: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
