"""The Regelkreis as a configurable state machine.

Default phases follow the KIM concepts (Oberhausen §4, Viersen/Höxter, JMD after Neuffer). Moving
forward goes to the next phase (skipping needs a reason); going back to any earlier phase is always
allowed with a reason (a re-assessment restarts planning); every move is recorded. A phase may
require artefacts: e.g. no goal agreement without a recorded positive access decision.
Plugins adjust a tenant's Regelkreis through ``lotse_case_types`` and ``lotse_adjust_regelkreis``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from core.plugins.providers import ExtensionError


@dataclass
class Phase:
    key: str
    label: object
    #: Keys of phase requirements (core's in ``core.cases.requirements``, plugins' through
    #: ``lotse_phase_requirements``) that must be fulfilled to enter the phase.
    requires: tuple[str, ...] = ()


@dataclass
class CaseType:
    key: str
    label: object
    phases: list[Phase] = field(default_factory=list)
    #: Counted towards the caseload (Oberhausen counts Kurzberatungen too).
    counts_for_caseload: bool = True
    #: Maximum number of contacts (Kurzberatung); ``None`` = unlimited. Tenant setting overrides.
    session_limit: int | None = None
    #: Can be converted into a full case management case.
    convertible: bool = False
    #: The case is about one named topic (Kurzberatung, prozesshafte Begleitung).
    needs_topic: bool = False


def default_phases() -> list[Phase]:
    return [
        Phase("intake", _l("Intake / first consultation")),
        Phase("access_check", _l("Access check")),
        Phase("assessment", _l("Assessment"), requires=("access_admitted",)),
        Phase("goal_agreement", _l("Goal agreement"), requires=("access_admitted",)),
        Phase("help_planning", _l("Help planning"), requires=("access_admitted", "has_goal")),
        Phase("linking", _l("Service steering / linking"), requires=("plan_agreed",)),
        Phase("monitoring", _l("Monitoring / re-assessment"), requires=("plan_agreed",)),
        Phase("closure", _l("Closure / evaluation")),
    ]


def short_phases() -> list[Phase]:
    return [Phase("intake", _l("Counselling")), Phase("closure", _l("Closure / evaluation"))]


class Regelkreis:
    """The case types and phases one tenant works with."""

    def __init__(self, case_types: list[CaseType]):
        self.case_types = {t.key: t for t in case_types}

    @classmethod
    def default(cls) -> Regelkreis:
        return cls(
            [
                CaseType("case_management", _l("Case management"), default_phases()),
                CaseType(
                    "short_counselling",
                    _l("Short counselling"),
                    short_phases(),
                    session_limit=5,
                    convertible=True,
                    needs_topic=True,
                ),
                CaseType(
                    "referral_counselling",
                    _l("Referral counselling"),
                    short_phases(),
                    convertible=True,
                ),
            ]
        )

    def case_type(self, key: str) -> CaseType:
        """The type; a type whose plugin was switched off stays readable with two phases."""
        found = self.case_types.get(key)
        if found is None:
            found = CaseType(key, key, short_phases(), convertible=True)
        return found

    def phases(self, case_type: str) -> list[Phase]:
        return self.case_type(case_type).phases

    def phase(self, case_type: str, key: str) -> Phase | None:
        return next((p for p in self.phases(case_type) if p.key == key), None)

    def index(self, case_type: str, key: str) -> int:
        keys = [p.key for p in self.phases(case_type)]
        return keys.index(key) if key in keys else -1

    def first_phase(self, case_type: str) -> str:
        return self.phases(case_type)[0].key

    def next_phase(self, case_type: str, key: str) -> str | None:
        phases = self.phases(case_type)
        i = self.index(case_type, key)
        return phases[i + 1].key if 0 <= i < len(phases) - 1 else None

    def validate(self, requirements: Iterable[str] | None = None) -> None:
        """Sound phases; with ``requirements`` (the known requirement keys) every phase may only
        require known ones, so a typo fails when the Regelkreis is built, not on a phase move."""
        known = None if requirements is None else set(requirements)
        for case_type in self.case_types.values():
            keys = [p.key for p in case_type.phases]
            if len(keys) != len(set(keys)) or not keys:
                raise ValueError(f"case type {case_type.key!r} has duplicate or no phases")
            if keys[-1] != "closure":
                raise ValueError(f"case type {case_type.key!r} must end with the closure phase")
            if known is None:
                continue
            for phase in case_type.phases:
                for name in phase.requires:
                    if name not in known:
                        raise UnknownRequirement(
                            f"case type {case_type.key!r}, phase {phase.key!r} requires unknown "
                            f"phase requirement {name!r} (known: {', '.join(sorted(known))})"
                        )


class UnknownRequirement(ExtensionError):
    """A phase names a requirement no provider offers."""
