"""The case type is contributed through the tenant relay, so only tenants that enabled the plugin
offer it."""

from core.plugin_api import CaseType, Phase, hookimpl
from plugins.process_support import _


@hookimpl
def lotse_case_types(tenant):
    return [
        CaseType(
            "process_support",
            _("Process accompaniment"),
            [Phase("intake", _("Accompaniment")), Phase("closure", _("Closure / evaluation"))],
            counts_for_caseload=True,
            convertible=True,
            needs_topic=True,
        )
    ]
