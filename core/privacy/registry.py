"""The one registry of personal data (Datenarten, DIN 66398): which table and column holds which
category of personal data, how it belongs to a client, what anonymisation does to it and which
retention class (Löschklasse) governs it.

Core declares its tables here; plugins declare theirs through ``lotse_data_categories``. The
retention job, erasure, the Art. 15 package and the records of processing (Art. 30) are all derived
from this registry, and a contract test fails when a column of any table is not declared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# What anonymisation does to one column.
KEEP = "keep"  # statistical value, kept as it is
ERASE = "erase"  # blanked ("" / None / [] / {})
YEAR = "year"  # a date reduced to 1 July of its year (age groups survive)
PSEUDONYM = "pseudonym"  # replaced by a fixed placeholder ("anonymisiert")
NUMBERS = "numbers"  # a JSON object keeps only its numeric values (ratings)
ORGANISATION = (
    "organisation"  # kept when it names an organisation known not to be a person, else blanked
)
ACTIONS = (KEEP, ERASE, YEAR, PSEUDONYM, NUMBERS, ORGANISATION)

#: Text columns of client tables that anonymisation keeps because they hold codes from a fixed
#: list (or a record number), never free text. A test walks the registry against this list.
CODE_COLUMNS = frozenset(
    {
        "person.gender",
        "person.nationality",
        "person.languages",
        "person.interpreter_language",
        "person.residence_status",
        "household_member.role",
        "person_change.field",
        "case_file.number",
        "case_file.case_type",
        "case_file.phase",
        "case_file.status",
        "case_file.access_path",
        "case_file.source",
        "case_file.closure_reason",
        "phase_transition.from_phase",
        "phase_transition.to_phase",
        "contact.channel",
        "goal.life_area",
        "goal.status",
        "help_plan.status",
        "help_plan_item.status",
        "follow_up.kind",
        "follow_up.source_key",
        "attachment.content_type",
        "consent_record.kind",
        "consent_record.language",
        "consent_record.signed_by",
        "consent_record.recipient_keys",
        "consent_record.purposes",
        "consent_revocation.recipient_keys",
        "disclosure.recipient_key",
        "disclosure.data_categories",
        "disclosure.purpose",
        "disclosure.legal_basis",
        "disclosure.confirmation",
        "disclosure.channel",
        "data_subject_request.kind",
        "data_subject_request.status",
    }
)

# How rows of a table belong to one client.
LINKS = (
    "self",  # the person row itself
    "person",  # a person_id column
    "case",  # a case_id column (case_file.person_id)
    "consent",  # a consent_id column (consent_record.person_id)
    "plan",  # a plan_id column (help_plan.case_id)
    "household",  # a household the client belongs to (shared: only touched when no other member is left)
    "none",  # not about clients (staff, organisation, configuration)
)

# Retention start events (Startzeitpunkte).
START_EVENTS = ("closure", "last_contact", "revocation", "event", "account_end")


@dataclass(frozen=True)
class RetentionClass:
    """A Löschklasse: start event plus a period set per tenant (``settings.retention.periods``)."""

    key: str
    title: object
    start_event: str
    default_months: int | None
    description: object = ""


@dataclass(frozen=True)
class DataCategory:
    """A Datenart: data used for the same purpose, on the same legal basis, about the same people."""

    key: str
    title: object
    purpose: object
    legal_basis: object
    subjects: object
    retention: str
    #: Art. 9 special category the data may contain ("health", "religion" …), or "".
    special: str = ""
    recipients: object = ""


@dataclass(frozen=True)
class DataTable:
    """One table's declaration: every column except ``id``/``tenant_id``/``version`` is named."""

    table: str
    link: str
    #: column -> (category key, anonymisation action); category None = no personal data.
    columns: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    #: "update" applies the column actions; "delete" removes the client's rows when anonymising.
    on_anonymise: str = "update"


@dataclass
class Registry:
    classes: dict[str, RetentionClass]
    categories: dict[str, DataCategory]
    tables: dict[str, DataTable]
    #: table -> plugin name (None for core)
    owners: dict[str, str | None]

    def client_tables(self) -> list[DataTable]:
        return [t for t in self.tables.values() if t.link != "none"]

    def categories_of(self, table: DataTable) -> set[str]:
        return {category for category, _action in table.columns.values() if category}

    def for_plugins(self, enabled: set[str]) -> Registry:
        """The part of the registry a tenant uses: core plus its enabled plugins."""
        tables = {
            k: t
            for k, t in self.tables.items()
            if self.owners[k] is None or self.owners[k] in enabled
        }
        used = {c for t in tables.values() for c in self.categories_of(t)}
        categories = {k: c for k, c in self.categories.items() if k in used}
        classes = {
            k: c for k, c in self.classes.items() if k in {c.retention for c in categories.values()}
        }
        return Registry(classes, categories, tables, {k: self.owners[k] for k in tables})


