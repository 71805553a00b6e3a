"""KIM NRW: what every Kommunales Integrationsmanagement of North Rhine-Westphalia shares.

The § 4 Teilhabe- und Integrationsgesetz NRW test of an *Einwanderungsgeschichte* as a reusable
general condition, the KIM role names (Baustein 1/2/3) and caseload defaults. Tenant plugins such
as ``oberhausen`` require it, so they build on one definition instead of copying it.
"""

from core.plugin_api import PluginMeta, make_bound_gettext

_ = make_bound_gettext("kim_nrw")

from plugins.kim_nrw.schemas import KimSettingsSchema  # noqa: E402

PLUGIN = PluginMeta(
    name="kim_nrw",
    title=_("KIM NRW"),
    description=_(
        "Shared rules of the Kommunales Integrationsmanagement NRW: the § 4 TIntG NRW test of an "
        "immigration history, KIM role names and caseload defaults."
    ),
    version="0.1.0",
    lotse_version=">=0.1,<1",
    settings_schema=KimSettingsSchema,
)
