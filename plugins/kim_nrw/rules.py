"""§ 4 Teilhabe- und Integrationsgesetz NRW: who has an *Einwanderungsgeschichte*.

Persons with an immigration history are (1) not German within Art. 116 (1) GG, or (2) born
outside today's Federal Republic and immigrated after 31 December 1955, or (3) persons with at
least one parent who fulfils (2). The access checklists of KIM tenants ask it as
``einwanderungsgeschichte`` (yes/no) and ``einwanderungsgeschichte_alternative``
(``nicht_deutsch`` / ``zugewandert`` / ``elternteil``); where they are not answered yet, the
person's nationality decides alternative 1 (the other two need the answers).
"""

from __future__ import annotations

from datetime import date

from core.plugin_api import GENERAL_CONDITION, EligibilityRule, Verdict
from plugins.kim_nrw import _

#: The cut-off date of alternative 2 (the statute says "nach dem 31. Dezember 1955").
CUTOFF = date(1955, 12, 31)
ALTERNATIVES = ("nicht_deutsch", "zugewandert", "elternteil")


def alternative_text(key: str) -> str:
    return {
        "nicht_deutsch": _("not German within the meaning of Art. 116 (1) GG (no. 1)"),
        "zugewandert": _(
            "born outside today's Federal Republic and immigrated after 31 December 1955 (no. 2)"
        ),
        "elternteil": _("at least one parent born abroad and immigrated after 1955 (no. 3)"),
    }.get(key, key)


def tintg_test(answers, person) -> tuple[bool | None, str]:
    """(met, why): ``None`` when nothing is known yet. Answers win over the person's data."""
    ticked = answers.get("einwanderungsgeschichte")
    alternative = answers.get("einwanderungsgeschichte_alternative") or ""
    if ticked is True:
        if alternative not in ALTERNATIVES:
            return False, _("Ticked, but which of the three alternatives applies is missing.")
        return True, _("§ 4 TIntG NRW: %(alt)s.", alt=alternative_text(alternative))
    if ticked is False:
        return False, _("No immigration history within § 4 TIntG NRW (checklist).")
    nationality = (getattr(person, "nationality", "") or "").upper()
    if nationality and nationality != "DE":
        return True, _(
            "Not a German national: %(alt)s (from the person's data).",
            alt=alternative_text("nicht_deutsch"),
        )
    if nationality == "DE":
        return None, _(
            "German nationality: an immigration history exists only as no. 2 or no. 3 "
            "(immigrated after 31 December 1955, or a parent did) - please answer the checklist."
        )
    return None, _("Not answered yet and no nationality recorded.")


class MigrationHistory(EligibilityRule):
    """The general condition of every KIM NRW tenant. The one exception the KIM concepts know
    (Pflegesetting: relatives without an immigration history may be counselled when the person
    they care for has one) is honoured through the checklist answers ``zg3_rolle`` =
    ``angehoerig`` and ``zg3_pflegeperson_einwanderungsgeschichte``."""

    key = "kim_nrw.einwanderungsgeschichte"
    label = _("Immigration history (§ 4 TIntG NRW)")
    description = _("One of the three alternatives of § 4 Teilhabe- und Integrationsgesetz NRW.")
    category = GENERAL_CONDITION
    order = 10
    forms = ("oberhausen.access_checklist",)

    def check(self, context) -> Verdict:
        met, why = tintg_test(context.answers, context.person)
        if met:
            return Verdict(True, (why,))
        answers = context.answers
        if answers.get("zg3_rolle") == "angehoerig" and answers.get(
            "zg3_pflegeperson_einwanderungsgeschichte"
        ):
            return Verdict(
                True,
                (
                    why,
                    _(
                        "Exception for the care setting: the person cared for has an "
                        "immigration history, so the relative may be counselled."
                    ),
                ),
            )
        return Verdict(False, (why,))
