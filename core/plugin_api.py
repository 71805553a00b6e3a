"""The public plugin API: everything a plugin may import from Lotse, in one stable module.

Plugins import from here and nowhere else in ``core`` (a contract test parses every module under
``plugins/`` and ``docs/examples/`` and fails on any other ``core`` import). What is listed in
``__all__`` keeps its name and meaning within a major version of Lotse; everything else in
``core`` may change without notice. A plugin states the Lotse versions it works with in
``PluginMeta.lotse_version``; see ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from core import __version__ as LOTSE_VERSION
from core import hookimpl
from core.audit import services as audit
from core.auth.permissions import (
    ROLES,
    Permission,
    current_permissions,
    has_permission,
    require_permission,
)
from core.cases.regelkreis import CaseType, Phase, Regelkreis
from core.cases.settings import regelkreis_for
from core.confirm import Consequences
from core.consent.services import ConsentRefused, Decision, disclose
from core.consent.services import check as consent_check
from core.db import CreatedAt, UTCDateTime, db, utcnow
from core.forms.definitions import (
    Field,
    FieldSpec,
    FormDefinition,
    Option,
    Persona,
    Section,
    Validator,
    load_form_definitions,
)
from core.i18n import make_bound_gettext, plugin_gettext_callables
from core.i18n.validation import form_errors
from core.plugins.gate import plugin_api_blueprint, plugin_blueprint
from core.plugins.meta import PluginMeta
from core.plugins.providers import (
    GENERAL_CONDITION,
    TARGET_GROUP,
    CasePanel,
    CaseTab,
    DueFollowUp,
    EligibilityContext,
    EligibilityRule,
    ExtensionError,
    FieldType,
    FollowUpSource,
    HouseholdMemberAge,
    PartnerRow,
    PartnerTable,
    PhaseRequirement,
    PriorityHint,
    ReportProvider,
    ReportTable,
    Verdict,
)
from core.plugins.services import plugin_settings
from core.privacy.registry import (
    ERASE,
    KEEP,
    NUMBERS,
    ORGANISATION,
    PSEUDONYM,
    YEAR,
    DataCategory,
    DataTable,
    FieldLabels,
    RetentionClass,
)
from core.schemas import (
    LotseSchema,
    Text,
    ValidationError,
    choice,
    flatten_errors,
    form_input,
    load,
)
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant
from core.tenancy.rls import disable_rls, enable_rls
from core.tenancy.scoping import TenantScoped, tenant_foreign_key
from core.web import MenuItem, render_partial, run_write


def current_tenant() -> Tenant | None:
    """The tenant of the running request (None outside a tenant, e.g. under ``/platform/``)."""
    from flask import g

    tenant: Tenant | None = g.get("tenant")
    return tenant


__all__ = [
    # version and declaration
    "LOTSE_VERSION",
    "PluginMeta",
    "hookimpl",
    # web
    "MenuItem",
    "plugin_api_blueprint",
    "Consequences",
    "plugin_blueprint",
    "render_partial",
    "run_write",
    # translations
    "make_bound_gettext",
    "plugin_gettext_callables",
    # tenancy and data
    "CreatedAt",
    "Tenant",
    "TenantScoped",
    "UTCDateTime",
    "current_tenant",
    "db",
    "tenant_foreign_key",
    "tenant_scope",
    "utcnow",
    # migrations
    "disable_rls",
    "enable_rls",
    # permissions
    "ROLES",
    "Permission",
    "current_permissions",
    "has_permission",
    "require_permission",
    # settings and validation
    "LotseSchema",
    "Text",
    "ValidationError",
    "choice",
    "flatten_errors",
    "form_errors",
    "form_input",
    "load",
    "plugin_settings",
    # audit trail and the consent gate
    "ConsentRefused",
    "Decision",
    "audit",
    "consent_check",
    "disclose",
    # personal-data registry
    "ERASE",
    "KEEP",
    "NUMBERS",
    "ORGANISATION",
    "PSEUDONYM",
    "YEAR",
    "DataCategory",
    "DataTable",
    "FieldLabels",
    "RetentionClass",
    # cases and the Regelkreis
    "CaseType",
    "Phase",
    "Regelkreis",
    "regelkreis_for",
    # providers (extension points; see docs/plugin_hooks.md)
    "CasePanel",
    "CaseTab",
    "DueFollowUp",
    "EligibilityContext",
    "EligibilityRule",
    "GENERAL_CONDITION",
    "HouseholdMemberAge",
    "PriorityHint",
    "TARGET_GROUP",
    "ExtensionError",
    "FieldSpec",
    "FieldType",
    "FollowUpSource",
    "FormDefinition",
    "PartnerRow",
    "PartnerTable",
    "PhaseRequirement",
    "ReportProvider",
    "ReportTable",
    "Verdict",
    # the form engine (docs/forms.md)
    "Field",
    "Option",
    "Persona",
    "Section",
    "Validator",
    "load_form_definitions",
]
