"""API resources of case work: persons, cases and their documentation, follow-ups, caseload.

Views only translate between JSON and the services in ``core.cases.services`` and
``core.persons.services`` (the same functions the HTML views call); every write runs one service
call and commits once. A case (or person) of another tenant, or one the user may not open, is a
plain 404 - never a 403 that would confirm it exists. Dates travel as ISO strings ("YYYY-MM-DD")
and are parsed by the services, so bad input comes back as field-named German messages.
"""

from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.auth.permissions import require_permission
from core.auth.services import ValidationError
from core.cases import access
from core.cases import services as cases
from core.cases.models import (
    Case,
    FollowUp,
    Goal,
    HelpPlan,
    HelpPlanItem,
)
from core.cases.settings import regelkreis_for
from core.db import db
from core.persons import services as persons
from core.persons.models import GENDERS, RESIDENCE_STATUSES
from core.persons.services import _parse_date

persons_blp = Blueprint(
    "api_persons", __name__, url_prefix="/persons", description="Persons (clients)"
)
cases_blp = Blueprint(
    "api_cases",
    __name__,
    url_prefix="/cases",
    description="Cases, the Regelkreis and case documentation",
)
follow_ups_blp = Blueprint(
    "api_follow_ups", __name__, url_prefix="/follow-ups", description="Follow-ups (Wiedervorlagen)"
)
caseload_blp = Blueprint(
    "api_caseload", __name__, url_prefix="/caseload", description="Caseload of the case managers"
)


def blueprints():
    return (persons_blp, cases_blp, follow_ups_blp, caseload_blp)


def _date_in(**kwargs):
    """An ISO date as string; the services parse it (and name the field if it is bad)."""
    return fields.String(
        allow_none=True, metadata={"format": "date", "example": "2026-03-01", **kwargs}
    )


# --- schemas: persons ------------------------------------------------------------------------


class PersonSearchArgsSchema(Schema):
    q = fields.String(
        required=True,
        metadata={
            "description": 'Name as typed: "First Last" or "Last, First" '
            "(at least two letters; a birth date only ranks name matches)."
        },
    )
    birth_date = _date_in()