PERSON_COLUMNS = {
    "first_name": ("client_master", PSEUDONYM),
    "last_name": ("client_master", PSEUDONYM),
    "other_names": ("client_master", ERASE),
    "birth_date": ("client_master", YEAR),
    "gender": ("client_master", KEEP),
    "nationality": ("client_master", KEEP),
    "languages": ("client_master", KEEP),
    "interpreter_needed": ("client_master", KEEP),
    "interpreter_language": ("client_master", KEEP),
    "residence_status": ("client_residence", KEEP),
    "residence_issued_on": ("client_residence", ERASE),
    "residence_valid_until": ("client_residence", ERASE),
    "street": ("client_master", ERASE),
    "postcode": ("client_master", ERASE),
    "city": ("client_master", ERASE),
    "phone": ("client_master", ERASE),
    "email": ("client_master", ERASE),
    "name_key": ("client_master", ERASE),
    "sort_name": ("client_master", ERASE),
    "created_by_id": ("client_master", KEEP),
    "updated_at": ("client_master", KEEP),
    "created_at": ("client_master", KEEP),
    "restricted_at": ("client_master", ERASE),
    "restriction_reason": ("client_master", ERASE),
    "anonymised_at": ("client_master", KEEP),
    "processing_revoked_at": ("client_master", KEEP),
}

CORE_CLASSES = (
    RetentionClass(
        "client_file",
        _l("Client file"),
        "closure",
        36,
        _l(
            "Everything about a client: master data, case documentation, consents. The tenant sets the start "
            "event (closure of the last case or last contact) and the period."
        ),
    ),
    RetentionClass(
        "audit_log",
        _l("Audit trail"),
        "event",
        24,
        _l(
            "Content-free log of reads, changes and disclosures, kept to demonstrate lawful processing."
        ),
    ),
    RetentionClass(
        "staff_account",
        _l("Staff accounts"),
        "account_end",
        None,
        _l("Accounts of staff; removed by the local administration when someone leaves."),
    ),
)

_CONSENT_BASIS = _l("Art. 6(1)(a), Art. 9(2)(a) GDPR (consent); § 203 StGB release")
_CLIENTS = _l("Clients and their family members")

CORE_CATEGORIES = (
    DataCategory(
        "client_master",
        _l("Master data of clients"),
        _l("Identification and contact for counselling and case management"),
        _CONSENT_BASIS,
        _CLIENTS,
        "client_file",
    ),
    DataCategory(
        "client_residence",
        _l("Residence status"),
        _l("Checking access to services and deadlines of residence permits"),
        _CONSENT_BASIS,
        _CLIENTS,
        "client_file",
    ),
    DataCategory(
        "case_documentation",
        _l("Case documentation"),
        _l(
            "Documenting the Regelkreis: access, assessment, goals, help plans, contacts, journal, closure"
        ),
        _CONSENT_BASIS,
        _CLIENTS,
        "client_file",
        special="health",
        recipients=_l(
            "Only with a confidentiality release: the recipient categories of the release"
        ),
    ),
    DataCategory(
        "client_documents",
        _l("Documents of clients"),
        _l("Uploaded documents and signed forms"),
        _CONSENT_BASIS,
        _CLIENTS,
        "client_file",
        special="health",
    ),
    DataCategory(
        "consent",
        _l("Consents and confidentiality releases"),
        _l("Demonstrating consent (Art. 7(1) GDPR) and the lawful disclosure of data"),
        _l("Art. 7(1) GDPR; Art. 6(1)(c) GDPR"),
        _CLIENTS,
        "client_file",
    ),
    DataCategory(
        "disclosures",
        _l("Disclosure register"),
        _l("Evidence of every disclosure of client data to third parties"),
        _l("Art. 5(2), Art. 15(1)(c) GDPR"),
        _CLIENTS,
        "client_file",
    ),
    DataCategory(
        "data_subject_requests",
        _l("Data-subject requests"),
        _l("Handling requests under Art. 15–21 GDPR"),
        _l("Art. 6(1)(c) GDPR with Art. 12 GDPR"),
        _CLIENTS,
        "client_file",
    ),
    DataCategory(
        "audit",
        _l("Audit trail"),
        _l("Accountability and detecting misuse"),
        _l("Art. 5(2), Art. 32 GDPR"),
        _l("Staff; clients by record number only"),
        "audit_log",
    ),
    DataCategory(
        "staff",
        _l("Staff accounts and roles"),
        _l("Sign-in, permissions, caseload and deputising"),
        _l("Art. 6(1)(b) GDPR, § 26 BDSG"),
        _l("Staff"),
        "staff_account",
    ),
)

