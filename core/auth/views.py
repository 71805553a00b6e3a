"""Sign-in, second factor, tenant switch, password set-up and the personal account page."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import select

from core.audit import services as audit
from core.auth import services, signin
from core.auth.models import ApiToken, AuthSession, User
from core.auth.schemas import (
    ApiTokenSchema,
    EmailSchema,
    InvitationAnswerSchema,
    LanguageSchema,
    LoginSchema,
    NewPasswordSchema,
    PasswordChangeSchema,
    SecondFactorSchema,
    TotpDisableSchema,
    TotpSetupSchema,
)
from core.auth.sessions import live_sessions, load_session, revoke
from core.db import db, utcnow
from core.extensions import login_manager
from core.schemas import form_input
from core.tenancy.context import tenant_scope
from core.tenancy.resolve import tenant_by_slug
from core.web import public, run_write, safe_next

bp = Blueprint("auth", __name__, url_prefix="/<tenant>", template_folder="templates")


@login_manager.user_loader
def _load_user(public_id: str):
    row = load_session(public_id)
    if row is None:
        return None
    user = row.user
    user.auth_session = row
    return user


@login_manager.request_loader
def _load_token_user(req):
    """``Authorization: Bearer lotse_…`` on API routes of the token's own tenant."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or g.get("tenant") is None:
        return None
    if not req.path.startswith(f"/{g.tenant.slug}/api/"):
        return None
    token = services.find_api_token(header[7:].strip(), g.tenant)
    if token is None or token.tenant_id != g.tenant.id or not token.user.active:
        return None
    services.note_token_use(token)
    user = token.user
    # Token requests carry no cookie session; a transient session object keeps checks uniform.
    user.auth_session = AuthSession(tenant_id=token.tenant_id, fully_authenticated=True)
    user.auth_session.public_id = ""
    g.api_token = token
    return user


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _context_words() -> tuple[str, ...]:
    tenant = g.get("tenant")
    return (tenant.slug, *tenant.name.split()) if tenant is not None else ()


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    error, status, email = None, 200, ""
    if request.method == "POST":
        outcome = signin.sign_in(
            form_input(LoginSchema, request.form), ip=_client_ip(), tenant=g.tenant
        )
        if outcome.ok:
            session.clear()  # no value from before the sign-in survives (fixation)
            login_user(outcome.user)
            session["next"] = safe_next(request.args.get("next"), "")
            if not outcome.session.fully_authenticated:
                return redirect(url_for("auth.second_factor"))
            return redirect(safe_next(session.pop("next", None), url_for("home.dashboard")))
        error, status, email = outcome.error, outcome.status, outcome.email
    return render_template("auth/login.html", error=error, email=email), status


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    row = current_user.auth_session
    if row.fully_authenticated:
        return redirect(url_for("home.dashboard"))
    error, status = None, 200
    if request.method == "POST":
        outcome = signin.confirm_second_factor(
            current_user._get_current_object(),
            row,
            form_input(SecondFactorSchema, request.form),
            ip=_client_ip(),
        )
        if outcome.ok:
            return redirect(safe_next(session.pop("next", None), url_for("home.dashboard")))
        error, status = outcome.error, outcome.status
    return render_template("auth/second_factor.html", error=error), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated and current_user.auth_session.id:
        revoke(current_user.auth_session)
        audit.record("auth.logout", actor=current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/switch", methods=["GET", "POST"])
def switch_tenant():
    """Confirm moving the session into this tenant (for users with several memberships)."""
    row = current_user.auth_session
    if request.method == "POST":
        if row.tenant_id != g.tenant.id:
            row.tenant_id = g.tenant.id
            audit.record("auth.tenant_switched", actor=current_user._get_current_object())
            db.session.commit()
        return redirect(safe_next(request.args.get("next"), url_for("home.dashboard")))
    if row.tenant_id == g.tenant.id:
        return redirect(url_for("home.dashboard"))
    return render_template("auth/switch.html", next=request.args.get("next", ""))


@bp.route("/go/<slug>", methods=["POST"])
def go_to_tenant(slug):
    """The tenant switcher: move the session to another tenant the user belongs to."""
    target = tenant_by_slug(slug)
    user = current_user._get_current_object()
    if target is None:
        abort(404)
    row = user.auth_session
    current = g.tenant
    # Leave the current scope before looking into the target tenant.
    from core.tenancy.resolve import leave_tenant

    leave_tenant()
    with tenant_scope(target):
        if services.membership_of(user, target) is None:
            abort(404)
        row.tenant_id = target.id
        audit.record("auth.tenant_switched", actor=user, from_tenant=current.id)
        db.session.commit()
    return redirect(url_for("home.dashboard", tenant=target.slug))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Self-service reset: the link goes to the account's own address; the answer is the same
    whether or not the address has an account here."""
    sent, status, error = False, 200, None
    if request.method == "POST":
        outcome = signin.request_password_reset(
            form_input(EmailSchema, request.form), ip=_client_ip(), tenant=g.tenant
        )
        if outcome.ok:
            sent = True
        else:
            error, status = outcome.error, outcome.status
    return render_template("auth/forgot_password.html", sent=sent, error=error), status


@bp.route("/password/<token>", methods=["GET", "POST"])
@public
def set_password(token):
    """One-time link from a mail: first password of a new account, or a reset."""
    row = services.find_setup_token(token)
    if row is None:
        return render_template("auth/set_password.html", invalid=True, errors={}), 404
    user = db.session.get(User, row.user_id)
    invitation = services.open_invitation_for(user, g.tenant)
    if services.membership_of(user, g.tenant) is None and invitation is None:
        abort(404)
    errors = {}
    if request.method == "POST":
        errors, _done = run_write(
            lambda: services.set_password_by_link(
                user,
                row,
                g.tenant,
                form_input(NewPasswordSchema, request.form),
                context=_context_words(),
            ),
            success=_("Your password has been saved. You can sign in now."),
        )
        if not errors:
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", invalid=False, errors=errors, user=user)


@bp.route("/invitation", methods=["GET", "POST"])
def invitation():
    """An invited account, signed in with its own password, accepts or declines."""
    user = current_user._get_current_object()
    pending = services.open_invitation_for(user, g.tenant)
    if pending is None:
        if g.get("membership") is not None:
            return redirect(url_for("home.dashboard"))
        abort(404)
    errors = {}
    if request.method == "POST":
        decision = form_input(InvitationAnswerSchema, request.form).get("decision")
        if decision == "accept":
            errors, _membership = run_write(
                lambda: services.accept_invitation(user, pending, g.tenant),
                success=_("Welcome! You are now a member of %(tenant)s.", tenant=g.tenant.name),
            )
            if not errors:
                return redirect(url_for("home.dashboard"))
        elif decision == "decline":
            errors, _none = run_write(lambda: services.decline_invitation(user, pending))
            if not errors:
                revoke(user.auth_session)
                db.session.commit()
                logout_user()
                session.clear()
                flash(_("You declined the invitation."), "info")
                return redirect(url_for("auth.login"))
        else:
            abort(400)
    inviter = db.session.get(User, pending.invited_by_id) if pending.invited_by_id else None
    return render_template(
        "auth/invitation.html", invitation=pending, inviter=inviter, errors=errors
    ), (400 if errors else 200)


# --- personal account page -------------------------------------------------------------------


@bp.route("/account", methods=["GET"])
def account():
    return _account_with_errors({}, status=200)


@bp.route("/account/password", methods=["POST"])
def change_password():
    user = current_user._get_current_object()
    try:
        services.change_password(
            user,
            form_input(PasswordChangeSchema, request.form),
            context=_context_words(),
            keep=user.auth_session,
        )
    except services.ValidationError as exc:
        db.session.rollback()
        return _account_with_errors(exc.errors)
    db.session.commit()
    flash(
        _("Your password has been changed. Your other sessions and your API tokens were ended."),
        "success",
    )
    return redirect(url_for("auth.account"))


def _account_with_errors(errors, *, new_token=None, recovery_codes=None, status=400):
    """The account page rendered in the response to a POST: also how secrets are shown once,
    straight from the server and never stored in the (client-readable) cookie session."""
    user = current_user._get_current_object()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/account.html",
        user=user,
        tokens=tokens,
        sessions=live_sessions(user.id),
        errors=errors,
        new_token=new_token,
        recovery_codes=recovery_codes,
    ), status


@bp.route("/account/language", methods=["POST"])
def change_language():
    user = current_user._get_current_object()
    try:
        services.set_locale(user, g.tenant, form_input(LanguageSchema, request.form))
    except services.ValidationError as exc:
        db.session.rollback()
        return _account_with_errors(exc.errors)
    db.session.commit()
    return redirect(url_for("auth.account"))


@bp.route("/account/second-factor", methods=["GET", "POST"])
def setup_second_factor():
    user = current_user._get_current_object()
    row = user.auth_session
    # The secret on offer lives in the server-side session row, never in the cookie.
    if not row.pending_totp_secret:
        row.pending_totp_secret = services.new_totp_secret()
        db.session.commit()
    secret = row.pending_totp_secret
    error = None
    if request.method == "POST":
        try:
            codes = services.enable_second_factor(
                user, row, form_input(TotpSetupSchema, request.form)
            )
        except services.ValidationError as exc:
            db.session.rollback()
            error = next(iter(exc.errors.values()))[0]
        else:
            db.session.commit()
            flash(_("Two-factor sign-in is now on."), "success")
            return _account_with_errors({}, recovery_codes=codes, status=200)
    uri = services.totp_uri(user, secret, issuer=f"Lotse {g.tenant.name}")
    svg = segno.make(uri, micro=False).svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    qr = Markup(svg)  # noqa: S704 - segno's own SVG of our URI, no user HTML
    return render_template("auth/second_factor_setup.html", qr=qr, secret=secret, error=error), (
        400 if error else 200
    )


@bp.route("/account/second-factor/disable", methods=["POST"])
def disable_second_factor():
    user = current_user._get_current_object()
    try:
        services.disable_second_factor(user, form_input(TotpDisableSchema, request.form))
    except services.ValidationError as exc:
        db.session.rollback()
        return _account_with_errors(exc.errors)
    db.session.commit()
    flash(_("Two-factor sign-in is now off."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens", methods=["POST"])
def create_token():
    from core.auth.permissions import require_permission

    require_permission("api.use")
    user = current_user._get_current_object()
    data = form_input(ApiTokenSchema, request.form)
    try:
        _token, clear = services.create_api_token(
            user, g.tenant, data.get("name", ""), data.get("days", services.TOKEN_MAX_DAYS)
        )
    except services.ValidationError as exc:
        db.session.rollback()
        return _account_with_errors(exc.errors)
    db.session.commit()
    return _account_with_errors({}, new_token=clear, status=201)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id):
    user = current_user._get_current_object()
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        abort(404)
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", actor=user, obj=token)
    db.session.commit()
    flash(_("The token has been revoked."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
def end_other_sessions():
    user = current_user._get_current_object()
    ended, tokens = services.end_all_access(user, keep=user.auth_session)
    audit.record("auth.sessions_ended", actor=user, count=ended, tokens_revoked=tokens)
    db.session.commit()
    flash(_("Your other sessions and your API tokens were ended."), "info")
    return redirect(url_for("auth.account"))
