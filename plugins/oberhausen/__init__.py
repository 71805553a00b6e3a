"""Stadt Oberhausen: the KIM case-management concept of the city as software.

Built from "3. Fortschreibung des Fachkonzepts des Case-Managements" (13.12.2024): the three
target groups with their access rules (§ 2.2–2.3), the appendix forms (Checkliste
Zugangsbedingungen, Erhebungsbogen Erstgespräch) and the city's consent texts (§ 9.2.4–9.2.5).
"""

from core.plugin_api import PluginMeta, make_bound_gettext

_ = make_bound_gettext("oberhausen")

PLUGIN = PluginMeta(
    name="oberhausen",
    title=_("Oberhausen case management"),
    description=_(
        "Target groups, access checklist, intake form and consent texts of the KIM case "
        "management concept of the Stadt Oberhausen."
    ),
    version="0.1.0",
    lotse_version=">=0.1,<1",
    requires=frozenset({"kim_nrw", "pflegesetting"}),
)
