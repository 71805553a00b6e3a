"""KIM NRW catalogues: the three Bausteine of the Kommunales Integrationsmanagement and the
caseload defaults of the KIM concepts (Oberhausen §7.8)."""

from __future__ import annotations

from plugins.kim_nrw import _


def kim_roles() -> dict[str, str]:
    """Role names of KIM NRW by Baustein (for role labels and reports)."""
    return {
        "baustein_1": _("Building block 1: strategic management and coordination"),
        "baustein_2": _("Building block 2: case management"),
        "baustein_3": _("Building block 3: immigration and naturalisation offices"),
    }


#: 1:40 including short counselling, 10 % tolerance, 39 h full-time of which 36 operative,
#: 1 h strategic, 2 h team work.
CASELOAD_DEFAULTS = {
    "caseload_ratio": 40,
    "caseload_tolerance_pct": 10,
    "full_time_hours": 39,
    "operative_hours": 36,
    "strategic_hours": 1,
    "team_hours": 2,
}


def operative_capacity(ratio: int, weekly_hours: float) -> float:
    """The optional formula of Oberhausen §7.8: strategic (1 h) and team (2 h) time count in
    full for part-time staff, only the operative share shrinks: ratio × (hours − 3) / 36."""
    d = CASELOAD_DEFAULTS
    fixed = d["strategic_hours"] + d["team_hours"]
    return max(ratio * (weekly_hours - fixed) / d["operative_hours"], 0.0)
