"""Consent templates and records, revocations and the disclosure register. Records are never
edited: a revocation is its own row, a new consent is a new record (append-only history)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import CreatedAt, Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped, tenant_foreign_key

CONSENT_KINDS = ("processing", "cooperation", "confidentiality_release")
SIGNERS = ("self", "guardian")
#: What a disclosure may contain (codes; the labels live in core.labels.DATA_CATEGORY_LABELS).
DATA_CATEGORIES = (
    "master_data",
    "residence",
    "needs",
    "goals_plan",
    "contacts",
    "documents",
    "health",
)
PURPOSES = ("counselling", "referral", "case_conference", "export", "print")
CHANNELS = ("referral", "case_conference", "export", "print", "phone", "letter", "email")
#: How the client agreed to one single disclosure (tenants with ``consent_strict``).
CONFIRMATIONS = ("oral", "written")
#: Languages a form can be offered in (the clients' languages); German is always required.
FORM_LANGUAGES = {
    "de": _l("German"),
    "en": _l("English"),
    "ar": _l("Arabic"),
    "fa": _l("Persian (Farsi)"),
    "tr": _l("Turkish"),
    "uk": _l("Ukrainian"),
    "ru": _l("Russian"),
    "ti": _l("Tigrinya"),
    "ku": _l("Kurdish (Kurmanji)"),
    "fr": _l("French"),
}
#: The Art. 13 GDPR information sheet, in the order it is printed.
NOTICE_FIELDS = (
    "controller",
    "dpo",
    "purposes",
    "legal_basis",
    "recipients",
    "storage",
    "rights",
    "authority",
)


class RecipientCategory(TenantScoped, CreatedAt, Model):
    """A kind of recipient data may go to (Oberhausen's R1–R9; each tenant its own list)."""

    __tablename__ = "recipient_category"
    __tenant_table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class ConsentTemplate(TenantScoped, CreatedAt, Model):
    __tablename__ = "consent_template"
    __tenant_table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    versions: Mapped[list[ConsentTemplateVersion]] = relationship(
        primaryjoin="foreign(ConsentTemplateVersion.template_id) == ConsentTemplate.id",
        order_by="ConsentTemplateVersion.number.desc()",
    )


class ConsentTemplateVersion(TenantScoped, CreatedAt, Model):
    """A template's frozen wording in one or more languages. Published versions never change."""

    __tablename__ = "consent_template_version"
    __tenant_table_args__ = (
        UniqueConstraint("tenant_id", "template_id", "number"),
        tenant_foreign_key("template_id", "consent_template", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: {"de": {"purpose": …, "body": …}, "ar": {…}} – the languages the form exists in.
    texts: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: Keys of the recipient categories the template can cover.
    recipient_keys: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    #: Purpose codes the consent covers ("counselling", "referral", "case_conference" …).
    purposes: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    processing_bodies: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: Art. 13 information: controller, dpo, purposes, legal_basis, recipients, storage,
    #: rights, authority.
    privacy_notice: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: Months a consent on this version stays valid (None = until revoked).
    valid_months: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsentRecord(TenantScoped, CreatedAt, Model):
    """A signed consent / release for one person (and the minor children it covers)."""

    __tablename__ = "consent_record"
    __tenant_table_args__ = (
        tenant_foreign_key("person_id", "person"),
        tenant_foreign_key("template_version_id", "consent_template_version"),
        tenant_foreign_key("evidence_id", "attachment", ondelete="SET NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    template_version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    #: Language of the text the person was shown and signed.
    language: Mapped[str] = mapped_column(String(10), nullable=False)
    signed_by: Mapped[str] = mapped_column(String(20), default="self", nullable=False)
    guardian_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    recipient_keys: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    #: Named partners (free text) released in addition to the categories.
    partner_names: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    purposes: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    granted_on: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    evidence_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: Whom the record covers: the holder and the minor children it names (one row each).
    coverage: Mapped[list[ConsentCoverage]] = relationship(
        primaryjoin="foreign(ConsentCoverage.consent_id) == ConsentRecord.id",
        order_by="ConsentCoverage.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __init__(self, *, covered_person_ids=(), **values):
        super().__init__(**values)
        if covered_person_ids:
            self.covered_person_ids = list(covered_person_ids)

    @property
    def covered_person_ids(self) -> list[int]:
        """Other persons covered (minor children), by person id: read from :attr:`coverage`, the
        one place they are stored (the pages and the API show this list)."""
        return [row.person_id for row in self.coverage if row.person_id != self.person_id]

    @covered_person_ids.setter
    def covered_person_ids(self, person_ids) -> None:
        wanted = [p for p in dict.fromkeys(int(p) for p in person_ids) if p != self.person_id]
        kept = [r for r in self.coverage if r.person_id == self.person_id or r.person_id in wanted]
        have = {r.person_id for r in kept}
        self.coverage = kept + [ConsentCoverage(person_id=p) for p in wanted if p not in have]


class ConsentCoverage(TenantScoped, Model):
    """Who a consent covers: its holder and every minor child it names, one row each.

    "The consents of a person" is one indexed lookup here instead of a scan over every consent
    of the tenant, and the disclosure gate locks exactly the consents it reads. Written with the
    record (:func:`_holder_covered` adds the holder's row); never edited by hand."""

    __tablename__ = "consent_coverage"
    __tenant_table_args__ = (
        UniqueConstraint("consent_id", "person_id"),
        Index("ix_consent_coverage_tenant_id_person_id", "tenant_id", "person_id", "consent_id"),
        tenant_foreign_key("consent_id", "consent_record", ondelete="CASCADE"),
        tenant_foreign_key("person_id", "person", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(Integer, nullable=False)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False)


@event.listens_for(Session, "before_flush", insert=True)
def _holder_covered(session, flush_context, instances):
    """Every new record covers its holder; its coverage rows belong to the record's tenant.
    Runs before the tenant stamp (``insert=True``), which then stamps what is still unset."""
    for obj in list(session.new):
        if not isinstance(obj, ConsentRecord) or obj.person_id is None:
            continue
        if not any(row.person_id == obj.person_id for row in obj.coverage):
            obj.coverage.append(ConsentCoverage(person_id=obj.person_id))
        for row in obj.coverage:
            if row.tenant_id is None:
                row.tenant_id = obj.tenant_id


class ConsentRevocation(TenantScoped, Model):
    """A revocation (whole consent, or single recipients), effective from ``received_on``."""

    __tablename__ = "consent_revocation"
    __tenant_table_args__ = (
        tenant_foreign_key("consent_id", "consent_record", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Empty = the whole consent; otherwise the recipient keys withdrawn.
    recipient_keys: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class Disclosure(TenantScoped, Model):
    """One row per disclosure of personal data: the register the DSB reads."""

    __tablename__ = "disclosure"
    __tenant_table_args__ = (
        tenant_foreign_key("person_id", "person"),
        tenant_foreign_key("consent_id", "consent_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    case_id: Mapped[int | None] = mapped_column(Integer)
    recipient_key: Mapped[str] = mapped_column(String(60), nullable=False)
    recipient_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    data_categories: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    purpose: Mapped[str] = mapped_column(String(60), nullable=False)
    #: "consent" or "override"
    legal_basis: Mapped[str] = mapped_column(String(20), nullable=False)
    #: Indexed: deleting consents (erasure) checks the foreign key here.
    consent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    override_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: How the client confirmed this very disclosure (strict tenants): "oral" / "written".
    confirmation: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    channel: Mapped[str] = mapped_column(String(30), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
