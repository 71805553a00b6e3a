"""All of NRW as a load-test installation: ``lotse demo --scale N [--tenants K]``.

Spreads ``N`` cases over the 53 Kreise and kreisfreie Städte of North Rhine-Westphalia (or the
first ``K`` of them), in proportion to their population, with the shapes a real installation has
after ten years: case managers with 40–60 open cases each and their closed cases of earlier
years, coordinators, a data protection officer per tenant, households whose minor children are
covered by a parent's confidentiality release, a processing consent for every person, follow-ups
(some overdue), contacts, journal entries, phase transitions, audit events (about two per case
and active month) and a few restricted (Art. 18) and anonymised persons.

Why not the services: a million cases through ``create_case`` would take days. The rows are
written with SQLAlchemy Core ``insert()`` executemany in batches (through the session, inside
``tenant_scope``, so the ORM guard and PostgreSQL's row-level security see every row), keeping
what the services keep: the tenant's case-number counter (:mod:`core.cases.numbering`), the
search keys of :func:`core.persons.services._stamp_search_keys` (same phonetics), the template
version and signer rules of consents.

Resumable: each tenant is planned deterministically from ``seed`` and its slug, written in
batches, and every batch commits together with its progress marker in the tenant's settings
(``settings["scale_demo"]``). A tenant that is complete is skipped; an interrupted one continues
with its next batch. Derived tables other parts of Lotse keep (see :data:`AFTER_GENERATION`) are
rebuilt set-based once at the end.

The example tenants ``hoexter``, ``kleve``, ``viersen`` and ``oberhausen`` *are* Kreis Höxter,
Kreis Kleve, Kreis Viersen and Stadt Oberhausen here (one installation has one tenant per Kreis),
so they keep their slugs, org units and demo accounts and get generated staff and cases beside
them; ``jmd-oberhausen`` (a Träger, no Gebietskörperschaft) is not one of the 53.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update

from core.db import db
from core.demo.scale import _between, _moment, _weighted

# (slug, name, kind, population in thousands, 2022, rounded) - the order of ``--tenants K``.
NRW: tuple[tuple[str, str, str, int], ...] = (
    ("bielefeld", "Stadt Bielefeld", "kreisfreie_stadt", 335),
    ("bochum", "Stadt Bochum", "kreisfreie_stadt", 365),
    ("bonn", "Stadt Bonn", "kreisfreie_stadt", 335),
    ("bottrop", "Stadt Bottrop", "kreisfreie_stadt", 118),
    ("dortmund", "Stadt Dortmund", "kreisfreie_stadt", 595),
    ("duisburg", "Stadt Duisburg", "kreisfreie_stadt", 500),
    ("duesseldorf", "Stadt Düsseldorf", "kreisfreie_stadt", 630),
    ("essen", "Stadt Essen", "kreisfreie_stadt", 585),
    ("gelsenkirchen", "Stadt Gelsenkirchen", "kreisfreie_stadt", 263),
    ("hagen", "Stadt Hagen", "kreisfreie_stadt", 190),
    ("hamm", "Stadt Hamm", "kreisfreie_stadt", 180),
    ("herne", "Stadt Herne", "kreisfreie_stadt", 157),
    ("koeln", "Stadt Köln", "kreisfreie_stadt", 1085),
    ("krefeld", "Stadt Krefeld", "kreisfreie_stadt", 228),
    ("leverkusen", "Stadt Leverkusen", "kreisfreie_stadt", 165),
    ("moenchengladbach", "Stadt Mönchengladbach", "kreisfreie_stadt", 262),
    ("muelheim-an-der-ruhr", "Stadt Mülheim an der Ruhr", "kreisfreie_stadt", 172),
    ("muenster", "Stadt Münster", "kreisfreie_stadt", 320),
    ("oberhausen", "Stadt Oberhausen", "kreisfreie_stadt", 210),
    ("remscheid", "Stadt Remscheid", "kreisfreie_stadt", 112),
    ("solingen", "Stadt Solingen", "kreisfreie_stadt", 160),
    ("wuppertal", "Stadt Wuppertal", "kreisfreie_stadt", 358),
    ("staedteregion-aachen", "Städteregion Aachen", "kreis", 560),
    ("kreis-borken", "Kreis Borken", "kreis", 375),
    ("kreis-coesfeld", "Kreis Coesfeld", "kreis", 222),
    ("kreis-dueren", "Kreis Düren", "kreis", 268),
    ("ennepe-ruhr-kreis", "Ennepe-Ruhr-Kreis", "kreis", 325),
    ("kreis-euskirchen", "Kreis Euskirchen", "kreis", 195),
    ("kreis-guetersloh", "Kreis Gütersloh", "kreis", 370),
    ("kreis-heinsberg", "Kreis Heinsberg", "kreis", 257),
    ("kreis-herford", "Kreis Herford", "kreis", 252),
    ("hochsauerlandkreis", "Hochsauerlandkreis", "kreis", 260),
    ("hoexter", "Kreis Höxter", "kreis", 141),
    ("kleve", "Kreis Kleve", "kreis", 316),
    ("kreis-lippe", "Kreis Lippe", "kreis", 350),
    ("maerkischer-kreis", "Märkischer Kreis", "kreis", 412),
    ("kreis-mettmann", "Kreis Mettmann", "kreis", 486),
    ("kreis-minden-luebbecke", "Kreis Minden-Lübbecke", "kreis", 312),
    ("oberbergischer-kreis", "Oberbergischer Kreis", "kreis", 273),
    ("kreis-olpe", "Kreis Olpe", "kreis", 134),
    ("kreis-paderborn", "Kreis Paderborn", "kreis", 310),
    ("kreis-recklinghausen", "Kreis Recklinghausen", "kreis", 615),
    ("rhein-erft-kreis", "Rhein-Erft-Kreis", "kreis", 475),
    ("rheinisch-bergischer-kreis", "Rheinisch-Bergischer Kreis", "kreis", 285),
    ("rhein-kreis-neuss", "Rhein-Kreis Neuss", "kreis", 453),
    ("rhein-sieg-kreis", "Rhein-Sieg-Kreis", "kreis", 605),
    ("kreis-siegen-wittgenstein", "Kreis Siegen-Wittgenstein", "kreis", 276),
    ("kreis-soest", "Kreis Soest", "kreis", 303),
    ("kreis-steinfurt", "Kreis Steinfurt", "kreis", 452),
    ("kreis-unna", "Kreis Unna", "kreis", 395),
    ("viersen", "Kreis Viersen", "kreis", 300),
    ("kreis-warendorf", "Kreis Warendorf", "kreis", 280),
    ("kreis-wesel", "Kreis Wesel", "kreis", 460),
)

#: Case managers in all 53 tenants together (with coordinators, DSBs, administrators and former
#: colleagues about 900 accounts); each tenant gets its population share, at least two.
CASE_MANAGERS_NRW = 600
#: Open cases per case manager (the KIM caseload key is 50 per full-time post).
OPEN_PER_MANAGER = (40, 60)
#: Households (not persons) per batch; one batch is one transaction and one progress step.
HOUSEHOLDS_PER_BATCH = 1200
#: How many audit rows one case gets at most (two per active month, capped).
AUDIT_CAP = 48
YEARS = 10
MARKER = "scale_demo"
#: ``(size, weight)`` of a household: most clients come alone, families bring minor children.
HOUSEHOLD_SIZES = ((1, 62), (2, 12), (3, 11), (4, 9), (5, 6))
STAFF_FIRST = (
    "Anna", "Julia", "Katrin", "Sabine", "Miriam", "Leonie", "Sarah", "Nicole", "Aylin", "Elif",
    "Thomas", "Michael", "Jan", "Stefan", "Tobias", "Markus", "Deniz", "Yusuf", "Lukas", "Jonas",
)  # fmt: skip
STAFF_LAST = (
    "Becker", "Schulte", "Hoffmann", "Wagner", "Krüger", "Schmitz", "Klein", "Wolf", "Neumann",
    "Lange", "Hermanns", "Janssen", "Peters", "Yılmaz", "Kaya", "Brands", "Terhorst", "Wessels",
)  # fmt: skip
FOLLOW_UP_TITLES = (
    "Aufenthaltstitel läuft ab: Verlängerung ansprechen",
    "Hilfeplan überprüfen",
    "Rückmeldung des Jobcenters nachhalten",
    "Termin Ausländerbehörde vorbereiten",
    "Unterlagen für den Wohngeldantrag anfordern",
)
AUDIT_ACTIONS = (
    ("case.read", 60),
    ("case.changed", 10),
    ("case.contact_added", 10),
    ("case.journal_added", 8),
    ("follow_up.created", 5),
    ("follow_up.done", 4),
    ("case.printed", 1),
    ("person.changed", 2),
)

#: ``AUDIT_ACTIONS`` unrolled by weight, for a cheap ``rng.choice`` per row.
AUDIT_POOL = tuple(action for action, weight in AUDIT_ACTIONS for _i in range(weight))

#: Set-based rebuilds of derived tables, run once after all tenants are generated (and on every
#: resumed run). Other parts of Lotse register theirs here, e.g. the consent-coverage join table
#: and the person name-token table: ``AFTER_GENERATION.append(module.rebuild)``; each is called
#: with no arguments inside the app context, outside any tenant scope, and must be idempotent.
AFTER_GENERATION: list[Callable[[], Any]] = []


@dataclass(frozen=True)
class Area:
    slug: str
    name: str
    kind: str
    population: int


@dataclass
class TenantPlan:
    """What one tenant gets for a given ``N``: the deterministic skeleton of its data."""

    area: Area
    cases: int
    managers: int
    households: list[tuple[int, bool, int]] = field(default_factory=list)  # (owner, open, size)

    @property
    def batches(self) -> int:
        return max(1, -(-len(self.households) // HOUSEHOLDS_PER_BATCH))


@dataclass
class Staff:
    managers: list[int]
    former: list[int]
    coordinators: list[int]
    dpo: int
    org_unit_ids: list[int]
    unit_of: dict[int, int | None]


def areas(count: int | None = None) -> list[Area]:
    chosen = NRW[: count or len(NRW)]
    return [Area(*row) for row in chosen]


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[
        : total - sum(out)
    ]:
        out[i] += 1
    return out


def plan(total: int, count: int | None = None, seed: int = 1) -> list[TenantPlan]:
    """Cases and case managers per tenant, and each tenant's households in writing order."""
    chosen = areas(count)
    all_people = sum(row[3] for row in NRW)
    plans = []
    for area, cases in zip(chosen, _split(total, [a.population for a in chosen]), strict=True):
        cap = max(2, round(CASE_MANAGERS_NRW * area.population / all_people))
        managers = max(1, min(cap, cases * 6 // 10 // sum(OPEN_PER_MANAGER) * 2))
        p = TenantPlan(area, cases, managers)
        rng = random.Random(f"{seed}:{area.slug}:plan")  # noqa: S311 - test data
        left = cases
        for owner in range(managers):
            quota = min(left, rng.randint(*OPEN_PER_MANAGER))
            left -= quota
            while quota > 0:
                size = min(quota, _weighted(rng, HOUSEHOLD_SIZES))
                p.households.append((owner, True, size))
                quota -= size
        former = _former_count(managers)
        while left > 0:
            size = min(left, _weighted(rng, HOUSEHOLD_SIZES))
            # closed cases: a third belong to colleagues who have left (owner index < 0)
            owner = rng.randrange(managers) if rng.random() < 0.7 else -1 - rng.randrange(former)
            p.households.append((owner, False, size))
            left -= size
        rng.shuffle(p.households)
        plans.append(p)
    return plans


def _former_count(managers: int) -> int:
    return 1 + managers // 6


# --- tenants and staff --------------------------------------------------------------------


def ensure_tenant(area: Area):
    """The tenant with org units (a Fachdienst and regional teams) and the consent templates:
    through the same loaders ``lotse tenant load`` uses. An existing tenant is left as it is."""
    from core.consent.services import ensure_defaults
    from core.tenancy.context import tenant_scope
    from core.tenancy.loader import TenantSpec, apply_org_units, apply_tenant_spec
    from core.tenancy.models import Tenant

    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == area.slug))
    if tenant is None:
        short = area.name.removeprefix("Stadt ").removeprefix("Kreis ")
        units = [
            {"key": "ki", "name": f"Kommunales Integrationszentrum {short}", "kind": "authority"}
        ] + [
            {"key": f"team-{k}", "name": f"Fachteam {n}", "kind": "team", "parent": "ki"}
            for k, n in (("nord", "Nord"), ("mitte", "Mitte"), ("sued", "Süd"))
        ]
        spec = TenantSpec().load(
            {
                "slug": area.slug,
                "name": area.name,
                "kind": area.kind,
                "settings": {"caseload_ratio": 50},
                "org_units": units,
            }
        )
        tenant, _created = apply_tenant_spec(spec)
        with tenant_scope(tenant):
            apply_org_units(tenant, spec)
    with tenant_scope(tenant):
        ensure_defaults(tenant)
        _ensure_processing_template(tenant)
    return tenant


