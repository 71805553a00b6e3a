"""Hello: the smallest useful Lotse plugin, as a pattern to copy.

It adds one eligibility rule ("adult") and one panel on the case overview that shows the rule's
verdict for the case's client. Nothing in core names it: it is found through its entry point.
"""

from core.plugin_api import PluginMeta, make_bound_gettext

_ = make_bound_gettext("hello")

PLUGIN = PluginMeta(
    name="hello",
    title=_("Hello example"),
    description=_("Shows whether the client is an adult, on the overview page of every case."),
    version="1.0.0",
)
