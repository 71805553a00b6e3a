"""Input and output schemas of form submissions (API and HTML share the services; the answers
themselves are checked by the engine against the form's definition, field by field)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from core.schemas import LotseSchema, RequiredText

DATA_DESCRIPTION = (
    "The answers by field key (groups as objects, repeats as lists of objects). Their shape is "
    "the form's JSON Schema: `GET /forms/{form_key}/{form_version}/schema`."
)
#: Where the OpenAPI description points for the answers of a form.
SCHEMA_LINK = "forms/{form_key}/{form_version}/schema"


class SubmissionCreateSchema(LotseSchema):
    """Start a form for the case and save its answers as a draft, or finalise it at once."""

    form_key = RequiredText(max_length=100, blank=_l("Please choose a form."))
    form_version = fields.Integer(load_default=None, allow_none=True, strict=True)
    data = fields.Dict(
        keys=fields.String(), load_default=dict, metadata={"description": DATA_DESCRIPTION}
    )
    final = fields.Boolean(
        load_default=False,
        metadata={"description": "true: validate in full and finalise in the same call"},
    )


class SubmissionPatchSchema(LotseSchema):
    """New answers of a draft (the whole set; what is left out is cleared)."""

    data = fields.Dict(
        keys=fields.String(), required=True, metadata={"description": DATA_DESCRIPTION}
    )
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "The `version` you read: a newer one answers 409."},
    )


class FinaliseSchema(LotseSchema):
    """Finalise a draft; with ``data`` the answers are replaced first (same transaction)."""

    data = fields.Dict(
        keys=fields.String(),
        load_default=None,
        allow_none=True,
        metadata={"description": DATA_DESCRIPTION},
    )


class CorrectionSchema(LotseSchema):
    correction_reason = RequiredText(
        max_length=2000, blank=_l("Please give the reason for the correction.")
    )


class FormDefinitionSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    title = fields.String()
    description = fields.String()
    source = fields.String()
    attaches_to = fields.String(metadata={"description": "case | person | household"})
    phases = fields.List(fields.String(), metadata={"description": "Regelkreis phases"})
    client_facing = fields.Boolean()
    locales = fields.List(fields.String())
    schema_url = fields.String(metadata={"description": "The answers' JSON Schema"})


class FormListSchema(Schema):
    items = fields.List(fields.Nested(FormDefinitionSchema))


class SubmissionSchema(Schema):
    id = fields.Integer()
    form_key = fields.String()
    form_version = fields.Integer()
    form_title = fields.String()
    attaches_to = fields.String()
    case_id = fields.Integer(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    household_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "draft | final"})
    current = fields.Boolean(metadata={"description": "final and not superseded by a correction"})
    data = fields.Dict(
        metadata={"description": DATA_DESCRIPTION, "x-lotse-json-schema": SCHEMA_LINK}
    )
    computed = fields.Dict(metadata={"description": "The computed fields' values"})
    version_no = fields.Integer(metadata={"description": "1, 2, … within a correction chain"})
    correction_of_id = fields.Integer(allow_none=True)
    correction_reason = fields.String()
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    finalised_by_id = fields.Integer(allow_none=True)
    finalised_at = fields.DateTime(allow_none=True)
    superseded_at = fields.DateTime(allow_none=True)
    superseded_by_id = fields.Integer(allow_none=True)
    version = fields.Integer(metadata={"description": "Row version for PATCH (lost updates)"})


class SubmissionListSchema(Schema):
    items = fields.List(fields.Nested(SubmissionSchema))