class DuplicateCandidateSchema(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    other_names = fields.String()
    birth_date = fields.Date(allow_none=True)
    score = fields.Integer()
    reasons = fields.List(fields.String())


def _country_codes() -> list[str]:
    from core.labels import country_names

    return ["", *sorted(country_names("de"))]


def _language_codes() -> list[str]:
    from core.labels import language_names

    return ["", *sorted(language_names("de"))]


_NATIONALITY_DOC = {
    "enum": _country_codes(),
    "description": "ISO 3166-1 alpha-2 code (XS = stateless, empty = unknown).",
}
_LANGUAGE_DOC = {
    "enum": _language_codes(),
    "description": "ISO 639-1 code, ISO 639-3 where no 639-1 code exists.",
}


class PersonInputSchema(Schema):
    first_name = fields.String()
    last_name = fields.String()
    other_names = fields.String()
    birth_date = _date_in()
    gender = fields.String(metadata={"enum": list(GENDERS)})
    nationality = fields.String(metadata=_NATIONALITY_DOC)
    languages = fields.List(
        fields.String(metadata={"enum": _LANGUAGE_DOC["enum"][1:]}),
        metadata={"description": _LANGUAGE_DOC["description"]},
    )
    interpreter_needed = fields.Boolean()
    interpreter_language = fields.String(metadata=_LANGUAGE_DOC)
    residence_status = fields.String(metadata={"enum": list(RESIDENCE_STATUSES)})
    residence_issued_on = _date_in()
    residence_valid_until = _date_in()
    street = fields.String()
    postcode = fields.String()
    city = fields.String()
    phone = fields.String()
    email = fields.String()


class PersonUpdateInputSchema(PersonInputSchema):
    version = fields.Integer(
        allow_none=True, metadata={"description": "The version you read; a newer one answers 409."}
    )


class PersonSchema(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    other_names = fields.String()
    birth_date = fields.Date(allow_none=True)
    gender = fields.String()
    nationality = fields.String(metadata=_NATIONALITY_DOC)
    languages = fields.List(
        fields.String(metadata={"enum": _LANGUAGE_DOC["enum"][1:]}),
        metadata={"description": _LANGUAGE_DOC["description"]},
    )
    interpreter_needed = fields.Boolean()
    interpreter_language = fields.String(metadata=_LANGUAGE_DOC)
    residence_status = fields.String()
    residence_issued_on = fields.Date(allow_none=True)
    residence_valid_until = fields.Date(allow_none=True)
    street = fields.String()
    postcode = fields.String()
    city = fields.String()
    phone = fields.String()
    email = fields.String()
    created_by_id = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()
    version = fields.Integer()


class ConflictValueSchema(Schema):
    theirs = fields.Raw(allow_none=True)
    yours = fields.Raw(allow_none=True)


class ConflictSchema(Schema):
    message = fields.String()
    status = fields.Integer()
    conflicts = fields.Dict(keys=fields.String(), values=fields.Nested(ConflictValueSchema))


# --- schemas: cases --------------------------------------------------------------------------


class CaseListArgsSchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "closed", "all"]))
    mine = fields.Boolean(
        load_default=False, metadata={"description": "Only own, deputised and shared cases."}
    )
    q = fields.String(
        load_default="", metadata={"description": "Name of the person or case number."}
    )
    phase = fields.String(load_default="")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class PersonSummarySchema(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.Date(allow_none=True)


class CaseSummarySchema(Schema):
    id = fields.Integer()
    number = fields.String()
    case_type = fields.String()
    phase = fields.String()
    status = fields.String()
    case_manager_id = fields.Integer(allow_none=True)
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    last_activity_at = fields.DateTime()
    person = fields.Nested(PersonSummarySchema)


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class PhaseMoveOptionSchema(Schema):
    phase = fields.String()
    label = fields.String()
    backwards = fields.Boolean()


class CaseSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    case_type = fields.String()
    case_type_label = fields.String()
    phase = fields.String()
    phase_label = fields.String()
    status = fields.String()
    topic = fields.String()
    access_path = fields.String()
    source = fields.String()
    warm_handover = fields.Boolean()
    case_manager_id = fields.Integer(allow_none=True)
    deputy_id = fields.Integer(allow_none=True)
    org_unit_id = fields.Integer(allow_none=True)
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    closure_reason = fields.String()
    closure_note = fields.String()
    evaluation = fields.Dict()
    follow_up_talk_on = fields.Date(allow_none=True)
    last_activity_at = fields.DateTime()
    effort_minutes = fields.Integer()
    access_reason = fields.String(
        metadata={"description": "owner, deputy, shared, substitute or supervision"}
    )
    allowed_moves = fields.List(fields.Nested(PhaseMoveOptionSchema))
    person = fields.Nested(PersonSummarySchema)
    version = fields.Integer()


class CaseOpenInputSchema(Schema):
    person_id = fields.Integer(required=True)
    case_type = fields.String()
    access_path = fields.String()
    source = fields.String()
    topic = fields.String()
    warm_handover = fields.Boolean()
    case_manager_id = fields.Integer(allow_none=True)
    deputy_id = fields.Integer(allow_none=True)
    org_unit_id = fields.Integer(allow_none=True)
    opened_on = _date_in()


class PhaseMoveInputSchema(Schema):
    phase = fields.String(required=True)
    reason = fields.String(load_default="")
    version = fields.Integer(allow_none=True, load_default=None)


class AccessDecisionInputSchema(Schema):
    admitted = fields.Boolean(allow_none=True)
    target_group = fields.String()
    reason = fields.String()
    decided_on = _date_in()


class AccessDecisionSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    admitted = fields.Boolean()
    target_group = fields.String()
    reason = fields.String()
    decided_on = fields.Date()
    actor_id = fields.Integer(allow_none=True)


class CloseInputSchema(Schema):
    closure_reason = fields.String()
    closure_note = fields.String()
    closed_on = _date_in()
    #: The five evaluation dimensions (EVALUATION_DIMENSIONS), each 1 … 5.
    evaluation_satisfaction = fields.Integer(allow_none=True)
    evaluation_course = fields.Integer(allow_none=True)
    evaluation_results = fields.Integer(allow_none=True)
    evaluation_expectations = fields.Integer(allow_none=True)
    evaluation_mandate = fields.Integer(allow_none=True)
    evaluation_comment = fields.String()
    follow_up_talk_on = _date_in()
    goal_ratings = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={"description": "Goal id → achievement 0 … 4."},
    )
    version = fields.Integer(allow_none=True, load_default=None)