def _ensure_processing_template(tenant) -> None:
    """A consent of the kind "processing" (Art. 6(1)(a) / 9(2)(a)) besides the release."""
    from core.consent.models import ConsentTemplate, ConsentTemplateVersion
    from core.consent.services import default_privacy_notice, default_release_texts
    from core.db import utcnow

    if db.session.scalar(select(ConsentTemplate.id).where(ConsentTemplate.key == "processing")):
        return
    template = ConsentTemplate(
        tenant_id=tenant.id,
        key="processing",
        kind="processing",
        title="Einwilligung in die Verarbeitung personenbezogener Daten",
    )
    db.session.add(template)
    db.session.flush()
    db.session.add(
        ConsentTemplateVersion(
            tenant_id=tenant.id,
            template_id=template.id,
            number=1,
            recipient_keys=[],
            purposes=["counselling"],
            texts=default_release_texts(tenant),
            processing_bodies=tenant.name,
            privacy_notice=default_privacy_notice(tenant),
            published_at=utcnow(),
        )
    )
    db.session.flush()


def staff_email(kind: str, number: int, slug: str) -> str:
    """``cm``, 3, ``bonn`` → ``cm-03@bonn.demo`` (the demo password ``lotse-demo``)."""
    return f"{kind}-{number:02d}@{slug}.demo"


