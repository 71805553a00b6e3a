"""Synthetic demo cases for the example tenants (``lotse demo``).

Every case is written through the case and person services, so the data obeys the same rules as
data entered in the UI: a positive access decision before the assessment, goals before help
planning, an agreed help plan before linking, contacts never in the future. The services stamp
"now" on timestamps; afterwards the seed moves the journal times, phase transitions and
``last_activity_at`` back to the dates the story tells, so lists and follow-ups look like a
service that has been working for a while. The stories come from the tenants' folders
(:mod:`core.demo.fiction`).
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from core.auth import services as auth
from core.cases import contacts as case_contacts
from core.cases import documents as case_documents
from core.cases import follow_ups as case_follow_ups
from core.cases import goals as case_goals
from core.cases import help_plans as case_plans
from core.cases import phases as case_phases
from core.cases import services as cases
from core.cases.models import Case, FollowUp, HelpPlan, HelpPlanItem, PhaseTransition
from core.cases.settings import case_settings, regelkreis_for
from core.db import db, utcnow
from core.demo.fiction import TenantFiction, tenant_fiction
from core.demo.privacy import seed_privacy, sign_release
from core.demo.stories import Story
from core.eligibility import services as eligibility
from core.persons import services as persons
from core.persons.phonetics import fold

_STREETS = (
    "Musterstraße",
    "Beispielweg",
    "Am Probehof",
    "Erfundene Gasse",
    "Platzhalterring",
    "Demoallee",
)


def _at(day: date, minute: int = 0) -> datetime:
    moment = datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=minute)
    return min(moment, utcnow())


def _birth_date(today: date, age: int, seed: str) -> date:
    code = zlib.crc32(seed.encode())
    month, day = 1 + code % 12, 1 + (code // 12) % 28
    born = date(today.year - age, month, day)
    return (
        born
        if born <= today - timedelta(days=365 * age)
        else date(today.year - age - 1, month, day)
    )


class _Seeder:
    def __init__(self, tenant, fiction: TenantFiction, users: dict, today: date):
        self.tenant = tenant
        self.users = users
        self.today = today
        self.ctx = fiction.context
        self.settings = case_settings(tenant)
        self.regelkreis = regelkreis_for(tenant)
        self.households: dict[str, tuple] = {}
        self.variant = fiction.name_variant

    # -- helpers

    def day(self, offset: int | None) -> date:
        if offset is None:
            raise ValueError("this step of the story needs a day")
        return self.today + timedelta(days=offset)

    def fmt(self, text: str, extra: dict) -> str:
        return _Format(dict(self.ctx, **extra), self.today).format(text)

    def _area(self, preferred) -> str:
        areas = list(self.settings.life_areas)
        return next((a for a in preferred if a in areas), areas[0])

    def _source(self, key: str) -> str:
        return key if key in self.settings.sources else ""

    def _stamp_transition(self, case, when: date, minute: int) -> None:
        row = db.session.scalar(
            select(PhaseTransition)
            .where(PhaseTransition.case_id == case.id)
            .order_by(PhaseTransition.id.desc())
        )
        if row is not None:
            row.at = _at(when, minute)

    # -- one story

    def play(self, story: Story, index: int) -> Case:
        owner = self.users[story.owner]
        actor = owner
        first, last = story.names[self.variant % len(story.names)]
        if story.household and story.household[0] in self.households and not last:
            last = self.households[story.household[0]][1]
        p = story.person
        city, postcode = self.ctx["towns"][(self.variant + index) % len(self.ctx["towns"])]
        anrede = ("Frau " if p["gender"] == "female" else "Herr ") + last
        street = _STREETS[(self.variant + index) % len(_STREETS)]
        names = {"anrede": anrede, "vorname": first, "nachname": last, "city": city}
        person = persons.create_person(
            actor,
            {
                "first_name": first,
                "last_name": last,
                "other_names": p["other_names"],
                "birth_date": _birth_date(
                    self.today, p["age"], f"{self.tenant.slug}:{first}:{last}"
                ),
                "gender": p["gender"],
                "nationality": p["nationality"],
                "languages": p["languages"],
                "interpreter_needed": bool(p["interpreter"]),
                "interpreter_language": p["interpreter"],
                "residence_status": p["residence_status"],
                "residence_issued_on": self.day(p["issued"]) if p["issued"] is not None else None,
                "residence_valid_until": self.day(p["valid"]) if p["valid"] is not None else None,
                "first_residence_title_on": self.day(p["first_title"])
                if p.get("first_title") is not None
                else None,
                "street": f"{street} {3 + (index * 7) % 60}",
                "postcode": postcode,
                "city": city,
                "phone": f"030 23125 {(self.variant + index * 37) % 1000:03d}",
                "email": f"{fold(first).split()[0]}.{fold(last).replace(' ', '')}@example.org",
            },
        )
        if story.household:
            key, role = story.household
            if key in self.households:
                persons.add_to_household(
                    actor, person, {"role": role}, household=self.households[key][0]
                )
            else:
                household = persons.add_to_household(
                    actor, person, {"role": role, "name": f"Familie {last}"}
                )
                self.households[key] = (household, last)
        c = story.case
        case = cases.open_case(
            actor,
            self.tenant,
            {
                "person_id": person.id,
                "case_type": c["case_type"],
                "source": self._source(c["source"]),
                "access_path": c["access_path"],
                "topic": c["topic"],
                "warm_handover": c["warm_handover"],
                "case_manager_id": owner.id,
                "deputy_id": self.users["coord"].id
                if story.owner == "cm" and index % 4 == 1
                else None,
                "opened_on": self.day(c["opened"]),
            },
        )
        self._stamp_transition(case, self.day(c["opened"]), 0)
        case.created_at = _at(self.day(c["opened"]))
        goals: dict[str, Any] = {}
        last_day = c["opened"]
        minute = 0

        def fill(value: str) -> str:
            return self.fmt(value, names)

        for kind, offset, data in story.steps:
            minute += 5
            if kind == "contact":
                case_contacts.add_contact(
                    actor,
                    self.tenant,
                    case,
                    {
                        "contact_on": self.day(offset),
                        "duration_minutes": data["duration_minutes"],
                        "channel": data["channel"],
                        "participants": data["participants"],
                        "interpreter_used": data["interpreter_used"],
                        "summary": fill(data["summary"]),
                    },
                )
            elif kind == "journal":
                entry = case_documents.add_journal_entry(
                    actor,
                    case,
                    {"text": fill(data["text"]), "effort_minutes": data["effort_minutes"]},
                )
                entry.at = _at(self.day(offset), minute)
            elif kind == "access":
                outcome = data.get("outcome") or (
                    "admitted" if data["admitted"] else "not_admitted"
                )
                if outcome in ("admitted", "crisis") and not eligibility.has_processing_consent(
                    person
                ):
                    sign_release(self.tenant, actor, person, case, self.today)
                form_key = self.ctx.get("access_form", eligibility.DEFAULT_FORM)
                answers = (self.ctx.get("access_answers") or {}).get(data["target"])
                latest = eligibility.latest_row(case)
                if answers and (latest is None or form_key not in (latest.answers or {})):
                    # The tenant's access checklist as the story's case manager filled it in
                    # (unless the story filled in its own checklist already).
                    eligibility.reassess(
                        case, answers, actor, form_key=form_key, tenant=self.tenant
                    )
                eligibility.decide(
                    actor,
                    self.tenant,
                    case,
                    {
                        "outcome": outcome,
                        "target_group": self.ctx.get("target_" + data["target"], "")[:200],
                        "reason": fill(data["reason"]),
                        "referred_to": fill(data.get("referred_to") or ""),
                        "crisis_reason": fill(data.get("crisis_reason") or ""),
                        "decided_on": self.day(offset),
                    },
                )
            elif kind == "phase":
                self._advance(actor, case, data["to"], data["reason"], offset, minute)
            elif kind == "form":
                self._form(actor, case, data, offset, fill)
            elif kind == "goal":
                goals[data["key"]] = case_goals.save_goal(
                    actor,
                    self.tenant,
                    case,
                    {
                        "life_area": self._area(data["areas"]),
                        "title": fill(data["title"]),
                        "indicator": fill(data["indicator"]),
                        "priority": data["priority"],
                        "target_date": self.day(data["target"])
                        if data["target"] is not None
                        else None,
                        "status": data["status"],
                    },
                )
            elif kind == "item":
                plan = case_plans.editable_plan(actor, case)
                case_plans.save_plan_item(
                    actor,
                    case,
                    plan,
                    {
                        "goal_id": goals[data["goal"]].id,
                        "measure": fill(data["measure"]),
                        "responsible": data["responsible"],
                        "partner_name": fill(data["partner"]),
                        "due_on": self.day(data["due"]) if data["due"] is not None else None,
                        "status": data["status"],
                    },
                )
            elif kind == "item_status":
                plan = case_plans.editable_plan(actor, case)
                db.session.expire(plan, ["items"])
                wanted = fill(data["prefix"])
                plan_item = next(i for i in plan.items if i.measure.startswith(wanted))
                case_plans.save_plan_item(
                    actor,
                    case,
                    plan,
                    {
                        "item_id": plan_item.id,
                        "goal_id": plan_item.goal_id,
                        "measure": plan_item.measure,
                        "responsible": plan_item.responsible,
                        "partner_name": plan_item.partner_name,
                        "due_on": plan_item.due_on,
                        "status": data["status"],
                    },
                )
            elif kind == "agree":
                plan = case_plans.editable_plan(actor, case)
                # save_plan_item does not add to plan.items; a collection loaded earlier in this
                # session (editable_plan refreshes a copied version) would miss the new measures.
                db.session.expire(plan, ["items"])
                case_plans.agree_plan(
                    actor,
                    case,
                    plan,
                    {
                        "agreed_on": self.day(offset),
                        "review_on": self.day(data["review"]),
                        "agreed_by_client": True,
                    },
                )
                self._retire_superseded_follow_ups(actor, case)
            elif kind == "follow_up":
                case_follow_ups.add_follow_up(
                    actor,
                    {
                        "case_id": case.id,
                        "due_on": self.day(offset),
                        "title": fill(data["title"]),
                        "assignee_id": owner.id,
                    },
                )
            elif kind == "tick":
                for row in db.session.scalars(
                    select(FollowUp).where(
                        FollowUp.case_id == case.id,
                        FollowUp.done_at.is_(None),
                        FollowUp.kind == "help_plan_due",
                        FollowUp.due_on <= self.day(offset),
                    )
                ):
                    case_follow_ups.complete_follow_up(actor, row)
            elif kind == "share":
                cases.share_case(actor, case, {"user_id": self.users[data["user"]].id})
            elif kind == "close":
                form = {
                    "closure_reason": data["reason"],
                    "closure_note": fill(data["note"]),
                    "closed_on": self.day(offset),
                    "evaluation_comment": fill(data["comment"]),
                    "follow_up_talk_on": self.day(offset) + timedelta(days=180)
                    if data["talk"] is not None
                    else None,
                }
                for dimension, value in data["evaluation"].items():
                    form[f"evaluation_{dimension}"] = value
                form["goal_ratings"] = {
                    str(goals[key].id): value for key, value in data["ratings"].items()
                }
                cases.close_case(actor, self.tenant, case, form)
                self._stamp_transition(case, self.day(offset), minute)
            if offset is not None and kind not in ("follow_up", "tick"):
                last_day = max(last_day, offset)
        case.last_activity_at = _at(self.day(min(last_day, 0)), minute)
        return case

    def _advance(
        self, actor, case, target: str, reason: str, offset: int | None, minute: int
    ) -> None:
        """Move forward one phase at a time (the Regelkreis checks every step)."""
        phases = [p.key for p in self.regelkreis.phases(case.case_type)]
        if target not in phases:
            return
        while phases.index(case.phase) < phases.index(target):
            step = phases[phases.index(case.phase) + 1]
            case_phases.move_to_phase(actor, self.tenant, case, {"phase": step, "reason": reason})
            self._stamp_transition(case, self.day(offset), minute)

    def _form(self, actor, case, data: dict, offset: int | None, fill) -> None:
        """Start, fill and (``final``) finalise a form through the submission services, dated
        on the story's day; nothing where the tenant does not have the form."""
        from core.forms import submissions

        if submissions.definition(self.tenant, data["key"]) is None:
            return

        def filled(value):
            if isinstance(value, str):
                return fill(value)
            if isinstance(value, list):
                return [filled(v) for v in value]
            if isinstance(value, dict):
                return {k: filled(v) for k, v in value.items()}
            return value

        answers = filled(data["answers"])
        submission = submissions.start(actor, self.tenant, case, data["key"])
        submissions.save_draft(actor, self.tenant, submission, {**submission.data, **answers})
        # Dated while still a draft: a final submission is frozen (the finalising time is now).
        submission.created_at = submission.updated_at = _at(self.day(offset))
        db.session.flush()
        if data["final"]:
            submissions.finalise(actor, self.tenant, submission)

    def _retire_superseded_follow_ups(self, actor, case) -> None:
        """Agreeing a new plan version leaves the follow-ups of the old version open; a case
        manager ticks them off (the copied measures have their own follow-ups now)."""
        old_plans = db.session.scalars(
            select(HelpPlan).where(HelpPlan.case_id == case.id, HelpPlan.status == "superseded")
        ).all()
        if not old_plans:
            return
        keys = {f"plan-review:{p.id}" for p in old_plans}
        item_ids = db.session.scalars(
            select(HelpPlanItem.id).where(HelpPlanItem.plan_id.in_([p.id for p in old_plans]))
        )
        keys |= {f"plan-item:{i}" for i in item_ids}
        for row in db.session.scalars(
            select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.done_at.is_(None))
        ):
            if row.source_key in keys:
                case_follow_ups.complete_follow_up(actor, row)


