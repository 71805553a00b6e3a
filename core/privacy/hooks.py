"""What the privacy domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). Data protection: data-subject requests, the Art. 15
package, the records of processing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.auth.permissions import Permission
from core.privacy.registry import (
    CLIENTS,
    ERASE,
    KEEP,
    DataCategory,
    DataTable,
    FieldLabels,
    RetentionClass,
    category_columns,
)

# Reactions to the other domains' events (core.events) and answers to their questions: the
# correction trail and the revocation policy. Imported here, they belong to this built-in
# plugin: no tenant can switch them off.
from core.privacy.subscribers import (  # noqa: F401
    lotse_consent_revoked,
    lotse_person_changed,
    lotse_processing_end_consequences,
)
from core.web import MenuItem

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 50


@hookimpl
def lotse_blueprints():
    from core.privacy.audit_views import bp as audit_views_bp
    from core.privacy.document_views import bp as document_views_bp
    from core.privacy.views import bp as views_bp

    # The audit trail page is the DSB's tool, so it lives here (the audit domain only records).
    return [audit_views_bp, document_views_bp, views_bp]


@hookimpl
def lotse_api_blueprints():
    from core.api import privacy, privacy_documents

    return [*privacy_documents.blueprints(), *privacy.blueprints()]


MENU = (
    MenuItem(_l("Data protection"), "privacy.desk", order=74, permission="disclosures.read"),
    MenuItem(
        _l("Data-subject requests"),
        "privacy.requests_register",
        order=73,
        permission="privacy.approve",
    ),
)


@hookimpl
def lotse_menu_items(tenant, user):
    return MENU


PERMISSIONS = (
    Permission(
        "privacy.requests",
        _l("Record data-subject requests and export a person's data"),
        roles=frozenset({"case_manager", "coordinator", "dpo"}),
        case_data=True,
    ),
    Permission(
        "privacy.approve",
        _l("Decide data-subject requests: erasure (second pair of eyes), restriction, holds"),
        roles=frozenset({"coordinator", "dpo"}),
        case_data=True,
    ),
)


@hookimpl
def lotse_permissions():
    return PERMISSIONS


# --- personal data (core.privacy.registry) --------------------------------------------------------


CLASSES = (
    RetentionClass(
        "client_file",
        _l("Client file"),
        "closure",
        36,
        _l(
            "Everything about a client: master data, case documentation, consents. The tenant sets "
            "the start "
            "event (closure of the last case or last contact) and the period."
        ),
    ),
)


CATEGORIES = (
    DataCategory(
        "data_subject_requests",
        _l("Data-subject requests"),
        _l("Handling requests under Art. 15–21 GDPR"),
        _l("Art. 6(1)(c) GDPR with Art. 12 GDPR"),
        CLIENTS,
        "client_file",
    ),
)


TABLES = (
    DataTable(
        "person_change",
        "person",
        category_columns(
            "client_master",
            "person_id field old_value new_value request_id actor_id at",
            old_value=ERASE,
            new_value=ERASE,
        ),
        on_anonymise="delete",
        codes=frozenset({"field"}),
    ),
    DataTable(
        "data_subject_request",
        "person",
        category_columns(
            "data_subject_requests",
            (
                "person_id kind received_on due_on status details decision_note requested_by_id "
                "decided_by_id decided_at created_at"
            ),
            details=ERASE,
            decision_note=ERASE,
        ),
        codes=frozenset({"kind", "status"}),
    ),
    DataTable(
        "retention_hold",
        "person",
        category_columns(
            "client_master",
            "person_id reason until created_by_id released_at created_at",
            reason=ERASE,
        ),
        on_anonymise="delete",
    ),
    # A dry run's result: who is due for deletion (record numbers and dates, nothing else).
    DataTable(
        "retention_due",
        "person",
        category_columns("client_master", "run_id person_id start_on due_on held"),
        on_anonymise="delete",
    ),
    # Not about clients ----------------------------------------------------------------------
    DataTable(
        "retention_run",
        "none",
        {
            k: (None, KEEP)
            for k in (
                "started_at",
                "finished_at",
                "status",
                "dry_run",
                "day",
                "counts",
                "last_person_id",
                "error",
            )
        },
    ),
    DataTable(
        "deletion_log",
        "none",
        {
            k: (None, KEEP)
            for k in (
                "at",
                "subject_ref",
                "action",
                "rule",
                "categories",
                "row_counts",
                "files",
                "actor_id",
                "request_id",
            )
        },
    ),
    # Art. 19 recipients of an erased client and a bare count of their revocations (content-free).
    DataTable(
        "recipient_notice",
        "none",
        {
            k: (None, KEEP)
            for k in ("deletion_log_id", "recipients", "done_at", "done_by_id", "created_at")
        },
    ),
    DataTable(
        "erased_revocation",
        "none",
        {k: (None, KEEP) for k in ("at", "received_on", "partial", "deletion_log_id")},
    ),
)


LABELS = FieldLabels(
    tables={
        "person_change": _l("Corrections of master data"),
        "data_subject_request": _l("Data-subject requests"),
        "retention_hold": _l("Retention holds"),
        "deletion_log": _l("Deletion log"),
        "retention_due": _l("Due deletions"),
    },
    columns={
        "field": _l("Field"),
        "old_value": _l("Old value"),
        "new_value": _l("New value"),
        "request_id": _l("Request (record number)"),
        "details": _l("Details"),
        "decision_note": _l("Note on the decision"),
        "requested_by_id": _l("Recorded by (staff number)"),
        "decided_by_id": _l("Decided by (staff number)"),
        "decided_at": _l("Decided at"),
        "until": _l("Until"),
        "released_at": _l("Released at"),
        "action": _l("Action"),
    },
)


@hookimpl
def lotse_data_categories():
    return [*CLASSES, *CATEGORIES, *TABLES, LABELS]
