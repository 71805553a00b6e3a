"""API resources of follow-ups (Wiedervorlagen) and the caseload of the case managers."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from core.api.common import actor, json_body
from core.auth.permissions import require_permission
from core.cases import caseload as caseloads
from core.cases import follow_ups
from core.cases.models import Case, FollowUp
from core.cases.schemas import CaseloadRowSchema, FollowUpArgsSchema, FollowUpSchema
from core.db import db

follow_ups_blp = Blueprint(
    "api_follow_ups", __name__, url_prefix="/follow-ups", description="Follow-ups (Wiedervorlagen)"
)
caseload_blp = Blueprint(
    "api_caseload", __name__, url_prefix="/caseload", description="Caseload of the case managers"
)


def _row(follow_up: FollowUp, case: Case | None, person) -> dict:
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


@follow_ups_blp.route("")
class FollowUps(MethodView):
    @follow_ups_blp.arguments(FollowUpArgsSchema, location="query")
    @follow_ups_blp.response(200, FollowUpSchema(many=True))
    @follow_ups_blp.alt_response(403, response="FORBIDDEN")
    def get(self, args):
        """My follow-ups, plus those of cases I deputise for today."""
        require_permission("cases.work")
        return [
            _row(f, c, p)
            for f, c, p in follow_ups.my_follow_ups(actor(), include_done=args["include_done"])
        ]

    @json_body(follow_ups_blp, FollowUpSchema)
    @follow_ups_blp.response(201, FollowUpSchema)
    @follow_ups_blp.alt_response(403, response="FORBIDDEN")
    @follow_ups_blp.alt_response(
        404, response="NOT_FOUND", description="No such case (or not visible)."
    )
    def post(self, data):
        """A follow-up, for a case (`case_id`) or on its own."""
        require_permission("cases.work")
        follow_up = follow_ups.add_follow_up(actor(), data)
        db.session.commit()
        case = db.session.get(Case, follow_up.case_id) if follow_up.case_id else None
        return _row(follow_up, case, case.person if case else None)


@follow_ups_blp.route("/<int:follow_up_id>/done", methods=["POST"])
@follow_ups_blp.response(200, FollowUpSchema)
@follow_ups_blp.alt_response(404, response="NOT_FOUND")
def follow_up_done(follow_up_id):
    """Mark done: the assignee, or someone who may open its case."""
    require_permission("cases.work")
    follow_up, case = follow_ups.mark_done(actor(), follow_up_id)
    db.session.commit()
    # An assignee who cannot open the case learns nothing about it beyond its id.
    return _row(follow_up, case, case.person if case else None)


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
            for row in caseloads.caseload(g.tenant)
        ]