def ensure_staff(tenant, p: TenantPlan, password_hash: str) -> Staff:
    """Case managers (spread over the teams), former case managers (inactive memberships: they
    own closed cases), coordinators, the DSB and an administrator. Bulk, idempotent by address."""
    from core.auth.models import Membership, User
    from core.db import utcnow
    from core.tenancy.models import OrgUnit

    units = list(db.session.scalars(select(OrgUnit.id).order_by(OrgUnit.id)))
    teams = units[1:] or units
    slug = tenant.slug
    coordinators = 1 + p.managers // 10
    wanted: list[tuple[str, str, list[str], int | None, bool]] = []
    rng = random.Random(f"staff:{slug}")  # noqa: S311 - test data
    for kind, count, roles, active in (
        ("cm", p.managers, ["case_manager"], True),
        ("ehemals", _former_count(p.managers), ["case_manager"], False),
        ("koordination", coordinators, ["coordinator"], True),
        ("datenschutz", 1, ["dpo"], True),
        ("verwaltung", 1, ["tenant_admin"], True),
    ):
        for i in range(1, count + 1):
            name = f"{rng.choice(STAFF_FIRST)} {rng.choice(STAFF_LAST)}"
            unit = teams[(i - 1) % len(teams)] if teams and kind != "datenschutz" else None
            wanted.append((staff_email(kind, i, slug), name, roles, unit, active))
    emails = [w[0] for w in wanted]
    known: dict[str, int] = {
        e: i
        for e, i in db.session.execute(select(User.email, User.id).where(User.email.in_(emails)))
    }
    new = [
        {
            "email": e,
            "display_name": n,
            "password_hash": password_hash,
            "password_changed_at": utcnow(),
            "credential_tenant_id": tenant.id,
            "created_at": utcnow(),
        }
        for e, n, *_rest in wanted
        if e not in known
    ]
    if new:
        table = _table(User)
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        new_ids = db.session.execute(stmt, new).scalars().all()
        known.update({row["email"]: i for row, i in zip(new, new_ids, strict=True)})
    members = set(db.session.scalars(select(Membership.user_id)))
    rows = [
        {
            "tenant_id": tenant.id,
            "user_id": known[e],
            "roles": roles,
            "org_unit_id": unit,
            "active": active,
            "created_at": utcnow(),
        }
        for e, _n, roles, unit, active in wanted
        if known[e] not in members
    ]
    if rows:
        db.session.execute(_table(Membership).insert(), rows)
    ids = {e: known[e] for e in emails}

    def of(kind, count):
        return [ids[staff_email(kind, i, slug)] for i in range(1, count + 1)]

    managers = of("cm", p.managers)
    return Staff(
        managers=managers,
        former=of("ehemals", _former_count(p.managers)),
        coordinators=of("koordination", coordinators),
        dpo=ids[staff_email("datenschutz", 1, slug)],
        org_unit_ids=teams,
        unit_of={uid: teams[i % len(teams)] if teams else None for i, uid in enumerate(managers)},
    )


def _deputy(tenant, staff: Staff, today: date) -> None:
    """One running Vertretung per tenant (the second case manager stands in for the first)."""
    from core.cases.models import Deputy

    if len(staff.managers) < 2 or db.session.scalar(select(Deputy.id).limit(1)):
        return
    db.session.execute(
        _table(Deputy).insert(),
        [
            {
                "tenant_id": tenant.id,
                "absent_id": staff.managers[0],
                "deputy_id": staff.managers[1],
                "starts_on": today - timedelta(days=7),
                "ends_on": today + timedelta(days=14),
                "cross_unit": False,
                "created_by_id": staff.coordinators[0],
                "created_at": datetime.now(UTC),
            }
        ],
    )


# --- one batch ------------------------------------------------------------------------------


@dataclass
class Context:
    """Per tenant and run: what every batch needs."""

    tenant: Any
    staff: Staff
    phases: dict[str, list[str]]
    areas: list[str]
    sources: list[str]
    categories: list[str]
    processing_version: int
    release_version: int
    counters: dict[int, int]
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()


def _context(tenant, staff: Staff, now: datetime) -> Context:
    from core.cases.models import CaseNumberCounter
    from core.cases.settings import case_settings, regelkreis_for
    from core.consent.models import ConsentTemplate, ConsentTemplateVersion, RecipientCategory

    regelkreis = regelkreis_for(tenant)
    settings = case_settings(tenant)

    def version(key):
        return db.session.scalar(
            select(ConsentTemplateVersion.id)
            .join(ConsentTemplate, ConsentTemplate.id == ConsentTemplateVersion.template_id)
            .where(ConsentTemplate.key == key, ConsentTemplateVersion.published_at.is_not(None))
            .order_by(ConsentTemplateVersion.number.desc())
            .limit(1)
        )

    return Context(
        tenant=tenant,
        staff=staff,
        phases={
            key: [p.key for p in regelkreis.phases(key)]
            for key in ("case_management", "short_counselling", "referral_counselling")
        },
        areas=list(settings.life_areas),
        sources=list(settings.sources),
        categories=list(
            db.session.scalars(select(RecipientCategory.key).order_by(RecipientCategory.id))
        ),
        processing_version=version("processing"),
        release_version=version("release"),
        counters={
            y: n
            for y, n in db.session.execute(
                select(CaseNumberCounter.year, CaseNumberCounter.last_number)
            )
        },
        now=now,
    )


@dataclass
class Member:
    person: dict
    case: dict
    children: dict
    role: str
    minor: bool


