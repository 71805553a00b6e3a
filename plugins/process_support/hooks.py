"""The case type is contributed through the tenant relay, so only tenants that enabled the plugin
offer it."""

from core import hookimpl
from core.cases.regelkreis import CaseType, Phase
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
