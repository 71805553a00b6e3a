"""Tenant administration services (used by the admin views, the API and the CLI)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.auth import services as auth
from core.auth.duties import check_duties, record_case_data_grant, set_allows_both
from core.auth.models import Invitation, Membership, User
from core.auth.permissions import ROLES
from core.auth.services import ValidationError
from core.auth.sessions import revoke_all
from core.db import db, utcnow
from core.mail import services as mail
from core.tenancy.models import ORG_UNIT_KINDS, Location, OrgUnit
from core.tenancy.org_units import org_unit_tree, org_units  # noqa: F401  (admin pages and API)

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
        raise ValidationError(
            {"org_unit_id": [_("Please choose an org unit from the list.")]}
        ) from None
    if db.session.scalar(select(OrgUnit).where(OrgUnit.id == unit_id)) is None:
        raise ValidationError({"org_unit_id": [_("Please choose an org unit from the list.")]})
    return unit_id


def invitations(tenant) -> list[Invitation]:
    """Open invitations, newest first (accepted ones are members; the rest is history)."""
    return list(
        db.session.scalars(
            select(Invitation).where(*Invitation.open_now()).order_by(Invitation.created_at.desc())
        )
    )


def get_invitation(tenant, invitation_id: int) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.id == invitation_id))


def _clean_invitee(email, display_name) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    email = auth.normalise_email(email)
    display_name = (display_name or "").strip()
    if not auth.EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = [_("Please enter a valid e-mail address.")]
    if not display_name:
        errors["display_name"] = [_("Please enter a name.")]
    elif len(display_name) > 200:
        errors["display_name"] = [_("The name may have at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    return email, display_name


def invite_member(tenant, actor, *, email, display_name, roles, org_unit_id=None) -> Invitation:
    """Invite an e-mail address. Nothing the administrator sees depends on whether an account
    with that address exists (or belongs to the operator): a new account gets a set-up link by
    mail and joins when it sets its password; an existing account gets an invitation by mail and
    joins only when its owner signs in and accepts. The membership never appears silently."""
    roles = auth.validate_roles(roles)
    if not roles:
        raise ValidationError({"roles": [_("Please choose at least one role.")]})
    check_duties(tenant, roles)
    unit_id = _org_unit_id(org_unit_id)
    email, display_name = _clean_invitee(email, display_name)
    if actor is not None and email == getattr(actor, "email", None):
        raise ValidationError(
            {"email": [_("You cannot invite yourself: nobody grants themselves a role.")]}
        )
    if db.session.scalar(
        select(Membership.id).join(User, User.id == Membership.user_id).where(User.email == email)
    ):
        raise ValidationError(
            {
                "email": [
                    _(
                        "This address belongs to a member of this organisation already; "
                        "change the roles in the user list."
                    )
                ]
            }
        )
    now = utcnow()
    for earlier in db.session.scalars(select(Invitation).where(Invitation.email == email)):
        if earlier.is_open:  # a new invitation replaces the earlier one (e.g. other roles)
            earlier.withdrawn_at = now
    invitation = Invitation(
        tenant_id=tenant.id,
        email=email,
        display_name=display_name,
        roles=roles,
        org_unit_id=unit_id,
        invited_by_id=getattr(actor, "id", None),
        expires_at=now + timedelta(days=auth.INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("admin.member_invited", actor=actor, obj=invitation, roles=roles)
    user = auth.find_user(email)
    if user is None:
        user = auth.create_user(email, display_name, credential_tenant=tenant)
        auth.send_password_link(user, tenant, reason="setup")
    elif user.password_changed_at is None and auth.may_tenant_manage_credentials(user, tenant):
        # This tenant's own invitation created the account, whose set-up link was never used.
        auth.send_password_link(user, tenant, reason="setup")
    elif not user.is_platform_operator:
        roles_text = ", ".join(str(ROLES.get(r, r)) for r in roles)
        mail.invitation_mail(email, user.display_name, tenant, roles_text, user.locale)
    # An operator address: no mail and no membership, but the same answer as for anyone else.
    return invitation


def withdraw_invitation(tenant, actor, invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError({"invitation": [_("This invitation is no longer open.")]})
    invitation.withdrawn_at = utcnow()
    audit.record("admin.invitation_withdrawn", actor=actor, obj=invitation)


def _weekly_hours(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        hours = float(str(value).replace(",", "."))
    except ValueError:
        raise ValidationError(
            {"weekly_hours": [_("Please enter the weekly hours as a number, e.g. 19,5.")]}
        ) from None
    if not 1 <= hours <= 60:
        raise ValidationError({"weekly_hours": [_("Please enter between 1 and 60 hours.")]})
    return hours


def update_member(
    tenant, actor, membership: Membership, *, roles, org_unit_id, active: bool, weekly_hours=None
) -> None:
    membership.weekly_hours = _weekly_hours(weekly_hours)
    roles = auth.validate_roles(roles)
    if not roles:
        raise ValidationError({"roles": [_("Please choose at least one role.")]})
    unit_id = _org_unit_id(org_unit_id)
    before, was_active = list(membership.roles), membership.active
    if membership.user_id == getattr(actor, "id", None):
        # Nobody grants themselves a role (or takes away their own administration).
        if sorted(roles) != sorted(before) or not active:
            raise ValidationError(
                {
                    "roles": [
                        _(
                            "You cannot change your own roles or deactivate yourself; "
                            "please ask another administrator."
                        )
                    ]
                }
            )
    check_duties(tenant, roles)
    changed_roles = sorted(roles) != sorted(before) or active != membership.active
    membership.roles = roles
    membership.org_unit_id = unit_id
    membership.active = active
    if changed_roles:
        # Rights change on the very next request: sessions and API tokens in this tenant end.
        revoke_all(membership.user_id, tenant_id=tenant.id)
        auth.revoke_api_tokens(membership.user_id, tenant_id=tenant.id)
    audit.record("admin.member_changed", actor=actor, obj=membership, roles=roles, active=active)
    if active:
        record_case_data_grant(
            tenant,
            actor=actor,
            membership=membership,
            roles=roles,
            before=before if was_active else [],
        )


def reset_refusal(tenant, membership: Membership) -> str | None:
    """Why this tenant's administration may not send a password link to the member (or ``None``)."""
    user = db.session.get(User, membership.user_id)
    if not auth.may_tenant_manage_credentials(user, tenant):
        return _(
            "This account also serves other organisations or existed before it joined yours, so "
            "its password is not managed here. The person can choose a new password with "
            "'Forgot your password?' on the sign-in page."
        )
    return None


