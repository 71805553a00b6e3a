"""Signing in, once for a tenant's page and the operator console: throttle, password, second
factor, the new server-side session and the audit trail.

The functions commit: a refused or failed attempt must leave its audit row and its count in the
throttle whatever the page does next. What stays with the page is what belongs to the browser:
clearing the cookie session, ``login_user`` and where to go next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _

from core.audit import services as audit
from core.auth import services
from core.auth.models import AuthSession, User
from core.auth.schemas import EmailSchema, LoginSchema, SecondFactorSchema
from core.auth.sessions import open_session
from core.auth.throttle import slow_down, throttle
from core.db import db
from core.schemas import load

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What an attempt came to: a signed-in ``user`` with its ``session``, or an ``error`` for the
    page with its HTTP ``status``."""

    user: User | None = None
    session: AuthSession | None = None
    error: str = ""
    status: int = 200
    email: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _wrong() -> str:
    return _("E-mail address or password is not correct.")


def _too_many() -> str:
    return _("Too many failed sign-in attempts. Please wait a minute and try again.")


def sign_in(data, *, ip: str, tenant=None, operator: bool = False) -> Outcome:
    """Check ``data`` (:class:`~core.auth.schemas.LoginSchema`) and open a session.

    In a tenant an account with a second factor gets a session that is not yet fully
    authenticated (:func:`confirm_second_factor` completes it). The operator console (``operator``)
    takes the code in the same form and has no tenant.
    """
    try:
        values = load(LoginSchema, data)
    except services.ValidationError:
        return Outcome(error=_wrong(), status=400)  # absurd lengths: no account has them
    email = values["email"]
    limiter = throttle()
    verdict = limiter.check(email, ip)
    if verdict.refused:
        if not operator:
            audit.record("auth.login.throttled")
            db.session.commit()
        return Outcome(error=_too_many(), status=429, email=email)
    if verdict.slow:
        slow_down()
    result = services.check_credentials(
        email, values["password"], tenant=None if operator else tenant, operator=operator
    )
    user = result.user
    if user is None:
        if operator:
            limiter.failed(email, ip)
            audit.record_platform("auth.login.failed")
        else:
            _count_failure(limiter, email, ip, tenant)
        db.session.commit()
        return Outcome(error=_wrong(), email=email)
    if operator and user.totp_enabled and not services.verify_totp(user, values["code"]):
        limiter.failed(email, ip)
        db.session.commit()
        return Outcome(
            error=_("Please enter the current code of your authenticator app."), email=email
        )
    limiter.succeeded(email, ip)
    if operator:
        row = open_session(user, None, fully_authenticated=True)
        audit.record_platform("auth.login.succeeded", actor=user)
    else:
        row = open_session(user, tenant, fully_authenticated=not user.totp_enabled)
        audit.record("auth.login.password_ok", actor=user, second_factor=user.totp_enabled)
    db.session.commit()
    return Outcome(user=user, session=row, email=email)


def _count_failure(limiter, email: str, ip: str, tenant) -> None:
    """Count a failed attempt; when an account reaches its ceiling, alert (once per window)."""
    if limiter.failed(email, ip):
        from core.mail.services import login_alert_mail

        audit.record("auth.login.account_ceiling_reached")
        log.warning(
            "many failed sign-ins for one account from several addresses (tenant %s)", tenant.slug
        )
        user = services.find_user(email)
        if user is not None and user.active and services.membership_of(user, tenant) is not None:
            login_alert_mail(user, tenant)
    audit.record("auth.login.failed")


def confirm_second_factor(user: User, row: AuthSession, data, *, ip: str) -> Outcome:
    """The second step in a tenant: an authenticator code or an unused recovery code."""
    code = load(SecondFactorSchema, data)["code"]
    limiter = throttle()
    key = f"totp:{user.id}"
    if limiter.is_throttled(key, ip):
        return Outcome(
            error=_("Too many failed attempts. Please wait a minute and try again."), status=429
        )
    if services.verify_totp(user, code) or services.use_recovery_code(user, code):
        row.fully_authenticated = True
        audit.record("auth.login.succeeded", actor=user)
        db.session.commit()
        return Outcome(user=user, session=row)
    limiter.failed(key, ip)
    audit.record("auth.second_factor.failed", actor=user)
    db.session.commit()
    return Outcome(error=_("The code is not correct or was used already."))


def request_password_reset(data, *, ip: str, tenant) -> Outcome:
    """ "Forgot your password?": a link to the account's own address. The answer is the same
    whether or not the address has an account here; every request counts (no mail bombing)."""
    email = load(EmailSchema, data)["email"]
    limiter = throttle()
    key = f"reset:{email}"
    if limiter.is_throttled(key, ip):
        return Outcome(
            error=_("Too many requests. Please wait a minute and try again."), status=429
        )
    limiter.failed(key, ip)
    user = services.find_user(email)
    if (
        user is not None
        and user.active
        and not user.is_platform_operator
        and (
            services.membership_of(user, tenant) is not None
            or services.open_invitation_for(user, tenant) is not None
        )
    ):
        try:
            services.send_password_link(user, tenant, reason="reset")
            audit.record("auth.password_reset_requested", actor=user)
        except services.ValidationError:
            db.session.rollback()
            log.warning("self-service reset mail could not be sent")
    db.session.commit()
    return Outcome()
