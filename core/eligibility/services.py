"""The Zugangsprüfung as a service: gather the context, run the tenant's rules, suggest an
outcome, and record the case manager's decision.

Rules come from plugins (``lotse_eligibility_rules``): general conditions must all hold, at least
one target group must hold. The suggestion is recomputed whenever the answers change
(:func:`reassess`, :func:`on_answers_changed`); the decision is the case manager's. Two things
the rules cannot override: admission needs a valid consent to processing, and admitting someone
the rules do not admit is only possible as an acute crisis with a written reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.cases import access
from core.cases.models import ACCESS_OUTCOMES, ADMITTING_OUTCOMES, AccessDecision, Case
from core.cases.services import add_to_case, hooks_for, touch
from core.cases.settings import case_settings, regelkreis_for
from core.consent import coverage
from core.consent.models import ConsentRevocation
from core.consent.services import PROCESSING_BASES, status
from core.dates import age_on
from core.db import db, utcnow
from core.eligibility.schemas import AccessDecisionInputSchema
from core.persons import services as persons
from core.plugins.providers import (
    GENERAL_CONDITION,
    EligibilityContext,
    EligibilityRule,
    HouseholdMemberAge,
    PriorityHint,
    Verdict,
    eligibility_rules,
    evaluate_rules,
)
from core.schemas import ValidationError, load

#: The form key answers are stored under when a caller gives none.
DEFAULT_FORM = "access"

#: Priority institutions of the Vorrang check: (key, label, youngest, oldest age; None = open).
PRIORITY_INSTITUTIONS = (
    ("jmd", "Jugendmigrationsdienst (JMD)", 12, 27),
    ("mbe", "Migrationsberatung für erwachsene Zugewanderte (MBE)", 28, None),
)


# --- the context -------------------------------------------------------------------------------


def has_processing_consent(person, today: date | None = None) -> bool:
    """Does a consent processing may rest on (consent to processing, or the combined release)
    cover the person today - signed, not expired, not revoked in full?"""
    today = today or date.today()
    if getattr(person, "processing_revoked_at", None) or getattr(person, "anonymised_at", None):
        return False
    records = [
        r for r in coverage.consents_of(person.id, PROCESSING_BASES) if r.granted_on <= today
    ]
    if not records:
        return False
    revocations: dict[int, list[ConsentRevocation]] = {}
    for row in db.session.scalars(
        select(ConsentRevocation).where(ConsentRevocation.consent_id.in_([r.id for r in records]))
    ):
        revocations.setdefault(row.consent_id, []).append(row)
    return any(
        status(r, revocations.get(r.id, []), today) in ("active", "partly_revoked") for r in records
    )


def priority_check(tenant, person, today: date | None = None) -> PriorityHint | None:
    """The Vorrang check: MBE (over 27) and JMD (12–27) come first for people whose first
    residence title is younger than the tenant's ``priority_years`` (default 3). None when it
    does not apply (German citizens, no birth date, an age no institution serves)."""
    today = today or date.today()
    if person.birth_date is None or person.residence_status == "german":
        return None
    age = age_on(person.birth_date, today)
    found = next(
        (
            (key, label)
            for key, label, youngest, oldest in PRIORITY_INSTITUTIONS
            if age >= youngest and (oldest is None or age <= oldest)
        ),
        None,
    )
    if found is None:
        return None
    key, label = found
    threshold = case_settings(tenant).priority_years
    first = person.first_residence_title_on
    if first is None:
        return PriorityHint(
            key,
            label,
            _(
                "%(age)d years old; the date of the first residence title is not recorded: "
                "please check whether %(institution)s has priority (first %(years)d years).",
                age=age,
                institution=label,
                years=threshold,
            ),
            applies=False,
        )
    years = age_on(first, today)
    if years < threshold:
        return PriorityHint(
            key,
            label,
            _(
                "%(age)d years old, first residence title issued %(years)d years ago (less than "
                "%(threshold)d): %(institution)s has priority. Consider a referral counselling.",
                age=age,
                years=years,
                threshold=threshold,
                institution=label,
            ),
        )
    return PriorityHint(
        key,
        label,
        _(
            "%(age)d years old, first residence title issued %(years)d years ago (%(threshold)d or "
            "more): case management has priority over %(institution)s.",
            age=age,
            years=years,
            threshold=threshold,
            institution=label,
        ),
        applies=False,
    )


def household_ages(person, today: date) -> tuple[HouseholdMemberAge, ...]:
    """The other members of the person's household with their role and age."""
    household = persons.household_of(person)
    if household is None:
        return ()
    return tuple(
        HouseholdMemberAge(
            person_id=m.person_id,
            role=m.role,
            age=age_on(m.person.birth_date, today) if m.person.birth_date else None,
            name=m.person.full_name,
        )
        for m in persons.household_members(household)
        if m.person_id != person.id
    )


