"""Tenant administration services (used by the admin views, the API and the CLI)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.auth import services as auth
from core.auth.models import Membership, User
from core.auth.services import ValidationError
from core.auth.sessions import revoke_all
from core.db import db
from core.tenancy.models import ORG_UNIT_KINDS, Location, OrgUnit

_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_POSTCODE = re.compile(r"^(\d{5})?$")


def members(tenant) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).join(User, User.id == Membership.user_id).order_by(User.display_name)
        )
    )


def get_member(tenant, membership_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.id == membership_id))


def _org_unit_id(value) -> int | None:
    if value in (None, "", "0"):
        return None
    try:
        unit_id = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"org_unit_id": [_("Please choose an org unit from the list.")]}) from None
    if db.session.scalar(select(OrgUnit).where(OrgUnit.id == unit_id)) is None:
        raise ValidationError({"org_unit_id": [_("Please choose an org unit from the list.")]})
    return unit_id


def invite_member(tenant, actor, *, email, display_name, roles, org_unit_id=None) -> tuple[Membership, str | None]:
    """Add a member. New accounts get a one-time set-up link (returned); admins never pick passwords."""
    roles = auth.validate_roles(roles)
    if not roles:
        raise ValidationError({"roles": [_("Please choose at least one role.")]})
    unit_id = _org_unit_id(org_unit_id)
    user = auth.find_user(email)
    token = None
    if user is None:
        user = auth.create_user(email, display_name)
        token = auth.issue_setup_token(user)
    elif user.is_platform_operator:
        raise ValidationError({"email": [_("Operator accounts cannot be members of a tenant.")]})
    membership = auth.add_membership(user, tenant, roles, unit_id)
    audit.record("admin.member_added", actor=actor, obj=membership, roles=roles, new_account=token is not None)
    return membership, token


def _weekly_hours(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        hours = float(str(value).replace(",", "."))
    except ValueError:
        raise ValidationError({"weekly_hours": [_("Please enter the weekly hours as a number, e.g. 19,5.")]}) from None
    if not 1 <= hours <= 60:
        raise ValidationError({"weekly_hours": [_("Please enter between 1 and 60 hours.")]})
    return hours


def update_member(tenant, actor, membership: Membership, *, roles, org_unit_id, active: bool, weekly_hours=None) -> None:
    membership.weekly_hours = _weekly_hours(weekly_hours)
    roles = auth.validate_roles(roles)
    if not roles:
        raise ValidationError({"roles": [_("Please choose at least one role.")]})
    unit_id = _org_unit_id(org_unit_id)
    if membership.user_id == actor.id and ("tenant_admin" not in roles or not active):
        raise ValidationError({"roles": [_("You cannot remove your own administration rights.")]})
    changed_roles = sorted(roles) != sorted(membership.roles) or active != membership.active
    membership.roles = roles
    membership.org_unit_id = unit_id
    membership.active = active
    if changed_roles:
        # Rights change on the very next request: sessions in this tenant end.
        revoke_all(membership.user_id, tenant_id=tenant.id)
    audit.record("admin.member_changed", actor=actor, obj=membership, roles=roles, active=active)


def reset_link(tenant, actor, membership: Membership) -> str:
    user = db.session.get(User, membership.user_id)
    token = auth.issue_setup_token(user)
    audit.record("admin.password_reset_issued", actor=actor, obj=membership)
    return token


def end_sessions(tenant, actor, membership: Membership) -> int:
    ended = revoke_all(membership.user_id, tenant_id=tenant.id)
    audit.record("admin.sessions_ended", actor=actor, obj=membership, count=ended)
    return ended


# --- org units -------------------------------------------------------------------------------


def org_units() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)))


def org_unit_tree() -> list[tuple[int, OrgUnit]]:
    """(depth, unit) pairs in tree order for indented display."""
    units = org_units()
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[int, OrgUnit]] = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            out.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return out


def save_org_unit(tenant, actor, unit: OrgUnit | None, data: dict) -> OrgUnit:
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    key = (data.get("key") or "").strip().lower()
    kind = data.get("kind") or ""
    description = (data.get("description") or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("Please enter a name (at most 200 characters).")]
    if not _KEY.match(key) or len(key) > 60:
        errors["key"] = [_("Use lowercase letters, digits and hyphens (e.g. rt-nord).")]
    elif db.session.scalar(select(OrgUnit).where(OrgUnit.key == key, OrgUnit.id != (unit.id if unit else -1))):
        errors["key"] = [_("This key is used by another org unit.")]
    if kind not in ORG_UNIT_KINDS:
        errors["kind"] = [_("Please choose a kind from the list.")]
    if len(description) > 2000:
        errors["description"] = [_("At most 2000 characters.")]
    parent_id = None
    try:
        parent_id = _org_unit_id(data.get("parent_id"))
    except ValidationError as exc:
        errors["parent_id"] = exc.errors["org_unit_id"]
    if unit is not None and parent_id is not None:
        ancestor = db.session.get(OrgUnit, parent_id)
        while ancestor is not None:
            if ancestor.id == unit.id:
                errors["parent_id"] = [_("An org unit cannot be placed below itself.")]
                break
            ancestor = ancestor.parent
    if errors:
        raise ValidationError(errors)
    created = unit is None
    if created:
        unit = OrgUnit(tenant_id=tenant.id)
        db.session.add(unit)
    unit.name, unit.key, unit.kind, unit.description, unit.parent_id = name, key, kind, description, parent_id
    unit.active = bool(data.get("active", True))
    db.session.flush()
    audit.record("admin.org_unit_created" if created else "admin.org_unit_changed", actor=actor, obj=unit)
    return unit


def save_location(tenant, actor, unit: OrgUnit, location: Location | None, data: dict) -> Location:
    errors: dict[str, list[str]] = {}
    values = {f: (data.get(f) or "").strip() for f in ("name", "street", "postcode", "city", "phone", "email")}
    if not values["name"] or len(values["name"]) > 200:
        errors["name"] = [_("Please enter a name (at most 200 characters).")]
    if not _POSTCODE.match(values["postcode"]):
        errors["postcode"] = [_("A postcode has five digits.")]
    if values["email"] and not auth.EMAIL_RE.match(values["email"]):
        errors["email"] = [_("Please enter a valid e-mail address.")]
    for field, limit in (("street", 200), ("city", 100), ("phone", 60), ("email", 200)):
        if len(values[field]) > limit:
            errors[field] = [_("At most %(n)d characters.", n=limit)]
    if errors:
        raise ValidationError(errors)
    if location is None:
        location = Location(tenant_id=tenant.id, org_unit_id=unit.id)
        db.session.add(location)
    for field, value in values.items():
        setattr(location, field, value)
    db.session.flush()
    audit.record("admin.location_saved", actor=actor, obj=location, org_unit=unit.id)
    return location


# --- branding and locales --------------------------------------------------------------------


def save_settings(tenant, actor, data: dict) -> None:
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    primary = (data.get("primary") or "").strip()
    accent = (data.get("accent") or "").strip()
    locales = [loc for loc in data.get("locales", []) if loc in ("de", "en")]
    default_locale = data.get("default_locale") or ""
    if not name or len(name) > 200:
        errors["name"] = [_("Please enter a name (at most 200 characters).")]
    for field, value in (("primary", primary), ("accent", accent)):
        if not _HEX.match(value):
            errors[field] = [_("Please enter a colour like #0b5d7a.")]
    if "de" not in locales:
        errors["locales"] = [_("German must stay available.")]
    if default_locale not in locales:
        errors["default_locale"] = [_("The default language must be one of the offered languages.")]
    if errors:
        raise ValidationError(errors)
    tenant.name = name
    tenant.theme = {**(tenant.theme or {}), "primary": primary.lower(), "accent": accent.lower()}
    tenant.locales = locales
    tenant.default_locale = default_locale
    audit.record("admin.settings_changed", actor=actor, object_type="tenant", object_id=tenant.id)
