"""Hook implementations of the Oberhausen plugin."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.plugin_api import hookimpl, load_form_definitions

FORMS = Path(__file__).parent / "forms"


@lru_cache(maxsize=1)
def _definitions() -> tuple:
    """Read and checked once per process: the definitions are frozen data."""
    return tuple(load_form_definitions(FORMS))


@hookimpl
def lotse_form_definitions(tenant):
    """The Checkliste „Zugangsbedingungen“ (Anlage 9.2.1) and the Erhebungsbogen Erstgespräch
    (Anlage 9.2.3); the Pflegesetting checklist (9.2.2) comes from the ``pflegesetting`` plugin."""
    return list(_definitions())


#: The phase requirement the form engine offers for a final access checklist (``form.<key>``).
ACCESS_CHECKLIST_FINAL = "form.oberhausen.access_checklist"


@hookimpl
def lotse_adjust_regelkreis(tenant, regelkreis):
    """No Zielvereinbarung without a final Checkliste „Zugangsbedingungen“ (Fachkonzept § 2.3,
    Anlage 9.2.1): the access decision rests on the checklist, so the goal agreement waits for
    it to be finalised."""
    case_type = regelkreis.case_types.get("case_management")
    phase = regelkreis.phase("case_management", "goal_agreement") if case_type else None
    if phase is not None and ACCESS_CHECKLIST_FINAL not in phase.requires:
        phase.requires = (*phase.requires, ACCESS_CHECKLIST_FINAL)


@hookimpl
def lotse_eligibility_rules(tenant):
    """The general conditions of § 2.3.1 and the three target groups of § 2.2 / § 2.3.2–2.3.4."""
    from plugins.oberhausen.eligibility import rules

    return rules()