def build_context(
    tenant,
    case: Case,
    forms: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    today: date | None = None,
) -> EligibilityContext:
    """Everything the rules look at, for ``case``. ``forms`` are the answers by form key
    (default: those stored with the newest access decision row of the case)."""
    today = today or date.today()
    person = case.person
    if forms is None:
        latest = latest_row(case)
        forms = dict(latest.answers) if latest is not None else {}
    merged: dict[str, Any] = {}
    for answers in forms.values():
        if isinstance(answers, Mapping):
            merged.update(answers)
    return EligibilityContext(
        tenant=tenant,
        person=person,
        case=case,
        members=household_ages(person, today),
        answers=merged,
        settings=dict(tenant.settings or {}),
        today=today,
        processing_consent=has_processing_consent(person, today),
        priority=priority_check(tenant, person, today),
        other_answers={k: dict(v) for k, v in forms.items() if isinstance(v, Mapping)},
    )


# --- the assessment ----------------------------------------------------------------------------


@dataclass
class Assessment:
    """The rules' verdicts on one context and the outcome they suggest."""

    context: EligibilityContext
    conditions: list[tuple[EligibilityRule, Verdict]] = field(default_factory=list)
    target_groups: list[tuple[EligibilityRule, Verdict]] = field(default_factory=list)

    @property
    def has_rules(self) -> bool:
        return bool(self.conditions or self.target_groups)

    @property
    def eligible(self) -> bool:
        """All general conditions and at least one target group hold (no rules: undecided, the
        case manager decides alone - counted as eligible)."""
        conditions = all(v.eligible for _r, v in self.conditions)
        groups = not self.target_groups or any(v.eligible for _r, v in self.target_groups)
        return conditions and groups

    @property
    def eligible_groups(self) -> list[str]:
        return [r.key for r, v in self.target_groups if v.eligible]

    @property
    def consent(self) -> bool:
        return self.context.processing_consent

    @property
    def priority(self) -> PriorityHint | None:
        return self.context.priority

    @property
    def suggested_outcome(self) -> str:
        """ "" without rules; else admitted, referred (a priority institution) or not admitted."""
        if not self.has_rules:
            return ""
        if self.eligible:
            return "admitted"
        if self.priority is not None and self.priority.applies:
            return "referred"
        return "not_admitted"

    @property
    def suggested_referral(self) -> str:
        if self.suggested_outcome == "referred" and self.priority is not None:
            return self.priority.label
        return ""

    def reasons(self) -> list[str]:
        """The reasons behind the suggestion, plain sentences, conditions first."""
        out: list[str] = []
        for rule, verdict in [*self.conditions, *self.target_groups]:
            out.extend(f"{rule.label}: {reason}" for reason in verdict.reasons)
        if not self.consent:
            out.append(_("There is no valid consent to processing."))
        if self.priority is not None:
            out.append(self.priority.reason)
        return out


def assess(tenant, case: Case, forms=None, *, today: date | None = None) -> Assessment:
    """Run the tenant's rules on the case (with ``forms`` or the stored answers)."""
    context = build_context(tenant, case, forms, today=today)
    results = evaluate_rules(eligibility_rules(tenant), context)
    results.sort(key=lambda pair: (pair[0].order, pair[0].key))
    return Assessment(
        context,
        [(r, v) for r, v in results if r.category == GENERAL_CONDITION],
        [(r, v) for r, v in results if r.category != GENERAL_CONDITION],
    )


# --- reading -----------------------------------------------------------------------------------


def latest_row(case: Case) -> AccessDecision | None:
    """The newest access decision row: a decision or a suggestion waiting for one."""
    return db.session.scalar(
        select(AccessDecision)
        .where(AccessDecision.case_id == case.id)
        .order_by(AccessDecision.id.desc())
        .limit(1)
    )