CASE_DOC = "case_documentation"

CORE_TABLES = (
    DataTable("person", "self", PERSON_COLUMNS),
    DataTable(
        "household", "household", {"name": ("client_master", ERASE), "created_at": (None, KEEP)}
    ),
    DataTable(
        "household_member",
        "person",
        {
            "household_id": ("client_master", KEEP),
            "person_id": ("client_master", KEEP),
            "role": ("client_master", KEEP),
        },
        on_anonymise="delete",
    ),
    DataTable(
        "person_change",
        "person",
        {
            "person_id": ("client_master", KEEP),
            "field": ("client_master", KEEP),
            "old_value": ("client_master", ERASE),
            "new_value": ("client_master", ERASE),
            "request_id": ("client_master", KEEP),
            "actor_id": ("client_master", KEEP),
            "at": ("client_master", KEEP),
        },
        on_anonymise="delete",
    ),
    DataTable(
        "case_file",
        "person",
        {
            "number": (CASE_DOC, KEEP),
            "person_id": (CASE_DOC, KEEP),
            "case_type": (CASE_DOC, KEEP),
            "phase": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
            "topic": (CASE_DOC, ERASE),
            "access_path": (CASE_DOC, KEEP),
            "source": (CASE_DOC, KEEP),
            "warm_handover": (CASE_DOC, KEEP),
            "case_manager_id": (CASE_DOC, KEEP),
            "org_unit_id": (CASE_DOC, KEEP),
            "deputy_id": (CASE_DOC, KEEP),
            "opened_on": (CASE_DOC, KEEP),
            "last_activity_at": (CASE_DOC, KEEP),
            "closed_on": (CASE_DOC, KEEP),
            "closure_reason": (CASE_DOC, KEEP),
            "closure_note": (CASE_DOC, ERASE),
            "evaluation": (CASE_DOC, NUMBERS),
            "follow_up_talk_on": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "access_decision",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "admitted": (CASE_DOC, KEEP),
            "target_group": (CASE_DOC, ERASE),
            "reason": (CASE_DOC, ERASE),
            "decided_on": (CASE_DOC, KEEP),
            "actor_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "phase_transition",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "from_phase": (CASE_DOC, KEEP),
            "to_phase": (CASE_DOC, KEEP),
            "at": (CASE_DOC, KEEP),
            "actor_id": (CASE_DOC, KEEP),
            "reason": (CASE_DOC, ERASE),
            "backwards": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "contact",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "contact_on": (CASE_DOC, KEEP),
            "duration_minutes": (CASE_DOC, KEEP),
            "channel": (CASE_DOC, KEEP),
            "participants": (CASE_DOC, ERASE),
            "interpreter_used": (CASE_DOC, KEEP),
            "summary": (CASE_DOC, ERASE),
            "author_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "journal_entry",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "at": (CASE_DOC, KEEP),
            "text": (CASE_DOC, ERASE),
            "effort_minutes": (CASE_DOC, KEEP),
            "author_id": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "goal",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "life_area": (CASE_DOC, KEEP),
            "title": (CASE_DOC, ERASE),
            "indicator": (CASE_DOC, ERASE),
            "priority": (CASE_DOC, KEEP),
            "target_date": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
            "achievement": (CASE_DOC, KEEP),
            "achievement_note": (CASE_DOC, ERASE),
            "created_at": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "help_plan",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "number": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
            "agreed_on": (CASE_DOC, KEEP),
            "agreed_by_client": (CASE_DOC, KEEP),
            "review_on": (CASE_DOC, KEEP),
            "note": (CASE_DOC, ERASE),
            "created_at": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "help_plan_item",
        "plan",
        {
            "plan_id": (CASE_DOC, KEEP),
            "goal_id": (CASE_DOC, KEEP),
            "position": (CASE_DOC, KEEP),
            "measure": (CASE_DOC, ERASE),
            "responsible": (CASE_DOC, ERASE),
            "partner_name": (CASE_DOC, ORGANISATION),
            "due_on": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "follow_up",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "assignee_id": (CASE_DOC, KEEP),
            "due_on": (CASE_DOC, KEEP),
            "title": (CASE_DOC, ERASE),
            "kind": (CASE_DOC, KEEP),
            "source_key": (CASE_DOC, KEEP),
            "done_at": (CASE_DOC, KEEP),
            "done_by_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
        on_anonymise="delete",
    ),
    DataTable(
        "case_share",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "user_id": (CASE_DOC, KEEP),
            "shared_by_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
        on_anonymise="delete",
    ),
    DataTable(
        "attachment",
        "case",
        {
            "case_id": ("client_documents", KEEP),
            "filename": ("client_documents", ERASE),
            "storage_name": ("client_documents", ERASE),
            "content_type": ("client_documents", KEEP),
            "size": ("client_documents", KEEP),
            "sha256": ("client_documents", ERASE),
            "description": ("client_documents", ERASE),
            "uploaded_at": ("client_documents", KEEP),
            "uploaded_by_id": ("client_documents", KEEP),
        },
        on_anonymise="delete",
    ),
    DataTable(
        "consent_record",
        "person",
        {
            "person_id": ("consent", KEEP),
            "template_version_id": ("consent", KEEP),
            "kind": ("consent", KEEP),
            "language": ("consent", KEEP),
            "signed_by": ("consent", KEEP),
            "guardian_name": ("consent", ERASE),
            "covered_person_ids": ("consent", ERASE),
            "recipient_keys": ("consent", KEEP),
            "partner_names": ("consent", ERASE),
            "purposes": ("consent", KEEP),
            "granted_on": ("consent", KEEP),
            "valid_until": ("consent", KEEP),
            "evidence_id": ("consent", ERASE),
            "recorded_by_id": ("consent", KEEP),
            "created_at": ("consent", KEEP),
        },
    ),
    DataTable(
        "consent_revocation",
        "consent",
        {
            "consent_id": ("consent", KEEP),
            "received_on": ("consent", KEEP),
            "recipient_keys": ("consent", KEEP),
            "at": ("consent", KEEP),
            "recorded_by_id": ("consent", KEEP),
        },
    ),
    DataTable(
        "disclosure",
        "person",
        {
            "person_id": ("disclosures", KEEP),
            "case_id": ("disclosures", KEEP),
            "recipient_key": ("disclosures", KEEP),
            "recipient_name": ("disclosures", ERASE),
            "data_categories": ("disclosures", KEEP),
            "purpose": ("disclosures", KEEP),
            "legal_basis": ("disclosures", KEEP),
            "consent_id": ("disclosures", KEEP),
            "override_reason": ("disclosures", ERASE),
            "confirmation": ("disclosures", KEEP),
            "channel": ("disclosures", KEEP),
            "actor_id": ("disclosures", KEEP),
            "at": ("disclosures", KEEP),
        },
    ),
    DataTable(
        "data_subject_request",
        "person",
        {
            "person_id": ("data_subject_requests", KEEP),
            "kind": ("data_subject_requests", KEEP),
            "received_on": ("data_subject_requests", KEEP),
            "due_on": ("data_subject_requests", KEEP),
            "status": ("data_subject_requests", KEEP),
            "details": ("data_subject_requests", ERASE),
            "decision_note": ("data_subject_requests", ERASE),
            "requested_by_id": ("data_subject_requests", KEEP),
            "decided_by_id": ("data_subject_requests", KEEP),
            "decided_at": ("data_subject_requests", KEEP),
            "created_at": ("data_subject_requests", KEEP),
        },
    ),
    DataTable(
        "retention_hold",
        "person",
        {
            "person_id": ("client_master", KEEP),
            "reason": ("client_master", ERASE),
            "until": ("client_master", KEEP),
            "created_by_id": ("client_master", KEEP),
            "released_at": ("client_master", KEEP),
            "created_at": ("client_master", KEEP),
        },
        on_anonymise="delete",
    ),
    # Not about clients ----------------------------------------------------------------------
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
    DataTable("case_number_counter", "none", {k: (None, KEEP) for k in ("year", "last_number")}),
    DataTable(
        "audit_event",
        "none",
        {
            "at": ("audit", KEEP),
            "actor_id": ("audit", KEEP),
            "action": ("audit", KEEP),
            "object_type": ("audit", KEEP),
            "object_id": ("audit", KEEP),
            "details": ("audit", KEEP),
        },
    ),
    DataTable(
        "platform_audit_event",
        "none",
        {
            "at": ("audit", KEEP),
            "actor_id": ("audit", KEEP),
            "action": ("audit", KEEP),
            "object_type": ("audit", KEEP),
            "object_id": ("audit", KEEP),
            "details": ("audit", KEEP),
        },
    ),
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
    DataTable(
        "tenant",
        "none",
        {
            k: (None, KEEP)
            for k in (
                "slug",
                "name",
                "kind",
                "active",
                "disabled_at",
                "default_locale",
                "locales",
                "theme",
                "settings",
                "plugins_version",
                "created_at",
            )
        },
    ),
    DataTable("tenant_host", "none", {"host": (None, KEEP)}),
    DataTable(
        "tenant_plugin",
        "none",
        {
            k: (None, KEEP)
            for k in ("plugin_name", "enabled", "changed_at", "changed_by_id", "settings")
        },
    ),
    DataTable(
        "org_unit",
        "none",
        {
            k: (None, KEEP)
            for k in ("key", "name", "kind", "parent_id", "description", "active", "created_at")
        },
    ),
    DataTable(
        "location",
        "none",
        {
            k: (None, KEEP)
            for k in ("org_unit_id", "name", "street", "postcode", "city", "phone", "email")
        },
    ),
    DataTable(
        "recipient_category",
        "none",
        {k: (None, KEEP) for k in ("key", "name", "active", "created_at")},
    ),
    DataTable(
        "consent_template",
        "none",
        {k: (None, KEEP) for k in ("key", "kind", "title", "created_at")},
    ),
    DataTable(
        "consent_template_version",
        "none",
        {
            k: (None, KEEP)
            for k in (
                "template_id",
                "number",
                "texts",
                "recipient_keys",
                "purposes",
                "processing_bodies",
                "privacy_notice",
                "valid_months",
                "published_at",
                "retired_at",
                "created_at",
            )
        },
    ),
)


def core_declarations() -> list:
    return [*CORE_CLASSES, *CORE_CATEGORIES, *CORE_TABLES]


def build(contributions: Iterable[tuple[str | None, Iterable]]) -> Registry:
    """Merge ``(owner, declarations)`` pairs; conflicting or dangling declarations are errors."""
    registry = Registry({}, {}, {}, {})
    for owner, declarations in contributions:
        for item in declarations or ():
            if isinstance(item, RetentionClass):
                if item.start_event not in START_EVENTS:
                    raise ValueError(
                        f"retention class {item.key!r}: unknown start event {item.start_event!r}"
                    )
                registry.classes.setdefault(item.key, item)
            elif isinstance(item, DataCategory):
                if item.key in registry.categories and registry.categories[item.key] != item:
                    raise ValueError(f"data category {item.key!r} declared twice")
                registry.categories[item.key] = item
            elif isinstance(item, DataTable):
                if item.table in registry.tables:
                    raise ValueError(f"table {item.table!r} declared twice")
                if item.link not in LINKS or item.on_anonymise not in ("update", "delete"):
                    raise ValueError(f"table {item.table!r}: bad link or anonymisation mode")
                for column, (_category, action) in item.columns.items():
                    if action not in ACTIONS:
                        raise ValueError(f"{item.table}.{column}: unknown action {action!r}")
                registry.tables[item.table] = item
                registry.owners[item.table] = owner
            else:
                raise TypeError(f"lotse_data_categories returned {item!r}")
    for table in registry.tables.values():
        for column, (category, _action) in table.columns.items():
            if category is not None and category not in registry.categories:
                raise ValueError(f"{table.table}.{column} names unknown data category {category!r}")
    for category in registry.categories.values():
        if category.retention not in registry.classes:
            raise ValueError(
                f"data category {category.key!r} names unknown retention class {category.retention!r}"
            )
    return registry


def build_registry(pm) -> Registry:
    """Core plus every installed plugin (enabled or not: the completeness check covers all)."""
    contributions: list[tuple[str | None, Iterable]] = [(None, core_declarations())]
    for impl in pm.hook.lotse_data_categories.get_hookimpls():
        contributions.append((impl.plugin_name, impl.function()))
    return build(contributions)


def registry():
    from flask import current_app

    return current_app.extensions["lotse.data_registry"]


def tenant_registry(tenant) -> Registry:
    from core.plugins.services import enabled_plugins

    return registry().for_plugins(set(enabled_plugins(tenant)))
