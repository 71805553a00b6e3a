"""Case work input and output - described once, for the HTML forms and the API alike.

The services load these schemas themselves, with what the answer depends on: the tenant (its
case types, referral sources and life areas), the acting user and the case at hand (its goals,
its case manager, its Regelkreis). A schema says which values are allowed - including the ids a
user may pick ("a colleague who holds cases", "a goal of this case"); the services keep the rules
about the record's state (one open case per person, a closed case takes no contacts, the phase
requirements). An id naming a person or case the user may not open answers 404, never 422, so
nobody learns that it exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)
from sqlalchemy import select

from core.cases.models import (
    ACCESS_PATHS,
    CLOSURE_REASONS,
    CONTACT_CHANNELS,
    GOAL_STATUSES,
    ITEM_RESPONSIBLES,
    ITEM_STATUSES,
    Case,
    Goal,
)
from core.cases.settings import case_settings, regelkreis_for
from core.db import db
from core.persons.schemas import PersonSummarySchema
from core.schemas import Date, Integer, LotseSchema, RequiredText, choice, optional_text

#: Roles that hold cases; only they can be case manager, deputy, share or follow-up assignee.
CASE_ROLES = {"case_manager", "coordinator"}
#: A manual follow-up lies at most this far back or ahead (anything else is a typing error).
FOLLOW_UP_PAST = timedelta(days=366)
FOLLOW_UP_AHEAD = timedelta(days=5 * 366)


def pick_from_list() -> str:
    return _("Please choose a person from the list.")


def is_case_worker(user_id: int) -> bool:
    """A colleague who can hold cases (case management or coordination) in the bound tenant;
    anyone else - another tenant's account, the local administration - is "not in the list"."""
    from core.auth.models import Membership

    roles = db.session.scalar(
        select(Membership.roles).where(Membership.user_id == user_id, Membership.active.is_(True))
    )
    return bool(CASE_ROLES & set(roles or []))


def _id_field(description: str, **kwargs: Any) -> Integer:
    kwargs.setdefault("allow_none", True)
    kwargs.setdefault("load_default", None)
    return Integer(metadata={"description": description}, **kwargs)


def _version_field() -> Integer:
    return Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "The version you read; a newer one answers 409 with both values."},
    )


