"""The access conditions of the Oberhausen concept (§ 2.3): the general conditions of § 2.3.1
and the three target groups of § 2.3.2–2.3.4, read from the answers of the Checkliste
Zugangsbedingungen (``oberhausen.access_checklist``) and, for the care setting, the plausibility
verdict of ``pflegesetting.care_checklist``. The § 4 TIntG NRW test comes from ``kim_nrw``."""

from __future__ import annotations

from core.plugin_api import GENERAL_CONDITION, TARGET_GROUP, EligibilityRule, Verdict
from plugins.oberhausen import _

ACCESS_FORM = "oberhausen.access_checklist"
CARE_FORM = "pflegesetting.care_checklist"
FORMS = (ACCESS_FORM, CARE_FORM)

#: The city's postcodes (örtliche Zuständigkeit when the checklist is not answered yet).
POSTCODES = frozenset({"46045", "46047", "46049", "46117", "46119", "46145", "46147", "46149"})
#: The seven dimensions of under-supply (§ 2.3.3).
DIMENSIONS = (
    "arbeit",
    "bildung_erziehung",
    "gesundheit",
    "wohnen",
    "kulturelle_teilhabe",
    "einkommen",
    "soziale_sicherung",
)
ADULT = 18


def _not_answered() -> str:
    return _("Not answered yet.")


class _Ticked(EligibilityRule):
    """A general condition that is one yes/no of the checklist."""

    category = GENERAL_CONDITION
    forms = FORMS
    answer_key = ""

    def yes(self) -> str:
        return _("Ticked in the access checklist.")

    def check(self, context) -> Verdict:
        value = context.answers.get(self.answer_key)
        if value is None:
            return Verdict(False, (_not_answered(),))
        return Verdict(bool(value), (self.yes() if value else _("Not ticked."),))


class Responsibility(_Ticked):
    key = "oberhausen.zustaendigkeit"
    label = _("Local and territorial responsibility")
    answer_key = "zustaendigkeit"
    order = 20

    def check(self, context) -> Verdict:
        if context.answers.get(self.answer_key) is None:
            postcode = (getattr(context.person, "postcode", "") or "").strip()
            if postcode in POSTCODES:
                return Verdict(
                    True, (_("Lives in Oberhausen (postcode %(code)s).", code=postcode),)
                )
            if postcode:
                return Verdict(
                    False, (_("Postcode %(code)s is not in Oberhausen.", code=postcode),)
                )
        return super().check(context)


class Cooperative(_Ticked):
    key = "oberhausen.kooperationsbereit"
    label = _("Willing to cooperate")
    answer_key = "kooperationsbereit"
    order = 30


class IntensiveNeed(_Ticked):
    key = "oberhausen.intensiver_bedarf"
    label = _("Intensive need for counselling and support")
    answer_key = "intensiver_bedarf"
    order = 40


class Understanding(_Ticked):
    key = "oberhausen.verstaendnis"
    label = _("Conscious understanding of the integration measures of case management")
    answer_key = "verstaendnis"
    order = 50


class CatchUpIntegration(EligibilityRule):
    """Target group 1 (§ 2.3.2): a catch-up need in initial integration - no access to local
    offers yet, or need beyond the regular first counselling - and no priority entitlement
    elsewhere (the Vorrang check: MBE over 27, JMD 12–27 in the first years of the title)."""

    key = "oberhausen.zg1_nachholende_erstintegration"
    label = _("Target group 1: catch-up initial integration")
    category = TARGET_GROUP
    order = 110
    forms = FORMS

    def check(self, context) -> Verdict:
        a = context.answers
        areas = [x for x in (a.get("zg1_bereiche") or []) if x]
        further = bool(a.get("zg1_weiterer_bedarf"))
        catch_up = bool(a.get("zg1_nachholender_bedarf"))
        reasons = []
        if areas:
            reasons.append(_("No access to local offers yet in %(n)d area(s).", n=len(areas)))
        if further:
            reasons.append(_("Need beyond the regular duration of the first counselling."))
        if not (areas or further):
            reasons.append(_("Neither missing access to local offers nor further need is ticked."))
        if not catch_up:
            reasons.append(
                _("A catch-up need without priority entitlement elsewhere is not ticked.")
            )
        priority = context.priority
        blocked = priority is not None and priority.applies
        if blocked:
            reasons.append(priority.reason)
        return Verdict(bool((areas or further) and catch_up and not blocked), tuple(reasons))