def _household(rng: random.Random, ctx: Context, owner: int, is_open: bool, size: int):
    """One household's persons and their (linked) cases: same case manager, same period."""
    from core.demo.scale import ORIGINS

    today = ctx.today
    nationality, languages, female, male, lasts, statuses = rng.choice(ORIGINS)
    last = rng.choice(lasts)
    street = f"Musterstraße {rng.randint(1, 200)}"
    postcode = f"{rng.randint(32000, 59999)}"
    if is_open:
        opened = today - timedelta(days=min(int(rng.expovariate(1 / 240)), 3 * 365))
        last_activity = datetime.now(UTC) - timedelta(
            seconds=rng.randrange(max(1, min(45, (today - opened).days + 1)) * 86400)
        )
        end = max(opened, last_activity.date())  # opened today: active today, not before
    else:
        opened = today - timedelta(days=rng.randint(60, YEARS * 365))
        end = min(today - timedelta(days=1), opened + timedelta(days=rng.randint(14, 720)))
        last_activity = _moment(end, rng)
    roles = ["head"] + (["partner"] if size >= 3 or (size == 2 and rng.random() < 0.5) else [])
    roles += ["minor_child"] * (size - len(roles))
    members = []
    for role in roles:
        minor = role == "minor_child"
        gender = "female" if rng.random() < 0.5 else "male"
        first = rng.choice(female if gender == "female" else male)
        age = rng.randint(1, 15) if minor else rng.randint(18, 75)
        birth = opened - timedelta(days=age * 365 + rng.randrange(365))
        person, case, children = _case(
            rng, ctx, owner, opened, end, last_activity, is_open, minor=minor
        )
        status = rng.choice(statuses)
        issued = valid = None
        if status in ("permit_limited", "gestattung", "duldung"):
            issued = opened - timedelta(days=rng.randint(0, 400))
            valid = max(issued + timedelta(days=30), today + timedelta(days=rng.randint(-90, 700)))
        interpreter = not minor and rng.random() < 0.35
        person.update(
            first_name=first,
            last_name=last,
            birth_date=birth,
            gender=gender,
            nationality=nationality,
            languages=list(languages),
            interpreter_needed=interpreter,
            interpreter_language=languages[0] if interpreter else "",
            residence_status=status,
            residence_issued_on=issued,
            residence_valid_until=valid,
            street=street,
            postcode=postcode,
            city="Lasttesthausen",
        )
        members.append(Member(person, case, children, role, minor))
    return members