class CaseInputSchema(LotseSchema):
    """Input that depends on the tenant, the acting user and the case at hand.

    Without them (the OpenAPI description, ``form_input``) only what needs no context is checked.
    """

    def __init__(self, *, tenant=None, actor=None, case: Case | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.tenant, self.actor, self.case = tenant, actor, case

    def _regelkreis(self):
        return regelkreis_for(self.tenant) if self.tenant is not None else None

    def _settings(self):
        return case_settings(self.tenant) if self.tenant is not None else None

    def _default_to_actor(self, data: Any, field: str) -> Any:
        """An empty ``field`` means the acting user (jobs and the CLI have none)."""
        if isinstance(data, dict) and data.get(field) in (None, "") and self.actor is not None:
            data = {**data, field: getattr(self.actor, "id", None)}
        return data

    def _phase_allowed(self, phase: str) -> None:
        regelkreis = self._regelkreis()
        if self.case is None or regelkreis is None:
            return
        if phase == "closure" or regelkreis.phase(self.case.case_type, phase) is None:
            raise ValidationError(_("Please choose a value from the list."))


# --- opening and changing a case -------------------------------------------------------------


class _CaseDataSchema(CaseInputSchema):
    """Who is responsible for a case and how it came in (opening and editing share these)."""

    access_path = choice(["", *ACCESS_PATHS], load_default="", allow_none=False)
    source = optional_text(
        60,
        metadata={
            "description": "A referral source of the tenant's list (self, jobcenter, "
            "youth_office, mbe, jmd, immigration_office, … - tenants may define their own)."
        },
    )
    topic = optional_text(
        300, metadata={"description": "Required for a short counselling: the one topic."}
    )
    warm_handover = fields.Boolean(load_default=False)
    case_manager_id = _id_field("The case manager (default: you).")
    deputy_id = _id_field("The standing deputy inside the team.")
    org_unit_id = _id_field("Default: the org unit of the case manager.")

    @validates("source")
    def _source(self, value: str, **kwargs: Any) -> None:
        settings = self._settings()
        if value and settings is not None and value not in settings.sources:
            raise ValidationError(_("Please choose a value from the list."))

    @validates("case_manager_id", "deputy_id")
    def _case_worker(self, value: int | None, **kwargs: Any) -> None:
        if value is not None and not is_case_worker(value):
            raise ValidationError(pick_from_list())

    @validates("org_unit_id")
    def _org_unit(self, value: int | None, **kwargs: Any) -> None:
        from core.tenancy.models import OrgUnit

        if value is None:
            return
        if db.session.scalar(select(OrgUnit.id).where(OrgUnit.id == value)) is None:
            raise ValidationError(_("Please choose an org unit from the list."))

    @validates_schema(skip_on_field_errors=False)
    def _responsibility(self, data: dict, **kwargs: Any) -> None:
        manager, deputy = data.get("case_manager_id"), data.get("deputy_id")
        if deputy is not None and deputy == manager:
            raise ValidationError(_("Please choose another person as deputy."), "deputy_id")

    @validates_schema(skip_on_field_errors=False)
    def _topic(self, data: dict, **kwargs: Any) -> None:
        regelkreis = self._regelkreis()
        case_type = data.get("case_type") or (self.case.case_type if self.case else None)
        if regelkreis is None or case_type not in regelkreis.case_types or "topic" not in data:
            return
        if regelkreis.case_type(case_type).needs_topic and not data["topic"]:
            raise ValidationError(
                _("This kind of case is about one topic: please name it."), "topic"
            )


class CaseOpenInputSchema(_CaseDataSchema):
    """Opening a case for a person (one person, one open case)."""

    person_id = Integer(required=True)
    case_type = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={
            "description": "A case type of the tenant: case_management, short_counselling, "
            "referral_counselling, or one a plugin adds."
        },
    )
    opened_on = Date(
        allow_none=True, load_default=None, metadata={"description": "Default: today."}
    )

    @pre_load
    def _manager_default(self, data: Any, **kwargs: Any) -> Any:
        return self._default_to_actor(data, "case_manager_id")

    @validates("person_id")
    def _person(self, value: int, **kwargs: Any) -> None:
        """A person the user may not see is a 404, like one that does not exist."""
        from werkzeug.exceptions import NotFound

        from core.persons.services import ensure_person, get_person

        person = get_person(value)
        if person is None:
            raise NotFound()
        ensure_person(self.actor, person)
        self._person_found = person

    @validates("case_type")
    def _case_type(self, value: str, **kwargs: Any) -> None:
        regelkreis = self._regelkreis()
        if regelkreis is not None and value not in regelkreis.case_types:
            raise ValidationError(_("Please choose a value from the list."))

    @post_load
    def _with_person(self, data: dict, **kwargs: Any) -> dict:
        data["person"] = getattr(self, "_person_found", None)
        return data


class CaseUpdateSchema(_CaseDataSchema):
    """Changing the responsibility and access data of a case (the case form)."""

    case_manager_id = Integer(required=True, blank=_l("Please choose a person from the list."))
    version = _version_field()


#: The case data the case form changes (the conflict check compares these).
CASE_FIELDS = tuple(name for name in CaseUpdateSchema().load_fields if name not in ("version",))


class PhaseMoveOptionSchema(Schema):
    phase = fields.String()
    label = fields.String()
    backwards = fields.Boolean()


class CaseSummarySchema(Schema):
    id = fields.Integer()
    number = fields.String()
    case_type = fields.String()
    phase = fields.String()
    status = fields.String(metadata={"enum": ["open", "closed"]})
    case_manager_id = fields.Integer(allow_none=True)
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    last_activity_at = fields.DateTime()
    person = fields.Nested(PersonSummarySchema)


