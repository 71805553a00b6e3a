"""Input of the operator console once: a new tenant with its first administrator, host aliases,
and the re-sent set-up link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields

from core.auth.schemas import Email, LowerText
from core.schemas import LotseSchema, Slug, Text, choice
from core.tenancy.models import TENANT_KINDS

#: A host name of the public DNS (labels of letters, digits, inner hyphens; a top-level domain).
HOST_PATTERN = r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class TenantSchema(LotseSchema):
    """A new tenant and the address its first administrator is invited at."""

    slug = Slug(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        message=_l("Use lowercase letters, digits and hyphens (e.g. kreis-wesel)."),
        max_length=40,
        required=True,
        metadata={"description": "The tenant's path: /<slug>/."},
    )
    name = Text(
        max_length=200,
        required=True,
        blank=_l("Please enter a name (at most 200 characters)."),
    )
    kind = choice(
        TENANT_KINDS,
        required=True,
        error_messages={"required": _l("Please choose a kind from the list.")},
    )
    admin_email = Email(required=True, blank=_l("Please enter a valid e-mail address."))
    admin_name = Text(max_length=200, required=True, blank=_l("Please enter a name."))


class HostSchema(LotseSchema):
    """A further host name the tenant is reached at."""

    host = Slug(
        pattern=HOST_PATTERN,
        message=_l("Please enter a host name like integration.kreis-kleve.de."),
        max_length=253,
        required=True,
        blank=_l("Please enter a host name like integration.kreis-kleve.de."),
    )


class HostRemovalSchema(LotseSchema):
    host_id = fields.Integer(load_default=0)


class AdminLinkSchema(LotseSchema):
    """Re-sending the set-up link to an invited first administrator."""

    admin_email = LowerText(max_length=254, load_default="", allow_none=False)