class ReopenInputSchema(Schema):
    reason = fields.String()
    phase = fields.String()


class ReasonInputSchema(Schema):
    reason = fields.String()


class ShareInputSchema(Schema):
    user_id = fields.Integer(required=True)


class ShareSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    user_id = fields.Integer()
    shared_by_id = fields.Integer(allow_none=True)


class ContactInputSchema(Schema):
    contact_on = _date_in()
    duration_minutes = fields.Integer(allow_none=True)
    channel = fields.String()
    participants = fields.String()
    interpreter_used = fields.Boolean()
    summary = fields.String()
    over_limit_reason = fields.String(
        metadata={"description": "Needed beyond the session limit of a short counselling."}
    )


class ContactSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    contact_on = fields.Date()
    duration_minutes = fields.Integer()
    channel = fields.String()
    participants = fields.String()
    interpreter_used = fields.Boolean()
    summary = fields.String()
    author_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class JournalInputSchema(Schema):
    text = fields.String()
    effort_minutes = fields.Integer(allow_none=True)


class JournalEntrySchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    at = fields.DateTime()
    text = fields.String()
    effort_minutes = fields.Integer()
    author_id = fields.Integer(allow_none=True)


class GoalInputSchema(Schema):
    life_area = fields.String()
    title = fields.String()
    indicator = fields.String()
    priority = fields.Integer(allow_none=True)
    target_date = _date_in()
    status = fields.String()
    achievement = fields.Integer(allow_none=True)
    achievement_note = fields.String()


class GoalUpdateInputSchema(GoalInputSchema):
    version = fields.Integer(allow_none=True, load_default=None)


class GoalSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    life_area = fields.String()
    title = fields.String()
    indicator = fields.String()
    priority = fields.Integer()
    target_date = fields.Date(allow_none=True)
    status = fields.String()
    achievement = fields.Integer(allow_none=True)
    achievement_note = fields.String()
    version = fields.Integer()


class PlanItemInputSchema(Schema):
    item_id = fields.Integer(
        allow_none=True,
        load_default=None,
        metadata={"description": "Change this item of the draft instead of adding one."},
    )
    goal_id = fields.Integer(allow_none=True)
    measure = fields.String()
    responsible = fields.String()
    partner_name = fields.String()
    due_on = _date_in()
    status = fields.String()


