"""API resources of a case's life: list, open, read, the Regelkreis, close, reopen, convert,
share (the access check is ``core.eligibility.api``). ``blueprints()`` returns every blueprint
of case work: persons, cases (with the work inside a case from ``case_work``), follow-ups and
caseload.

The views translate between JSON and the services of ``core.cases`` - the functions the HTML
views call, which validate with ``core.cases.schemas`` (with the tenant and the case at hand), so
bad input comes back as field-named German messages, the same as in the forms. Every write runs
one service call and commits once.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from core.api import (
    case_work,  # noqa: F401 - registers the work inside a case on cases_blp
    follow_ups,
)
from core.api.case_common import (
    case_detail,
    case_or_404,
    case_summary,
    cases_blp,
    change_case,
    read,
    require_case_work,
    write_case,
)
from core.api.common import ConflictSchema, actor, json_body
from core.api.persons import persons_blp
from core.auth.permissions import require_permission
from core.cases import access, phases
from core.cases import services as cases
from core.cases.schemas import (
    CaseListArgsSchema,
    CaseListSchema,
    CaseOpenInputSchema,
    CaseSchema,
    CloseCaseSchema,
    ConversionSchema,
    PhaseMoveSchema,
    ReopenSchema,
    ShareSchema,
)
from core.db import db


def blueprints():
    """Every API blueprint of case work (``core.api`` registers them)."""
    return (persons_blp, cases_blp, follow_ups.follow_ups_blp, follow_ups.caseload_blp)


@cases_blp.route("")
class Cases(MethodView):
    @cases_blp.arguments(CaseListArgsSchema, location="query")
    @cases_blp.response(200, CaseListSchema)
    @cases_blp.alt_response(403, response="FORBIDDEN")
    def get(self, args):
        """Cases the user may see (coordinators: all, unless `mine=1`), newest activity first.

        Keyset pages: pass the `next` (or `prev`) value of a response as `cursor` to get the
        following (previous) page; `null` means there is none. `total` counts at most 1 000
        cases: `total_capped` is true when there are more. `page` is kept for old clients (it
        skips pages and gets slower the further it goes)."""
        require_case_work()
        listing = cases.case_list(
            actor(),
            status=args["status"],
            mine_only=args["mine"],
            search=args["q"],
            phase=args["phase"],
            page=args["page"],
            cursor=args["cursor"],
        )
        return {
            "items": [case_summary(case, person) for case, person in listing.rows],
            "total": listing.total,
            "total_capped": listing.total_capped,
            "page": args["page"],
            "per_page": cases.PER_PAGE,
            "next": listing.next,
            "prev": listing.prev,
        }

    @json_body(cases_blp, CaseOpenInputSchema)
    @cases_blp.response(201, CaseSchema)
    @cases_blp.alt_response(403, response="FORBIDDEN")
    @cases_blp.alt_response(404, response="NOT_FOUND", description="No such person.")
    def post(self, data):
        """Open a case for a person (one person, one open case)."""
        require_permission("cases.work")
        case = cases.open_case(actor(), g.tenant, data)
        db.session.commit()
        reason = access.access_reason(case, actor())
        if reason:
            access.remember_reason(case, reason)
        return case_detail(case)


@cases_blp.route("/<int:case_id>")
class CaseItem(MethodView):
    @cases_blp.response(200, CaseSchema)
    @cases_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """The case file head: phase, possible moves, person. The read is audited."""
        case = case_or_404(case_id)
        read(case, "api")
        return case_detail(case)


@cases_blp.route("/<int:case_id>/phase", methods=["POST"])
@json_body(cases_blp, PhaseMoveSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
@cases_blp.alt_response(409, schema=ConflictSchema)
def move_phase(data, case_id):
    """Move through the Regelkreis; going back or skipping needs a `reason`."""
    return change_case(case_id, lambda case: phases.move_to_phase(actor(), g.tenant, case, data))


@cases_blp.route("/<int:case_id>/close", methods=["POST"])
@json_body(cases_blp, CloseCaseSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
@cases_blp.alt_response(409, schema=ConflictSchema)
def close(data, case_id):
    """Close the case with reason, evaluation and goal ratings."""
    return change_case(case_id, lambda case: cases.close_case(actor(), g.tenant, case, data))


@cases_blp.route("/<int:case_id>/reopen", methods=["POST"])
@json_body(cases_blp, ReopenSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def reopen(data, case_id):
    """Reopen a closed case (with a reason)."""
    return change_case(case_id, lambda case: cases.reopen_case(actor(), g.tenant, case, data))


@cases_blp.route("/<int:case_id>/convert", methods=["POST"])
@json_body(cases_blp, ConversionSchema)
@cases_blp.response(200, CaseSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def convert(data, case_id):
    """Convert a short or referral counselling into case management."""
    return change_case(
        case_id, lambda case: cases.convert_to_case_management(actor(), g.tenant, case, data)
    )


@cases_blp.route("/<int:case_id>/shares", methods=["POST"])
@json_body(cases_blp, ShareSchema)
@cases_blp.response(201, ShareSchema)
@cases_blp.alt_response(404, response="NOT_FOUND")
def share(data, case_id):
    """Share the case with a colleague of this tenant."""
    return write_case(case_id, lambda case: cases.share_case(actor(), case, data))
