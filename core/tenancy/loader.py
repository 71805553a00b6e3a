"""``tenants/<slug>/tenant.toml`` → database. The database is the source of truth at run time;
the file seeds a tenant and can be re-applied (idempotent: org units are matched by key)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from core.db import db
from core.tenancy.models import ORG_UNIT_KINDS, TENANT_KINDS, Location, OrgUnit, Tenant, TenantHost

SLUG = validate.Regexp(
    r"^[a-z0-9]+(-[a-z0-9]+)*$", error="use lowercase letters, digits and hyphens"
)
HEX_COLOUR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="use a colour like #0b5d7a")
RESERVED_SLUGS = {"platform", "static", "api", "login", "logout", "health"}


class LocationSpec(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    street = fields.String(load_default="", validate=validate.Length(max=200))
    postcode = fields.String(load_default="", validate=validate.Regexp(r"^(\d{5})?$"))
    city = fields.String(load_default="", validate=validate.Length(max=100))
    phone = fields.String(load_default="", validate=validate.Length(max=60))
    email = fields.String(load_default="", validate=validate.Length(max=200))


class OrgUnitSpec(Schema):
    key = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(ORG_UNIT_KINDS))
    parent = fields.String(load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    locations = fields.List(fields.Nested(LocationSpec), load_default=list)


class ThemeSpec(Schema):
    primary = fields.String(load_default="#1f4e79", validate=HEX_COLOUR)
    accent = fields.String(load_default="#9a3412", validate=HEX_COLOUR)
    logo = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^static/[\w.-]+\.(svg|png)$")
    )


class TenantSpec(Schema):
    slug = fields.String(required=True, validate=[SLUG, validate.NoneOf(RESERVED_SLUGS)])
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(TENANT_KINDS))
    default_locale = fields.String(load_default="de", validate=validate.OneOf(("de", "en")))
    locales = fields.List(
        fields.String(validate=validate.OneOf(("de", "en"))), load_default=lambda: ["de", "en"]
    )
    host_aliases = fields.List(fields.String(validate=validate.Length(3, 253)), load_default=list)
    plugins = fields.List(fields.String(), load_default=list)
    theme = fields.Nested(ThemeSpec, load_default=lambda: ThemeSpec().load({}))
    settings = fields.Dict(load_default=dict)
    org_units = fields.List(fields.Nested(OrgUnitSpec), load_default=list)

    @validates_schema
    def _check(self, data, **kwargs):
        if data["default_locale"] not in data["locales"]:
            raise ValidationError("default_locale must be one of locales", "default_locale")
        seen = set()
        for unit in data["org_units"]:
            if unit["key"] in seen:
                raise ValidationError(f"org unit key {unit['key']!r} used twice", "org_units")
            if unit["parent"] is not None and unit["parent"] not in seen:
                raise ValidationError(
                    f"parent {unit['parent']!r} of {unit['key']!r} must be declared earlier",
                    "org_units",
                )
            seen.add(unit["key"])


def read_tenant_file(path: Path) -> dict:
    """Parse and validate a tenant.toml; raises ``ValidationError`` with field names."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    spec = TenantSpec().load(raw)
    if path.parent.name != spec["slug"] and path.name == "tenant.toml":
        raise ValidationError({"slug": [f"must equal the folder name {path.parent.name!r}"]})
    return spec


def apply_tenant_spec(spec: dict) -> tuple[Tenant, bool]:
    """Create or update the tenant described by ``spec``. Must run inside ``tenant_scope`` of the
    result for the org units, so it is split: the tenant row first, then :func:`apply_org_units`.
    Returns ``(tenant, created)``."""
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == spec["slug"]))
    created = tenant is None
    if tenant is None:
        tenant = Tenant(slug=spec["slug"])
        db.session.add(tenant)
    tenant.name = spec["name"]
    tenant.kind = spec["kind"]
    tenant.default_locale = spec["default_locale"]
    tenant.locales = list(spec["locales"])
    tenant.theme = dict(spec["theme"])
    tenant.settings = {**(tenant.settings or {}), **spec["settings"]}
    existing_hosts = {h.host for h in tenant.hosts}
    for host in spec["host_aliases"]:
        if host.lower() not in existing_hosts:
            tenant.hosts.append(TenantHost(host=host.lower()))
    db.session.flush()
    return tenant, created


def apply_org_units(tenant: Tenant, spec: dict) -> int:
    """Upsert org units by key (inside the tenant scope); returns how many the file holds."""
    units = {u.key: u for u in db.session.scalars(select(OrgUnit))}
    for item in spec["org_units"]:
        unit = units.get(item["key"])
        if unit is None:
            unit = OrgUnit(tenant_id=tenant.id, key=item["key"])
            db.session.add(unit)
            units[item["key"]] = unit
        unit.name = item["name"]
        unit.kind = item["kind"]
        unit.description = item["description"]
        db.session.flush()
        unit.parent_id = units[item["parent"]].id if item["parent"] else None
        known = {loc.name: loc for loc in unit.locations}
        for loc_spec in item["locations"]:
            loc = known.get(loc_spec["name"])
            if loc is None:
                loc = Location(tenant_id=tenant.id, org_unit_id=unit.id, name=loc_spec["name"])
                db.session.add(loc)
            for field in ("street", "postcode", "city", "phone", "email"):
                setattr(loc, field, loc_spec[field])
    db.session.flush()
    return len(spec["org_units"])
