"""What the auth domain contributes through the plugin hooks: a built-in plugin, always on for every
tenant (:mod:`core.plugins.builtins`). Accounts, sign-in, second factor and API tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.auth.permissions import ROLES, Permission
from core.privacy.registry import (
    KEEP,
    DataCategory,
    DataTable,
    FieldLabels,
    RetentionClass,
)

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 70


@hookimpl
def lotse_blueprints():
    from core.auth.views import bp

    return [bp]


PERMISSIONS = (
    Permission("api.use", _l("Use the JSON API with personal tokens"), roles=frozenset(ROLES)),
)


@hookimpl
def lotse_permissions():
    return PERMISSIONS


# --- personal data (core.privacy.registry) --------------------------------------------------------


CLASSES = (
    RetentionClass(
        "staff_account",
        _l("Staff accounts"),
        "account_end",
        None,
        _l("Accounts of staff; removed by the local administration when someone leaves."),
    ),
)


CATEGORIES = (
    DataCategory(
        "staff",
        _l("Staff accounts and roles"),
        _l("Sign-in, permissions, caseload and deputising"),
        _l("Art. 6(1)(b) GDPR, § 26 BDSG"),
        _l("Staff"),
        "staff_account",
    ),
)


TABLES = (
    DataTable(
        "user_account",
        "none",
        {
            k: ("staff", KEEP)
            for k in (
                "email",
                "display_name",
                "password_hash",
                "password_changed_at",
                "is_platform_operator",
                "active",
                "locale",
                "totp_secret",
                "totp_enabled",
                "totp_last_step",
                "credential_tenant_id",
                "created_at",
            )
        },
    ),
    DataTable(
        "member_invitation",
        "none",
        {
            k: ("staff", KEEP)
            for k in (
                "email",
                "display_name",
                "roles",
                "org_unit_id",
                "invited_by_id",
                "expires_at",
                "accepted_at",
                "declined_at",
                "withdrawn_at",
                "membership_id",
                "created_at",
            )
        },
    ),
    DataTable("login_failure", "none", {k: ("staff", KEEP) for k in ("scope", "key_hash", "at")}),
    DataTable(
        "membership",
        "none",
        {
            k: ("staff", KEEP)
            for k in ("user_id", "org_unit_id", "roles", "active", "weekly_hours", "created_at")
        },
    ),
    DataTable(
        "deputy",
        "none",
        {
            k: ("staff", KEEP)
            for k in (
                "absent_id",
                "deputy_id",
                "starts_on",
                "ends_on",
                "cross_unit",
                "approved_by_absent_lead_id",
                "approved_by_deputy_lead_id",
                "revoked_at",
                "created_by_id",
                "created_at",
            )
        },
    ),
    DataTable(
        "auth_session",
        "none",
        {
            k: ("staff", KEEP)
            for k in (
                "token_hash",
                "user_id",
                "created_at",
                "last_seen_at",
                "revoked_at",
                "fully_authenticated",
                "user_agent",
                "pending_totp_secret",
            )
        },
    ),
    DataTable(
        "api_token",
        "none",
        {
            k: ("staff", KEEP)
            for k in (
                "user_id",
                "name",
                "prefix",
                "token_hash",
                "expires_at",
                "last_used_at",
                "revoked_at",
                "created_at",
            )
        },
    ),
    DataTable(
        "recovery_code",
        "none",
        {k: ("staff", KEEP) for k in ("user_id", "code_hash", "used_at", "created_at")},
    ),
    DataTable(
        "password_setup_token",
        "none",
        {
            k: ("staff", KEEP)
            for k in ("user_id", "token_hash", "expires_at", "used_at", "created_at")
        },
    ),
)


LABELS = FieldLabels(
    tables={
        "user_account": _l("Staff accounts"),
        "membership": _l("Memberships and roles"),
        "deputy": _l("Deputies"),
        "auth_session": _l("Sign-in sessions"),
        "api_token": _l("API tokens"),
        "recovery_code": _l("Recovery codes"),
        "password_setup_token": _l("Password set-up links"),
    },
    columns={
        "display_name": _l("Display name"),
        "password_hash": _l("Password (hashed)"),
        "password_changed_at": _l("Password changed at"),
        "locale": _l("Language of the interface"),
        "totp_secret": _l("Second-factor secret"),
        "totp_enabled": _l("Second factor enabled"),
        "roles": _l("Roles"),
        "weekly_hours": _l("Weekly hours"),
        "starts_on": _l("Starts on"),
        "ends_on": _l("Ends on"),
        "revoked_at": _l("Revoked at"),
        "last_seen_at": _l("Last seen"),
        "user_agent": _l("Browser"),
        "expires_at": _l("Expires at"),
        "last_used_at": _l("Last used"),
    },
)


@hookimpl
def lotse_data_categories():
    return [*CLASSES, *CATEGORIES, *TABLES, LABELS]