class PlanItemSchema(Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    goal_id = fields.Integer(allow_none=True)
    position = fields.Integer()
    measure = fields.String()
    responsible = fields.String()
    partner_name = fields.String()
    due_on = fields.Date(allow_none=True)
    status = fields.String()


class HelpPlanSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    number = fields.Integer()
    status = fields.String()
    agreed_on = fields.Date(allow_none=True)
    agreed_by_client = fields.Boolean()
    review_on = fields.Date(allow_none=True)
    note = fields.String()
    version = fields.Integer()
    items = fields.List(fields.Nested(PlanItemSchema))


class AgreeInputSchema(Schema):
    agreed_on = _date_in()
    review_on = _date_in()
    agreed_by_client = fields.Boolean()
    version = fields.Integer(allow_none=True, load_default=None)


# --- schemas: follow-ups and caseload --------------------------------------------------------


class FollowUpArgsSchema(Schema):
    include_done = fields.Boolean(load_default=False)


class FollowUpInputSchema(Schema):
    case_id = fields.Integer(allow_none=True, load_default=None)
    due_on = _date_in()
    title = fields.String()
    assignee_id = fields.Integer(allow_none=True)


class FollowUpSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    case_number = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    due_on = fields.Date()
    title = fields.String()
    kind = fields.String()
    done_at = fields.DateTime(allow_none=True)
    done_by_id = fields.Integer(allow_none=True)


class CaseloadRowSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    active = fields.Integer()
    ratio = fields.Integer()
    light = fields.String(metadata={"enum": ["green", "yellow", "red"]})


# --- helpers ---------------------------------------------------------------------------------


def _actor():
    return current_user._get_current_object()


def _require_case_work() -> None:
    """Reading case lists needs case work or supervision; writing needs case work."""
    if not (access.can_work() or access.can_supervise()):
        abort(403)


def _case_or_404(case_id: int) -> Case:
    case = cases.get_case(case_id, _actor())
    if case is None:
        abort(404)
    return case


def _writable_case(case_id: int) -> Case:
    case = _case_or_404(case_id)
    if not access.can_work():
        abort(403)
    return case


def _read(case: Case, part: str) -> None:
    """Audit the read of case content (with the access reason) and commit it."""
    cases.record_read(_actor(), case, part)
    db.session.commit()


def _person_or_404(person_id: int):
    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, _actor()):
        abort(404)
    return person


def _person_summary(person) -> dict:
    return {
        "id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
    }


def _case_summary(case: Case, person) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "case_type": case.case_type,
        "phase": case.phase,
        "status": case.status,
        "case_manager_id": case.case_manager_id,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "last_activity_at": case.last_activity_at,
        "person": _person_summary(person),
    }


def _case_detail(case: Case) -> dict:
    tenant = g.tenant
    regelkreis = regelkreis_for(tenant)
    case_type = regelkreis.case_types.get(case.case_type)
    phase = regelkreis.phase(case.case_type, case.phase) if case_type else None
    out = _case_summary(case, case.person)
    out.update(
        case_type_label=str(case_type.label) if case_type else case.case_type,
        phase_label=str(phase.label) if phase else case.phase,
        topic=case.topic,
        access_path=case.access_path,
        source=case.source,
        warm_handover=case.warm_handover,
        deputy_id=case.deputy_id,
        org_unit_id=case.org_unit_id,
        closure_reason=case.closure_reason,
        closure_note=case.closure_note,
        evaluation=case.evaluation or {},
        follow_up_talk_on=case.follow_up_talk_on,
        effort_minutes=cases.effort_minutes(case),
        access_reason=g.get("case_access", {}).get(case.id, ""),
        allowed_moves=[
            {"phase": key, "label": str(label), "backwards": backwards}
            for key, label, backwards in (cases.allowed_moves(tenant, case) if case_type else [])
        ],
        version=case.version,
    )
    return out


def _follow_up_row(follow_up: FollowUp, case: Case | None, person) -> dict:
    """A case the user cannot open (``person`` None) shows its number only: no name, no text."""
    hidden = follow_up.case_id is not None and person is None
    return {
        "id": follow_up.id,
        "case_id": follow_up.case_id,
        "case_number": case.number if case else None,
        "person_name": person.full_name if person else None,
        "assignee_id": follow_up.assignee_id,
        "due_on": follow_up.due_on,
        "title": "" if hidden else follow_up.title,
        "kind": follow_up.kind,
        "done_at": follow_up.done_at,
        "done_by_id": follow_up.done_by_id,
    }


