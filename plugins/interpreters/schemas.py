"""Validation of interpreter entries and of the plugin's tenant settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.interpreters import _


class InterpreterSettingsSchema(Schema):
    #: How assignments are requested and billed; shown above the list.
    billing_info = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={
            "label": _("Requesting and billing"),
            "description": _(
                "Shown above the list, e.g. who approves an assignment and which rate applies."
            ),
            "multiline": True,
        },
    )
    #: Hide interpreters who have not signed the confidentiality pledge.
    only_pledged = fields.Boolean(
        load_default=False,
        metadata={"label": _("List only interpreters with a signed confidentiality pledge")},
    )


class InterpreterSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(
        required=True,
        validate=validate.Length(1, 200, error=_("Please enter a name (at most 200 characters).")),
    )
    organisation = fields.String(load_default="", validate=validate.Length(max=200))
    #: Languages with dialects, one per entry: "Arabisch (Syrisch)", "Tigrinya".
    languages = fields.List(
        fields.String(validate=validate.Length(1, 80)),
        required=True,
        validate=validate.Length(
            1, 30, error=_("Please enter between 1 and 30 languages, one per line.")
        ),
    )
    phone = fields.String(load_default="", validate=validate.Length(max=60))
    email = fields.Email(load_default="", validate=validate.Length(max=200))
    pledge_signed_on = fields.Date(load_default=None, allow_none=True)
    on_site = fields.Boolean(load_default=True)
    by_phone = fields.Boolean(load_default=False)
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    active = fields.Boolean(load_default=True)
