"""Prozesshafte Begleitung: Kreis Kleve's middle case type between Kurzintervention and
rechtskreisübergreifendes Case Management (Gesamtkonzept KIM Kreis Kleve, §4.1): short- to
medium-term accompaniment on one topic complex (childcare, school enrolment, job search), with
frequent contacts and accompaniment to authorities. It can become a full case management case.
"""

from core.plugin_api import PluginMeta, make_bound_gettext

_ = make_bound_gettext("process_support")

PLUGIN = PluginMeta(
    name="process_support",
    title=_("Process accompaniment"),
    description=_(
        "Adds the case type “prozesshafte Begleitung”: accompaniment on one topic complex, "
        "counted in the caseload and convertible into case management."
    ),
    version="1.0.0",
    lotse_version=">=0.1,<1",
)
