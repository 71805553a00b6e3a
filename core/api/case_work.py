"""API resources of the work inside a case: contacts, journal, goals, help plans.

They hang on the cases blueprint (``/cases/<id>/…``); the views translate between JSON and the
services the HTML views call (``core.cases.contacts``, ``goals``, ``help_plans`` and the journal
in ``core.documentation``), which validate with the domain schemas.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from core.api.case_common import case_or_404, cases_blp, read, write_case
from core.api.common import ConflictSchema, actor, json_body
from core.cases import contacts, goals
from core.cases import documents as case_documents
from core.cases import help_plans as plans
from core.cases.schemas import (
    ContactSchema,
    GoalSchema,
    GoalUpdateSchema,
    HelpPlanAgreeSchema,
    HelpPlanSchema,
    PlanItemSchema,
)
from core.documentation import services as documentation
from core.documentation.schemas import JournalEntrySchema


@cases_blp.route("/<int:case_id>/contacts")
class Contacts(MethodView):
    @cases_blp.response(200, ContactSchema(many=True))
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """Counselling contacts, newest first (the read is audited)."""
        case = case_or_404(case_id)
        read(case, "api.contacts")
        return contacts.contacts(case)

    @json_body(cases_blp, ContactSchema)
    @cases_blp.response(201, ContactSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        """Document a contact (a short counselling has a session limit)."""
        return write_case(case_id, lambda case: contacts.add_contact(actor(), g.tenant, case, data))


@cases_blp.route("/<int:case_id>/journal")
class Journal(MethodView):
    @cases_blp.response(200, JournalEntrySchema(many=True))
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """Journal entries, newest first (the read is audited)."""
        case = case_or_404(case_id)
        read(case, "api.journal")
        return documentation.journal_entries(case)

    @json_body(cases_blp, JournalEntrySchema)
    @cases_blp.response(201, JournalEntrySchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        return write_case(
            case_id, lambda case: case_documents.add_journal_entry(actor(), case, data)
        )


@cases_blp.route("/<int:case_id>/goals")
class Goals(MethodView):
    @cases_blp.response(200, GoalSchema(many=True))
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        case = case_or_404(case_id)
        read(case, "api.goals")
        return goals.goals(case)

    @json_body(cases_blp, GoalSchema)
    @cases_blp.response(201, GoalSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        return write_case(case_id, lambda case: goals.save_goal(actor(), g.tenant, case, data))


@cases_blp.route("/<int:case_id>/goals/<int:goal_id>")
class GoalItem(MethodView):
    @json_body(cases_blp, GoalUpdateSchema)
    @cases_blp.response(200, GoalSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    @cases_blp.alt_response(409, schema=ConflictSchema)
    def put(self, data, case_id, goal_id):
        """Change a goal; send the `version` you read (a newer one answers 409 with both values)."""
        return write_case(
            case_id, lambda case: goals.save_goal(actor(), g.tenant, case, data, goal_id=goal_id)
        )


@cases_blp.route("/<int:case_id>/help-plans", methods=["GET"])
@cases_blp.response(200, HelpPlanSchema(many=True))
@cases_blp.alt_response(404, response="NOT_FOUND")
def help_plans(case_id):
    """All versions of the help plan with their items, newest first."""
    case = case_or_404(case_id)
    read(case, "api.help_plans")
    return plans.plans(case)


@cases_blp.route("/<int:case_id>/help-plans/draft", methods=["POST"])
@cases_blp.response(200, HelpPlanSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def help_plan_draft(case_id):
    """The draft to edit: the open draft, or a new version copied from the agreed plan."""
    return write_case(case_id, lambda case: plans.editable_plan(actor(), case))


@cases_blp.route("/<int:case_id>/help-plans/<int:plan_id>/items", methods=["POST"])
@json_body(cases_blp, PlanItemSchema)
@cases_blp.response(201, PlanItemSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def help_plan_item(data, case_id, plan_id):
    """Add a measure to a draft (or change one with `item_id`); an agreed plan answers 422."""
    return write_case(
        case_id,
        lambda case: plans.save_plan_item(actor(), case, plans.get_plan(case, plan_id), data),
    )


@cases_blp.route("/<int:case_id>/help-plans/<int:plan_id>/agree", methods=["POST"])
@json_body(cases_blp, HelpPlanAgreeSchema)
@cases_blp.response(200, HelpPlanSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
@cases_blp.alt_response(409, schema=ConflictSchema)
def help_plan_agree(data, case_id, plan_id):
    """Freeze the draft as the agreed plan; the previous agreed version is superseded."""
    return write_case(
        case_id, lambda case: plans.agree_plan(actor(), case, plans.get_plan(case, plan_id), data)
    )
