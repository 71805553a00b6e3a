"""Case work tables. Every relation to another tenant-owned row uses a composite key."""

from __future__ import annotations

from datetime import date, datetime

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import CreatedAt, Model, UTCDateTime, utcnow
from core.tenancy.scoping import TenantScoped, tenant_foreign_key

CONTACT_CHANNELS = ("in_person", "phone", "email", "home_visit", "outreach", "video", "letter")
ACCESS_PATHS = ("active_outreach", "forwarded", "referral")
CLOSURE_REASONS = (
    "goals_achieved",
    "ended_by_client",
    "lack_of_cooperation",
    "structural_obstacles",
    "no_contact",
    "moved_away",
    "transferred",
    "service_ended",
    "other",
)
#: Evaluation dimensions of the JMD Arbeitshilfe (plus goal achievement, rated per goal).
EVALUATION_DIMENSIONS = ("satisfaction", "course", "results", "expectations", "mandate")
GOAL_STATUSES = ("open", "in_progress", "achieved", "partly_achieved", "not_achieved", "dropped")
ITEM_RESPONSIBLES = ("client", "case_manager", "partner")
ITEM_STATUSES = ("open", "in_progress", "done", "dropped")
FOLLOW_UP_KINDS = (
    "manual",
    "help_plan_due",
    "residence_expiry",
    "inactivity",
    "goal_review",
    "after_closure",
    "retention_due",
    "privacy_request",
    "consent_expiry",
)


class Case(TenantScoped, CreatedAt, Model):
    """One person, one case. Family members have their own cases, linked via the household."""

    __tablename__ = "case_file"
    __tenant_table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_foreign_key("person_id", "person"),
        tenant_foreign_key("org_unit_id", "org_unit"),
        # The case list reads one of these backwards (newest activity first) and stops after a
        # page: own cases, standing deputy, the coordinator's view of a status or of all cases.
        # Each ends in (last_activity_at, id), the keyset of the list (core.cases.listing).
        Index(
            "ix_case_file_manager_list",
            "tenant_id",
            "case_manager_id",
            "status",
            "last_activity_at",
            "id",
        ),
        Index(
            "ix_case_file_deputy_list", "tenant_id", "deputy_id", "status", "last_activity_at", "id"
        ),
        # The coordinator's capped count reads these index-only (the person id included).
        Index(
            "ix_case_file_status_list",
            "tenant_id",
            "status",
            "last_activity_at",
            "id",
            postgresql_include=["person_id"],
        ),
        Index(
            "ix_case_file_activity_list",
            "tenant_id",
            "last_activity_at",
            "id",
            postgresql_include=["person_id"],
        ),
        # Case-number prefix search with leakproof byte-order comparisons (see PersonNameToken).
        Index(
            "ix_case_file_number_prefix",
            "tenant_id",
            "number",
            postgresql_ops={"number": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human case number, unique per tenant ("2026-0042").
    number: Mapped[str] = mapped_column(String(20), nullable=False)
    person_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    #: case_management | short_counselling | referral_counselling | a tenant type from a hook.
    case_type: Mapped[str] = mapped_column(String(40), nullable=False)
    phase: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="open", nullable=False, index=True)
    #: Kurzberatung: the one topic it is about.
    topic: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    access_path: Mapped[str] = mapped_column(String(30), default="", nullable=False)
    #: Referral source (tenant list: JC, Jugendamt, MBE, Ehrenamt, Selbstmelder*in …).
    source: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    warm_handover: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    case_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    org_unit_id: Mapped[int | None] = mapped_column(Integer)
    #: Standing deputy inside the team (time-boxed Vertretungen live in CaseDeputy).
    deputy_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    last_activity_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, nullable=False
    )
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    closure_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: {"satisfaction": 1–5, …, "comment": "…"} – the JMD's five dimensions.
    evaluation: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    follow_up_talk_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    person = relationship(
        "Person", primaryjoin="foreign(Case.person_id) == Person.id", viewonly=True
    )
    org_unit = relationship(
        "OrgUnit", primaryjoin="foreign(Case.org_unit_id) == OrgUnit.id", viewonly=True
    )
    case_manager = relationship("User", foreign_keys=[case_manager_id], viewonly=True)
    deputy = relationship("User", foreign_keys=[deputy_id], viewonly=True)


def _case_fk(table_args=()):
    return (tenant_foreign_key("case_id", "case_file", ondelete="CASCADE"), *table_args)