class CaseSchema(CaseSummarySchema):
    """The case file head as the API returns it."""

    case_type_label = fields.String()
    phase_label = fields.String()
    topic = fields.String()
    access_path = fields.String()
    source = fields.String()
    warm_handover = fields.Boolean()
    deputy_id = fields.Integer(allow_none=True)
    org_unit_id = fields.Integer(allow_none=True)
    closure_reason = fields.String()
    closure_note = fields.String()
    evaluation = fields.Dict()
    follow_up_talk_on = fields.Date(allow_none=True)
    effort_minutes = fields.Integer()
    access_reason = fields.String(
        metadata={"description": "owner, deputy, shared, substitute or supervision"}
    )
    allowed_moves = fields.List(fields.Nested(PhaseMoveOptionSchema))
    version = fields.Integer()


class CaseListArgsSchema(LotseSchema):
    status = choice(["open", "closed", "all"], load_default="open", allow_none=False)
    mine = fields.Boolean(
        load_default=False, metadata={"description": "Only own, deputised and shared cases."}
    )
    q = optional_text(200, metadata={"description": "Name of the person or case number."})
    phase = optional_text(40)
    page = Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "Old page numbers (offset); prefer `cursor`."},
    )
    cursor = optional_text(
        200,
        metadata={
            "description": "Continue the list: the `next` or `prev` value of the previous "
            "response (keyset page)."
        },
    )


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseSummarySchema))
    total = fields.Integer(metadata={"description": "Matching cases, counted up to 1 000."})
    total_capped = fields.Boolean(
        metadata={"description": "True when more than `total` (1 000) cases match."}
    )
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(
        allow_none=True,
        metadata={"description": "`cursor` of the next (older) page; null on the last page."},
    )
    prev = fields.String(
        allow_none=True,
        metadata={"description": "`cursor` of the previous (newer) page; null on the first."},
    )


# --- the Regelkreis ----------------------------------------------------------------------------


class PhaseMoveSchema(CaseInputSchema):
    """A move through the Regelkreis; going back or skipping a phase needs a reason."""

    phase = fields.String(required=True, validate=validate.Length(max=40))
    reason = optional_text(2000)
    version = _version_field()

    @validates("phase")
    def _phase(self, value: str, **kwargs: Any) -> None:
        self._phase_allowed(value)


class ConversionSchema(CaseInputSchema):
    """Converting a short or referral counselling into case management."""

    reason = RequiredText(max_length=2000, blank=_l("Please give a reason."))


class ShareSchema(CaseInputSchema):
    """A colleague the case is shared with."""

    id = fields.Integer(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    user_id = Integer(required=True, blank=_l("Please choose a person from the list."))
    shared_by_id = fields.Integer(dump_only=True, allow_none=True)

    @validates("user_id")
    def _colleague(self, value: int, **kwargs: Any) -> None:
        if not is_case_worker(value):
            raise ValidationError(pick_from_list())
        if self.case is not None and value == self.case.case_manager_id:
            raise ValidationError(_("The case manager of the case has access anyway."))


# --- closing and reopening ---------------------------------------------------------------------


def _rating(label: str) -> Integer:
    return Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=5),
        metadata={"description": f"{label}, 1 (poor) … 5 (very good)."},
    )


