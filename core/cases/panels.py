"""Case-page panels and tabs from plugins (``lotse_case_panels``, ``lotse_case_tabs``).

The case overview renders the panels in its ``case_panels`` slot and the case file's navigation
lists the tabs in its ``case_tabs`` slot; a tab's page is ``cases.plugin_tab``. Both only show
what the member may see: the section's permission, and ``applies_to(case)``.
"""

from __future__ import annotations

from flask import g, url_for
from markupsafe import Markup

from core.plugins.providers import CasePanel, CaseSection, CaseTab, collect, hooks_for


def case_panels(tenant, hooks=None) -> list[CasePanel]:
    return _sorted(
        collect(hooks or hooks_for(tenant), "lotse_case_panels", CasePanel, tenant=tenant)
    )


def case_tabs(tenant, hooks=None) -> list[CaseTab]:
    return _sorted(collect(hooks or hooks_for(tenant), "lotse_case_tabs", CaseTab, tenant=tenant))


def _sorted(sections):
    return sorted(sections, key=lambda s: (s.order, s.key))


def visible(sections, case) -> list:
    from core.auth.permissions import current_permissions

    granted = current_permissions()
    return [
        s
        for s in sections
        if (s.permission is None or s.permission in granted) and s.applies_to(case)
    ]


def visible_tab(tenant, case, key: str) -> CaseTab | None:
    return next((t for t in visible(case_tabs(tenant), case) if t.key == key), None)


def render_panels(case) -> list[Markup]:
    """Slot ``case_panels``: one ``<section class="panel">`` per visible panel."""
    parts = []
    for panel in visible(case_panels(g.tenant), case):
        parts.append(
            Markup(
                '<section class="panel" id="panel-{key}" aria-labelledby="panel-{key}-title">'
                '<h2 id="panel-{key}-title">{title}</h2>{body}</section>'
            ).format(key=panel.key, title=panel.label, body=_markup(panel, case))
        )
    return parts


def render_tabs(case, section) -> list[Markup]:
    """Slot ``case_tabs``: one ``<li>`` per visible tab, marked current on its own page."""
    parts = []
    for tab in visible(case_tabs(g.tenant), case):
        current = Markup(' aria-current="page"') if section == f"tab:{tab.key}" else ""
        parts.append(
            Markup('<li><a href="{url}"{current}>{title}</a></li>').format(
                url=url_for("cases.plugin_tab", case_id=case.id, key=tab.key),
                current=current,
                title=tab.label,
            )
        )
    return parts


def render_tab(tab: CaseTab, case) -> Markup:
    return _markup(tab, case)


def _markup(section: CaseSection, case) -> Markup:
    html = section.render(case)
    # Plain strings are text, not HTML: a provider must return Markup to add markup.
    return html if isinstance(html, Markup) else Markup.escape(html or "")


def render_person_slot(slot: str, context) -> Markup | None:
    """What cases adds to the person pages (slots ``person_panels`` and ``person_match``): the
    person's cases, and in the duplicate search the candidate's open case with the way to open
    one. Persons shows them without knowing cases."""
    if slot not in ("person_panels", "person_match"):
        return None
    from sqlalchemy import select

    from core.cases.models import Case
    from core.cases.services import preload_staff
    from core.db import db
    from core.web import render_partial

    person = context["person"]
    if slot == "person_panels":
        cases = db.session.scalars(
            select(Case).where(Case.person_id == person.id).order_by(Case.opened_on.desc())
        ).all()
        preload_staff(cases)
        return render_partial("cases/_person_cases.html", person=person, cases=cases)
    if slot == "person_match":
        open_case = _open_cases_among(context.get("among") or (person.id,)).get(person.id)
        return render_partial(
            "cases/_person_match.html",
            person=person,
            open_case=open_case,
            offer_case=context.get("offer_case", False),
        )
    return None


def _open_cases_among(person_ids) -> dict:
    """The open case of each of ``person_ids`` (the duplicate search's candidates), read once per
    request for the whole list: the ``person_match`` slot is rendered once per candidate."""
    from flask import g
    from sqlalchemy import select

    from core.cases.models import Case
    from core.cases.services import preload_staff
    from core.db import db

    key = tuple(sorted(person_ids))
    memo = g.setdefault("lotse_open_cases", {})
    if key not in memo:
        found: dict = {}
        rows = db.session.scalars(
            select(Case)
            .where(Case.person_id.in_(key), Case.status == "open")
            .order_by(Case.person_id, Case.id)
        ).all()
        for case in rows:
            found.setdefault(case.person_id, case)
        preload_staff(found.values())
        memo[key] = found
    return memo[key]