def current_decision(case: Case) -> AccessDecision | None:
    """The decision in force: the newest row with an outcome."""
    return db.session.scalar(
        select(AccessDecision)
        .where(AccessDecision.case_id == case.id, AccessDecision.outcome != "")
        .order_by(AccessDecision.id.desc())
        .limit(1)
    )


def crisis_admissions(tenant, period: tuple[date, date]) -> list[AccessDecision]:
    """Admissions as an acute crisis decided within ``period`` (first and last day): reports
    count them separately from admissions by the rules."""
    first, last = period
    return list(
        db.session.scalars(
            select(AccessDecision)
            .where(
                AccessDecision.tenant_id == tenant.id,
                AccessDecision.outcome == "crisis",
                AccessDecision.decided_on >= first,
                AccessDecision.decided_on <= last,
            )
            .order_by(AccessDecision.decided_on, AccessDecision.id)
        )
    )


# --- writing -----------------------------------------------------------------------------------


def _store_suggestion(row: AccessDecision, assessment: Assessment) -> None:
    row.suggested_outcome = assessment.suggested_outcome
    row.suggested_reasons = assessment.reasons()
    row.computed_at = utcnow()


def reassess(
    case: Case,
    answers: Mapping[str, Any],
    actor,
    *,
    form_key: str = DEFAULT_FORM,
    form_submission_id: int | None = None,
    tenant=None,
) -> AccessDecision:
    """Recompute the suggestion from changed ``answers`` (of form ``form_key``). The newest row
    is updated while no one has decided on it; after a decision a new suggestion row follows,
    so the decision keeps the answers it was made on."""
    access.ensure_case(actor, case)
    tenant = tenant or case_tenant(case)
    latest = latest_row(case)
    forms = dict(latest.answers) if latest is not None else {}
    forms[form_key] = dict(answers)
    assessment = assess(tenant, case, forms)
    if latest is None or latest.outcome:
        row = AccessDecision(case_id=case.id, admitted=False, outcome="", target_groups=[])
        db.session.add(row)
    else:
        row = latest
    row.answers = forms
    row.target_groups = assessment.eligible_groups
    if form_submission_id is not None:
        row.form_submission_id = form_submission_id
    _store_suggestion(row, assessment)
    touch(case)
    db.session.flush()
    audit.record(
        "case.access_reassessed",
        actor=actor,
        obj=case,
        suggested=row.suggested_outcome or None,
        form=form_key,
    )
    return row


def on_answers_changed(
    case: Case,
    form_key: str,
    answers: Mapping[str, Any],
    actor,
    *,
    form_submission_id: int | None = None,
):
    """The form engine's hook target: answers of ``form_key`` changed. Reassesses when one of
    the tenant's rules reads that form (``EligibilityRule.forms``); else does nothing (None)."""
    tenant = case_tenant(case)
    read = {key for rule in eligibility_rules(tenant).values() for key in rule.forms}
    if form_key not in read:
        return None
    return reassess(
        case,
        answers,
        actor,
        form_key=form_key,
        form_submission_id=form_submission_id,
        tenant=tenant,
    )


def case_tenant(case: Case):
    from flask import g, has_request_context

    if has_request_context() and g.get("tenant") is not None:
        return g.tenant
    from core.tenancy.models import Tenant

    return db.session.get(Tenant, case.tenant_id)