class FamilyProblems(EligibilityRule):
    """Target group 2 (§ 2.3.3): under-supply in at least 3 of 7 dimensions, in at least one
    parent and one minor child of the household (``zg2_mitglieder``, checked against the
    household's members where they are recorded)."""

    key = "oberhausen.zg2_familiaere_problemlagen"
    label = _("Target group 2: multiple family problems")
    category = TARGET_GROUP
    order = 120
    forms = FORMS

    def check(self, context) -> Verdict:
        a = context.answers
        members = [m for m in (a.get("zg2_mitglieder") or []) if isinstance(m, dict)]
        dimensions = {d for d in (a.get("zg2_bereiche") or []) if d in DIMENSIONS}
        for member in members:
            dimensions |= {d for d in (member.get("bereiche") or []) if d in DIMENSIONS}
        reasons = [
            _(
                "%(n)d of 7 dimensions ticked – at least 3 needed.",
                n=len(dimensions),
            )
        ]
        parent = any(m.get("rolle") == "elternteil" and m.get("bereiche") for m in members)
        child = any(
            m.get("rolle") == "kind"
            and _age(m) is not None
            and _age(m) < ADULT
            and m.get("bereiche")
            for m in members
        )
        reasons.append(
            _("At least one parent is affected.")
            if parent
            else _("No parent is named as affected.")
        )
        reasons.append(
            _("At least one minor child is affected.")
            if child
            else _("No minor child is named as affected.")
        )
        hints = []
        if (
            child
            and context.members
            and not any(
                m.role == "minor_child" or (m.age is not None and m.age < ADULT)
                for m in context.members
            )
        ):
            hints.append(
                _("The household recorded for the person has no minor child: please check.")
            )
        return Verdict(len(dimensions) >= 3 and parent and child, tuple(reasons), tuple(hints))


def _age(member: dict) -> int | None:
    try:
        return int(member.get("alter"))
    except (TypeError, ValueError):
        return None


class CareSetting(EligibilityRule):
    """Target group 3 (§ 2.3.4): in need of care under § 14 SGB XI, or a Pflegegrad, or a
    certificate for the application - or else impaired and found plausible with the care
    checklist. Relatives without an immigration history qualify only when the person cared for
    has one (the general condition of ``kim_nrw`` honours the same exception)."""

    key = "oberhausen.zg3_pflegesetting"
    label = _("Target group 3: needs-based care setting")
    category = TARGET_GROUP
    order = 130
    forms = FORMS

    def check(self, context) -> Verdict:
        a = context.answers
        reasons = []
        proven = None
        if a.get("zg3_pflegebeduerftig"):
            proven = _("In need of care under § 14 SGB XI.")
        elif a.get("zg3_pflegegrad_vorhanden") or a.get("zg3_pflegegrad"):
            grade = a.get("zg3_pflegegrad")
            proven = _("Pflegegrad %(grade)s.", grade=grade) if grade else _("A Pflegegrad exists.")
        elif a.get("zg3_bescheinigung"):
            proven = _("A certificate for the application (social service or doctor) exists.")
        met = proven is not None
        if proven:
            reasons.append(proven)
        elif a.get("zg3_beeintraechtigt"):
            checklist = context.other_answers.get(CARE_FORM) or {}
            plausible = checklist.get("plausibel")
            if plausible is None:
                reasons.append(
                    _("Impaired, without proof: the care setting checklist is still missing.")
                )
            elif plausible:
                met = True
                reasons.append(_("Impaired, found plausible with the care setting checklist."))
            else:
                reasons.append(_("Impaired, but not plausible by the care setting checklist."))
        else:
            reasons.append(_("No need of care, Pflegegrad, certificate or impairment ticked."))
        if a.get("zg3_rolle") == "angehoerig":
            if a.get("zg3_pflegeperson_einwanderungsgeschichte"):
                reasons.append(
                    _("Counselled as a relative: the person cared for has an immigration history.")
                )
            elif not a.get("einwanderungsgeschichte"):
                met = False
                reasons.append(
                    _(
                        "Counselled as a relative without an own immigration history: only "
                        "possible when the person cared for has one."
                    )
                )
        return Verdict(met, tuple(reasons))


def rules() -> list[EligibilityRule]:
    return [
        Responsibility(),
        Cooperative(),
        IntensiveNeed(),
        Understanding(),
        CatchUpIntegration(),
        FamilyProblems(),
        CareSetting(),
    ]