class CloseCaseSchema(CaseInputSchema):
    """Closing a case: reason, the JMD's five evaluation dimensions, goal ratings, a follow-up
    talk. Goal ratings travel as ``{"<goal id>": 0 … 4}``; their errors are named ``goal_<id>``
    like the form's fields."""

    closure_reason = choice(CLOSURE_REASONS, required=True)
    closure_note = optional_text(
        4000, metadata={"description": "Required when the reason is `other`."}
    )
    closed_on = Date(
        allow_none=True, load_default=None, metadata={"description": "Default: today."}
    )
    evaluation_satisfaction = _rating("Satisfaction")
    evaluation_course = _rating("Course of the counselling")
    evaluation_results = _rating("Results")
    evaluation_expectations = _rating("Expectations met")
    evaluation_mandate = _rating("Mandate fulfilled")
    evaluation_comment = optional_text(4000)
    follow_up_talk_on = Date(allow_none=True, load_default=None)
    goal_ratings = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,10}$")),
        values=fields.Integer(allow_none=True, metadata={"minimum": 0, "maximum": 4}),
        load_default=dict,
        metadata={"description": "Goal id → achievement 0 (not at all) … 4 (fully reached)."},
    )
    version = _version_field()

    @validates_schema(skip_on_field_errors=False)
    def _dates_and_reason(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("closure_reason") == "other" and not data.get("closure_note"):
            errors["closure_note"] = [_("Please describe the reason.")]
        closed_on = data.get("closed_on") or date.today()
        if "closed_on" in data and self.case is not None and closed_on < self.case.opened_on:
            errors["closed_on"] = [_("A case cannot close before it was opened.")]
        talk = data.get("follow_up_talk_on")
        if talk and "closed_on" in data and talk < closed_on:
            errors["follow_up_talk_on"] = [_("The follow-up talk must lie after the closure.")]
        if errors:
            raise ValidationError(errors)

    @validates_schema(skip_on_field_errors=False)
    def _goal_ratings(self, data: dict, **kwargs: Any) -> None:
        ratings = data.get("goal_ratings") or {}
        if not ratings or self.case is None:
            return
        known = {
            str(goal_id)
            for goal_id in db.session.scalars(select(Goal.id).where(Goal.case_id == self.case.id))
        }
        errors: dict[str, list[str]] = {}
        for key, value in ratings.items():
            if key not in known:
                errors["goal_ratings"] = [_("Please rate only goals of this case.")]
            elif value is not None and not 0 <= value <= 4:
                errors[f"goal_{key}"] = [
                    _("Please enter a number between %(min)s and %(max)s.", min=0, max=4)
                ]
        if errors:
            raise ValidationError(errors)


def goal_ratings_from_form(form) -> dict[str, str]:
    """The closure form rates each goal in a field ``goal_<id>``; the schema takes a mapping."""
    return {
        key[len("goal_") :]: value
        for key, value in form.items()
        if key.startswith("goal_") and value not in (None, "")
    }


class ReopenSchema(CaseInputSchema):
    reason = RequiredText(max_length=2000, blank=_l("Please give the reason for reopening."))
    phase = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=40),
        metadata={"description": "Default: monitoring (or the first phase of the case type)."},
    )

    @validates("phase")
    def _phase(self, value: str | None, **kwargs: Any) -> None:
        if value:
            self._phase_allowed(value)


# --- contacts, goals, help plans ---------------------------------------------------------------


class ContactSchema(CaseInputSchema):
    """A counselling contact (Beratungskontakt)."""

    id = fields.Integer(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    contact_on = Date(required=True, blank=_l("Please enter the date of the contact."))
    duration_minutes = Integer(required=True, validate=validate.Range(min=1, max=600))
    channel = choice(CONTACT_CHANNELS, required=True)
    participants = optional_text(300)
    interpreter_used = fields.Boolean(load_default=False)
    summary = optional_text(20000)
    over_limit_reason = optional_text(
        500,
        load_only=True,
        metadata={"description": "Needed beyond the session limit of a short counselling."},
    )
    author_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)

    @validates("contact_on")
    def _not_planned(self, value: date, **kwargs: Any) -> None:
        if value > date.today():
            raise ValidationError(
                _("A contact cannot lie in the future. Use a follow-up for planned dates.")
            )