def _case(rng, ctx: Context, owner: int, opened, end, last_activity, is_open, *, minor):
    """One person row (names filled by the caller) and their case with everything in it."""
    from core.demo.scale import (
        CHANNELS,
        CLOSURE_REASONS,
        CONTACT_TEXTS,
        DIMENSIONS,
        GOAL_TITLES,
        JOURNAL_TEXTS,
        OPEN_PHASES,
        TOPICS,
    )

    roll = rng.random()
    case_type = (
        "case_management"
        if minor or roll < 0.82
        else "short_counselling"
        if roll < 0.94
        else "referral_counselling"
    )
    phases = ctx.phases[case_type]
    if case_type == "case_management":
        reached = _weighted(rng, OPEN_PHASES) if is_open else phases[rng.randrange(len(phases) - 1)]
        reached = reached if reached in phases else phases[0]
    else:
        reached = phases[0]
    reached_index = phases.index(reached)
    phase = reached if is_open else "closure"
    created = _moment(opened, rng)
    reason = "" if is_open else _weighted(rng, CLOSURE_REASONS)
    person = {
        "tenant_id": ctx.tenant.id,
        "other_names": "",
        "phone": "",
        "email": "",
        "created_by_id": owner,
        "created_at": created,
        "updated_at": created,
        "version": 1,
        "restriction_reason": "",
    }
    case = {
        "tenant_id": ctx.tenant.id,
        "case_type": case_type,
        "phase": phase,
        "status": "open" if is_open else "closed",
        "topic": rng.choice(TOPICS) if case_type != "case_management" else "",
        "access_path": rng.choice(("", "active_outreach", "forwarded", "referral")),
        "source": rng.choice(ctx.sources) if ctx.sources else "",
        "warm_handover": rng.random() < 0.1,
        "case_manager_id": owner,
        "org_unit_id": ctx.staff.unit_of.get(owner),
        "deputy_id": None,
        "opened_on": opened,
        "last_activity_at": last_activity,
        "closed_on": None if is_open else end,
        "closure_reason": reason,
        "closure_note": "Sonstiger Grund (synthetisch)." if reason == "other" else "",
        "evaluation": {d: rng.randint(1, 5) for d in DIMENSIONS}
        if not is_open and rng.random() < 0.6
        else {},
        "follow_up_talk_on": end + timedelta(days=180)
        if not is_open and rng.random() < 0.3
        else None,
        "version": 1,
        "created_at": created,
    }
    months = max(1, (end - opened).days // 30)
    interpreter = rng.random() < 0.3
    contacts = []
    for i in range(max(1, min(24, months + rng.randint(-1, 1)))):
        day = end if i == 0 else _between(rng, opened, end)
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
    journal = [
        {
            "at": _moment(_between(rng, opened, end), rng),
            "text": rng.choice(JOURNAL_TEXTS),
            "effort_minutes": rng.choice((0, 5, 10, 15, 30)),
            "author_id": owner,
        }
        for _i in range(max(1, min(12, months // 2)))
    ]
    transitions = []
    previous = ""
    steps = phases[: reached_index + 1] + ([] if is_open else ["closure"])
    days = sorted(_between(rng, opened, end) for _s in steps)
    for step, day in zip(steps, days, strict=True):
        if step == previous:
            continue
        transitions.append(
            {
                "from_phase": previous,
                "to_phase": step,
                "at": created if not previous else _moment(day, rng),
                "actor_id": owner,
                "reason": "Fall eröffnet" if not previous else "",
                "backwards": False,
            }
        )
        previous = step
    goals = []
    if case_type == "case_management" and reached_index >= 3:
        for _i in range(rng.randint(1, 3)):
            area = rng.choice(ctx.areas)
            achievement = None if is_open else rng.randint(0, 4)
            goals.append(
                {
                    "life_area": area,
                    "title": rng.choice(GOAL_TITLES.get(area, ("Ziel im Lebensbereich",))),
                    "indicator": "",
                    "priority": rng.randint(1, 3),
                    "target_date": opened + timedelta(days=rng.randint(60, 365)),
                    "status": rng.choice(("open", "in_progress"))
                    if achievement is None
                    else "achieved"
                    if achievement >= 4
                    else "partly_achieved"
                    if achievement >= 2
                    else "not_achieved",
                    "achievement": achievement,
                    "achievement_note": "",
                    "version": 1,
                    "created_at": created,
                }
            )
    decisions = []
    if case_type == "case_management" and reached_index >= 2:
        decided = _between(rng, opened, end)
        decisions.append(
            {
                "admitted": True,
                "outcome": "admitted",
                "target_group": "Synthetischer Lasttest-Fall: Zielgruppe erfüllt",
                "reason": "Kriterien erfüllt, Einwilligung liegt vor.",
                "decided_on": decided,
                "actor_id": owner,
                "created_at": _moment(decided, rng),
            }
        )
    follow_ups = []
    if is_open:
        for _i in range(rng.randint(1, 2)):
            due = ctx.today + timedelta(days=rng.randint(-30, 60))  # a third overdue
            follow_ups.append(
                {
                    "assignee_id": owner,
                    "due_on": due,
                    "title": rng.choice(FOLLOW_UP_TITLES),
                    "kind": "manual",
                    "created_at": created,
                }
            )
    else:
        follow_ups.append(
            {
                "assignee_id": owner,
                "due_on": end,
                "title": rng.choice(FOLLOW_UP_TITLES),
                "kind": "manual",
                "done_at": _moment(end, rng),
                "done_by_id": owner,
                "created_at": created,
            }
        )
    span = max(0.0, (last_activity - created).total_seconds())
    audit = [("case.created", created), ("consent.recorded", created)] + [
        (rng.choice(AUDIT_POOL), created + timedelta(seconds=int(rng.random() * span)))
        for _i in range(max(3, min(AUDIT_CAP, 2 * months)) - 2)
    ]
    return (
        person,
        case,
        {
            "contacts": contacts,
            "journal": journal,
            "transitions": transitions,
            "goals": goals,
            "decisions": decisions,
            "follow_ups": follow_ups,
            "audit": audit,
        },
    )


def _table(model) -> Table:
    return cast(Table, model.__table__)


def _insert(table, rows: list[dict], *, returning: bool = False) -> list[int]:
    """Write ``rows`` into ``table`` in the session's transaction, the fastest way the database
    offers (:class:`Sink`); with ``returning`` the new ids in row order."""
    return _sink().write(table, rows, returning=returning)


def _insert_plain(table: Table, rows: list[dict]) -> None:
    _sink().write(table, rows)


class Sink:
    """Where the generated rows go.

    PostgreSQL: ids are reserved from the table's sequence in one statement (``nextval`` over
    ``generate_series``) and the rows travel with ``COPY … FROM STDIN`` on the session's own
    connection (same transaction, so the tenant setting the session made applies). COPY into a
    table whose row-level security applies to the writing role is refused by PostgreSQL (the
    schema owner is subject to it, the tables ``FORCE`` it), so for such a role the rows are
    copied into a temporary staging table (no policy) and moved with one
    ``INSERT … SELECT`` - which the policy's ``WITH CHECK`` then checks row by row, as it
    would any insert. A superuser or ``BYPASSRLS`` role copies straight into the table.

    SQLite (small N: the tests, a laptop demo): SQLAlchemy Core ``insert()`` executemany,
    ``RETURNING`` for the ids. The rows are the same dicts either way.
    """

    def __init__(self) -> None:
        connection = db.session.connection()
        self.postgres = connection.dialect.name == "postgresql"
        self.staged = self.superuser = False
        self.sequences: dict[str, str] = {}
        self.stages: set[str] = set()
        if self.postgres:
            row = connection.exec_driver_sql(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            ).first()
            self.superuser = bool(row and row[0])
            self.staged = not (row and (row[0] or row[1]))

    def begin_batch(self) -> None:
        """PostgreSQL, once per batch transaction. The rows are synthetic: a crash loses at most
        the batch, which reruns (no wait for the WAL flush). A superuser writes them as a
        restore does (``session_replication_role = replica``: no per-row foreign-key triggers;
        the generator makes every reference itself, the tests check them); any other role keeps
        the checks, planned afresh each batch (kept plans, made while a table was small, would
        scan it whole for every row as it grows) and never as a scan."""
        session = db.session
        session.execute(db.text("SET LOCAL synchronous_commit TO off"))
        if self.superuser:
            session.execute(db.text("SET LOCAL session_replication_role TO replica"))
        else:
            session.execute(db.text("SET LOCAL enable_seqscan TO off"))
            session.execute(db.text("SET LOCAL jit TO off"))  # the costs look huge now
            session.execute(db.text("DISCARD PLANS"))

    def reserve(self, table: Table, n: int) -> list[int]:
        """``n`` new ids of ``table`` (PostgreSQL), ascending."""
        if table.name not in self.sequences:
            self.sequences[table.name] = str(
                db.session.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
            )
        seq = self.sequences[table.name]
        return list(
            db.session.scalars(select(func.nextval(seq)).select_from(func.generate_series(1, n)))
        )

    def write(self, table: Table, rows: list[dict], *, returning: bool = False) -> list[int]:
        if not rows:
            return []
        if not self.postgres:
            if returning:
                stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
                return list(db.session.execute(stmt, rows).scalars())
            db.session.execute(table.insert(), rows)
            return []
        ids: list[int] = []
        if returning:
            ids = self.reserve(table, len(rows))
            for row, new_id in zip(rows, ids, strict=True):
                row["id"] = new_id
        self.copy(table, _fill_defaults(table, rows))
        return ids

    def copy(self, table: Table, rows: list[dict]) -> None:
        import json

        from sqlalchemy import JSON

        from core.tenancy import rls
        from core.tenancy.context import current_tenant_id

        connection = db.session.connection()
        # The raw cursor bypasses the ORM hook that tells PostgreSQL the transaction's tenant.
        rls.sync(
            connection, current_tenant_id(), False, db.session().info.get("lotse_rls_epoch", 0)
        )
        keys = list(rows[0])
        json_keys = [i for i, k in enumerate(keys) if isinstance(table.c[k].type, JSON)]
        columns = ", ".join(f'"{k}"' for k in keys)
        target = table.name
        raw: Any = connection.connection.driver_connection
        with raw.cursor() as cursor:
            if self.staged:
                target = f"lotse_stage_{table.name}"
                if target not in self.stages:
                    cursor.execute(
                        f'CREATE TEMP TABLE IF NOT EXISTS "{target}" '
                        f'(LIKE "{table.name}" INCLUDING DEFAULTS)'
                    )
                    self.stages.add(target)
            with cursor.copy(f'COPY "{target}" ({columns}) FROM STDIN') as copy:
                write, pick = copy.write_row, itemgetter(*keys)
                for row in rows:
                    values = pick(row) if len(keys) > 1 else (row[keys[0]],)
                    if json_keys:
                        values = list(values)
                        for i in json_keys:
                            values[i] = json.dumps(values[i])
                    write(values)
            if self.staged:
                cursor.execute(
                    f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{target}"'  # noqa: S608 - names from the metadata
                )
                cursor.execute(f'TRUNCATE "{target}"')


def _sink() -> Sink:
    """One :class:`Sink` per session (its role and staging tables do not change)."""
    session = db.session()
    sink = session.info.get("lotse_demo_sink")
    if sink is None:
        sink = session.info["lotse_demo_sink"] = Sink()
    return sink


def _fill_defaults(table, rows: list[dict]) -> list[dict]:
    """executemany and COPY need the same keys in every row, and COPY knows nothing of
    SQLAlchemy's Python-side defaults: fill each missing column that has one (as the ORM would),
    and NULL for a column only some rows give."""
    if not rows:
        return rows
    keys = set().union(*rows)
    keys |= {
        c.key
        for c in table.columns
        if c.default is not None
        and not c.primary_key
        and (c.default.is_scalar or c.default.is_callable)
    }
    filled = []
    for row in rows:
        missing = keys - row.keys()
        if missing:
            for key in missing:
                default = table.c[key].default
                row[key] = (
                    default.arg
                    if default is not None and default.is_scalar
                    else default.arg({})
                    if default is not None and default.is_callable
                    else None
                )
        filled.append(row)
    return filled


def write_batch(ctx: Context, rng: random.Random, households) -> dict[str, int]:
    """Persons + households, cases with everything in them, consents, audit: one function per
    domain, in foreign-key order. Returns row counts."""
    groups = [_household(rng, ctx, owner, is_open, size) for owner, is_open, size in households]
    groups = [[_resolve_owner(ctx, m) for m in g] for g in groups]
    person_ids = write_persons(ctx, groups)
    case_ids = write_cases(ctx, rng, groups, person_ids)
    consents = write_consents(ctx, rng, groups, person_ids)
    audits = write_audit(ctx, groups, case_ids, person_ids)
    restricted = mark_restricted(ctx, rng, groups, person_ids)
    write_name_tokens(ctx, groups)
    return {
        "persons": len(person_ids),
        "cases": len(case_ids),
        "consents": consents,
        "audit": audits,
        "restricted": restricted,
    }


def _resolve_owner(ctx: Context, m: Member) -> Member:
    """Plan owners are indexes (negative: former colleagues); rows need user ids."""
    owner = m.case["case_manager_id"]
    if isinstance(owner, int) and owner < 0:
        uid = ctx.staff.former[(-owner - 1) % len(ctx.staff.former)]
    else:
        uid = ctx.staff.managers[owner % len(ctx.staff.managers)]
    m.case["case_manager_id"] = uid
    m.case["org_unit_id"] = ctx.staff.unit_of.get(uid, ctx.staff.org_unit_ids[0])
    m.person["created_by_id"] = uid
    for key in ("contacts", "journal", "follow_ups"):
        for row in m.children[key]:
            for col in ("author_id", "assignee_id", "done_by_id"):
                if col in row:
                    row[col] = uid
    for row in m.children["transitions"] + m.children["decisions"]:
        row["actor_id"] = uid
    m.children["owner"] = uid
    return m


def write_persons(ctx: Context, groups: list[list[Member]]) -> list[int]:
    """Person rows with the search keys the service stamps, then households and members."""
    from core.persons.models import Household, HouseholdMember, Person
    from core.persons.phonetics import fold, name_key

    persons = []
    for group in groups:
        for m in group:
            p = m.person
            p["name_key"] = name_key(p["first_name"], p["last_name"], p["other_names"])[:400]
            p["sort_name"] = fold(f"{p['last_name']} {p['first_name']}")[:220]
            persons.append(p)
    ids = _insert(_table(Person), _fill_defaults(_table(Person), persons), returning=True)
    it = iter(ids)
    for group in groups:
        for m in group:
            m.person["id"] = next(it)
    families = [g for g in groups if len(g) > 1]
    household_ids = _insert(
        _table(Household),
        [
            {
                "tenant_id": ctx.tenant.id,
                "name": f"Familie {g[0].person['last_name']}",
                "created_at": g[0].person["created_at"],
            }
            for g in families
        ],
        returning=True,
    )
    _insert(
        _table(HouseholdMember),
        [
            {
                "tenant_id": ctx.tenant.id,
                "household_id": hid,
                "person_id": m.person["id"],
                "role": m.role,
            }
            for hid, g in zip(household_ids, families, strict=True)
            for m in g
        ],
    )
    return ids


def _number(ctx: Context, opened: date) -> str:
    """As :func:`core.cases.numbering.next_number`: the tenant's counter for the year."""
    year = opened.year
    ctx.counters[year] = ctx.counters.get(year, 0) + 1
    return f"{year}-{ctx.counters[year]:04d}"


def write_cases(ctx: Context, rng, groups: list[list[Member]], person_ids) -> list[int]:
    """Cases (numbered in opening order), then their transitions, contacts, journal, goals,
    access decisions, follow-ups and a few shares with a tandem colleague."""
    from core.cases.models import (
        AccessDecision,
        Case,
        CaseShare,
        Contact,
        FollowUp,
        Goal,
        PhaseTransition,
    )
    from core.documentation.models import JournalEntry

    members = [m for g in groups for m in g]
    members.sort(key=lambda m: (m.case["opened_on"], m.person["id"]))
    for m in members:
        m.case["person_id"] = m.person["id"]
        m.case["number"] = _number(ctx, m.case["opened_on"])
    ids = _insert(_table(Case), [m.case for m in members], returning=True)
    tid = ctx.tenant.id
    children: dict[str, list[dict]] = {k: [] for k in ("contacts", "journal", "transitions")}
    children |= {"goals": [], "decisions": [], "follow_ups": [], "shares": []}
    for case_id, m in zip(ids, members, strict=True):
        m.case["id"] = case_id
        for key in ("contacts", "journal", "transitions", "goals", "decisions", "follow_ups"):
            children[key] += [dict(r, tenant_id=tid, case_id=case_id) for r in m.children[key]]
        if m.case["status"] == "open" and len(ctx.staff.managers) > 1 and rng.random() < 0.03:
            colleague = rng.choice([u for u in ctx.staff.managers if u != m.children["owner"]])
            children["shares"].append(
                {
                    "tenant_id": tid,
                    "case_id": case_id,
                    "user_id": colleague,
                    "shared_by_id": m.children["owner"],
                    "created_at": m.case["created_at"],
                }
            )
    for key, model in (
        ("contacts", Contact),
        ("journal", JournalEntry),
        ("transitions", PhaseTransition),
        ("goals", Goal),
        ("decisions", AccessDecision),
        ("follow_ups", FollowUp),
        ("shares", CaseShare),
    ):
        rows = _fill_defaults(_table(model), children[key])
        if key in ("contacts", "journal", "transitions"):  # every column given, append-only
            _insert_plain(_table(model), rows)
        else:
            _insert(_table(model), rows)
    return ids


def write_consents(ctx: Context, rng, groups: list[list[Member]], person_ids) -> int:
    """A processing consent for every person (a guardian signs for under-16s); the head of a
    household signs a confidentiality release that also covers the minor children. A few
    releases were later revoked for one recipient."""
    from core.consent.models import ConsentCoverage, ConsentRecord, ConsentRevocation
    from core.dates import age_on

    rows = []
    covers: list[list[int]] = []
    for group in groups:
        children = [m.person["id"] for m in group if m.minor]
        for m in group:
            granted = m.case["opened_on"]
            minor = age_on(m.person["birth_date"], granted) < 16
            base = {
                "tenant_id": ctx.tenant.id,
                "person_id": m.person["id"],
                "language": "de",
                "signed_by": "guardian" if minor else "self",
                "guardian_name": "Erziehungsberechtigte Person" if minor else "",
                "partner_names": [],
                "granted_on": granted,
                "valid_until": None,
                "evidence_id": None,
                "recorded_by_id": m.children["owner"],
                "created_at": m.case["created_at"],
            }
            rows.append(
                base
                | {
                    "template_version_id": ctx.processing_version,
                    "kind": "processing",
                    "recipient_keys": [],
                    "purposes": ["counselling"],
                }
            )
            covers.append([m.person["id"]])
            if m.role == "head" and ctx.categories:
                keys = rng.sample(ctx.categories, min(len(ctx.categories), rng.randint(2, 4)))
                rows.append(
                    base
                    | {
                        "template_version_id": ctx.release_version,
                        "kind": "confidentiality_release",
                        "recipient_keys": sorted(keys),
                        "purposes": ["counselling", "referral"],
                        "valid_until": granted + timedelta(days=730),
                    }
                )
                covers.append([m.person["id"], *children])
    ids = _insert(_table(ConsentRecord), rows, returning=True)
    # Who each record covers (core.consent.coverage): the holder, and the minor children a
    # parent's release names.
    _insert(
        _table(ConsentCoverage),
        [
            {"tenant_id": ctx.tenant.id, "consent_id": cid, "person_id": person_id}
            for cid, persons in zip(ids, covers, strict=True)
            for person_id in persons
        ],
    )
    revocations = [
        {
            "tenant_id": ctx.tenant.id,
            "consent_id": cid,
            "received_on": min(ctx.today, row["granted_on"] + timedelta(days=90)),
            "recipient_keys": row["recipient_keys"][:1],
            "at": _moment(min(ctx.today, row["granted_on"] + timedelta(days=90)), rng),
            "recorded_by_id": row["recorded_by_id"],
        }
        for cid, row in zip(ids, rows, strict=True)
        if row["kind"] == "confidentiality_release" and rng.random() < 0.02
    ]
    _insert(_table(ConsentRevocation), revocations)
    return len(ids)


def write_audit(ctx: Context, groups: list[list[Member]], case_ids, person_ids) -> int:
    """About two content-free audit rows per case and active month (ids only, as the services
    write them), the first ones at the opening."""
    from core.audit.models import AuditEvent

    rows = []
    for group in groups:
        for m in group:
            case_id, owner = str(m.case["id"]), m.children["owner"]
            for action, at in m.children["audit"]:
                details: dict = {}
                if action == "case.read":
                    details = {"part": "case_file", "via": "owner"}
                elif action == "case.created":
                    details = {"case_type": m.case["case_type"]}
                elif action == "consent.recorded":
                    details = {"person": m.person["id"], "kind": "processing"}
                person_action = action.startswith("person.")
                rows.append(
                    {
                        "tenant_id": ctx.tenant.id,
                        "at": at,
                        "actor_id": owner,
                        "action": action,
                        "object_type": "Person" if person_action else "Case",
                        "object_id": str(m.person["id"]) if person_action else case_id,
                        "details": details,
                    }
                )
    _insert_plain(_table(AuditEvent), rows)
    return len(rows)


def mark_restricted(ctx: Context, rng, groups: list[list[Member]], person_ids) -> int:
    """About 1 % of the closed files are restricted (Art. 18); about 4 % of those closed more
    than three years ago are anonymised as the retention job leaves them (placeholder names,
    no search keys, no address, birth date reduced to the year)."""
    from core.persons.models import Person

    table = _table(Person)
    restricted: list[dict] = []
    anonymised: list[dict] = []
    for group in groups:
        case = group[0].case
        if case["status"] != "closed":
            continue
        roll = rng.random()
        if roll < 0.01:
            restricted.extend(m.person for m in group)
        elif roll < 0.05 and case["closed_on"] < ctx.today - timedelta(days=3 * 365):
            anonymised.extend(m.person for m in group)
    if restricted:
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("k_id"))
            .values(restricted_at=bindparam("at"), restriction_reason=bindparam("reason")),
            [
                {
                    "k_id": p["id"],
                    "at": _moment(ctx.today - timedelta(days=rng.randint(1, 300)), rng),
                    "reason": "Richtigkeit der Daten bestritten (Art. 18 Abs. 1 lit. a)",
                }
                for p in restricted
            ],
        )
    if anonymised:
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("k_id"))
            .values(
                first_name="Anonymisiert",
                last_name=bindparam("placeholder"),
                birth_date=bindparam("birth"),
                street="",
                postcode="",
                city="",
                name_key="",
                sort_name="",
                residence_issued_on=None,
                residence_valid_until=None,
                anonymised_at=bindparam("at"),
            ),
            [
                {
                    "k_id": p["id"],
                    "placeholder": f"(Nr. {p['id']})",
                    "birth": date(p["birth_date"].year, 7, 1),
                    "at": _moment(ctx.today - timedelta(days=rng.randint(1, 365)), rng),
                }
                for p in anonymised
            ],
        )
    for p in anonymised:
        p["anonymised"] = True
    return len(restricted) + len(anonymised)


