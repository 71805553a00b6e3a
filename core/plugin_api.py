"""The public plugin API: what a plugin may import from core, and nothing else.

Plugins write ``from core.plugin_api import …``; everything here is kept stable within a major
version, everything else in ``core`` may change without notice.
"""

from core import hookimpl
from core.i18n import make_bound_gettext
from core.plugins import PluginMeta, plugin_blueprint
from core.plugins.providers import (
    CasePanel,
    CaseTab,
    DueFollowUp,
    EligibilityRule,
    ExtensionError,
    FieldSpec,
    FieldType,
    FollowUpSource,
    FormDefinition,
    PartnerRow,
    PartnerTable,
    PhaseRequirement,
    ReportProvider,
    ReportTable,
    Verdict,
)

__all__ = [
    "CasePanel",
    "CaseTab",
    "DueFollowUp",
    "EligibilityRule",
    "ExtensionError",
    "FieldSpec",
    "FieldType",
    "FollowUpSource",
    "FormDefinition",
    "PartnerRow",
    "PartnerTable",
    "PhaseRequirement",
    "PluginMeta",
    "ReportProvider",
    "ReportTable",
    "Verdict",
    "hookimpl",
    "make_bound_gettext",
    "plugin_blueprint",
]
