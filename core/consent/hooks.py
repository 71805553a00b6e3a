"""What the consent domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). Consent, confidentiality releases, the disclosure
register and the consent forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl, labels
from core.auth.permissions import Permission
from core.privacy.registry import (
    CLIENTS,
    ERASE,
    KEEP,
    DataCategory,
    DataTable,
    FieldLabels,
    category_columns,
)
from core.web import MenuItem

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 40


@hookimpl
def lotse_blueprints():
    from core.consent.template_views import bp as template_views_bp
    from core.consent.views import bp as views_bp

    return [views_bp, template_views_bp]


@hookimpl
def lotse_api_blueprints():
    from core.api import consent, consent_templates

    return [*consent.blueprints(), *consent_templates.blueprints()]


MENU = (
    MenuItem(_l("Disclosures"), "consent.register", order=75, permission="disclosures.read"),
    MenuItem(
        _l("Consent forms"), "consent_templates.index", order=76, permission="consent.templates"
    ),
)


@hookimpl
def lotse_menu_items(tenant, user):
    return MENU


PERMISSIONS = (
    Permission(
        "disclosures.read",
        _l("Read the disclosure register and consent overrides"),
        roles=frozenset({"dpo"}),
        case_data=True,
    ),
    Permission(
        "consent.templates",
        _l("Manage consent forms, information sheets and recipient categories"),
        roles=frozenset({"dpo", "tenant_admin"}),
    ),
)


@hookimpl
def lotse_permissions():
    return PERMISSIONS


# --- personal data (core.privacy.registry) --------------------------------------------------------


CATEGORIES = (
    DataCategory(
        "consent",
        _l("Consents and confidentiality releases"),
        _l("Demonstrating consent (Art. 7(1) GDPR) and the lawful disclosure of data"),
        _l("Art. 7(1) GDPR; Art. 6(1)(c) GDPR"),
        CLIENTS,
        "client_file",
    ),
    DataCategory(
        "disclosures",
        _l("Disclosure register"),
        _l("Evidence of every disclosure of client data to third parties"),
        _l("Art. 5(2), Art. 15(1)(c) GDPR"),
        CLIENTS,
        "client_file",
    ),
)


TABLES = (
    DataTable(
        "consent_record",
        "person",
        category_columns(
            "consent",
            (
                "person_id template_version_id kind language signed_by guardian_name "
                "recipient_keys partner_names purposes granted_on valid_until "
                "evidence_id recorded_by_id created_at"
            ),
            guardian_name=ERASE,
            partner_names=ERASE,
            evidence_id=ERASE,
        ),
        codes=frozenset({"kind", "language", "signed_by", "recipient_keys", "purposes"}),
    ),
    # Whom a consent covers (the holder and minor children): belongs to the consent's holder.
    # Erasure deletes it with the consents; a covered child's own row in another person's consent
    # goes when the child is erased or anonymised (core.consent.coverage.release), and so do the
    # children's rows of an anonymised holder's consents.
    DataTable(
        "consent_coverage",
        "consent",
        category_columns("consent", "consent_id person_id"),
    ),
    DataTable(
        "consent_revocation",
        "consent",
        category_columns("consent", "consent_id received_on recipient_keys at recorded_by_id"),
        codes=frozenset({"recipient_keys"}),
    ),
    DataTable(
        "disclosure",
        "person",
        category_columns(
            "disclosures",
            (
                "person_id case_id recipient_key recipient_name data_categories purpose "
                "legal_basis consent_id override_reason confirmation channel actor_id at"
            ),
            recipient_name=ERASE,
            override_reason=ERASE,
        ),
        codes=frozenset(
            {
                "recipient_key",
                "data_categories",
                "purpose",
                "legal_basis",
                "confirmation",
                "channel",
            }
        ),
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


LABELS = FieldLabels(
    tables={
        "consent_record": _l("Consents and confidentiality releases"),
        "consent_coverage": _l("Persons a consent covers"),
        "consent_revocation": _l("Revocations"),
        "disclosure": _l("Disclosures"),
    },
    columns={
        "template_version_id": _l("Form version (number)"),
        "language": _l("Language"),
        "signed_by": _l("Signed by"),
        "guardian_name": _l("Parent or guardian"),
        "recipient_keys": _l("Recipient categories"),
        "partner_names": _l("Named partners"),
        "purposes": _l("Purposes"),
        "granted_on": _l("Granted on"),
        "valid_until": _l("Valid until"),
        "evidence_id": _l("Signed form (document number)"),
        "recorded_by_id": _l("Recorded by (staff number)"),
        "consent_id": _l("Consent (record number)"),
        "received_on": _l("Received on"),
        "recipient_key": _l("Recipient category"),
        "recipient_name": _l("Recipient"),
        "data_categories": _l("Data passed on"),
        "purpose": _l("Purpose"),
        "legal_basis": _l("Legal basis"),
        "override_reason": _l("Reason for passing on without consent"),
        "confirmation": _l("Confirmation by the client"),
        "active": _l("Active"),
    },
    codes={
        ("disclosure", "channel"): labels.DISCLOSURE_CHANNEL_LABELS,
    },
)


@hookimpl
def lotse_data_categories():
    return [*CATEGORIES, *TABLES, LABELS]


@hookimpl
def lotse_follow_up_sources(tenant):
    from core.consent.follow_ups import ConsentExpirySource

    return [ConsentExpirySource()]