def _split_name(q: str) -> tuple[str, str]:
    """ "Last, First" or "First … Last" → (first, last)."""
    q = " ".join(q.split())
    if "," in q:
        last, first = (part.strip() for part in q.split(",", 1))
        return first, last
    parts = q.split(" ")
    return " ".join(parts[:-1]), parts[-1]


# --- persons ---------------------------------------------------------------------------------


@persons_blp.route("")
class Persons(MethodView):
    @persons_blp.arguments(PersonSearchArgsSchema, location="query")
    @persons_blp.response(200, DuplicateCandidateSchema(many=True))
    @persons_blp.alt_response(403, response="FORBIDDEN")
    def get(self, args):
        """Search before create: likely duplicates of a name (and birth date), best first."""
        require_permission("cases.work")
        errors: dict[str, list[str]] = {}
        birth_date = _parse_date(args.get("birth_date"), "birth_date", errors)
        if errors:
            raise ValidationError(errors)
        if not persons.has_name_part(args["q"], ""):
            raise ValidationError(
                {
                    "q": [
                        _(
                            "Please enter at least part of the name; a date of birth alone is not searched."
                        )
                    ]
                }
            )
        first, last = _split_name(args["q"])
        return [
            {
                "id": c.person.id,
                "first_name": c.person.first_name,
                "last_name": c.person.last_name,
                "other_names": c.person.other_names,
                "birth_date": c.person.birth_date,
                "score": c.score,
                "reasons": [str(r) for r in c.reasons],
            }
            for c in persons.find_duplicates(first, last, birth_date)
        ]

    @persons_blp.arguments(PersonInputSchema)
    @persons_blp.response(201, PersonSchema)
    @persons_blp.alt_response(403, response="FORBIDDEN")
    def post(self, data):
        """Create a person (search for duplicates first)."""
        require_permission("cases.work")
        person = persons.create_person(_actor(), data)
        db.session.commit()
        return person


@persons_blp.route("/<int:person_id>")
class PersonItem(MethodView):
    @persons_blp.response(200, PersonSchema)
    @persons_blp.alt_response(404, response="NOT_FOUND")
    def get(self, person_id):
        """A person the user sees a case of, created, or supervises."""
        return _person_or_404(person_id)

    @persons_blp.arguments(PersonUpdateInputSchema)
    @persons_blp.response(200, PersonSchema)
    @persons_blp.alt_response(404, response="NOT_FOUND")
    @persons_blp.alt_response(
        409, schema=ConflictSchema, description="Changed by someone else since `version`."
    )
    def put(self, data, person_id):
        """Change a person (PATCH semantics: omitted fields keep their values).

        Fields omitted from the body keep their stored values; a field sent empty (`""`, `null` for
        a date, `[]` for languages) is cleared. First and last name cannot be cleared. Send the
        `version` you read (a newer one answers 409 with both values).
        """
        person = _person_or_404(person_id)
        require_permission("cases.work")
        expected = data.pop("version", None)
        merged = {field: getattr(person, field) for field in persons.PERSON_FIELDS}
        merged.update(data)
        person = persons.update_person(_actor(), person, merged, expected_version=expected)
        db.session.commit()
        return person


# --- cases -----------------------------------------------------------------------------------

PER_PAGE = 50


