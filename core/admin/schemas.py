"""Input (and API output) of the tenant's administration once: invitations and memberships, org
units and their locations, branding and languages, switching plugins."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from core.auth.permissions import ROLES
from core.auth.schemas import Email
from core.schemas import LotseSchema, Pattern, Slug, Text, choice, choices
from core.tenancy.models import ORG_UNIT_KINDS

#: Languages the interface exists in; German is always offered.
UI_LOCALES = ("de", "en")


class WeeklyHours(fields.Float):
    """Hours per week as people write them: ``19,5`` as well as ``19.5``."""

    default_error_messages = {
        "invalid": _l("Please enter the weekly hours as a number, e.g. 19,5."),
        "special": _l("Please enter the weekly hours as a number, e.g. 19,5."),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super()._deserialize(value, attr, data, **kwargs)


def roles(**kwargs: Any):
    """At least one role of the tenant's role list."""
    message = _l("Please choose at least one role.")
    return choices(
        ROLES,
        required=True,
        validate=validate.Length(min=1, error=message),
        error_messages={"required": message, "null": message},
        **kwargs,
    )


def org_unit(**kwargs: Any) -> fields.Integer:
    """An org unit of the tenant by id (the service checks that it exists); empty: none."""
    message = _l("Please choose an org unit from the list.")
    return fields.Integer(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": message},
        **kwargs,
    )


class InvitationSchema(LotseSchema):
    """Inviting an e-mail address into the tenant with roles."""

    email = Email(required=True, blank=_l("Please enter a valid e-mail address."))
    display_name = Text(max_length=200, required=True, blank=_l("Please enter a name."))
    roles = roles()
    org_unit_id = org_unit()


class MembershipSchema(LotseSchema):
    """Changing a member: roles, org unit, active, weekly hours (empty: full time)."""

    roles = roles()
    org_unit_id = org_unit()
    active = fields.Boolean(load_default=True)
    weekly_hours = WeeklyHours(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=60, error=_l("Please enter between 1 and 60 hours.")),
    )


# --- org units and locations ----------------------------------------------------------------


class LocationSchema(LotseSchema):
    """A location of an org unit (address on letters and pages)."""

    id = fields.Integer(dump_only=True)
    name = Text(
        max_length=200,
        required=True,
        allow_none=False,
        blank=_l("Please enter a name (at most 200 characters)."),
    )
    street = Text(max_length=200, load_default="", allow_none=False)
    postcode = Text(
        max_length=10,
        load_default="",
        allow_none=False,
        validate=[Pattern(r"^\d{5}$", error=_l("A postcode has five digits."))],
    )
    city = Text(max_length=100, load_default="", allow_none=False)
    phone = Text(max_length=60, load_default="", allow_none=False)
    email = Email(max_length=200, load_default="", allow_none=False)


class OrgUnitSchema(LotseSchema):
    """An org unit (team, municipality, Träger …), possibly below another one."""

    id = fields.Integer(dump_only=True)
    key = Slug(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        message=_l("Use lowercase letters, digits and hyphens (e.g. rt-nord)."),
        max_length=60,
        required=True,
    )
    name = Text(
        max_length=200,
        required=True,
        blank=_l("Please enter a name (at most 200 characters)."),
    )
    kind = choice(
        ORG_UNIT_KINDS,
        required=True,
        error_messages={"required": _l("Please choose a kind from the list.")},
    )
    parent_id = org_unit(metadata={"description": "The org unit it belongs to; empty: top level."})
    description = Text(max_length=2000, load_default="", allow_none=False)
    active = fields.Boolean(load_default=True)
    locations = fields.List(fields.Nested(LocationSchema), dump_only=True)


# --- branding and languages ----------------------------------------------------------------


class SettingsSchema(LotseSchema):
    """Name, colours and languages of the tenant, and the separation-of-duties exception."""

    name = Text(
        max_length=200,
        required=True,
        blank=_l("Please enter a name (at most 200 characters)."),
    )
    primary = Text(
        max_length=7,
        required=True,
        validate=[Pattern(r"^#[0-9a-fA-F]{6}$", error=_l("Please enter a colour like #0b5d7a."))],
    )
    accent = Text(
        max_length=7,
        required=True,
        validate=[Pattern(r"^#[0-9a-fA-F]{6}$", error=_l("Please enter a colour like #0b5d7a."))],
    )
    locales = choices(UI_LOCALES, load_default=list)
    default_locale = choice(UI_LOCALES, required=True)
    admin_may_hold_case_roles = fields.Boolean(load_default=False)

    @validates_schema(skip_on_field_errors=False)
    def _languages(self, data, **kwargs):
        locales = data.get("locales")
        errors: dict[str, list[str]] = {}
        if locales is not None and "de" not in locales:
            errors["locales"] = [_("German must stay available.")]
        if (
            locales is not None
            and data.get("default_locale") is not None
            and data["default_locale"] not in locales
        ):
            errors["default_locale"] = [
                _("The default language must be one of the offered languages.")
            ]
        if errors:
            raise ValidationError(errors)


# --- plugins -------------------------------------------------------------------------------


class PluginSchema(LotseSchema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    version = fields.String()
    enabled = fields.Boolean()
    requires = fields.List(fields.String())


class PluginSwitchSchema(LotseSchema):
    """On (its dependencies follow) or off (its dependants follow; the data is kept)."""

    enabled = fields.Boolean(required=True)
