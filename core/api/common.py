"""Pieces every API module shares: the JSON body that a service validates, the 409 body."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.schemas import ValidationError
from core.web import actor as actor  # the API modules take it from here


def json_body(blp, schema: type[Schema], *, description: str | None = None):
    """Document ``schema`` as the operation's JSON body and hand the body over as it came.

    The service validates it with the same schema, with what the answer depends on (the tenant,
    the case, the record's state) - exactly as for the HTML form, so both name the same fields
    with the same German messages, all at once. A body that is not a JSON object is a 422.
    """
    body: dict[str, Any] = {
        "required": True,
        "content": {"application/json": {"schema": schema}},
    }
    if description:
        body["description"] = description

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            data = request.get_json() if request.get_data(cache=True) else {}
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise ValidationError({"_schema": [_("Please send an object.")]})
            return func(*args, data, **kwargs)  # after ``self``, as webargs does

        documented = blp.doc(requestBody=body)(wrapper)
        return blp.alt_response(422, response="UNPROCESSABLE_ENTITY")(documented)

    return decorator


class ConflictValueSchema(Schema):
    theirs = fields.Raw(allow_none=True)
    yours = fields.Raw(allow_none=True)


class ConflictSchema(Schema):
    message = fields.String()
    status = fields.Integer()
    conflicts = fields.Dict(keys=fields.String(), values=fields.Nested(ConflictValueSchema))
