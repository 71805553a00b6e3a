"""Pflegesetting: the "Checkliste Bedarfseinschätzung im Unterstützungsbereich Pflegesetting".

Six areas with the 65 criteria of the Neues Begutachtungsassessment (§ 14 Abs. 2 SGB XI) as
prompts, fulfilment and remarks per area, and a plausibility verdict. Reusable by any tenant; the
source defines no score, so none is computed unless a tenant switches on the indicative one, which
is labelled as not being a Pflegegrad.
"""

from core.plugin_api import PluginMeta, make_bound_gettext

_ = make_bound_gettext("pflegesetting")

PLUGIN = PluginMeta(
    name="pflegesetting",
    title=_("Care setting checklist"),
    description=_(
        "Needs assessment checklist for the care setting (six areas of the NBA) with a "
        "plausibility verdict."
    ),
    version="0.1.0",
    lotse_version=">=0.1,<1",
)
