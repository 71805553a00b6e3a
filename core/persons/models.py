"""Persons (Klient*innen) and households."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import CreatedAt, Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped, tenant_foreign_key

GENDERS = ("female", "male", "diverse", "unspecified")

#: Residence status codes (Aufenthaltsstatus); the labels live in core.labels.
RESIDENCE_STATUSES = (
    "german",  # deutsche Staatsangehörigkeit
    "eu",  # EU-Freizügigkeit
    "permit_limited",  # Aufenthaltserlaubnis (befristet)
    "permit_permanent",  # Niederlassungserlaubnis / Daueraufenthalt-EU
    "protection",  # Schutzstatus (Asyl, Flüchtling, subsidiärer Schutz)
    "gestattung",  # Aufenthaltsgestattung (Asylverfahren)
    "duldung",
    "fiktion",  # Fiktionsbescheinigung
    "visa",
    "other",
    "unknown",
)

HOUSEHOLD_ROLES = (
    "head",
    "partner",
    "parent",
    "minor_child",
    "adult_child",
    "relative_caregiver",
    "other",
)


class Person(TenantScoped, CreatedAt, Model):
    """A client. One person has one case (family members get their own, linked cases)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: Other spellings, birth name, transliterations – all searched.
    other_names: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(20), default="unspecified", nullable=False)
    nationality: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    #: Languages spoken, e.g. ["Arabisch", "Englisch"].
    languages: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: Language and dialect for the interpreter ("Kurdisch (Kurmandschi)").
    interpreter_language: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    residence_status: Mapped[str] = mapped_column(String(30), default="unknown", nullable=False)
    residence_issued_on: Mapped[date | None] = mapped_column(Date)
    #: When the first residence title was issued (Ersterteilung): the Vorrang check counts the
    #: years since then (MBE/JMD have priority in the first years).
    first_residence_title_on: Mapped[date | None] = mapped_column(Date)
    residence_valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    street: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    postcode: Mapped[str] = mapped_column(String(10), default="", nullable=False, index=True)
    city: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    phone: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    #: Phonetic (Kölner Phonetik) codes of all name parts, for duplicate search.
    name_key: Mapped[str] = mapped_column(String(400), default="", nullable=False, index=True)
    #: Folded "last first" for sorting and prefix search.
    sort_name: Mapped[str] = mapped_column(String(220), default="", nullable=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    #: Art. 18 restriction: frozen, hidden from search and lists, visible to the DSB.
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    restriction_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: Set when the file was anonymised (names replaced, free texts erased, statistics kept).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when the consent processing rests on was revoked: processing stops at once (no
    #: disclosures, no new entries); a legal hold or restriction may keep the file until it ends.
    processing_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Household(TenantScoped, CreatedAt, Model):
    """A household / family; its members keep their own cases, linked through it."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    members: Mapped[list[HouseholdMember]] = relationship(
        primaryjoin="foreign(HouseholdMember.household_id) == Household.id",
        back_populates="household",
        cascade="all, delete-orphan",
    )


class HouseholdMember(TenantScoped, Model):
    __tablename__ = "household_member"
    __tenant_table_args__ = (
        UniqueConstraint("tenant_id", "household_id", "person_id"),
        tenant_foreign_key("household_id", "household", ondelete="CASCADE"),
        tenant_foreign_key("person_id", "person", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(30), nullable=False)

    household: Mapped[Household] = relationship(
        primaryjoin="foreign(HouseholdMember.household_id) == Household.id",
        back_populates="members",
    )
    person: Mapped[Person] = relationship(
        primaryjoin="foreign(HouseholdMember.person_id) == Person.id"
    )


#: Kinds of :class:`PersonNameToken`: a folded name word, its Kölner-Phonetik code, the folded
#: sort name ("last first") as one token.
TOKEN_KINDS = ("word", "phon", "sort")


class PersonNameToken(TenantScoped, Model):
    """The name search index: one row per folded name word, phonetic code and sort name of a
    person (``core.persons.search_index`` keeps it in step with the person row).

    Searches are prefix ranges and equality on ``token`` - operators PostgreSQL marks leakproof,
    so the (tenant_id, kind, token) index is used below row-level security, where a
    ``LIKE '%…%'`` (not leakproof) could only filter every row of the tenant. The index uses
    ``text_pattern_ops``: byte order, whatever the database's collation."""

    __tablename__ = "person_name_token"
    __tenant_table_args__ = (
        # The tokens follow their person row whatever happens to it (also a renumbering, as
        # when a dump is restored): nothing of a name outlives the person.
        ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["person.tenant_id", "person.id"],
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        Index(
            "ix_person_name_token_lookup",
            "tenant_id",
            "kind",
            "token",
            postgresql_ops={"token": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    token: Mapped[str] = mapped_column(String(220), nullable=False)
