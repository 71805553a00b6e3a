"""Tenant administration services (used by the admin views, the API and the CLI)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from core.admin.schemas import (
    InvitationSchema,
    LocationSchema,
    MembershipSchema,
    OrgUnitSchema,
    PluginSwitchSchema,
    SettingsSchema,
)
from core.audit import services as audit
from core.auth import services as auth
from core.auth.duties import check_duties, record_case_data_grant, set_allows_both
from core.auth.models import Invitation, Membership, User
from core.auth.permissions import ROLES
from core.auth.services import ValidationError
from core.auth.sessions import revoke_all
from core.db import db, utcnow
from core.mail import services as mail
from core.schemas import load
from core.tenancy.models import Location, OrgUnit
from core.tenancy.org_units import org_unit_tree, org_units  # noqa: F401  (admin pages and API)


def members(tenant) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .options(contains_eager(Membership.user))  # one statement, not one per member
            .order_by(User.display_name)
        )
    )


def get_member(tenant, membership_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.id == membership_id))


def _org_unit_id(unit_id: int | None, field: str = "org_unit_id") -> int | None:
    """An org unit id from a loaded schema (``None`` and 0: none), checked against the tenant."""
    if not unit_id:
        return None
    if db.session.scalar(select(OrgUnit.id).where(OrgUnit.id == unit_id)) is None:
        raise ValidationError({field: [_("Please choose an org unit from the list.")]})
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


def invite_member(tenant, actor, data) -> Invitation:
    """Invite an e-mail address (``data``: the raw input of
    :class:`~core.admin.schemas.InvitationSchema`). Nothing the administrator sees depends on
    whether an account with that address exists (or belongs to the operator): a new account gets a
    set-up link by mail and joins when it sets its password; an existing account gets an
    invitation by mail and joins only when its owner signs in and accepts. The membership never
    appears silently."""
    values = load(InvitationSchema, data)
    email, display_name, roles = values["email"], values["display_name"], sorted(values["roles"])
    check_duties(tenant, roles)
    unit_id = _org_unit_id(values["org_unit_id"])
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


def update_member(tenant, actor, membership: Membership, data) -> None:
    """Change a member (``data``: raw input of :class:`~core.admin.schemas.MembershipSchema`)."""
    values = load(MembershipSchema, data)
    roles, active = sorted(values["roles"]), values["active"]
    unit_id = _org_unit_id(values["org_unit_id"])
    membership.weekly_hours = values["weekly_hours"]
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
    if not auth.may_tenant_manage_credentials(membership.user, tenant):
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
    auth.send_password_link(membership.user, tenant, reason="reset")
    audit.record("admin.password_reset_sent", actor=actor, obj=membership)


def end_sessions(tenant, actor, membership: Membership) -> int:
    ended = revoke_all(membership.user_id, tenant_id=tenant.id)
    tokens = auth.revoke_api_tokens(membership.user_id, tenant_id=tenant.id)
    audit.record("admin.sessions_ended", actor=actor, obj=membership, count=ended, tokens=tokens)
    return ended


# --- org units -------------------------------------------------------------------------------


def save_org_unit(tenant, actor, unit: OrgUnit | None, data) -> OrgUnit:
    """Create or change an org unit (``data``: the raw input of
    :class:`~core.admin.schemas.OrgUnitSchema`)."""
    values = load(OrgUnitSchema, data)
    errors: dict[str, list[str]] = {}
    if db.session.scalar(
        select(OrgUnit).where(OrgUnit.key == values["key"], OrgUnit.id != (unit.id if unit else -1))
    ):
        errors["key"] = [_("This key is used by another org unit.")]
    parent_id = None
    try:
        parent_id = _org_unit_id(values["parent_id"], "parent_id")
    except ValidationError as exc:
        errors.update(exc.errors)
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
    if unit is None:
        unit = OrgUnit(tenant_id=tenant.id)
        db.session.add(unit)
    for name in ("name", "key", "kind", "description", "active"):
        setattr(unit, name, values[name])
    unit.parent_id = parent_id
    db.session.flush()
    audit.record(
        "admin.org_unit_created" if created else "admin.org_unit_changed", actor=actor, obj=unit
    )
    return unit


def save_location(tenant, actor, unit: OrgUnit, location: Location | None, data) -> Location:
    """Create or change a location (``data``: the raw input of
    :class:`~core.admin.schemas.LocationSchema`)."""
    values = load(LocationSchema, data)
    if location is None:
        location = Location(tenant_id=tenant.id, org_unit_id=unit.id)
        db.session.add(location)
    for field, value in values.items():
        setattr(location, field, value)
    db.session.flush()
    audit.record("admin.location_saved", actor=actor, obj=location, org_unit=unit.id)
    return location


def delete_location(tenant, actor, location: Location) -> None:
    location_id = location.id
    db.session.delete(location)
    audit.record(
        "admin.location_deleted", actor=actor, object_type="Location", object_id=location_id
    )


# --- branding and locales --------------------------------------------------------------------


def save_settings(tenant, actor, data) -> None:
    """Name, colours, languages (``data``: the raw input of
    :class:`~core.admin.schemas.SettingsSchema`)."""
    values = load(SettingsSchema, data)
    name, locales, default_locale = values["name"], values["locales"], values["default_locale"]
    primary, accent = values["primary"], values["accent"]
    tenant.name = name
    tenant.theme = {**(tenant.theme or {}), "primary": primary.lower(), "accent": accent.lower()}
    tenant.locales = locales
    tenant.default_locale = default_locale
    audit.record("admin.settings_changed", actor=actor, object_type="tenant", object_id=tenant.id)
    set_allows_both(tenant, actor, values["admin_may_hold_case_roles"])


# --- plugins --------------------------------------------------------------------------------


def switch_plugin(tenant, actor, name: str, data) -> list[str]:
    """Switch a plugin on (its dependencies follow) or off (its dependants follow; the data is
    kept); ``data``: the raw input of :class:`~core.admin.schemas.PluginSwitchSchema`. Returns
    the plugins switched."""
    from core.plugins import services as plugins

    if load(PluginSwitchSchema, data)["enabled"]:
        return plugins.enable_plugin(tenant, name, actor)
    return plugins.disable_plugin(tenant, name, actor)
