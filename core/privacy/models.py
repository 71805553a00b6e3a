"""Tables of data protection: data-subject requests, retention holds, the correction trail of
master data and the content-free deletion log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import CreatedAt, Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped, tenant_foreign_key

REQUEST_KINDS = ("access", "rectification", "erasure", "restriction", "objection", "portability")
#: "erased": still open when the person was erased; closed by the erasure (content-free).
REQUEST_STATUSES = ("open", "done", "rejected", "erased")


class DataSubjectRequest(TenantScoped, CreatedAt, Model):
    """A request under Art. 15–21 GDPR, due one month after receipt (Art. 12(3)).

    ``person_id`` is a plain number, not a foreign key: after an erasure the request stays as
    evidence that it was answered, pointing at a person that no longer exists."""

    __tablename__ = "data_subject_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="open", nullable=False)
    #: What the person asked for, in the staff member's words (erased with the person).
    details: Mapped[str] = mapped_column(Text, default="", nullable=False)
    decision_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RetentionHold(TenantScoped, CreatedAt, Model):
    """A legal hold (e.g. pending court case): the retention job keeps the file and logs it."""

    __tablename__ = "retention_hold"
    __tenant_table_args__ = (tenant_foreign_key("person_id", "person", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    until: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PersonChange(TenantScoped, Model):
    """One changed master-data field with old and new value: the visible correction trail (Art. 16).
    It copies personal data, so erasure removes it with the person."""

    __tablename__ = "person_change"
    __tenant_table_args__ = (tenant_foreign_key("person_id", "person", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(60), nullable=False)
    old_value: Mapped[str] = mapped_column(Text, default="", nullable=False)
    new_value: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: Set when the change answered a rectification request.
    request_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class DeletionLog(TenantScoped, Model):
    """What was erased or anonymised, when and why – without any personal data (DIN 66398)."""

    __tablename__ = "deletion_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: "person:123" – a record number, never a name.
    subject_ref: Mapped[str] = mapped_column(String(60), nullable=False)
    #: "erased" or "anonymised"
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    #: "retention:client_file", "revocation", "request:17" …
    rule: Mapped[str] = mapped_column(String(60), nullable=False)
    categories: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    row_counts: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    files: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(Integer)


class RecipientNotice(TenantScoped, CreatedAt, Model):
    """Art. 19 GDPR: the recipients of an erased client's past disclosures, to be told of the
    erasure – a task on the DSB desk until it is marked done. Content-free: per recipient only
    the recipient (category key and the name it was given as), the date and the data categories;
    nothing about the person but the deletion log's record number."""

    __tablename__ = "recipient_notice"
    __tenant_table_args__ = (
        tenant_foreign_key("deletion_log_id", "deletion_log", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deletion_log_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    #: [{"recipient_key", "recipient_name", "on": "YYYY-MM-DD", "data_categories": [...]}]
    recipients: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class ErasedRevocation(TenantScoped, Model):
    """A revocation whose person was erased since: kept as a bare count (when, whole or partial)
    so the DSB's revocation figures do not shrink with every erasure."""

    __tablename__ = "erased_revocation"
    __tenant_table_args__ = (
        tenant_foreign_key("deletion_log_id", "deletion_log", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    partial: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    deletion_log_id: Mapped[int] = mapped_column(Integer, nullable=False)


RUN_STATUSES = ("running", "done", "failed")


class RetentionRun(TenantScoped, Model):
    """One run of the retention job (or of its dry run) for a tenant: counts only, no personal
    data. A run commits after every batch and moves ``last_person_id`` forward in the same
    transaction, so a run that crashed is continued after its last committed batch – no person
    is processed twice or skipped. A dry run's candidates are kept in :class:`RetentionDue`."""

    __tablename__ = "retention_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: "running", "done" or "failed"
    status: Mapped[str] = mapped_column(String(20), default="running", nullable=False)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: The reference day the run decides what is due on.
    day: Mapped[date] = mapped_column(Date, nullable=False)
    #: {"due": …, "erased": …, "anonymised": …, "held": …, "warned": …, "soon": …}
    counts: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: The highest record number of the last committed batch (persons go in id order).
    last_person_id: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: The exception's class name when it failed (never a message: it could hold data).
    error: Mapped[str] = mapped_column(String(100), default="", nullable=False)


class RetentionDue(TenantScoped, Model):
    """One file of a dry run's result: due now, kept (hold, restriction) or due within the warning
    period. The DSB desk and the due-deletions page read these instead of re-running the dry run.
    Record numbers and dates only; erasure and anonymisation remove a person's rows."""

    __tablename__ = "retention_due"
    __tenant_table_args__ = (
        tenant_foreign_key("run_id", "retention_run", ondelete="CASCADE"),
        tenant_foreign_key("person_id", "person", ondelete="CASCADE"),
        Index("ix_retention_due_page", "tenant_id", "run_id", "due_on", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer, nullable=False)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    start_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    held: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
