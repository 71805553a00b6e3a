"""Per-tenant settings of case work, with the defaults the concepts suggest.

Tenants set them in ``[settings]`` of ``tenant.toml`` (or later in the admin UI); unknown keys
are ignored, bad values fall back to the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g

from core.cases.regelkreis import Regelkreis

#: Life areas of the goal catalogue. The JMD Zielkatalog has exactly these nine areas.
DEFAULT_LIFE_AREAS = {
    "language": "Sprache",
    "work_education": "Beschäftigung, Ausbildung, Arbeit, Schule",
    "relationships": "Persönliche und soziale Beziehungen",
    "leisure": "Freizeit- und Tagesgestaltung",
    "daily_life": "Alltagsbewältigung",
    "housing": "Wohnsituation",
    "social_problems": "Soziale Probleme",
    "finances": "Finanzielle Situation",
    "participation": "Politische Rechte und Beteiligung",
    "residence": "Aufenthalt",
    "health": "Gesundheit und Pflege",
}

DEFAULT_SOURCES = {
    "self": "Selbstmelder*in",
    "jobcenter": "Jobcenter",
    "youth_office": "Jugendamt (SGB VIII)",
    "mbe": "Migrationsberatung (MBE)",
    "jmd": "Jugendmigrationsdienst",
    "immigration_office": "Ausländerbehörde",
    "social_work": "Team Sozialarbeit",
    "mso": "Migrantenselbstorganisation",
    "volunteers": "Ehrenamt",
    "own_outreach": "Eigene Akquise",
    "other": "Andere Stelle",
}


@dataclass
class CaseSettings:
    short_counselling_limit: int = 5
    #: Active cases per full-time post (Oberhausen 40, Höxter 50–60, JMD 40–50).
    caseload_ratio: int = 40
    caseload_tolerance_pct: int = 10
    #: Hours of a full-time post (Oberhausen: 39, of which 36 operative).
    full_time_hours: int = 39
    #: A case without activity for this long gets an automatic follow-up (JMD: 6 months).
    inactivity_months: int = 6
    #: Residence permits expiring within this many days get a follow-up.
    residence_warning_days: int = 90
    #: Suggested follow-up talk after closure (JMD: about six months).
    follow_up_talk_months: int = 6
    #: Vorrang check: MBE (over 27) or JMD (12–27) have priority until this many years after the
    #: first residence title (Oberhausen §2.3.2: 3; its tables say 3–5, so it is a setting).
    priority_years: int = 3
    life_areas: dict = field(default_factory=lambda: dict(DEFAULT_LIFE_AREAS))
    sources: dict = field(default_factory=lambda: dict(DEFAULT_SOURCES))


def _positive_int(value, default):
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
    )


def case_settings(tenant) -> CaseSettings:
    raw = tenant.settings or {}
    base = CaseSettings()
    return CaseSettings(
        short_counselling_limit=_positive_int(
            raw.get("short_counselling_limit"), base.short_counselling_limit
        ),
        caseload_ratio=_positive_int(raw.get("caseload_ratio"), base.caseload_ratio),
        caseload_tolerance_pct=_positive_int(
            raw.get("caseload_tolerance_pct"), base.caseload_tolerance_pct
        ),
        full_time_hours=_positive_int(raw.get("full_time_hours"), base.full_time_hours),
        inactivity_months=_positive_int(raw.get("inactivity_months"), base.inactivity_months),
        residence_warning_days=_positive_int(
            raw.get("residence_warning_days"), base.residence_warning_days
        ),
        follow_up_talk_months=_positive_int(
            raw.get("follow_up_talk_months"), base.follow_up_talk_months
        ),
        priority_years=_positive_int(raw.get("priority_years"), base.priority_years),
        life_areas=dict(raw["life_areas"])
        if isinstance(raw.get("life_areas"), dict) and raw["life_areas"]
        else base.life_areas,
        sources=dict(raw["sources"])
        if isinstance(raw.get("sources"), dict) and raw["sources"]
        else base.sources,
    )


def regelkreis_for(tenant) -> Regelkreis:
    """The tenant's case types and phases, adjusted by its enabled plugins (cached per request)."""
    cache = g.setdefault("lotse_regelkreis", {}) if _has_g() else {}
    key = (tenant.id, tenant.plugins_version)
    if key in cache:
        return cache[key]
    from core.plugins.relay import relay_for

    regelkreis = build_regelkreis(tenant, relay_for(tenant))
    cache[key] = regelkreis
    return regelkreis


def build_regelkreis(tenant, hooks) -> Regelkreis:
    """The Regelkreis the plugins behind ``hooks`` make for ``tenant``, validated: sound phases,
    and only requirements that ``hooks`` offer. Start-up builds it once per plugin with a
    stand-in tenant to catch an unknown requirement before anyone moves a case."""
    from core.cases.requirements import phase_requirements

    regelkreis = Regelkreis.default()
    for extra in hooks.lotse_case_types(tenant=tenant):
        for case_type in extra or ():
            regelkreis.case_types[case_type.key] = case_type
    settings = case_settings(tenant)
    regelkreis.case_types["short_counselling"].session_limit = settings.short_counselling_limit
    hooks.lotse_adjust_regelkreis(tenant=tenant, regelkreis=regelkreis)
    regelkreis.validate(requirements=phase_requirements(tenant, hooks))
    return regelkreis


def _has_g() -> bool:
    from flask import has_app_context

    return has_app_context()
