"""Hook implementations of the Oberhausen plugin."""

from core.plugin_api import hookimpl


@hookimpl
def lotse_eligibility_rules(tenant):
    from plugins.oberhausen.eligibility import rules

    return rules()
