"""Hook implementations of the KIM NRW plugin."""

from core.plugin_api import hookimpl, plugin_settings
from plugins.kim_nrw import PLUGIN
from plugins.kim_nrw.catalogue import operative_capacity
from plugins.kim_nrw.rules import MigrationHistory


@hookimpl
def lotse_eligibility_rules(tenant):
    return [MigrationHistory()]


@hookimpl
def lotse_caseload_capacity(tenant, weekly_hours, ratio):
    if plugin_settings(tenant, PLUGIN.name).get("caseload_formula") != "operative_hours":
        return None
    return operative_capacity(ratio, weekly_hours)