def write_name_tokens(ctx: Context, groups: list[list[Member]]) -> None:
    """The name-search tokens (core.persons.search_index) of the batch's persons, in the same
    transaction as the persons: the anonymised ones get none."""
    from core.persons.models import PersonNameToken
    from core.persons.search_index import token_rows

    _insert(
        _table(PersonNameToken),
        [
            token
            for g in groups
            for m in g
            if not m.person.get("anonymised")
            for token in token_rows(
                ctx.tenant.id,
                m.person["id"],
                m.person["first_name"],
                m.person["last_name"],
                m.person["other_names"],
            )
        ],
    )


def _save_counters(ctx: Context) -> None:
    from core.cases.models import CaseNumberCounter

    known = {
        y: i for y, i in db.session.execute(select(CaseNumberCounter.year, CaseNumberCounter.id))
    }
    table = _table(CaseNumberCounter)
    for year, last in ctx.counters.items():
        if year in known:
            db.session.execute(
                update(table).where(table.c.id == known[year]).values(last_number=last)
            )
        else:
            db.session.execute(
                table.insert(), {"tenant_id": ctx.tenant.id, "year": year, "last_number": last}
            )


def _marker(tenant) -> dict:
    return dict((tenant.settings or {}).get(MARKER) or {})


def _save_marker(tenant, marker: dict) -> None:
    """The progress marker lives in the tenant's settings, committed with each batch."""
    from core.tenancy.models import Tenant

    settings = {**(tenant.settings or {}), MARKER: marker}
    db.session.execute(
        update(_table(Tenant)).where(_table(Tenant).c.id == tenant.id).values(settings=settings)
    )
    tenant.settings = settings
    db.session.expire(tenant)


