"""Journal entries and attachments on the way in and out - once, for the forms and the API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.schemas import Integer, LotseSchema, RequiredText, optional_text

#: The most effort one entry can note (ten hours).
MAX_EFFORT_MINUTES = 600


class JournalEntrySchema(LotseSchema):
    """A journal entry of a case, with the effort it noted (calls with partners, research …)."""

    id = fields.Integer(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    text = RequiredText(max_length=20000, blank=_l("Please write the entry."))
    effort_minutes = Integer(
        allow_none=True,
        load_default=0,
        validate=validate.Range(min=0, max=MAX_EFFORT_MINUTES),
        metadata={"description": "Minutes spent (0 … 600)."},
    )
    author_id = fields.Integer(dump_only=True, allow_none=True)


class AttachmentSchema(LotseSchema):
    """What comes with an uploaded file (the file itself is checked by type and content)."""

    description = optional_text(300)
