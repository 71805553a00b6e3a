"""Form submissions: the answers to one form definition, pinned to (form key, version).

A submission is a draft until it is finalised; a final submission never changes again (the
service refuses, an ORM guard refuses outside the privacy machinery, and a database trigger
refuses a change of what identifies it). A correction is a new row in the same chain
(``correction_of_id`` → the final it corrects, ``version_no`` + 1); finalising it marks the old
final ``superseded_at``, so who corrected what, when and why stays readable.

``person_id`` names the client the submission is about also for case forms (the case's person):
the personal-data registry links every submission to its client through that one column.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import CreatedAt, Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped, tenant_foreign_key

ATTACHES_TO = ("case", "person", "household")
STATUSES = ("draft", "final")
#: Columns of a final submission that only the privacy machinery (anonymisation) and the
#: supersede step may change; everything else is frozen at finalisation.
MUTABLE_WHEN_FINAL = frozenset({"superseded_at", "superseded_by_id", "version"})


class FormSubmission(TenantScoped, CreatedAt, Model):
    """The answers to one form definition for a case, a person or a household."""

    __tablename__ = "form_submission"
    __tenant_table_args__ = (
        tenant_foreign_key("case_id", "case_file", ondelete="CASCADE"),
        tenant_foreign_key("person_id", "person", ondelete="CASCADE"),
        tenant_foreign_key("household_id", "household", ondelete="CASCADE"),
        tenant_foreign_key("correction_of_id", "form_submission", ondelete="CASCADE"),
        # "Forms of a case" and "the latest final of form X for a case" (status, then newest).
        Index(
            "ix_form_submission_case_form",
            "tenant_id",
            "case_id",
            "form_key",
            "status",
            "finalised_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_key: Mapped[str] = mapped_column(String(100), nullable=False)
    form_version: Mapped[int] = mapped_column(Integer, nullable=False)
    #: case | person | household (the definition's ``attaches_to`` when it was started).
    attaches_to: Mapped[str] = mapped_column(String(10), nullable=False)
    case_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    household_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", nullable=False)
    #: The answers by field key (repeat groups as lists of dicts); hidden fields are not kept.
    data: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: The computed fields' values, stored with the answers they were computed from.
    computed: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: The final submission this one corrects (same chain); None for the first version.
    correction_of_id: Mapped[int | None] = mapped_column(Integer, index=True)
    correction_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: 1, 2, … within one chain of corrections.
    version_no: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )
    finalised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when a correction of this final was finalised (it is then no longer the valid one).
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    @property
    def is_current(self) -> bool:
        """A final nobody has corrected yet."""
        return self.status == "final" and self.superseded_at is None


class FinalSubmissionChanged(RuntimeError):
    """Something tried to change a final submission (only a correction may follow it)."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_finals(session, flush_context, instances):
    """The ORM half of the immutability guard: a final submission's answers, status and identity
    stay as they were finalised. The privacy machinery (anonymisation, which writes set-based
    anyway) steps aside through ``core.privacy.erasure.privileged``."""
    if session.info.get("lotse_privacy_privileged"):
        return
    from sqlalchemy import inspect

    for obj in session.dirty:
        if not isinstance(obj, FormSubmission):
            continue
        state = inspect(obj)
        status = state.attrs.status.history
        was_final = (status.deleted or [obj.status])[0] == "final"
        if not was_final:
            continue
        changed = {
            attr.key
            for attr in state.attrs
            if attr.key not in MUTABLE_WHEN_FINAL and attr.history.has_changes()
        }
        if changed:
            raise FinalSubmissionChanged(
                f"final form submission {obj.id} cannot change ({', '.join(sorted(changed))})"
            )
    for obj in session.deleted:
        if isinstance(obj, FormSubmission) and obj.status == "final":
            raise FinalSubmissionChanged(f"final form submission {obj.id} cannot be deleted")