class GoalSchema(CaseInputSchema):
    """A SMART goal in one life area of the tenant's catalogue."""

    id = fields.Integer(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    life_area = fields.String(
        required=True,
        validate=validate.Length(max=60),
        metadata={
            "description": "A life area of the tenant's catalogue (language, work_education, "
            "housing, health, …)."
        },
    )
    title = RequiredText(max_length=300, blank=_l("Please describe the goal."))
    indicator = optional_text(4000, metadata={"description": "How we see it is reached."})
    priority = Integer(allow_none=True, load_default=2, validate=validate.Range(min=1, max=3))
    target_date = Date(allow_none=True, load_default=None)
    status = choice(GOAL_STATUSES, load_default="open", allow_none=False)
    achievement = Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=4),
        metadata={"description": "0 (not at all) … 4 (fully reached)."},
    )
    achievement_note = optional_text(4000)
    version = fields.Integer(dump_only=True)

    @validates("life_area")
    def _life_area(self, value: str, **kwargs: Any) -> None:
        settings = self._settings()
        if settings is not None and value not in settings.life_areas:
            raise ValidationError(_("Please choose a value from the list."))

    @post_load
    def _default_priority(self, data: dict, **kwargs: Any) -> dict:
        if data.get("priority") is None:
            data["priority"] = 2
        return data


class GoalUpdateSchema(GoalSchema):
    version = _version_field()


#: The goal fields a change compares (conflicts name these).
GOAL_FIELDS = tuple(name for name in GoalSchema().load_fields)


class PlanItemSchema(CaseInputSchema):
    """A measure of the help plan: goal ↔ measure ↔ who ↔ due date ↔ status."""

    id = fields.Integer(dump_only=True)
    plan_id = fields.Integer(dump_only=True)
    item_id = _id_field("Change this item of the draft instead of adding one.", load_only=True)
    goal_id = _id_field("A goal of this case.")
    position = fields.Integer(dump_only=True)
    measure = RequiredText(max_length=2000, blank=_l("Please describe the measure."))
    responsible = choice(ITEM_RESPONSIBLES, required=True)
    partner_name = optional_text(
        200, metadata={"description": "Required when the partner is responsible."}
    )
    due_on = Date(allow_none=True, load_default=None)
    status = choice(ITEM_STATUSES, load_default="open", allow_none=False)

    @validates("goal_id")
    def _goal_of_case(self, value: int | None, **kwargs: Any) -> None:
        if value is None or self.case is None:
            return
        found = db.session.scalar(
            select(Goal.id).where(Goal.id == value, Goal.case_id == self.case.id)
        )
        if found is None:
            raise ValidationError(_("Please choose a goal of this case."))

    @validates_schema(skip_on_field_errors=False)
    def _partner(self, data: dict, **kwargs: Any) -> None:
        if data.get("responsible") == "partner" and not data.get("partner_name"):
            raise ValidationError(_("Please name the network partner."), "partner_name")


class HelpPlanSchema(Schema):
    """A version of the help plan with its measures, as the API returns it."""

    id = fields.Integer()
    case_id = fields.Integer()
    number = fields.Integer()
    status = fields.String(metadata={"enum": ["draft", "agreed", "superseded"]})
    agreed_on = fields.Date(allow_none=True)
    agreed_by_client = fields.Boolean()
    review_on = fields.Date(allow_none=True)
    note = fields.String()
    version = fields.Integer()
    items = fields.List(fields.Nested(PlanItemSchema))


class HelpPlanAgreeSchema(CaseInputSchema):
    """Agreeing the draft: it is frozen from then on."""

    agreed_on = Date(
        allow_none=True, load_default=None, metadata={"description": "Default: today."}
    )
    review_on = Date(required=True, blank=_l("Please agree a review date (Überprüfungszeitraum)."))
    agreed_by_client = fields.Boolean(load_default=False)
    version = _version_field()

    @validates_schema(skip_on_field_errors=False)
    def _review_after_agreement(self, data: dict, **kwargs: Any) -> None:
        review_on = data.get("review_on")
        if review_on and "agreed_on" in data and review_on < (data["agreed_on"] or date.today()):
            raise ValidationError(_("The review date must lie after the agreement."), "review_on")


# --- follow-ups, deputies, caseload ------------------------------------------------------------


