"""Local administration pages. Each view checks its own permission."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.admin import services
from core.admin.schemas import (
    InvitationSchema,
    LocationSchema,
    MembershipSchema,
    OrgUnitSchema,
    SettingsSchema,
)
from core.auth.permissions import ROLES, has_permission, require_permission
from core.db import db
from core.plugins import services as plugins
from core.schemas import form_input
from core.tenancy.models import ORG_UNIT_KINDS, Location, OrgUnit
from core.web import actor, flash_errors, run_write

bp = Blueprint("admin", __name__, url_prefix="/<tenant>/admin", template_folder="templates")


@bp.route("/")
def index():
    if not any(
        has_permission(p)
        for p in ("admin.plugins", "admin.users", "admin.org_units", "admin.settings")
    ):
        abort(403)
    return redirect(url_for("admin.plugin_list"))


# --- plugins ---------------------------------------------------------------------------------


@bp.route("/plugins")
def plugin_list():
    require_permission("admin.plugins")
    pm = plugins.manager()
    enabled = plugins.enabled_plugins(g.tenant)
    catalogue = [
        {
            "meta": meta,
            "enabled": name in enabled,
            "requires": sorted(pm.requires_deep(name)),
            "dependants": sorted(pm.dependants(name) & enabled),
            "available": meta.is_available(g.tenant),
        }
        for name, meta in sorted(pm.metas.items(), key=lambda kv: str(kv[1].title))
    ]
    return render_template("admin/plugins.html", catalogue=catalogue, section="plugins")


@bp.route("/plugins/<name>", methods=["POST"])
def plugin_switch(name):
    require_permission("admin.plugins")
    if name not in plugins.manager().metas:
        abort(404)
    action = request.form.get("action")
    if action not in ("enable", "disable"):
        abort(400)
    errors, switched = run_write(
        lambda: services.switch_plugin(g.tenant, actor(), name, {"enabled": action == "enable"})
    )
    if errors:
        flash_errors(errors)
    else:
        titles = ", ".join(str(plugins.manager().metas[p].title) for p in switched)
        if not switched:
            message = _("Nothing to change.")
        elif action == "enable":
            message = _("Switched on: %(titles)s", titles=titles)
        else:
            message = _("Switched off: %(titles)s. The data is kept.", titles=titles)
        flash(message, "success")
    return redirect(url_for("admin.plugin_list"))


@bp.route("/plugins/<name>/settings", methods=["GET", "POST"])
def plugin_settings(name):
    require_permission("admin.plugins")
    meta = plugins.manager().metas.get(name)
    if meta is None or meta.settings_schema is None:
        abort(404)
    schema = meta.settings_schema()
    errors = {}
    values = plugins.plugin_settings(g.tenant, name)
    if request.method == "POST":
        data = form_input(schema, request.form)
        errors, _saved = run_write(
            lambda: plugins.update_plugin_settings(g.tenant, name, data, actor()),
            success=_("Settings saved."),
        )
        if not errors:
            return redirect(url_for("admin.plugin_list"))
        values = {f: data.get(f, request.form.get(f, "")) for f in schema.fields}
    return render_template(
        "admin/plugin_settings.html",
        meta=meta,
        schema=schema,
        values=values,
        errors=errors,
        section="plugins",
    ), (400 if errors else 200)


# --- users -----------------------------------------------------------------------------------


@bp.route("/users")
def user_list():
    require_permission("admin.users")
    return render_template(
        "admin/users.html",
        members=services.members(g.tenant),
        invitations=services.invitations(g.tenant),
        roles=ROLES,
        section="users",
    )


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    require_permission("admin.users")
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        errors, invitation = run_write(
            lambda: services.invite_member(
                g.tenant, actor(), form_input(InvitationSchema, request.form)
            )
        )
        if not errors:
            # The same answer whether or not the address has an account.
            flash(
                _(
                    "An invitation was sent to %(email)s. The person becomes a member when they "
                    "accept it.",
                    email=invitation.email,
                ),
                "success",
            )
            return redirect(url_for("admin.user_list"))
    return render_template(
        "admin/user_form.html",
        member=None,
        form=form,
        errors=errors,
        roles=ROLES,
        units=services.org_units(),
        section="users",
    ), (400 if errors else 200)


@bp.route("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
def invitation_withdraw(invitation_id):
    require_permission("admin.users")
    invitation = services.get_invitation(g.tenant, invitation_id)
    if invitation is None:
        abort(404)
    errors, _done = run_write(
        lambda: services.withdraw_invitation(g.tenant, actor(), invitation),
        success=_("The invitation was withdrawn."),
    )
    flash_errors(errors)
    return redirect(url_for("admin.user_list"))


@bp.route("/users/<int:membership_id>", methods=["GET", "POST"])
def user_edit(membership_id):
    require_permission("admin.users")
    member = services.get_member(g.tenant, membership_id)
    if member is None:
        abort(404)
    errors = {}
    if request.method == "POST":
        action = request.form.get("action", "save")
        if action == "reset":
            reset_errors, _done = run_write(
                lambda: services.send_reset(g.tenant, actor(), member),
                success=_(
                    "A link to choose a new password was sent to the account's own e-mail address."
                ),
            )
            flash_errors(reset_errors)
            return redirect(url_for("admin.user_edit", membership_id=member.id))
        if action == "end_sessions":
            run_write(
                lambda: services.end_sessions(g.tenant, actor(), member),
                success=_("All sessions and API tokens of this user in this tenant were ended."),
            )
            return redirect(url_for("admin.user_edit", membership_id=member.id))
        errors, _done = run_write(
            lambda: services.update_member(
                g.tenant, actor(), member, form_input(MembershipSchema, request.form)
            ),
            success=_("Changes saved."),
        )
        if not errors:
            return redirect(url_for("admin.user_list"))
        member = services.get_member(g.tenant, membership_id)
    return render_template(
        "admin/user_form.html",
        member=member,
        form=request.form if errors else {},
        errors=errors,
        roles=ROLES,
        units=services.org_units(),
        section="users",
        reset_refusal=services.reset_refusal(g.tenant, member),
        is_self=member.user_id == actor().id,
    ), (400 if errors else 200)


# --- org units -------------------------------------------------------------------------------


@bp.route("/org-units")
def org_unit_list():
    require_permission("admin.org_units")
    return render_template(
        "admin/org_units.html", tree=services.org_unit_tree(), section="org_units"
    )


def _unit_or_404(unit_id) -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.route("/org-units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/org-units/<int:unit_id>", methods=["GET", "POST"])
def org_unit_edit(unit_id):
    require_permission("admin.org_units")
    unit = _unit_or_404(unit_id) if unit_id else None
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        errors, saved = run_write(
            lambda: services.save_org_unit(
                g.tenant, actor(), unit, form_input(OrgUnitSchema, form)
            ),
            success=_("Org unit saved."),
        )
        if not errors:
            return redirect(url_for("admin.org_unit_edit", unit_id=saved.id))
        unit = _unit_or_404(unit_id) if unit_id else None
    return render_template(
        "admin/org_unit_form.html",
        unit=unit,
        form=form,
        errors=errors,
        kinds=ORG_UNIT_KINDS,
        units=[u for u in services.org_units() if unit is None or u.id != unit.id],
        section="org_units",
    ), (400 if errors else 200)


@bp.route("/org-units/<int:unit_id>/locations", methods=["POST"], defaults={"location_id": None})
@bp.route("/org-units/<int:unit_id>/locations/<int:location_id>", methods=["POST"])
def location_save(unit_id, location_id):
    require_permission("admin.org_units")
    unit = _unit_or_404(unit_id)
    location = None
    if location_id is not None:
        location = db.session.get(Location, location_id)
        if location is None or location.org_unit_id != unit.id:
            abort(404)
    if request.form.get("action") == "delete" and location is not None:
        from core import confirm

        if not confirm.confirmed():
            return confirm.confirmation_page(
                title=_("Remove the location?"),
                action_label=_("Yes, remove the location"),
                cancel_url=url_for("admin.org_unit_edit", unit_id=unit.id),
                consequences=[
                    _(
                        "The location %(name)s is removed from %(unit)s; its address no longer "
                        "appears on letters "
                        "and pages.",
                        name=location.name,
                        unit=unit.name,
                    )
                ],
            )
        run_write(
            lambda: services.delete_location(g.tenant, actor(), location),
            success=_("Location removed."),
        )
        return redirect(url_for("admin.org_unit_edit", unit_id=unit.id))
    errors, _saved = run_write(
        lambda: services.save_location(
            g.tenant, actor(), unit, location, form_input(LocationSchema, request.form)
        ),
        success=_("Location saved."),
    )
    if not errors:
        return redirect(url_for("admin.org_unit_edit", unit_id=unit_id))
    unit = _unit_or_404(unit_id)
    return render_template(
        "admin/org_unit_form.html",
        unit=unit,
        form={},
        errors={},
        kinds=ORG_UNIT_KINDS,
        units=[u for u in services.org_units() if u.id != unit.id],
        section="org_units",
        location_errors=errors,
        location_form=request.form,
        location_id=location_id,
    ), 400


# --- settings --------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    require_permission("admin.settings")
    errors, form = {}, {}
    if request.method == "POST":
        form = {
            **request.form,
            "locales": request.form.getlist("locales"),
            "admin_may_hold_case_roles": "admin_may_hold_case_roles" in request.form,
        }
        errors, _saved = run_write(
            lambda: services.save_settings(
                g.tenant, actor(), form_input(SettingsSchema, request.form)
            ),
            success=_("Settings saved."),
        )
        if not errors:
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, errors=errors, section="settings"), (
        400 if errors else 200
    )