# --- the run --------------------------------------------------------------------------------


@dataclass
class Result:
    tenants: int = 0
    skipped: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.rows[key] = self.rows.get(key, 0) + value


def generate(
    total: int,
    *,
    tenants: int | None = None,
    seed: int = 1,
    on_progress: Callable[[int], None] | None = None,
    on_tenant: Callable[[str, str], None] | None = None,
    jobs: int = 1,
    only: set[str] | None = None,
) -> Result:
    """Generate (or complete) the NRW installation for ``total`` cases. Idempotent: run it again
    with the same arguments after a crash and it continues where it stopped. On PostgreSQL
    ``jobs`` > 1 writes the tenants in that many processes at once (each its own connection);
    ``only`` restricts a run to some tenants (what each of those processes does)."""
    from core.auth.passwords import hash_password
    from core.demo.accounts import DEMO_PASSWORD
    from core.tenancy.context import tenant_scope

    started = time.perf_counter()
    result = Result()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    plans = [p for p in plan(total, tenants, seed) if only is None or p.area.slug in only]
    if jobs > 1 and postgres:
        _in_processes(plans, total, tenants, seed, jobs, result, on_progress, on_tenant)
        plans = []
    password_hash = hash_password(DEMO_PASSWORD)
    now = datetime.now(UTC).replace(microsecond=0)
    batches_written = 0
    for p in plans:
        tenant = ensure_tenant(p.area)
        db.session.commit()
        marker = _marker(tenant)
        if marker and (marker.get("cases") != p.cases or marker.get("seed") != seed):
            raise ValueError(
                f"{tenant.slug}: already generated with {marker.get('cases')} cases and seed "
                f"{marker.get('seed')}; run the same --scale/--tenants/--seed again to resume, "
                "or start from an empty database"
            )
        done = int(marker.get("batches_done", 0))
        if marker.get("complete"):
            result.skipped += 1
            if on_progress is not None:
                on_progress(p.cases)
            if on_tenant is not None:
                on_tenant(tenant.slug, "skipped")
            continue
        with tenant_scope(tenant):
            staff = ensure_staff(tenant, p, password_hash)
            _deputy(tenant, staff, now.date())
            if not marker:
                _save_marker(tenant, {"cases": p.cases, "seed": seed, "batches_done": 0})
            db.session.commit()
        with tenant_scope(tenant):
            ctx = _context(tenant, staff, now)
        size = HOUSEHOLDS_PER_BATCH
        if on_progress is not None and done:
            on_progress(sum(h[2] for h in p.households[: done * size]))
        for batch in range(done, p.batches):
            households = p.households[batch * size : (batch + 1) * size]
            rng = random.Random(f"{seed}:{tenant.slug}:{batch}")  # noqa: S311 - test data
            with tenant_scope(tenant):
                if postgres:
                    _sink().begin_batch()
                result.add(write_batch(ctx, rng, households))
                _save_counters(ctx)
                complete = batch + 1 == p.batches
                _save_marker(
                    tenant,
                    {"cases": p.cases, "seed": seed, "batches_done": batch + 1}
                    | ({"complete": True} if complete else {}),
                )
            db.session.commit()
            batches_written += 1
            if postgres and batches_written & (batches_written - 1) == 0:
                # Statistics for the tables the foreign-key checks look up, each time the data
                # has doubled: planned on stale ones, a check walks a whole tenant per row.
                db.session.execute(
                    db.text("ANALYZE person, household, case_file, consent_record, user_account")
                )
                db.session.commit()
            if on_progress is not None:
                on_progress(sum(h[2] for h in households))
        result.tenants += 1
        if on_tenant is not None:
            on_tenant(tenant.slug, "generated")
    if only is None:
        for rebuild in AFTER_GENERATION:
            rebuild()
            db.session.commit()
    result.seconds = time.perf_counter() - started
    return result