class _Format(dict):
    """``str.format_map`` values plus ``{d+7}``: a date relative to today, German style."""

    def __init__(self, values: dict, today: date):
        super().__init__(values)
        self.today = today

    def __missing__(self, key):
        if key.startswith("d") and key[1:].lstrip("+-").isdigit():
            return (self.today + timedelta(days=int(key[1:]))).strftime("%d.%m.%Y")
        raise KeyError(key)

    def format(self, text: str) -> str:
        return text.format_map(self) if text else text


def seed_cases(tenant, actor=None, *, today: date | None = None) -> int:
    """Create the demo cases of ``tenant`` (the caller binds it with ``tenant_scope``).

    Returns the number of cases created; does nothing (0) if the tenant has cases already or its
    demo accounts are missing. ``actor`` defaults to ``cm@<slug>.demo``.
    """
    if db.session.scalar(select(Case.id).limit(1)) is not None:
        return 0
    cm = actor or auth.find_user(f"cm@{tenant.slug}.demo")
    coord = auth.find_user(f"koordination@{tenant.slug}.demo") or cm
    if cm is None:
        return 0
    today = today or date.today()
    fiction = tenant_fiction(tenant.slug, tenant.name)
    stories = fiction.stories
    with force_locale(tenant.default_locale or "de"):
        seeder = _Seeder(tenant, fiction, {"cm": cm, "coord": coord}, today)
        for index, story in enumerate(stories):
            seeder.play(story, index)
        db.session.flush()
        # The nightly job adds what it would have found: expiring permits, inactive cases.
        case_follow_ups.generate_follow_ups(tenant, today)
        seed_privacy(tenant, cm, coord, today)
    return len(stories)
