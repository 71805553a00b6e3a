"""Operator console. Only platform operators with an operator session get in; nothing here
reads tenant-owned tables except aggregate counts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from core.audit import services as audit
from core.audit.models import PlatformAuditEvent
from core.auth import signin
from core.auth.models import User
from core.auth.schemas import LoginSchema
from core.auth.services import ValidationError
from core.auth.sessions import revoke
from core.db import db
from core.platform import services
from core.platform.schemas import AdminLinkSchema, HostRemovalSchema, HostSchema, TenantSchema
from core.schemas import form_input
from core.tenancy.models import TENANT_KINDS, Tenant
from core.web import actor, run_write, safe_next

bp = Blueprint("platform", __name__, url_prefix="/platform", template_folder="templates")
_OPEN = {"platform.login"}


@bp.before_request
def _operators_only():
    if request.endpoint in _OPEN:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("platform.login", next=request.full_path))
    row = current_user.auth_session
    if not current_user.is_platform_operator or row.tenant_id is not None:
        abort(404)
    if not row.fully_authenticated:
        abort(403)
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if (
        current_user.is_authenticated
        and current_user.is_platform_operator
        and current_user.auth_session.tenant_id is None
    ):
        return redirect(url_for("platform.tenants"))
    error, status, email = None, 200, ""
    if request.method == "POST":
        outcome = signin.sign_in(
            form_input(LoginSchema, request.form),
            ip=request.remote_addr or "unknown",
            operator=True,
        )
        if outcome.ok:
            session.clear()
            login_user(outcome.user)
            return redirect(safe_next(request.args.get("next"), url_for("platform.tenants")))
        error, status, email = outcome.error, outcome.status, outcome.email
    return render_template("platform/login.html", error=error, email=email), status


@bp.route("/logout", methods=["POST"])
def logout():
    revoke(current_user.auth_session)
    audit.record_platform("auth.logout", actor=actor())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("platform.login"))


@bp.route("/")
def tenants():
    return render_template("platform/tenants.html", overview=services.tenant_overview())


@bp.route("/tenants/new", methods=["GET", "POST"])
def tenant_new():
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        errors, result = run_write(
            lambda: services.create_tenant(actor(), form_input(TenantSchema, form))
        )
        if not errors:
            tenant = result
            flash(
                _(
                    "Tenant %(name)s created. The first administrator was invited by e-mail.",
                    name=tenant.name,
                ),
                "success",
            )
            return redirect(url_for("platform.tenant_detail", tenant_id=tenant.id))
    return render_template(
        "platform/tenant_form.html", form=form, errors=errors, kinds=TENANT_KINDS
    ), (400 if errors else 200)


def _tenant_or_404(tenant_id) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        abort(404)
    return tenant


@bp.route("/tenants/<int:tenant_id>", methods=["GET", "POST"])
def tenant_detail(tenant_id):
    tenant = _tenant_or_404(tenant_id)
    errors = {}
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "disable":
                from core import confirm

                if not confirm.confirmed():
                    return confirm.confirmation_page(
                        title=_("Disable %(name)s?", name=tenant.name),
                        action_label=_("Yes, disable the tenant"),
                        cancel_url=url_for("platform.tenant_detail", tenant_id=tenant.id),
                        consequences=[
                            _(
                                "Every session of the tenant ends at once; nobody can sign in "
                                "until it is "
                                "enabled again."
                            ),
                            _(
                                "No data is deleted; the daily jobs skip the tenant while it is "
                                "disabled."
                            ),
                        ],
                    )
                services.set_active(actor(), tenant, False)
                flash(_("Tenant disabled. Its data is kept; nobody can sign in."), "success")
            elif action == "enable":
                services.set_active(actor(), tenant, True)
                flash(_("Tenant enabled."), "success")
            elif action == "add_host":
                services.add_host(actor(), tenant, form_input(HostSchema, request.form))
                flash(_("Host name added."), "success")
            elif action == "remove_host":
                services.remove_host(actor(), tenant, form_input(HostRemovalSchema, request.form))
                flash(_("Host name removed."), "success")
            elif action == "admin_link":
                services.resend_admin_link(
                    actor(), tenant, form_input(AdminLinkSchema, request.form)
                )
                flash(
                    _("A new set-up link was sent to the administrator's e-mail address."),
                    "success",
                )
            else:
                abort(400)
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.errors
            tenant = _tenant_or_404(tenant_id)
        else:
            db.session.commit()
            return redirect(url_for("platform.tenant_detail", tenant_id=tenant.id))
    return render_template(
        "platform/tenant_detail.html",
        tenant=tenant,
        errors=errors,
        admin_link_refusal=services.admin_link_refusal(tenant),
    ), (400 if errors else 200)


@bp.route("/audit")
def audit_log():
    rows = db.session.execute(
        select(PlatformAuditEvent, User.display_name)
        .outerjoin(User, User.id == PlatformAuditEvent.actor_id)
        .order_by(PlatformAuditEvent.at.desc())
        .limit(200)
    ).all()
    return render_template("platform/audit.html", rows=rows)
