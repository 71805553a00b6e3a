"""Hook implementations: each returns provider objects; core collects and shows them."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from core.plugin_api import CasePanel, EligibilityRule, Verdict, hookimpl
from hello_plugin import _


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Adult(EligibilityRule):
    """Eligible from the 18th birthday on."""

    key = "hello.adult"
    label = _("Adult")

    def evaluate(self, person, case) -> Verdict:
        if person.birth_date is None:
            return Verdict(False, (_("The birth date is not known."),))
        age = age_on(person.birth_date, date.today())
        if age >= 18:
            return Verdict(True, (_("%(age)d years old.", age=age),))
        return Verdict(False, (_("Only %(age)d years old.", age=age),))


class AdultPanel(CasePanel):
    key = "hello.adult"
    label = _("Hello")
    order = 50

    def render(self, case) -> Markup:
        verdict = Adult().evaluate(case.person, case)
        answer = _("Adult: yes") if verdict.eligible else _("Adult: no")
        # Markup.format escapes every argument: plugin HTML is built like this, never with "+".
        return Markup("<p><strong>{}</strong> – {}</p>").format(answer, " ".join(verdict.reasons))


@hookimpl
def lotse_eligibility_rules(tenant):
    return [Adult()]


@hookimpl
def lotse_case_panels(tenant):
    return [AdultPanel()]
