"""Many synthetic cases in the demo tenants, round robin (used by ``bench/cases.py``).

``lotse demo --scale N`` uses the NRW generator :mod:`core.demo.nrw` instead.

The hand-written demo cases (:mod:`core.demo.cases`) go through the services; this module writes
rows in bulk instead (one multi-row INSERT per table and tenant, 500 cases per transaction), which
is what makes 100 000 cases feasible on SQLite. It still keeps the rules the services keep:

* every row carries the tenant it is written for, inside ``tenant_scope`` (the ORM guard and, on
  PostgreSQL, row-level security check it);
* a case beyond the access check has a positive access decision, one in linking or monitoring an
  agreed help plan, every case has goals, contacts and journal entries that lie between its
  opening and its last activity;
* case numbers are unique per tenant: ``S<year>-<n:06d>``, so they never meet the ``YYYY-NNNN``
  numbers the services hand out.

Same ``seed``, same data (apart from dates, which are counted back from today). No audit rows are
written: nobody did anything.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select, text

from core.auth import services as auth
from core.auth.models import Membership
from core.cases.models import (
    AccessDecision,
    Case,
    Contact,
    Goal,
    HelpPlan,
    HelpPlanItem,
    PhaseTransition,
)
from core.cases.settings import case_settings, regelkreis_for
from core.db import db
from core.demo.accounts import NETWORK_EMAIL, account_email
from core.demo.fiction import demo_set, tenant_fiction
from core.documentation.models import JournalEntry
from core.persons import search_index
from core.persons.models import Person
from core.persons.phonetics import fold, name_key
from core.tenancy.context import tenant_scope

BATCH_SIZE = 500
#: On PostgreSQL, let the server re-plan its foreign-key checks every this many batches.
REPLAN_EVERY = 4
NUMBER_PREFIX = "S"

# (nationality, languages, female first names, male first names, last names, residence statuses)
ORIGINS = (
    (
        "SY",
        ["ar"],
        ("Amal", "Rama", "Hala", "Dima", "Reem", "Yara", "Lama", "Joud", "Ghalia", "Sidra"),
        ("Basel", "Fadi", "Hamza", "Majd", "Wassim", "Anas", "Bilal", "Ghaith", "Louay", "Taim"),
        (
            "Hallak",
            "Zein",
            "Chami",
            "Kurdi",
            "Nassar",
            "Attar",
            "Halabi",
            "Homsi",
            "Masri",
            "Tayeb",
            "Jabri",
            "Sayegh",
        ),
        ("protection", "protection", "permit_limited", "permit_permanent"),
    ),
    (
        "AF",
        ["prs", "ps"],
        ("Marzia", "Parwana", "Fereshta", "Zahra", "Mursal", "Laila", "Sadaf", "Nilofar"),
        (
            "Ahmad Shah",
            "Farhad",
            "Hamid",
            "Jawed",
            "Mirwais",
            "Naqib",
            "Rahmat",
            "Wahid",
            "Zabih",
            "Emal",
        ),
        (
            "Amiri",
            "Nazari",
            "Popal",
            "Safi",
            "Stanikzai",
            "Wardak",
            "Haidari",
            "Mohammadi",
            "Naseri",
            "Samadi",
        ),
        ("gestattung", "duldung", "protection", "permit_limited"),
    ),
    (
        "UA",
        ["uk", "ru"],
        ("Alina", "Daria", "Kateryna", "Liudmyla", "Maryna", "Sofiia", "Viktoriia"),
        ("Andrii", "Bohdan", "Dmytro", "Mykola", "Oleksandr", "Serhii", "Taras", "Yurii"),
        (
            "Boiko",
            "Hnatiuk",
            "Kovalchuk",
            "Lysenko",
            "Marchenko",
            "Moroz",
            "Pavlenko",
            "Rudenko",
            "Tkachenko",
            "Zinchenko",
        ),
        ("permit_limited",),
    ),
    (
        "TR",
        ["tr"],
        ("Ayşe", "Derya", "Emine", "Hatice", "Melike", "Sevgi", "Songül", "Zeynep"),
        ("Burak", "Cemal", "Emre", "Kemal", "Murat", "Orhan", "Serkan", "Volkan"),
        (
            "Acar",
            "Bulut",
            "Ekinci",
            "Güneş",
            "Karaca",
            "Korkmaz",
            "Öztürk",
            "Şahin",
            "Tekin",
            "Yavuz",
        ),
        ("permit_permanent", "permit_limited", "german"),
    ),
    (
        "IQ",
        ["ar", "ku"],
        ("Berivan", "Dilan", "Hevi", "Roza", "Shilan", "Zozan"),
        ("Aram", "Dara", "Hawar", "Kawa", "Rebwar", "Shvan", "Zana"),
        ("Barzani", "Hasso", "Khudeda", "Omar", "Qasim", "Rasho", "Salih", "Shamo"),
        ("protection", "permit_limited", "duldung"),
    ),
    (
        "ER",
        ["ti"],
        ("Adiam", "Feven", "Hiwet", "Rahel", "Saba", "Winta"),
        ("Dawit", "Efrem", "Henok", "Mussie", "Natnael", "Yonatan"),
        ("Abraha", "Asmerom", "Ghebreab", "Habte", "Mehari", "Okbamichael", "Woldu", "Yohannes"),
        ("protection", "permit_limited"),
    ),
    (
        "RO",
        ["ro"],
        ("Andreea", "Bianca", "Elena", "Ioana", "Mihaela", "Roxana"),
        ("Bogdan", "Ciprian", "Gheorghe", "Mihai", "Radu", "Sorin"),
        ("Ionescu", "Constantin", "Dobre", "Moldovan", "Neagu", "Preda", "Stoica", "Voicu"),
        ("eu",),
    ),
    (
        "BG",
        ["bg", "tr"],
        ("Desislava", "Gergana", "Mariya", "Radka", "Snezhana", "Tsvetelina"),
        ("Angel", "Bozhidar", "Kaloyan", "Lyubomir", "Nikolay", "Valentin"),
        ("Angelov", "Dimitrov", "Hristov", "Iliev", "Kolev", "Marinov", "Petkov", "Yordanov"),
        ("eu",),
    ),
    (
        "PL",
        ["pl"],
        ("Agata", "Beata", "Ewelina", "Joanna", "Katarzyna", "Marta"),
        ("Bartosz", "Dawid", "Grzegorz", "Łukasz", "Mateusz", "Paweł"),
        ("Kaczmarek", "Kowalczyk", "Mazur", "Pawlak", "Sikora", "Wróbel", "Zając", "Krawczyk"),
        ("eu",),
    ),
    (
        "GN",
        ["fr", "ff"],
        ("Aissatou", "Fatoumata", "Hawa", "Kadiatou", "Mariama"),
        ("Abdoulaye", "Boubacar", "Mamadou Saliou", "Oumar", "Thierno"),
        ("Baldé", "Bangoura", "Cissé", "Keita", "Soumah", "Touré", "Kouyaté", "Sylla"),
        ("duldung", "gestattung", "permit_limited"),
    ),
    (
        "NG",
        ["en", "yo"],
        ("Adaeze", "Chioma", "Funmilayo", "Ngozi", "Temitope"),
        ("Chinedu", "Emeka", "Ikenna", "Olumide", "Tunde"),
        ("Adeyemi", "Eze", "Nwosu", "Okafor", "Olawale", "Onyeka", "Uche", "Balogun"),
        ("duldung", "gestattung", "permit_limited"),
    ),
    (
        "MA",
        ["ar", "fr"],
        ("Asmae", "Houda", "Imane", "Khadija", "Salma", "Siham"),
        ("Abdelaziz", "Hicham", "Mourad", "Nabil", "Redouane", "Zakaria"),
        ("Alaoui", "Bennani", "Chraibi", "El Idrissi", "Fassi", "Lahlou", "Ouazzani", "Tazi"),
        ("permit_limited", "permit_permanent"),
    ),
    (
        "IR",
        ["fa"],
        ("Azadeh", "Golnar", "Leila", "Nasrin", "Parvaneh", "Roya"),
        ("Arash", "Babak", "Kaveh", "Kourosh", "Reza", "Siavash"),
        ("Ahmadi", "Bahrami", "Ghorbani", "Hosseini", "Jafari", "Rostami", "Shirazi", "Tehrani"),
        ("protection", "gestattung", "permit_limited"),
    ),
    (
        "XK",
        ["sq"],
        ("Besa", "Donika", "Fjolla", "Liridona", "Vjosa"),
        ("Arben", "Besnik", "Driton", "Fatmir", "Lulzim"),
        ("Bytyqi", "Hajdari", "Kelmendi", "Morina", "Osmani", "Sahiti", "Thaçi", "Zeqiri"),
        ("permit_limited", "permit_permanent"),
    ),
)

TOPICS = (
    "Antrag auf Kindergeld",
    "Anmeldung der Kinder in der Kita",
    "Wohngeldantrag",
    "Schreiben vom Jobcenter verstehen",
    "Verlängerung des Aufenthaltstitels",
    "Anerkennung eines Berufsabschlusses",
    "Anmeldung zum Integrationskurs",
    "Mietrückstand und Kündigungsandrohung",
    "Krankenversicherung klären",
    "Schulanmeldung eines Kindes",
    "Rentenversicherungsnummer und Rentenanspruch",
    "Einbürgerungsvoraussetzungen",
    "Energieschulden",
)

GOAL_TITLES = {
    "language": (
        "Das Sprachniveau B1 ist erreicht",
        "Regelmäßige Teilnahme am Integrationskurs",
        "Das Sprachniveau B2 ist erreicht",
    ),
    "work_education": (
        "Aufnahme einer sozialversicherungspflichtigen Beschäftigung",
        "Der Berufsabschluss ist anerkannt",
        "Beginn einer Ausbildung",
        "Schulabschluss nachgeholt",
    ),
    "relationships": (
        "Die familiäre Situation ist stabil",
        "Soziale Kontakte außerhalb der Familie bestehen",
    ),
    "leisure": (
        "Regelmäßige Teilnahme an einem Vereinsangebot",
        "Kenntnis über Freizeitangebote im Stadtteil",
    ),
    "daily_life": (
        "Behördenpost wird selbstständig bearbeitet",
        "Unterstützungsangebote werden eigenständig genutzt",
    ),
    "housing": (
        "Eine angemessene Wohnung ist gefunden",
        "Die Wohnung ist gesichert, Mietrückstände sind beglichen",
    ),
    "social_problems": (
        "Umgang mit belastenden Lebenssituationen verbessert",
        "Kenntnis über das deutsche Rechtssystem",
    ),
    "finances": (
        "Die Schulden sind geregelt",
        "Der Lebensunterhalt ist gesichert",
        "Transparenter Umgang mit Geld",
    ),
    "participation": ("Kenntnis über politische Beteiligungsmöglichkeiten",),
    "residence": (
        "Der Aufenthalt ist gesichert",
        "Die Verlängerung des Aufenthaltstitels ist beantragt",
    ),
    "health": (
        "Fachärztliche Anbindung besteht",
        "Die häusliche Pflege ist gesichert",
        "Eine Therapie hat begonnen",
    ),
}

CONTACT_TEXTS = (
    "Gespräch zum aktuellen Stand; nächste Schritte vereinbart.",
    "Unterlagen gesichtet und Antrag gemeinsam ausgefüllt.",
    "Telefonische Rückfrage zum Termin bei der Behörde; Termin bestätigt.",
    "Hausbesuch: Wohnsituation angesehen, Mängel dokumentiert.",
    "Zielüberprüfung: Fortschritte besprochen, Hilfeplan passt weiterhin.",
    "Rückmeldung des Kooperationspartners besprochen; Klient*in ist zufrieden.",
    "Schreiben der Familienkasse erklärt und Antwort vorbereitet.",
    "Begleitung zum Termin beim Jobcenter.",
    "Krisengespräch nach Kündigungsandrohung; Vermieter kontaktiert.",
    "Bewerbungsunterlagen überarbeitet.",
)

JOURNAL_TEXTS = (
    "Telefonat mit dem Jobcenter zur Antragslage.",
    "Recherche zu passenden Sprachkursen mit Kinderbetreuung.",
    "E-Mail an die Ausländerbehörde mit Schweigepflichtentbindung.",
    "Rücksprache mit der Schuldnerberatung.",
    "Fallbesprechung im Team: Vorgehen bestätigt.",
    "Absprache mit der Schulsozialarbeit.",
    "Kooperationspartner über den Hilfeplan informiert.",
)

PARTNERS = (
    "Jobcenter",
    "Ausländerbehörde",
    "Sprachkursträger",
    "Schuldnerberatung",
    "Jugendmigrationsdienst",
    "Pflegestützpunkt",
    "Familienkasse",
    "Jugendamt",
    "Wohnungsgesellschaft",
    "Agentur für Arbeit",
)

CHANNELS = (
    ("in_person", 50),
    ("phone", 25),
    ("email", 8),
    ("home_visit", 8),
    ("video", 4),
    ("letter", 3),
    ("outreach", 2),
)
OPEN_PHASES = (
    ("intake", 12),
    ("access_check", 10),
    ("assessment", 14),
    ("goal_agreement", 12),
    ("help_planning", 12),
    ("linking", 18),
    ("monitoring", 22),
)
CLOSURE_REASONS = (
    ("goals_achieved", 35),
    ("ended_by_client", 12),
    ("lack_of_cooperation", 8),
    ("structural_obstacles", 8),
    ("no_contact", 15),
    ("moved_away", 10),
    ("transferred", 8),
    ("service_ended", 2),
    ("other", 2),
)
DIMENSIONS = ("satisfaction", "course", "results", "expectations", "mandate")
SHARE_CLOSED = 0.30


@dataclass
class _Tenant:
    ref: SimpleNamespace
    owners: list
    org_unit_id: int | None
    areas: list
    sources: list
    target_group: str
    phases: dict
    next_number: int
    young: bool


def _weighted(rng: random.Random, pairs):
    return rng.choices([k for k, _w in pairs], weights=[w for _k, w in pairs])[0]


@lru_cache(maxsize=20000)
def _search_keys(first: str, last: str) -> tuple[str, str]:
    """As persons.services._stamp_search_keys (other names are empty here)."""
    return name_key(first, last, "")[:400], fold(f"{last} {first}")[:220]


def _prepare(tenant) -> _Tenant:
    """Read what the generator needs from one tenant (inside its scope)."""
    cm = auth.find_user(account_email("cm", tenant.slug))
    coord = auth.find_user(account_email("koordination", tenant.slug))
    network = auth.find_user(NETWORK_EMAIL)
    members = set(db.session.scalars(select(Membership.user_id).where(Membership.active.is_(True))))
    owners = [
        (u.id, w)
        for u, w in ((cm, 70), (coord, 15), (network, 15))
        if u is not None and u.id in members
    ]
    if not owners:
        raise LookupError(f"tenant {tenant.slug!r} has no demo accounts; run `lotse demo` first")
    org_unit_id = db.session.scalar(
        select(Membership.org_unit_id).where(Membership.user_id == owners[0][0])
    )
    last = db.session.scalar(
        select(func.max(func.substr(Case.number, len(NUMBER_PREFIX) + 6))).where(
            Case.number.like(f"{NUMBER_PREFIX}%")
        )
    )
    settings = case_settings(tenant)
    regelkreis = regelkreis_for(tenant)
    phases = {
        key: [p.key for p in regelkreis.phases(key)]
        for key in ("case_management", "short_counselling", "referral_counselling")
    }
    return _Tenant(
        ref=SimpleNamespace(id=tenant.id, slug=tenant.slug),
        owners=owners,
        org_unit_id=org_unit_id,
        areas=list(settings.life_areas),
        sources=list(settings.sources),
        target_group="Synthetischer Lasttest-Fall: Zielgruppe erfüllt",
        phases=phases,
        next_number=int(last) + 1 if last and last.isdigit() else 1,
        young=tenant_fiction(tenant.slug, tenant.name).young_clients,
    )


class _Rows:
    """The rows of one tenant in one batch, in insertion order."""

    def __init__(self):
        self.persons, self.cases, self.children = [], [], []

    def add(self, person, case, children):
        self.persons.append(person)
        self.cases.append(case)
        self.children.append(children)


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(
        day.year, day.month, day.day, 7 + rng.randrange(10), rng.randrange(60), tzinfo=UTC
    )


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _one_case(rng: random.Random, t: _Tenant, now: datetime) -> tuple[dict, dict, dict]:
    today = now.date()
    nationality, languages, female, male, lasts, statuses = rng.choice(ORIGINS)
    gender = "female" if rng.random() < 0.5 else "male"
    first, last = rng.choice(female if gender == "female" else male), rng.choice(lasts)
    age = rng.randint(14, 26) if t.young else rng.randint(18, 82)
    status = rng.choice(statuses)
    issued = valid = None
    if status in ("permit_limited", "gestattung", "duldung"):
        issued = today - timedelta(days=rng.randint(30, 1500))
        valid = today + timedelta(days=rng.randint(-60, 900))
        valid = max(valid, issued + timedelta(days=30))
    key, sort_name = _search_keys(first, last)
    owner = _weighted(rng, t.owners)
    interpreter = rng.random() < 0.35
    person = {
        "tenant_id": t.ref.id,
        "first_name": first,
        "last_name": last,
        "other_names": "",
        "birth_date": today - timedelta(days=age * 365 + rng.randrange(365)),
        "gender": gender,
        "nationality": nationality,
        "languages": list(languages),
        "interpreter_needed": interpreter,
        "interpreter_language": languages[0] if interpreter else "",
        "residence_status": status,
        "residence_issued_on": issued,
        "residence_valid_until": valid,
        "street": f"Musterstraße {rng.randint(1, 200)}",
        "postcode": f"{rng.randint(10000, 99999)}",
        "city": "Lasttesthausen",
        "phone": "",
        "email": "",
        "name_key": key,
        "sort_name": sort_name,
        "created_by_id": owner,
        "version": 1,
    }
    roll = rng.random()
    case_type = (
        "case_management"
        if roll < 0.82
        else "short_counselling"
        if roll < 0.94
        else "referral_counselling"
    )
    phases = t.phases[case_type]
    closed = rng.random() < SHARE_CLOSED
    last_activity = now - timedelta(seconds=rng.randrange(730 * 86400))
    last_day = min(last_activity.date(), today)
    span = rng.randint(0, 60) if case_type != "case_management" else rng.randint(20, 540)
    opened = last_day - timedelta(days=span)
    if case_type == "case_management":
        if closed:
            reached = phases[rng.randrange(len(phases) - 1)]
        else:
            reached = _weighted(rng, OPEN_PHASES)
            reached = reached if reached in phases else phases[0]
    else:
        reached = phases[0]
    reached_index = phases.index(reached)
    phase = "closure" if closed else reached
    reason = _weighted(rng, CLOSURE_REASONS) if closed else ""
    evaluation = {d: rng.randint(1, 5) for d in DIMENSIONS} if closed and rng.random() < 0.6 else {}
    created = _moment(opened, rng)
    person["created_at"] = person["updated_at"] = created
    case = {
        "tenant_id": t.ref.id,
        "person_id": None,
        "case_type": case_type,
        "phase": phase,
        "status": "closed" if closed else "open",
        "topic": rng.choice(TOPICS) if case_type != "case_management" else "",
        "access_path": rng.choice(("", "active_outreach", "forwarded", "referral")),
        "source": rng.choice(t.sources) if t.sources else "",
        "warm_handover": rng.random() < 0.1,
        "case_manager_id": owner,
        "org_unit_id": t.org_unit_id,
        "deputy_id": None,
        "opened_on": opened,
        "last_activity_at": last_activity,
        "closed_on": last_day if closed else None,
        "closure_reason": reason,
        "closure_note": "Sonstiger Grund (synthetisch)." if reason == "other" else "",
        "evaluation": evaluation,
        "follow_up_talk_on": last_day + timedelta(days=180)
        if closed and rng.random() < 0.3
        else None,
        "version": 1,
        "created_at": created,
    }
    contacts = []
    count = rng.randint(1, 5)
    for i in range(count):
        day = last_day if i == count - 1 else _between(rng, opened, last_day)
        contacts.append(
            {
                "contact_on": day,
                "duration_minutes": rng.choice((15, 20, 30, 45, 60, 75, 90)),
                "channel": _weighted(rng, CHANNELS),
                "participants": "",
                "interpreter_used": interpreter,
                "summary": rng.choice(CONTACT_TEXTS),
                "author_id": owner,
                "created_at": _moment(day, rng),
            }
        )
    goals = []
    for _i in range(rng.randint(1, 3)):
        area = rng.choice(t.areas)
        if closed:
            achievement = rng.randint(0, 4)
            goal_status = (
                "achieved"
                if achievement >= 4
                else "partly_achieved"
                if achievement >= 2
                else "not_achieved"
            )
        else:
            achievement, goal_status = None, rng.choice(("open", "open", "in_progress"))
        goals.append(
            {
                "life_area": area,
                "title": rng.choice(GOAL_TITLES.get(area, ("Ziel im Lebensbereich",))),
                "indicator": "",
                "priority": rng.randint(1, 3),
                "target_date": opened + timedelta(days=rng.randint(60, 365)),
                "status": goal_status,
                "achievement": achievement,
                "achievement_note": "",
                "version": 1,
                "created_at": created,
            }
        )
    journal = []
    for _i in range(rng.randint(1, 3)):
        day = _between(rng, opened, last_day)
        journal.append(
            {
                "at": _moment(day, rng),
                "text": rng.choice(JOURNAL_TEXTS),
                "effort_minutes": rng.choice((0, 5, 10, 15, 30)),
                "author_id": owner,
            }
        )
    transitions = [
        {
            "from_phase": "",
            "to_phase": phases[0],
            "at": created,
            "actor_id": owner,
            "reason": "Fall eröffnet",
            "backwards": False,
        }
    ]
    if phase != phases[0]:
        transitions.append(
            {
                "from_phase": phases[0],
                "to_phase": phase,
                "at": last_activity,
                "actor_id": owner,
                "reason": "Synthetische Daten" if reached_index > 1 or closed else "",
                "backwards": False,
            }
        )
    decisions = []
    assessed = "assessment" in phases and reached_index >= phases.index("assessment")
    if case_type == "case_management" and assessed:
        decided = _between(rng, opened, last_day)
        decisions.append(
            {
                "admitted": True,
                "outcome": "admitted",
                "target_group": t.target_group,
                "reason": "Kriterien erfüllt, Einwilligung liegt vor.",
                "decided_on": decided,
                "actor_id": owner,
                "created_at": _moment(decided, rng),
            }
        )
    plan: dict[str, Any] | None = None
    if (
        case_type == "case_management"
        and "linking" in phases
        and reached_index >= phases.index("linking")
    ):
        agreed = _between(rng, opened, last_day)
        plan = {
            "number": 1,
            "status": "agreed",
            "agreed_on": agreed,
            "agreed_by_client": True,
            "review_on": agreed + timedelta(days=rng.choice((60, 90, 120))),
            "note": "",
            "version": 1,
            "created_at": _moment(agreed, rng),
            "items": [
                {
                    "measure": f"Maßnahme zu: {g['title']}",
                    "responsible": rng.choice(("client", "case_manager", "partner")),
                    "due_on": agreed + timedelta(days=rng.randint(14, 120)),
                    "status": "done" if closed else rng.choice(("open", "in_progress", "done")),
                }
                for g in goals
            ],
        }
        for it in plan["items"]:
            it["partner_name"] = rng.choice(PARTNERS) if it["responsible"] == "partner" else ""
    return (
        person,
        case,
        {
            "contacts": contacts,
            "goals": goals,
            "journal": journal,
            "transitions": transitions,
            "decisions": decisions,
            "plan": plan,
        },
    )


def _insert(model, rows: list[dict], *, returning: bool = False) -> list[int]:
    """Multi-row INSERT through the session (so the tenant guard and RLS see it)."""
    if not rows:
        return []
    table = model.__table__
    if returning:
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.execute(stmt, rows).scalars())
    db.session.execute(table.insert(), rows)
    return []


def _write(t: _Tenant, rows: _Rows, year_of) -> None:
    tid = t.ref.id
    person_ids = _insert(Person, rows.persons, returning=True)
    search_index.add_for(
        (tid, person_id, p["first_name"], p["last_name"], p.get("other_names", ""))
        for p, person_id in zip(rows.persons, person_ids, strict=True)
    )
    for case, person_id in zip(rows.cases, person_ids, strict=True):
        case["person_id"] = person_id
        case["number"] = f"{NUMBER_PREFIX}{year_of(case)}-{t.next_number:06d}"
        t.next_number += 1
    case_ids = _insert(Case, rows.cases, returning=True)
    contacts, journal, transitions, decisions, goals, goal_owner = [], [], [], [], [], []
    for case_id, children in zip(case_ids, rows.children, strict=True):
        contacts += [dict(c, tenant_id=tid, case_id=case_id) for c in children["contacts"]]
        journal += [dict(j, tenant_id=tid, case_id=case_id) for j in children["journal"]]
        transitions += [dict(p, tenant_id=tid, case_id=case_id) for p in children["transitions"]]
        decisions += [dict(d, tenant_id=tid, case_id=case_id) for d in children["decisions"]]
        for g in children["goals"]:
            goals.append(dict(g, tenant_id=tid, case_id=case_id))
            goal_owner.append(case_id)
    _insert(Contact, contacts)
    _insert(JournalEntry, journal)
    _insert(PhaseTransition, transitions)
    _insert(AccessDecision, decisions)
    goal_ids = _insert(Goal, goals, returning=True)
    goals_by_case: dict[int, list[int]] = {}
    for case_id, goal_id in zip(goal_owner, goal_ids, strict=True):
        goals_by_case.setdefault(case_id, []).append(goal_id)
    plans, plan_items = [], []
    for case_id, children in zip(case_ids, rows.children, strict=True):
        plan = children["plan"]
        if plan:
            plans.append(
                {k: v for k, v in plan.items() if k != "items"}
                | {"tenant_id": tid, "case_id": case_id}
            )
            plan_items.append((plan["items"], goals_by_case.get(case_id, [])))
    plan_ids = _insert(HelpPlan, plans, returning=True)
    items = []
    for plan_id, (plan_rows, goal_list) in zip(plan_ids, plan_items, strict=True):
        for position, (row, goal_id) in enumerate(zip(plan_rows, goal_list, strict=False), start=1):
            items.append(
                dict(row, tenant_id=tid, plan_id=plan_id, goal_id=goal_id, position=position)
            )
    _insert(HelpPlanItem, items)


def generate_cases(
    total: int,
    *,
    seed: int = 1,
    batch_size: int = BATCH_SIZE,
    tenants=None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Create ``total`` synthetic cases, round robin over ``tenants`` (default: the demo tenants),
    committing every ``batch_size`` cases. Returns the number created per tenant slug."""
    from core.tenancy.models import Tenant

    if tenants is None:
        slugs = demo_set().tenants
        found = {
            t.slug: t for t in db.session.scalars(select(Tenant).where(Tenant.slug.in_(slugs)))
        }
        tenants = [found[s] for s in slugs if s in found]
    if not tenants:
        raise LookupError("no demo tenants; run `lotse demo` first")
    prepared = []
    for tenant in tenants:
        with tenant_scope(tenant):
            prepared.append(_prepare(tenant))
    db.session.commit()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    now = datetime.now(UTC).replace(microsecond=0)
    created = {t.ref.slug: 0 for t in prepared}
    postgres = db.session.get_bind().dialect.name == "postgresql"
    done = 0
    while done < total:
        size = min(batch_size, total - done)
        per_tenant: dict[int, _Rows] = {}
        for i in range(done, done + size):
            t = prepared[i % len(prepared)]
            per_tenant.setdefault(i % len(prepared), _Rows()).add(*_one_case(rng, t, now))
        for position, rows in sorted(per_tenant.items()):
            t = prepared[position]
            with tenant_scope(t.ref):
                _write(t, rows, lambda case: case["opened_on"].year)
            created[t.ref.slug] += len(rows.cases)
        db.session.commit()
        done += size
        if postgres and done % (batch_size * REPLAN_EVERY) < size:
            # The foreign-key checks keep the plans they made while the tables were small; on a
            # long run every insert then gets slower (100 000 cases: 20 minutes instead of 3).
            db.session.execute(text("DISCARD PLANS"))
            db.session.commit()
        if on_progress is not None:
            on_progress(size)
    return created
