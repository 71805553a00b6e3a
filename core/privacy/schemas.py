"""Input and output of data-subject rights once, for the pages and the API: requests and their
decision, restriction (Art. 18), legal holds, and what the API returns (correction trail,
retention, deletion log, the Art. 15 package and the Art. 30 records)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates

from core.privacy.models import REQUEST_KINDS, REQUEST_STATUSES
from core.schemas import DateWithin, Day, LotseSchema, Text, choice

#: What a decision on a request can be (erasure is its own, four-eyes decision).
DECISIONS = ("complete", "reject", "erase")
REASON_MAX = 4000


def reason(message: Any, **kwargs: Any) -> Text:
    """A required reason; blank, missing or null all get ``message``."""
    return Text(max_length=REASON_MAX, required=True, allow_none=False, blank=message, **kwargs)


class RequestSchema(LotseSchema):
    """A data-subject request (Art. 15–21 GDPR), due one month after receipt."""

    id = fields.Integer(dump_only=True)
    person_id = fields.Integer(dump_only=True)
    kind = choice(REQUEST_KINDS, required=True)
    received_on = Day(
        load_default=None,
        allow_none=True,
        validate=DateWithin(past_years=100),
        metadata={"description": "Day the request was received; empty: today."},
    )
    due_on = fields.Date(dump_only=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(REQUEST_STATUSES))
    details = Text(max_length=REASON_MAX, load_default="", allow_none=False)
    decision_note = fields.String(dump_only=True)
    requested_by_id = fields.Integer(dump_only=True, allow_none=True)
    decided_by_id = fields.Integer(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)

    @validates("received_on")
    def _not_future(self, value, **kwargs):
        if value is not None and value > date.today():
            raise ValidationError(_("The date of receipt cannot lie in the future."))


class DecisionSchema(LotseSchema):
    """Deciding a request. ``erase`` needs a second person: not the one who recorded it."""

    decision = choice(DECISIONS, required=True)
    decision_note = Text(
        max_length=REASON_MAX,
        load_default="",
        allow_none=False,
        metadata={"description": "Required when refusing: the person must be told why."},
    )


class RestrictionSchema(LotseSchema):
    """Restricting processing (Art. 18)."""

    restriction_reason = reason(_l("Please give the reason for the restriction."))


class RestrictionStateSchema(LotseSchema):
    restricted = fields.Boolean()
    restricted_at = fields.DateTime(allow_none=True)
    restriction_reason = fields.String()


class HoldSchema(LotseSchema):
    """A legal hold: the retention job keeps the file until it is released (or ``until``)."""

    id = fields.Integer(dump_only=True)
    reason = reason(_l("Please give the reason for keeping the file."))
    until = Day(
        load_default=None,
        allow_none=True,
        validate=DateWithin(future_years=100),
        metadata={"description": "Optional end of the hold."},
    )
    released_at = fields.DateTime(dump_only=True, allow_none=True)

    @validates("until")
    def _not_past(self, value, **kwargs):
        if value is not None and value < date.today():
            raise ValidationError(_("The date must not lie in the past."))


# --- what the API returns -------------------------------------------------------------------


class ChangeSchema(LotseSchema):
    """One change of the master data (Art. 16 correction trail)."""

    id = fields.Integer()
    field = fields.String()
    old_value = fields.String()
    new_value = fields.String()
    request_id = fields.Integer(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    at = fields.DateTime()


class RetentionInfoSchema(LotseSchema):
    retention_class = fields.String()
    start_event = fields.String()
    start_on = fields.Date(allow_none=True)
    months = fields.Integer(allow_none=True)
    due_on = fields.Date(allow_none=True)
    action = fields.String()
    held = fields.Boolean()


class DueSchema(LotseSchema):
    person_id = fields.Integer()
    start_on = fields.Date()
    due_on = fields.Date()
    held = fields.Boolean()


class DuePageArgsSchema(LotseSchema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "Page of the kept result, 50 files each, by due date."},
    )


class DeletionLogSchema(LotseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    subject_ref = fields.String()
    action = fields.String()
    rule = fields.String()
    categories = fields.List(fields.String())
    row_counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    files = fields.Integer()
    request_id = fields.Integer(allow_none=True)


class RecordSchema(LotseSchema):
    table = fields.String()
    title = fields.String()
    plugin = fields.String(allow_none=True)
    fields_ = fields.List(fields.Dict(), data_key="fields")
    rows = fields.List(
        fields.Dict(),
        metadata={"description": "Every declared column; dates ISO 8601, JSON as stored."},
    )


class CategorySchema(LotseSchema):
    key = fields.String()
    title = fields.String()
    purpose = fields.String()
    legal_basis = fields.String()
    subjects = fields.String()
    recipients = fields.String()
    special = fields.String()
    special_note = fields.String()
    retention = fields.Dict()
    records = fields.List(fields.Nested(RecordSchema))


class PackageSchema(LotseSchema):
    """A person's Art. 15 / Art. 20 package (exactly the JSON download of the page)."""

    schema_version = fields.String(
        metadata={"description": "Version of core/privacy/subject_access.schema.json"}
    )
    generated_at = fields.String(metadata={"format": "date-time"})
    language = fields.String()
    tenant = fields.Dict()
    controller = fields.Dict(
        metadata={"description": "Controller, DPO, rights and authority from the privacy notice."}
    )
    subject = fields.Dict()
    household = fields.Dict(
        allow_none=True, metadata={"description": "Household name and the person's own role only."}
    )
    categories = fields.List(fields.Nested(CategorySchema))
    consents = fields.List(fields.Dict())
    disclosures = fields.List(
        fields.Dict(),
        metadata={"description": "Recipients, purpose, date, legal basis (Art. 15(1)(c))."},
    )
    requests = fields.List(fields.Dict())
    attachments = fields.List(
        fields.Dict(), metadata={"description": "Listed with checksum; contents are not embedded."}
    )
    access_log = fields.List(fields.Dict())
    retention = fields.Dict()


class ProcessingRecordSchema(LotseSchema):
    key = fields.String()
    title = fields.String()
    purpose = fields.String()
    legal_basis = fields.String()
    subjects = fields.String()
    special = fields.String()
    special_note = fields.String()
    client_data = fields.Boolean()
    fields_ = fields.List(fields.Dict(), data_key="fields")
    recipients = fields.List(fields.String())
    retention = fields.Dict(
        metadata={"description": "Retention class, start event and the tenant's period in months."}
    )
    core = fields.Boolean()
    plugins = fields.List(fields.String())
    contributed_by = fields.List(fields.String())


class RecordsDocumentSchema(LotseSchema):
    """The tenant's records of processing activities (Art. 30)."""

    tenant = fields.Dict()
    generated_at = fields.String(metadata={"format": "date-time"})
    controller = fields.Dict()
    records = fields.List(fields.Nested(ProcessingRecordSchema))