@cases_blp.route("")
class Cases(MethodView):
    @cases_blp.arguments(CaseListArgsSchema, location="query")
    @cases_blp.response(200, CaseListSchema)
    @cases_blp.alt_response(403, response="FORBIDDEN")
    def get(self, args):
        """Cases the user may see (coordinators: all, unless `mine=1`)."""
        _require_case_work()
        rows, total = cases.case_list(
            _actor(),
            status=args["status"],
            mine_only=args["mine"],
            search=args["q"],
            phase=args["phase"],
            page=args["page"],
            per_page=PER_PAGE,
        )
        return {
            "items": [_case_summary(case, person) for case, person in rows],
            "total": total,
            "page": args["page"],
            "per_page": PER_PAGE,
        }

    @cases_blp.arguments(CaseOpenInputSchema)
    @cases_blp.response(201, CaseSchema)
    @cases_blp.alt_response(403, response="FORBIDDEN")
    @cases_blp.alt_response(404, response="NOT_FOUND", description="No such person.")
    def post(self, data):
        """Open a case for a person (one person, one open case)."""
        require_permission("cases.work")
        person = persons.get_person(data.pop("person_id"))
        if person is None:
            abort(404)
        case = cases.open_case(_actor(), g.tenant, person, data)
        db.session.commit()
        reason = access.access_reason(case, _actor())
        if reason:
            access.remember_reason(case, reason)
        return _case_detail(case)


