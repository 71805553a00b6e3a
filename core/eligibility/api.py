"""API of the Zugangsprüfung, below ``/<tenant>/api/v1/cases/<id>/access-decision``: read the
decision and the rules' suggestion, record a decision, pass changed answers."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.api.case_common import case_or_404, read, write_case
from core.api.common import actor, json_body
from core.eligibility import services
from core.eligibility.schemas import (
    AccessCheckSchema,
    AccessDecisionInputSchema,
    AccessDecisionSchema,
)
from core.schemas import ValidationError

blp = Blueprint(
    "api_access_check",
    __name__,
    url_prefix="/cases",
    description="The access check (Zugangsprüfung) of a case",
)


class AnswersSchema(Schema):
    """Answers of an access form kept outside Lotse's forms (e.g. a specialist system sending
    them). Forms filled in through the form engine update the suggestion themselves; no
    submission id is taken from the body, so no other case's submission can be referenced."""

    form_key = fields.String(load_default=services.DEFAULT_FORM)
    answers = fields.Dict(required=True)


def _state(case) -> dict:
    return {
        "decision": services.current_decision(case),
        "suggestion": services.suggestion_payload(services.assess(g.tenant, case)),
    }


@blp.route("/<int:case_id>/access-decision")
class AccessDecisionResource(MethodView):
    @blp.response(200, AccessCheckSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """The decision in force (null before one) and what the rules suggest now."""
        case = case_or_404(case_id)
        read(case, "access_check")
        return _state(case)

    @json_body(blp, AccessDecisionInputSchema)
    @blp.response(201, AccessDecisionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, case_id):
        """Record the decision: `crisis` needs `crisis_reason`, `referred` needs `referred_to`;
        admitting needs a valid consent to processing, and `admitted` needs the rules to
        admit (else only `crisis`). Errors are named by field."""
        return write_case(case_id, lambda case: services.decide(actor(), g.tenant, case, data))


@blp.route("/<int:case_id>/access-decision/answers", methods=["PUT"])
@json_body(blp, AnswersSchema)
@blp.response(200, AccessCheckSchema)
@blp.alt_response(404, response="NOT_FOUND")
def answers(data, case_id):
    """Pass the (changed) answers of an access form: the suggestion is recomputed."""
    errors = AnswersSchema().validate(data)
    if errors:
        raise ValidationError(errors)
    values = AnswersSchema().load(data)

    def write(case):
        services.reassess(
            case,
            values["answers"],
            actor(),
            form_key=values["form_key"],
            tenant=g.tenant,
        )
        return case

    case = write_case(case_id, write)
    return _state(case)