class PhaseTransition(TenantScoped, Model):
    """Every move through the Regelkreis: who, when, why (going back included)."""

    __tablename__ = "phase_transition"
    __tenant_table_args__ = _case_fk()

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    from_phase: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    to_phase: Mapped[str] = mapped_column(String(40), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    backwards: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


#: Outcomes of the Zugangsprüfung (the Fazit of an access checklist): admitted, referred to
#: another service, admitted as an acute crisis (reason mandatory), not admitted.
ACCESS_OUTCOMES = ("admitted", "referred", "crisis", "not_admitted")
#: Outcomes that admit the person to case management.
ADMITTING_OUTCOMES = ("admitted", "crisis")


class AccessDecision(TenantScoped, CreatedAt, Model):
    """Result of the Zugangsprüfung: the rules' suggestion (recomputed when the answers change)
    and the case manager's decision. A row with an empty ``outcome`` holds a suggestion that no
    one has decided on yet; the newest row with an outcome is the decision in force."""

    __tablename__ = "access_decision"
    __tenant_table_args__ = _case_fk()

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    admitted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    #: One of ACCESS_OUTCOMES; "" while only a suggestion exists.
    outcome: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    target_group: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    #: Keys of the eligibility rules (target groups) the decision rests on.
    target_groups: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: "Akute Krise – aufgenommen, weil …": mandatory for a crisis admission.
    crisis_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: "verwiesen an …": the service the person was referred to.
    referred_to: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    #: What the rules suggested (one of ACCESS_OUTCOMES) and why, when last computed.
    suggested_outcome: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    suggested_reasons: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    #: The answers the suggestion was computed from (the access form's fields).
    answers: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: The form submission the answers came from (the form engine's id; no foreign key yet).
    form_submission_id: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_on: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Contact(TenantScoped, CreatedAt, Model):
    """A counselling contact (Beratungskontakt)."""

    __tablename__ = "contact"
    __tenant_table_args__ = _case_fk()

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    contact_on: Mapped[date] = mapped_column(Date, nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    participants: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    summary: Mapped[str] = mapped_column(Text, default="", nullable=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class Goal(TenantScoped, CreatedAt, Model):
    """A SMART goal in one life area (tenant catalogue; free text always allowed)."""

    __tablename__ = "goal"
    __tenant_table_args__ = _case_fk()

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    life_area: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    #: How we recognise it is reached (the "M" of SMART).
    indicator: Mapped[str] = mapped_column(Text, default="", nullable=False)
    priority: Mapped[int] = mapped_column(Integer, default=2, nullable=False)
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open", nullable=False)
    #: 0 (not at all) … 4 (fully reached); set when reviewed or at closure.
    achievement: Mapped[int | None] = mapped_column(Integer)
    achievement_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class HelpPlan(TenantScoped, CreatedAt, Model):
    """A version of the help plan (Hilfeplan / Integrationsförderplan). Once agreed it is frozen;
    changes make a new version."""

    __tablename__ = "help_plan"
    __tenant_table_args__ = _case_fk((UniqueConstraint("tenant_id", "case_id", "number"),))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(
        String(20), default="draft", nullable=False
    )  # draft | agreed | superseded
    agreed_on: Mapped[date | None] = mapped_column(Date)
    agreed_by_client: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    review_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    items: Mapped[list[HelpPlanItem]] = relationship(
        primaryjoin="foreign(HelpPlanItem.plan_id) == HelpPlan.id",
        order_by="HelpPlanItem.position",
        cascade="all, delete-orphan",
    )


class HelpPlanItem(TenantScoped, Model):
    """Goal ↔ measure ↔ who ↔ due date ↔ status."""

    __tablename__ = "help_plan_item"
    __tenant_table_args__ = (
        tenant_foreign_key("plan_id", "help_plan", ondelete="CASCADE"),
        tenant_foreign_key("goal_id", "goal", ondelete="SET NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    #: Indexed: deleting goals (erasure) sets it to NULL through the foreign key.
    goal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    measure: Mapped[str] = mapped_column(Text, nullable=False)
    responsible: Mapped[str] = mapped_column(String(20), nullable=False)
    partner_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open", nullable=False)

    goal = relationship(
        "Goal", primaryjoin="foreign(HelpPlanItem.goal_id) == Goal.id", viewonly=True
    )


class FollowUp(TenantScoped, CreatedAt, Model):
    """A Wiedervorlage: a date on which something must be looked at again."""

    __tablename__ = "follow_up"
    __tenant_table_args__ = _case_fk((UniqueConstraint("tenant_id", "source_key"),))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), default="manual", nullable=False)
    #: For automatic follow-ups: what created it ("plan-item:17"), so jobs stay idempotent.
    source_key: Mapped[str | None] = mapped_column(String(80))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class CaseShare(TenantScoped, CreatedAt, Model):
    """A colleague the case manager shared the case with (e.g. a tandem)."""

    __tablename__ = "case_share"
    __tenant_table_args__ = _case_fk(
        (
            UniqueConstraint("tenant_id", "case_id", "user_id"),
            # "Shared with me" in the case list: the user's shares without touching the case.
            Index("ix_case_share_user_case", "user_id", "case_id"),
        )
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    shared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class Deputy(TenantScoped, CreatedAt, Model):
    """Vertretung: ``deputy`` may work on all cases of ``absent`` between two dates. Across org
    units it takes effect only after both leads (coordinators) approved."""

    __tablename__ = "deputy"

    id: Mapped[int] = mapped_column(primary_key=True)
    absent_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    deputy_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    cross_unit: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    approved_by_absent_lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    approved_by_deputy_lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    @property
    def approved(self) -> bool:
        if not self.cross_unit:
            return True
        return bool(self.approved_by_absent_lead_id and self.approved_by_deputy_lead_id)


class CaseNumberCounter(TenantScoped, Model):
    """The last case number issued in one tenant and year (content-free)."""

    __tablename__ = "case_number_counter"
    __tenant_table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
