"""The story language of the demo cases (``lotse demo``).

A story is one client and one case; its steps run in order through the case and person services
(:mod:`core.demo.cases`). The stories themselves are fiction and live beside the example tenants:
``tenants/<slug>/demo.py``, and the stories several tenants share in ``tenants/_stories/``.

``day`` is relative to today (negative = past). Texts may use {anrede} ("Frau Haddad"),
{vorname}, {nachname}, {d+7} (a date relative to today) and the keys of the tenant's context
({jobcenter}, {abh}, {city} …, see :data:`core.demo.fiction.DEFAULT_CONTEXT`).

All persons are invented. Addresses use invented street names, phone numbers come from the range
030 23125 000–999 that the Bundesnetzagentur keeps for fiction, e-mail addresses use example.org.
The texts are German on purpose: they are data a German case manager would have written, not UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: (kind, day relative to today or None, data) – one step of a story.
Step = tuple[str, int | None, dict[str, Any]]


@dataclass
class Story:
    key: str
    #: Alternative (first name, last name) pairs; each tenant gets another one.
    names: tuple[tuple[str, str], ...]
    person: dict[str, Any]
    case: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    owner: str = "cm"
    #: (household key, role); members of one household share the last name of its first member.
    household: tuple[str, str] | None = None


def contact(
    day: int,
    channel: str,
    minutes: int,
    summary: str,
    participants: str = "",
    interpreter: bool = False,
) -> Step:
    return (
        "contact",
        day,
        {
            "channel": channel,
            "duration_minutes": minutes,
            "summary": summary,
            "participants": participants,
            "interpreter_used": interpreter,
        },
    )


def journal(day: int, text: str, effort: int = 0) -> Step:
    return ("journal", day, {"text": text, "effort_minutes": effort})


def access(
    day: int,
    reason: str,
    target: str = "first",
    admitted: bool = True,
    *,
    outcome: str = "",
    referred_to: str = "",
    crisis_reason: str = "",
) -> Step:
    """The access decision; ``outcome`` (admitted, referred, crisis, not_admitted) wins over
    ``admitted`` where a story needs a referral or a crisis admission."""
    return (
        "access",
        day,
        {
            "reason": reason,
            "target": target,
            "admitted": admitted,
            "outcome": outcome,
            "referred_to": referred_to,
            "crisis_reason": crisis_reason,
        },
    )


def phase(day: int, to: str, reason: str = "") -> Step:
    return ("phase", day, {"to": to, "reason": reason})


def goal(
    key: str,
    areas: list[str] | tuple[str, ...],
    title: str,
    indicator: str = "",
    priority: int = 2,
    target: int | None = None,
    status: str = "open",
) -> Step:
    return (
        "goal",
        None,
        {
            "key": key,
            "areas": areas,
            "title": title,
            "indicator": indicator,
            "priority": priority,
            "target": target,
            "status": status,
        },
    )


def item(
    goal_key: str,
    measure: str,
    responsible: str,
    partner: str = "",
    due: int | None = None,
    status: str = "open",
) -> Step:
    return (
        "item",
        None,
        {
            "goal": goal_key,
            "measure": measure,
            "responsible": responsible,
            "partner": partner,
            "due": due,
            "status": status,
        },
    )


def item_status(prefix: str, status: str) -> Step:
    """Change the status of an item of the current draft (a new plan version)."""
    return ("item_status", None, {"prefix": prefix, "status": status})


def agree(day: int, review: int) -> Step:
    return ("agree", day, {"review": review})


def follow_up(day: int, title: str) -> Step:
    return ("follow_up", day, {"title": title})


def tick(day: int) -> Step:
    """The case manager ticks off the automatic follow-ups due up to ``day``."""
    return ("tick", day, {})


def share(with_whom: str) -> Step:
    return ("share", None, {"user": with_whom})


def form(day: int, key: str, answers: dict[str, Any], final: bool = True) -> Step:
    """A filled form of the case (e.g. ``oberhausen.access_checklist``), final or left as a
    draft. Skipped where the tenant does not have the form (a plugin it did not enable)."""
    return ("form", day, {"key": key, "answers": answers, "final": final})


def close(
    day: int,
    reason: str,
    note: str = "",
    evaluation: dict[str, int] | None = None,
    ratings: dict[str, int] | None = None,
    comment: str = "",
    talk: int | None = None,
) -> Step:
    return (
        "close",
        day,
        {
            "reason": reason,
            "note": note,
            "evaluation": evaluation or {},
            "ratings": ratings or {},
            "comment": comment,
            "talk": talk,
        },
    )


def client(
    gender: str,
    age: int,
    nationality: str,
    languages: list[str],
    status: str,
    *,
    interpreter: str = "",
    issued: int | None = None,
    valid: int | None = None,
    other_names: str = "",
    first_title: int | None = None,
) -> dict[str, Any]:
    """The person of a story: ``issued``/``valid`` date the residence permit relative to today,
    ``first_title`` the first residence title (the Vorrang check counts from it)."""
    return {
        "gender": gender,
        "age": age,
        "nationality": nationality,
        "languages": languages,
        "residence_status": status,
        "interpreter": interpreter,
        "issued": issued,
        "valid": valid,
        "other_names": other_names,
        "first_title": first_title,
    }


def opening(
    case_type: str = "case_management",
    *,
    opened: int,
    source: str = "",
    access_path: str = "",
    topic: str = "",
    warm: bool = False,
    target: str = "first",
) -> dict[str, Any]:
    """How the case of a story is opened (``opened`` relative to today)."""
    return {
        "case_type": case_type,
        "opened": opened,
        "source": source,
        "access_path": access_path,
        "topic": topic,
        "warm_handover": warm,
        "target": target,
    }