def _in_processes(plans, total, tenants, seed, jobs, result, on_progress, on_tenant) -> None:
    """Deal the tenants (largest first) to ``jobs`` processes that each run :func:`generate`
    for theirs, and relay their progress. Processes are spawned, not forked: a child must not
    share the parent's database connections."""
    import multiprocessing

    shares: list[list[str]] = [[] for _i in range(jobs)]
    loads = [0] * jobs
    for p in sorted(plans, key=lambda p: -p.cases):
        i = loads.index(min(loads))
        shares[i].append(p.area.slug)
        loads[i] += p.cases
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_worker, args=(share, total, tenants, seed, queue))
        for share in shares
        if share
    ]
    for w in workers:
        w.start()
    running, failed = len(workers), []
    while running:
        kind, value = queue.get()
        if kind == "progress" and on_progress is not None:
            on_progress(value)
        elif kind == "tenant" and on_tenant is not None:
            on_tenant(*value)
        elif kind == "done":
            running -= 1
            result.add(value["rows"])
            result.tenants += value["tenants"]
            result.skipped += value["skipped"]
        elif kind == "failed":
            running -= 1
            failed.append(value)
    for w in workers:
        w.join()
    if failed:
        raise ValueError("; ".join(failed))


def _worker(slugs: list[str], total: int, tenants: int | None, seed: int, queue) -> None:
    """One process of :func:`_in_processes`: its own app (configured from the environment, as
    the CLI's) and connection."""
    from core.app import create_app

    app = create_app()
    try:
        with app.app_context():
            result = generate(
                total,
                tenants=tenants,
                seed=seed,
                only=set(slugs),
                on_progress=lambda n: queue.put(("progress", n)),
                on_tenant=lambda slug, state: queue.put(("tenant", (slug, state))),
            )
        queue.put(
            (
                "done",
                {"rows": result.rows, "tenants": result.tenants, "skipped": result.skipped},
            )
        )
    except Exception as exc:  # reported by the parent as a plain sentence
        queue.put(("failed", f"{', '.join(slugs)}: {exc}"))


def counts_per_tenant(slugs: list[str]) -> dict[str, dict[str, int]]:
    """Cases (open/closed), persons, memberships per tenant: the summary and the tests."""
    from core.auth.models import Membership
    from core.cases.models import Case
    from core.persons.models import Person
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import Tenant

    out = {}
    for tenant in db.session.scalars(select(Tenant).where(Tenant.slug.in_(slugs))):
        with tenant_scope(tenant):
            by_status = {
                s: n
                for s, n in db.session.execute(
                    select(Case.status, func.count()).group_by(Case.status)
                )
            }
            out[tenant.slug] = {
                "open": by_status.get("open", 0),
                "closed": by_status.get("closed", 0),
                "persons": db.session.scalar(select(func.count()).select_from(Person)) or 0,
                "members": db.session.scalar(select(func.count()).select_from(Membership)) or 0,
            }
    db.session.commit()
    return out
