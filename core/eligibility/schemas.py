"""Input and output of the Zugangsprüfung (the HTML form and the API validate alike)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validates_schema

from core.cases.models import ACCESS_OUTCOMES
from core.cases.schemas import CaseInputSchema
from core.schemas import Date, Integer, choice, optional_text

_TRUE = (True, 1, "1", "true", "yes", "on")
_FALSE = (False, 0, "0", "false", "no", "off")


class AccessDecisionInputSchema(CaseInputSchema):
    """The case manager's decision. ``admitted`` (true/false) is still understood for clients
    written before the four outcomes existed."""

    outcome = choice(
        ACCESS_OUTCOMES,
        required=True,
        error_messages={
            "required": _l("Please choose the outcome of the access check."),
            "null": _l("Please choose the outcome of the access check."),
        },
        metadata={"description": "admitted, referred, crisis (reason required) or not_admitted"},
    )
    target_groups = fields.List(
        fields.String(),
        load_default=list,
        metadata={"description": "Keys of the target groups (eligibility rules) it rests on."},
    )
    target_group = optional_text(200, metadata={"description": "Free text (older clients)."})
    reason = optional_text(4000)
    crisis_reason = optional_text(4000, metadata={"description": "Required for `crisis`."})
    referred_to = optional_text(300, metadata={"description": "Required for `referred`."})
    decided_on = Date(
        allow_none=True, load_default=None, metadata={"description": "Default: today."}
    )
    form_submission_id = Integer(allow_none=True, load_default=None)
    continue_as_referral = fields.Boolean(
        load_default=False,
        metadata={"description": "With `referred`: the case goes on as a referral counselling."},
    )

    @pre_load
    def _legacy_admitted(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict) or data.get("outcome") not in (None, ""):
            return data
        data = {k: v for k, v in data.items() if k != "admitted"} | {
            "outcome": "admitted"
            if data.get("admitted") in _TRUE
            else "not_admitted"
            if data.get("admitted") in _FALSE
            else None
        }
        if data["outcome"] is None:
            data.pop("outcome")
        return data

    @validates_schema(skip_on_field_errors=False)
    def _reasons(self, data: dict, **kwargs: Any) -> None:
        outcome = data.get("outcome")
        errors: dict[str, list] = {}
        if outcome == "crisis" and not data.get("crisis_reason"):
            errors["crisis_reason"] = [
                _l("Please say why counselling is taken up because of an acute crisis.")
            ]
        if outcome == "referred" and not data.get("referred_to"):
            errors["referred_to"] = [_l("Please say where the person is referred to.")]
        if outcome in ("admitted", "not_admitted") and not data.get("reason"):
            errors["reason"] = [_l("Please give the reason for the decision.")]
        if errors:
            raise ValidationError(errors)


class AccessDecisionSchema(Schema):
    """An access decision as the API returns it."""

    id = fields.Integer()
    case_id = fields.Integer()
    outcome = fields.String(metadata={"description": '"" while only a suggestion exists'})
    admitted = fields.Boolean()
    target_groups = fields.List(fields.String())
    target_group = fields.String()
    reason = fields.String()
    crisis_reason = fields.String()
    referred_to = fields.String()
    suggested_outcome = fields.String()
    suggested_reasons = fields.List(fields.String())
    form_submission_id = fields.Integer(allow_none=True)
    computed_at = fields.DateTime(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    actor_id = fields.Integer(allow_none=True)


class VerdictSchema(Schema):
    key = fields.String()
    label = fields.String()
    category = fields.String(metadata={"description": "condition or target_group"})
    eligible = fields.Boolean()
    reasons = fields.List(fields.String())
    hints = fields.List(fields.String())


class PrioritySchema(Schema):
    institution = fields.String()
    label = fields.String()
    reason = fields.String()
    applies = fields.Boolean(metadata={"description": "true: suggest a referral counselling"})


class SuggestionSchema(Schema):
    outcome = fields.String(metadata={"description": '"" when the tenant has no rules'})
    referred_to = fields.String()
    eligible = fields.Boolean()
    processing_consent = fields.Boolean()
    reasons = fields.List(fields.String())
    verdicts = fields.List(fields.Nested(VerdictSchema))
    priority = fields.Nested(PrioritySchema, allow_none=True)


class AccessCheckSchema(Schema):
    """The Zugangsprüfung of a case: the decision in force and the rules' current suggestion."""

    decision = fields.Nested(AccessDecisionSchema, allow_none=True)
    suggestion = fields.Nested(SuggestionSchema)
