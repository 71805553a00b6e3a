"""Tables of the interpreter pool (prefix ``plg_interpreters_``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import CreatedAt, TenantScoped, db


class Interpreter(TenantScoped, CreatedAt, db.Model):
    """An interpreter or language mediator the tenant works with (not a client)."""

    __tablename__ = "plg_interpreters_interpreter"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    organisation: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    #: Languages and dialects as entered ("Kurdisch (Kurmandschi)").
    languages: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    phone: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    #: Date of the signed confidentiality pledge; None = not signed.
    pledge_signed_on: Mapped[date | None] = mapped_column(Date)
    on_site: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    by_phone: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