def decide(actor, tenant, case: Case, data: Mapping[str, Any]) -> AccessDecision:
    """Record the case manager's decision. German errors at the fields, nothing stored, when:
    a crisis has no reason, a referral names no service, an admission has no consent to
    processing, or the rules do not admit and the outcome is "admitted" (only a crisis may)."""
    access.ensure_case(actor, case)
    rules = eligibility_rules(tenant)
    errors: dict[str, list[str]] = {}
    try:
        values = load(AccessDecisionInputSchema(tenant=tenant, actor=actor, case=case), data)
    except ValidationError as exc:
        # The gate's answers come with the form's, all at once.
        errors = {key: list(messages) for key, messages in exc.errors.items()}
        raw = data.get("outcome") or ""
        values = {"outcome": raw if raw in ACCESS_OUTCOMES else "", "target_groups": []}
    outcome = values["outcome"]
    unknown = [k for k in values["target_groups"] if k not in rules]
    if unknown:
        errors["target_groups"] = [_("Please choose target groups from the list.")]
    assessment = assess(tenant, case)
    if outcome in ADMITTING_OUTCOMES and not assessment.consent:
        errors.setdefault("outcome", []).append(
            _(
                "Without a valid consent to the processing of personal data no one can be "
                "admitted. Please record the consent first."
            )
        )
    if outcome == "admitted" and assessment.has_rules and not assessment.eligible:
        errors.setdefault("outcome", []).append(
            _(
                "The access conditions are not met. Admission is only possible as an acute "
                "crisis, with the reason."
            )
        )
    if errors:
        raise ValidationError(errors)
    latest = latest_row(case)
    if latest is not None and not latest.outcome:
        row = latest
    else:
        row = AccessDecision(
            case_id=case.id,
            admitted=False,
            answers=dict(latest.answers) if latest is not None else {},
            form_submission_id=latest.form_submission_id if latest is not None else None,
        )
    groups = values["target_groups"] or (
        assessment.eligible_groups if outcome in ADMITTING_OUTCOMES else []
    )
    row.outcome = outcome
    row.admitted = outcome in ADMITTING_OUTCOMES
    row.target_groups = groups
    row.target_group = (
        values["target_group"] or ", ".join(str(rules[k].label) for k in groups if k in rules)[:200]
    )
    row.reason = values["reason"]
    row.crisis_reason = values["crisis_reason"] if outcome == "crisis" else ""
    row.referred_to = values["referred_to"] if outcome == "referred" else ""
    row.decided_on = values["decided_on"] or date.today()
    row.actor_id = getattr(actor, "id", None)
    if values["form_submission_id"] is not None:
        row.form_submission_id = values["form_submission_id"]
    _store_suggestion(row, assessment)
    add_to_case(
        actor,
        case,
        row,
        "case.access_decided",
        admitted=row.admitted,
        outcome=outcome,
        suggested=row.suggested_outcome or None,
    )
    if outcome == "referred" and values["continue_as_referral"]:
        _continue_as_referral(actor, tenant, case)
    return row


def _continue_as_referral(actor, tenant, case: Case) -> None:
    """The case goes on as a Verweisberatung (the case type ``referral_counselling``)."""
    from core.cases.models import PhaseTransition

    regelkreis = regelkreis_for(tenant)
    if "referral_counselling" not in regelkreis.case_types:
        return
    old_type, old_phase = case.case_type, case.phase
    case.case_type = "referral_counselling"
    case.phase = regelkreis.first_phase("referral_counselling")
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase=old_phase,
            to_phase=case.phase,
            actor_id=getattr(actor, "id", None),
            reason=_("Continued as referral counselling after the access check"),
        )
    )
    db.session.flush()
    audit.record(
        "case.type_changed", actor=actor, obj=case, old=old_type, new="referral_counselling"
    )
    hooks_for(tenant).lotse_case_phase_changed(case=case, old=old_phase, new=case.phase)


#: The Fazit of an access checklist (``fazit`` answer) as an outcome, to prefill the decision.
FAZIT_OUTCOMES = {
    "aufgenommen": "admitted",
    "verwiesen": "referred",
    "krise": "crisis",
    "nicht_aufgenommen": "not_admitted",
}


def prefill(assessment: Assessment) -> dict[str, str]:
    """Values for the decision form: the checklist's Fazit where given, else the suggestion."""
    answers = assessment.context.answers
    outcome = FAZIT_OUTCOMES.get(str(answers.get("fazit") or ""), assessment.suggested_outcome)
    return {
        "outcome": outcome,
        "referred_to": str(answers.get("verwiesen_an") or assessment.suggested_referral),
        "crisis_reason": str(answers.get("krise_grund") or ""),
    }


def suggestion_payload(assessment: Assessment) -> dict[str, Any]:
    """The suggestion as plain values (the API's ``suggestion``)."""
    priority = assessment.priority
    return {
        "outcome": assessment.suggested_outcome,
        "referred_to": assessment.suggested_referral,
        "eligible": assessment.eligible,
        "processing_consent": assessment.consent,
        "reasons": assessment.reasons(),
        "verdicts": [
            {
                "key": rule.key,
                "label": str(rule.label),
                "category": rule.category,
                "eligible": verdict.eligible,
                "reasons": list(verdict.reasons),
                "hints": list(verdict.hints),
            }
            for rule, verdict in [*assessment.conditions, *assessment.target_groups]
        ],
        "priority": None
        if priority is None
        else {
            "institution": priority.institution,
            "label": priority.label,
            "reason": priority.reason,
            "applies": priority.applies,
        },
    }
