"""Journal entries and attachments (files live outside the database under generated names)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped, tenant_foreign_key


class JournalEntry(TenantScoped, Model):
    __tablename__ = "journal_entry"
    __tenant_table_args__ = (tenant_foreign_key("case_id", "case_file", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    #: Effort in minutes recorded with the entry (phone calls with partners, research …).
    effort_minutes: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class Attachment(TenantScoped, Model):
    __tablename__ = "attachment"
    __tenant_table_args__ = (tenant_foreign_key("case_id", "case_file", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    #: Sanitised original name, shown and used in Content-Disposition.
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Generated storage name (uuid4 hex); the path is <store>/<tenant_id>/<storage_name>.
    storage_name: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    description: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
