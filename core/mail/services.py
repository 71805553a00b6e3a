"""Sending mail through SMTP (``LOTSE_MAIL_*``) or, without a server, into ``.eml`` files.

Credential links (password set-up, reset) are never shown to anyone but the account's owner:
they travel to the account's own address. Links are built from ``LOTSE_BASE_URL``, never from the
request's ``Host`` header, so a forged host cannot redirect a link to an attacker's server.
The standard library's ``smtplib`` is enough here (one message per action, no queue); a send
failure is reported to the caller, which rolls the whole action back.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from core.schemas import ValidationError

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def external_url(endpoint: str, **values) -> str:
    """Absolute URL from the configured base URL (never from the request's Host header)."""
    base = current_app.config["LOTSE_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("lotse.invalid", script_name="/")
    return base + adapter.build(endpoint, values, force_external=False)


def mail_dir() -> Path:
    return Path(
        current_app.config.get("LOTSE_MAIL_DIR") or Path(current_app.instance_path) / "mail"
    )


def backend() -> str:
    """``smtp`` when a server is configured, else ``file`` (demo and development)."""
    return "smtp" if current_app.config.get("LOTSE_MAIL_SERVER") else "file"


def _message(to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["LOTSE_MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="lotse.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    host, port = cfg["LOTSE_MAIL_SERVER"], int(cfg["LOTSE_MAIL_PORT"])
    context = ssl.create_default_context()
    try:
        server: smtplib.SMTP
        if cfg["LOTSE_MAIL_USE_SSL"]:
            server = smtplib.SMTP_SSL(host, port, timeout=15, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=15)
        with server:
            if cfg["LOTSE_MAIL_USE_TLS"] and not cfg["LOTSE_MAIL_USE_SSL"]:
                server.starttls(context=context)
            if cfg["LOTSE_MAIL_USERNAME"]:
                server.login(cfg["LOTSE_MAIL_USERNAME"], cfg["LOTSE_MAIL_PASSWORD"])
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail to the configured SMTP server failed: %s", type(exc).__name__)
        raise MailError(str(type(exc).__name__)) from exc


def _write_file(msg: EmailMessage) -> Path:
    """Demo/development: one ``.eml`` file per message, readable by the service user only."""
    folder = mail_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(msg.as_bytes())
    return path


def send(to: str, subject: str, body: str) -> None:
    """Deliver one plain-text message or raise :class:`MailError`."""
    msg = _message(to, subject, body)
    if backend() == "smtp":
        _send_smtp(msg)
    else:
        _write_file(msg)


def send_or_refuse(to: str, subject: str, body: str, field: str = "email") -> None:
    """Send inside a write: a failure becomes a form error and the write is rolled back."""
    try:
        send(to, subject, body)
    except MailError:
        raise ValidationError(
            {
                field: [
                    _(
                        "The e-mail could not be sent, so nothing was changed. Please try again "
                        "later or ask "
                        "the operator to check the mail server."
                    )
                ]
            }
        ) from None


def _locale_for(user, tenant) -> str:
    return getattr(user, "locale", "") or getattr(tenant, "default_locale", "") or "de"


# --- the messages ----------------------------------------------------------------------------


def password_link_mail(user, tenant, token: str, *, reason: str) -> None:
    """Set-up link for a new account (``reason="setup"``) or a reset (``"reset"``)."""
    link = external_url("auth.set_password", tenant=tenant.slug, token=token)
    with force_locale(_locale_for(user, tenant)):
        if reason == "setup":
            subject = _("Your access to Lotse – %(tenant)s", tenant=tenant.name)
            intro = _(
                "%(tenant)s has set up access to Lotse for you. Please choose your password "
                "with this link:",
                tenant=tenant.name,
            )
        else:
            subject = _("Choose a new password for Lotse – %(tenant)s", tenant=tenant.name)
            intro = _(
                "A new password was requested for your Lotse account. Please choose it with "
                "this link:"
            )
        body = (
            "\n\n".join(
                [
                    _("Hello %(name)s,", name=user.display_name),
                    intro,
                    link,
                    _(
                        "The link works once and expires after 72 hours. When you set the "
                        "password, every "
                        "session and every API token of your account ends."
                    ),
                    _("If you did not expect this e-mail, you can ignore it; nothing changes."),
                ]
            )
            + "\n"
        )
        send_or_refuse(user.email, subject, body)


def invitation_mail(
    email: str, display_name: str, tenant, roles_text: str, locale: str = ""
) -> None:
    """Invitation for an address that already has an account: sign in and accept."""
    link = external_url("auth.login", tenant=tenant.slug)
    with force_locale(locale or tenant.default_locale or "de"):
        subject = _("Invitation to %(tenant)s in Lotse", tenant=tenant.name)
        body = (
            "\n\n".join(
                [
                    _("Hello %(name)s,", name=display_name),
                    _(
                        "%(tenant)s invites you to work with it in Lotse (roles: %(roles)s).",
                        tenant=tenant.name,
                        roles=roles_text,
                    ),
                    _(
                        "Sign in with your existing password at the address below; you can then "
                        "accept or "
                        "decline the invitation. Nobody else can accept it for you."
                    ),
                    link,
                    _(
                        "The invitation expires after 14 days. If you did not expect it, ignore "
                        "this e-mail."
                    ),
                ]
            )
            + "\n"
        )
        send_or_refuse(email, subject, body)


def login_alert_mail(user, tenant) -> None:
    """Many failed sign-ins for one account from several addresses: tell its owner."""
    with force_locale(_locale_for(user, tenant)):
        subject = _("Unusually many failed sign-ins to your Lotse account")
        body = (
            "\n\n".join(
                [
                    _("Hello %(name)s,", name=user.display_name),
                    _(
                        "Within the last minutes there were unusually many failed attempts to sign "
                        "in to your "
                        "account from several addresses. Sign-in is slowed down for a while; your "
                        "password "
                        "still works."
                    ),
                    _(
                        "If this was not you, please tell your local administration and consider "
                        "switching "
                        "on two-factor sign-in."
                    ),
                ]
            )
            + "\n"
        )
    try:
        send(user.email, subject, body)
    except MailError:
        log.warning("login alert could not be mailed")
