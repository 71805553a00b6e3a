"""Template slots: the named places in core templates where plugins add HTML.

Every slot is declared here, once. A template calls ``{{ slot('name', **context) }}``; the slot
renders core's providers for it (case panels, case tabs) followed by the answers of
``lotse_template_slot``. An undeclared name raises: when the app is built (every template is
scanned for ``slot('…')`` calls) and, for names built at run time, when the slot is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from core.plugins.providers import ExtensionError


@dataclass(frozen=True)
class TemplateSlot:
    name: str
    description: str
    #: Keyword arguments the template passes and ``lotse_template_slot`` receives as ``context``.
    context: tuple[str, ...] = ()
    #: ``"module:function"`` rendering core's providers for this slot (called with ``context``).
    providers: str | None = None


TEMPLATE_SLOTS: dict[str, TemplateSlot] = {
    slot.name: slot
    for slot in (
        TemplateSlot("head", "Extra <link> elements in the page head of every tenant page."),
        TemplateSlot("dashboard", "Panels on the start page of a tenant."),
        TemplateSlot(
            "person_panels",
            "Panels on the page of a person, after the master data (cases lists the person's "
            "cases here).",
            context=("person",),
        ),
        TemplateSlot(
            "person_match",
            "The 'Case' cell of a possible duplicate in the search before create; ``among`` "
            "lists the ids of every candidate shown, so one query can answer for all of them.",
            context=("person", "offer_case", "among"),
        ),
        TemplateSlot(
            "case_panels",
            "Panels on the overview page of a case (after the core panels).",
            context=("case",),
            providers="core.cases.panels:render_panels",
        ),
        TemplateSlot(
            "case_tabs",
            "Entries (<li>) of the tab navigation of a case file.",
            context=("case", "section"),
            providers="core.cases.panels:render_tabs",
        ),
    )
}

#: ``slot('name'`` or ``slot("name"`` in a template.
SLOT_CALL = re.compile(r"\bslot\(\s*(['\"])(?P<name>[^'\"]*)\1")


class UnknownTemplateSlot(ExtensionError):
    pass


def declared(name: str) -> TemplateSlot:
    slot = TEMPLATE_SLOTS.get(name)
    if slot is None:
        raise UnknownTemplateSlot(
            f"template slot {name!r} is not declared (declared: {', '.join(sorted(TEMPLATE_SLOTS))}"
            "; add it to core.plugins.slots.TEMPLATE_SLOTS)"
        )
    return slot


def render_slot(name: str, **context) -> Markup:
    """What a template's ``slot(name, **context)`` shows for the current tenant and user."""
    from flask import g
    from flask_login import current_user
    from werkzeug.utils import import_string

    slot = declared(name)
    unexpected = set(context) - set(slot.context)
    if unexpected:
        raise ExtensionError(f"template slot {name!r} takes no {', '.join(sorted(unexpected))}")
    if g.get("tenant") is None:
        return Markup("")
    parts: list = []
    if slot.providers:
        parts.extend(import_string(slot.providers.replace(":", "."))(**context))
    parts.extend(
        g.hooks.lotse_template_slot(slot=name, tenant=g.tenant, user=current_user, context=context)
    )
    return Markup("\n").join(p for p in parts if p)


def slot_names_in(source: str) -> set[str]:
    return {m.group("name") for m in SLOT_CALL.finditer(source)}


def template_dirs(app) -> Iterable[Path]:
    """Every folder templates are loaded from: the app's, each blueprint's (core and plugins),
    and the tenants' whitelisted partials."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    loaders = [app.jinja_loader, *(bp.jinja_loader for bp in app.iter_blueprints())]
    while loaders:
        loader = loaders.pop()
        if isinstance(loader, ChoiceLoader):
            loaders.extend(loader.loaders)
        elif isinstance(loader, FileSystemLoader):
            yield from (Path(p) for p in loader.searchpath)
    tenants = Path(app.config["LOTSE_TENANTS_DIR"])
    if tenants.is_dir():
        yield from (d for d in tenants.glob("*/templates") if d.is_dir())


def check_template_slots(app) -> None:
    """Start-up check: every ``slot('…')`` in every template names a declared slot."""
    for folder in set(template_dirs(app)):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix not in (".html", ".txt", ".xml", ".j2"):
                continue
            for name in slot_names_in(path.read_text(encoding="utf-8")):
                if name not in TEMPLATE_SLOTS:
                    raise UnknownTemplateSlot(
                        f"{path}: template slot {name!r} is not declared "
                        f"(declared: {', '.join(sorted(TEMPLATE_SLOTS))})"
                    )
