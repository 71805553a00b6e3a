"""Configuration from environment variables.

Everything an operator sets lives in ``LOTSE_*`` variables so the same code runs as the embedded
SQLite demo and as a PostgreSQL production set-up behind a reverse proxy.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The repository root: templates/, tenants/ and migrations/ live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def instance_path() -> Path:
    return Path(os.environ.get("LOTSE_INSTANCE_PATH", PROJECT_ROOT / "instance"))


def default_database_url() -> str:
    return f"sqlite:///{instance_path() / 'lotse.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the familiar ``postgresql://`` form and use the psycopg 3 driver for it."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _secret_key() -> str:
    key = os.environ.get("LOTSE_SECRET_KEY")
    if key:
        return key
    # A development key is kept in instance/ so that sessions survive a restart of `make demo`.
    path = instance_path() / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def from_environment() -> dict:
    """Build the Flask config mapping from ``LOTSE_*`` variables."""
    secure = _bool("LOTSE_SECURE_COOKIES", False)
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("LOTSE_DATABASE_URL") or default_database_url()
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # "database" (default, shared by every worker), "redis://…", "memory://" (one process only).
        "LOTSE_RATELIMIT_STORAGE": os.environ.get("LOTSE_RATELIMIT_STORAGE", "database"),
        # Failed logins per account *and* client address within one minute before throttling.
        "LOTSE_LOGIN_FAILURES_PER_ACCOUNT": _int("LOTSE_LOGIN_FAILURES_PER_ACCOUNT", 5),
        "LOTSE_LOGIN_FAILURES_PER_IP": _int("LOTSE_LOGIN_FAILURES_PER_IP", 30),
        # Failed logins per account from all addresses together (15 minutes) before sign-in of that
        # account is slowed down and its owner alerted; the correct password is never refused.
        "LOTSE_LOGIN_FAILURES_ACCOUNT_CEILING": _int("LOTSE_LOGIN_FAILURES_ACCOUNT_CEILING", 50),
        # Argon2 cost: "standard"; "test" (cheap) is refused unless TESTING (core.auth.passwords).
        "LOTSE_PASSWORD_HASH_PROFILE": os.environ.get("LOTSE_PASSWORD_HASH_PROFILE", "standard"),
        "LOTSE_LOGIN_SLOWDOWN_SECONDS": float(os.environ.get("LOTSE_LOGIN_SLOWDOWN_SECONDS") or 2),
        # Where links in mails point to; never derived from the request's Host header.
        "LOTSE_BASE_URL": os.environ.get("LOTSE_BASE_URL")
        or f"http://127.0.0.1:{_int('LOTSE_PORT', 5000)}",
        # SMTP; without LOTSE_MAIL_SERVER mails are written as .eml files into LOTSE_MAIL_DIR.
        "LOTSE_MAIL_SERVER": os.environ.get("LOTSE_MAIL_SERVER", ""),
        "LOTSE_MAIL_PORT": _int("LOTSE_MAIL_PORT", 25),
        "LOTSE_MAIL_USE_TLS": _bool("LOTSE_MAIL_USE_TLS", False),
        "LOTSE_MAIL_USE_SSL": _bool("LOTSE_MAIL_USE_SSL", False),
        "LOTSE_MAIL_USERNAME": os.environ.get("LOTSE_MAIL_USERNAME", ""),
        "LOTSE_MAIL_PASSWORD": os.environ.get("LOTSE_MAIL_PASSWORD", ""),
        "LOTSE_MAIL_SENDER": os.environ.get("LOTSE_MAIL_SENDER", "Lotse <noreply@lotse.invalid>"),
        "LOTSE_MAIL_DIR": os.environ.get("LOTSE_MAIL_DIR", str(instance_path() / "mail")),
        "LOTSE_SESSION_IDLE_MINUTES": _int("LOTSE_SESSION_IDLE_MINUTES", 30),
        "LOTSE_SESSION_MAX_HOURS": _int("LOTSE_SESSION_MAX_HOURS", 12),
        "LOTSE_LIST_TENANTS": _bool("LOTSE_LIST_TENANTS", True),
        "LOTSE_PLUGINS_AUTOLOAD": _bool("LOTSE_PLUGINS_AUTOLOAD", True),
        # Log every hook call (hook, plugin, milliseconds) at INFO on the ``lotse.hooks`` logger.
        "LOTSE_TRACE_HOOKS": _bool("LOTSE_TRACE_HOOKS", False),
        "LOTSE_TENANTS_DIR": os.environ.get("LOTSE_TENANTS_DIR", str(PROJECT_ROOT / "tenants")),
        "LOTSE_TRUSTED_PROXIES": _int("LOTSE_TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_NAME": "__Host-lotse" if secure else "lotse_session",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the (time-boxed) session
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "MAX_CONTENT_LENGTH": _int("LOTSE_MAX_UPLOAD_MB", 20) * 1024 * 1024,
    }