def send_reset(tenant, actor, membership: Membership) -> None:
    """Mail a one-time reset link to the member's own address; the administrator never sees it."""
    refusal = reset_refusal(tenant, membership)
    if refusal:
        raise ValidationError({"reset": [refusal]})
    user = db.session.get(User, membership.user_id)
    auth.send_password_link(user, tenant, reason="reset")
    audit.record("admin.password_reset_sent", actor=actor, obj=membership)


def end_sessions(tenant, actor, membership: Membership) -> int:
    ended = revoke_all(membership.user_id, tenant_id=tenant.id)
    tokens = auth.revoke_api_tokens(membership.user_id, tenant_id=tenant.id)
    audit.record("admin.sessions_ended", actor=actor, obj=membership, count=ended, tokens=tokens)
    return ended


# --- org units -------------------------------------------------------------------------------


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
    elif db.session.scalar(
        select(OrgUnit).where(OrgUnit.key == key, OrgUnit.id != (unit.id if unit else -1))
    ):
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
    unit.name, unit.key, unit.kind, unit.description, unit.parent_id = (
        name,
        key,
        kind,
        description,
        parent_id,
    )
    unit.active = bool(data.get("active", True))
    db.session.flush()
    audit.record(
        "admin.org_unit_created" if created else "admin.org_unit_changed", actor=actor, obj=unit
    )
    return unit


def save_location(tenant, actor, unit: OrgUnit, location: Location | None, data: dict) -> Location:
    errors: dict[str, list[str]] = {}
    values = {
        f: (data.get(f) or "").strip()
        for f in ("name", "street", "postcode", "city", "phone", "email")
    }
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
    set_allows_both(tenant, actor, bool(data.get("admin_may_hold_case_roles")))