class FollowUpSchema(CaseInputSchema):
    """A follow-up (Wiedervorlage), for a case or on its own; as the API returns it, a case the
    user cannot open shows its number only."""

    id = fields.Integer(dump_only=True)
    case_id = _id_field("The case it belongs to (none: a follow-up on its own).")
    case_number = fields.String(dump_only=True, allow_none=True)
    person_name = fields.String(dump_only=True, allow_none=True)
    assignee_id = _id_field("Who sees it in their list (default: you).")
    due_on = Date(required=True, blank=_l("Please enter the date."))
    title = RequiredText(max_length=300, blank=_l("Please enter what is to be checked."))
    kind = fields.String(dump_only=True)
    done_at = fields.DateTime(dump_only=True, allow_none=True)
    done_by_id = fields.Integer(dump_only=True, allow_none=True)

    @pre_load
    def _assignee_default(self, data: Any, **kwargs: Any) -> Any:
        return self._default_to_actor(data, "assignee_id")

    @validates("case_id")
    def _visible_case(self, value: int | None, **kwargs: Any) -> None:
        """A case the user may not open is a 404, like one that does not exist."""
        from werkzeug.exceptions import NotFound

        from core.cases import access

        if value is None:
            self._case_found = None
            return
        case = db.session.scalar(select(Case).where(Case.id == value))
        if case is None:
            raise NotFound()
        access.ensure_case(self.actor, case)
        self._case_found = case

    @validates("assignee_id")
    def _assignee(self, value: int | None, **kwargs: Any) -> None:
        if value is not None and not is_case_worker(value):
            raise ValidationError(pick_from_list())

    @validates("due_on")
    def _sensible(self, value: date, **kwargs: Any) -> None:
        today = date.today()
        start, end = today - FOLLOW_UP_PAST, today + FOLLOW_UP_AHEAD
        if not start <= value <= end:
            raise ValidationError(
                _(
                    "Please enter a date between %(start)s and %(end)s.",
                    start=start.strftime("%d.%m.%Y"),
                    end=end.strftime("%d.%m.%Y"),
                )
            )

    @validates_schema(skip_on_field_errors=False)
    def _assignee_may_open(self, data: dict, **kwargs: Any) -> None:
        """A follow-up of a case goes only to a colleague who may open it (share it first):
        the assignee's list shows the client's name."""
        from core.cases.access import may_open

        case = self._case(data)
        assignee = data.get("assignee_id")
        if case is not None and assignee is not None and not may_open(assignee, case):
            raise ValidationError(
                _(
                    "This colleague cannot open the case. Share the case with them first, or "
                    "choose someone else."
                ),
                "assignee_id",
            )

    def _case(self, data: dict) -> Case | None:
        if data.get("case_id") is None:
            return None
        return getattr(self, "_case_found", None)

    @post_load
    def _with_case(self, data: dict, **kwargs: Any) -> dict:
        data["case"] = self._case(data)
        return data


class FollowUpArgsSchema(LotseSchema):
    include_done = fields.Boolean(load_default=False)


class DeputySchema(CaseInputSchema):
    """A deputy arrangement (Vertretung) for a time of absence, at most a year."""

    absent_id = _id_field("Who is absent (default: you; others only for coordination).")
    deputy_id = Integer(required=True, blank=_l("Please choose a person from the list."))
    starts_on = Date(required=True, blank=_l("Please enter the first day."))
    ends_on = Date(required=True, blank=_l("Please enter the last day."))

    @pre_load
    def _absent_default(self, data: Any, **kwargs: Any) -> Any:
        return self._default_to_actor(data, "absent_id")

    @validates("absent_id", "deputy_id")
    def _case_worker(self, value: int | None, **kwargs: Any) -> None:
        if value is not None and not is_case_worker(value):
            raise ValidationError(pick_from_list())

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data: dict, **kwargs: Any) -> None:
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ValidationError(_("The last day cannot lie before the first day."), "ends_on")
        if starts_on and ends_on and (ends_on - starts_on).days > 366:
            raise ValidationError(_("A deputy arrangement lasts at most one year."), "ends_on")
        absent, deputy = data.get("absent_id"), data.get("deputy_id")
        if absent is not None and absent == deputy:
            raise ValidationError(_("Please choose another person as deputy."), "deputy_id")


class CaseloadRowSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    active = fields.Integer()
    ratio = fields.Integer()
    light = fields.String(metadata={"enum": ["green", "yellow", "red"]})