@cases_blp.route("/<int:case_id>")
class CaseItem(MethodView):
    @cases_blp.response(200, CaseSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """The case file head: phase, possible moves, person. The read is audited."""
        case = _case_or_404(case_id)
        _read(case, "api")
        return _case_detail(case)


@cases_blp.route("/<int:case_id>/phase", methods=["POST"])
@cases_blp.arguments(PhaseMoveInputSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
@cases_blp.alt_response(409, schema=ConflictSchema)
def move_phase(data, case_id):
    """Move through the Regelkreis; going back or skipping needs a `reason`."""
    case = _writable_case(case_id)
    cases.move_to_phase(
        _actor(), g.tenant, case, data["phase"], data["reason"], expected_version=data["version"]
    )
    db.session.commit()
    return _case_detail(case)


@cases_blp.route("/<int:case_id>/access-decision", methods=["POST"])
@cases_blp.arguments(AccessDecisionInputSchema)
@cases_blp.response(201, AccessDecisionSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def access_decision(data, case_id):
    """Record the result of the access check (Zugangsprüfung)."""
    case = _writable_case(case_id)
    decision = cases.record_access_decision(_actor(), case, data)
    db.session.commit()
    return decision


@cases_blp.route("/<int:case_id>/close", methods=["POST"])
@cases_blp.arguments(CloseInputSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
@cases_blp.alt_response(409, schema=ConflictSchema)
def close(data, case_id):
    """Close the case with reason, evaluation and goal ratings."""
    case = _writable_case(case_id)
    expected = data.pop("version", None)
    ratings = data.pop("goal_ratings", None) or {}
    known = {str(goal.id) for goal in cases.goals(case)}
    unknown = [key for key in ratings if key not in known]
    if unknown:
        raise ValidationError({"goal_ratings": [_("Please rate only goals of this case.")]})
    for goal_id, value in ratings.items():
        data[f"goal_{goal_id}"] = value
    cases.close_case(_actor(), g.tenant, case, data, expected_version=expected)
    db.session.commit()
    return _case_detail(case)


@cases_blp.route("/<int:case_id>/reopen", methods=["POST"])
@cases_blp.arguments(ReopenInputSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def reopen(data, case_id):
    """Reopen a closed case (with a reason)."""
    case = _writable_case(case_id)
    cases.reopen_case(_actor(), g.tenant, case, data)
    db.session.commit()
    return _case_detail(case)


@cases_blp.route("/<int:case_id>/convert", methods=["POST"])
@cases_blp.arguments(ReasonInputSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def convert(data, case_id):
    """Convert a short or referral counselling into case management."""
    case = _writable_case(case_id)
    cases.convert_to_case_management(_actor(), g.tenant, case, data.get("reason", ""))
    db.session.commit()
    return _case_detail(case)


@cases_blp.route("/<int:case_id>/shares", methods=["POST"])
@cases_blp.arguments(ShareInputSchema)
@cases_blp.response(201, ShareSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def share(data, case_id):
    """Share the case with a colleague of this tenant."""
    case = _writable_case(case_id)
    result = cases.share_case(_actor(), case, data["user_id"])
    db.session.commit()
    return result


@cases_blp.route("/<int:case_id>/contacts")
class Contacts(MethodView):
    @cases_blp.response(200, ContactSchema(many=True))
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """Counselling contacts, newest first (the read is audited)."""
        case = _case_or_404(case_id)
        _read(case, "api.contacts")
        return cases.contacts(case)

    @cases_blp.arguments(ContactInputSchema)
    @cases_blp.response(201, ContactSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        """Document a contact (a short counselling has a session limit)."""
        case = _writable_case(case_id)
        contact = cases.add_contact(_actor(), g.tenant, case, data)
        db.session.commit()
        return contact


@cases_blp.route("/<int:case_id>/journal")
class Journal(MethodView):
    @cases_blp.response(200, JournalEntrySchema(many=True))
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """Journal entries, newest first (the read is audited)."""
        case = _case_or_404(case_id)
        _read(case, "api.journal")
        return cases.journal_entries(case)

    @cases_blp.arguments(JournalInputSchema)
    @cases_blp.response(201, JournalEntrySchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        case = _writable_case(case_id)
        entry = cases.add_journal_entry(_actor(), case, data)
        db.session.commit()
        return entry


@cases_blp.route("/<int:case_id>/goals")
class Goals(MethodView):
    @cases_blp.response(200, GoalSchema(many=True))
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        case = _case_or_404(case_id)
        _read(case, "api.goals")
        return cases.goals(case)

    @cases_blp.arguments(GoalInputSchema)
    @cases_blp.response(201, GoalSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        case = _writable_case(case_id)
        goal = cases.save_goal(_actor(), g.tenant, case, None, data)
        db.session.commit()
        return goal


@cases_blp.route("/<int:case_id>/goals/<int:goal_id>")
class GoalItem(MethodView):
    @cases_blp.arguments(GoalUpdateInputSchema)
    @cases_blp.response(200, GoalSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    @cases_blp.alt_response(409, schema=ConflictSchema)
    def put(self, data, case_id, goal_id):
        """Change a goal; send the `version` you read (a newer one answers 409 with both values)."""
        case = _writable_case(case_id)
        goal = db.session.scalar(select(Goal).where(Goal.id == goal_id, Goal.case_id == case.id))
        if goal is None:
            abort(404)
        expected = data.pop("version", None)
        goal = cases.save_goal(_actor(), g.tenant, case, goal, data, expected_version=expected)
        db.session.commit()
        return goal


def _plan_or_404(case: Case, plan_id: int) -> HelpPlan:
    plan = db.session.scalar(
        select(HelpPlan).where(HelpPlan.id == plan_id, HelpPlan.case_id == case.id)
    )
    if plan is None:
        abort(404)
    return plan


@cases_blp.route("/<int:case_id>/help-plans", methods=["GET"])
@cases_blp.response(200, HelpPlanSchema(many=True))
@cases_blp.alt_response(404, response="NOT_FOUND")
def help_plans(case_id):
    """All versions of the help plan with their items, newest first."""
    case = _case_or_404(case_id)
    _read(case, "api.help_plans")
    return cases.plans(case)


@cases_blp.route("/<int:case_id>/help-plans/draft", methods=["POST"])
@cases_blp.response(200, HelpPlanSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def help_plan_draft(case_id):
    """The draft to edit: the open draft, or a new version copied from the agreed plan."""
    case = _writable_case(case_id)
    plan = cases.editable_plan(_actor(), case)
    db.session.commit()
    return plan


@cases_blp.route("/<int:case_id>/help-plans/<int:plan_id>/items", methods=["POST"])
@cases_blp.arguments(PlanItemInputSchema)
@cases_blp.response(201, PlanItemSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def help_plan_item(data, case_id, plan_id):
    """Add a measure to a draft (or change one with `item_id`); an agreed plan answers 422."""
    case = _writable_case(case_id)
    plan = _plan_or_404(case, plan_id)
    item = None
    item_id = data.pop("item_id", None)
    if item_id is not None:
        item = db.session.scalar(
            select(HelpPlanItem).where(HelpPlanItem.id == item_id, HelpPlanItem.plan_id == plan.id)
        )
        if item is None:
            abort(404)
    item = cases.save_plan_item(_actor(), case, plan, item, data)
    db.session.commit()
    return item


@cases_blp.route("/<int:case_id>/help-plans/<int:plan_id>/agree", methods=["POST"])
@cases_blp.arguments(AgreeInputSchema)
@cases_blp.response(200, HelpPlanSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
@cases_blp.alt_response(409, schema=ConflictSchema)
def help_plan_agree(data, case_id, plan_id):
    """Freeze the draft as the agreed plan; the previous agreed version is superseded."""
    case = _writable_case(case_id)
    plan = _plan_or_404(case, plan_id)
    expected = data.pop("version", None)
    plan = cases.agree_plan(_actor(), case, plan, data, expected_version=expected)
    db.session.commit()
    return plan


# --- follow-ups ------------------------------------------------------------------------------


@follow_ups_blp.route("")
class FollowUps(MethodView):
    @follow_ups_blp.arguments(FollowUpArgsSchema, location="query")
    @follow_ups_blp.response(200, FollowUpSchema(many=True))
    @follow_ups_blp.alt_response(403, response="FORBIDDEN")
    def get(self, args):
        """My follow-ups, plus those of cases I deputise for today."""
        require_permission("cases.work")
        return [
            _follow_up_row(f, c, p)
            for f, c, p in cases.my_follow_ups(_actor(), include_done=args["include_done"])
        ]

    @follow_ups_blp.arguments(FollowUpInputSchema)
    @follow_ups_blp.response(201, FollowUpSchema)
    @follow_ups_blp.alt_response(403, response="FORBIDDEN")
    @follow_ups_blp.alt_response(
        404, response="NOT_FOUND", description="No such case (or not visible)."
    )
    def post(self, data):
        """A follow-up, for a case (`case_id`) or on its own."""
        require_permission("cases.work")
        case_id = data.pop("case_id", None)
        case = _case_or_404(case_id) if case_id is not None else None
        follow_up = cases.add_follow_up(_actor(), case, data)
        db.session.commit()
        return _follow_up_row(follow_up, case, case.person if case else None)


@follow_ups_blp.route("/<int:follow_up_id>/done", methods=["POST"])
@follow_ups_blp.response(200, FollowUpSchema)
@follow_ups_blp.alt_response(404, response="NOT_FOUND")
def follow_up_done(follow_up_id):
    """Mark done: the assignee, or someone who may open its case."""
    require_permission("cases.work")
    actor = _actor()
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.id == follow_up_id))
    if follow_up is None:
        abort(404)
    case = cases.get_case(follow_up.case_id, actor) if follow_up.case_id is not None else None
    if follow_up.assignee_id != actor.id and case is None:
        abort(404)
    cases.complete_follow_up(actor, follow_up)
    db.session.commit()
    # An assignee who cannot open the case learns nothing about it beyond its id.
    return (
        _follow_up_row(follow_up, None, None)
        if case is None
        else _follow_up_row(follow_up, case, case.person)
    )


# --- caseload --------------------------------------------------------------------------------


@caseload_blp.route("")
class Caseload(MethodView):
    @caseload_blp.response(200, CaseloadRowSchema(many=True))
    @caseload_blp.alt_response(403, response="FORBIDDEN")
    def get(self):
        """Open cases per case manager against the tenant's ratio (traffic light)."""
        require_permission("caseload.view")
        return [
            {
                "user_id": row.user.id,
                "name": row.user.display_name,
                "active": row.active,
                "ratio": row.ratio,
                "light": row.light,
            }
            for row in cases.caseload(g.tenant)
        ]
