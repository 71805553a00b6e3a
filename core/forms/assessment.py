"""Core's generic assessment form (Situationsanalyse) for the Assessment phase: for every life
area of the tenant's catalogue (``settings.life_areas``, the KIM/JMD areas by default) the
situation, the resources, the needs and the client's own view, plus how urgent action is. Built
per tenant from its catalogue, so a tenant that renames or adds areas gets them in the form; the
phase is no longer a mere label."""

from __future__ import annotations

import re
from functools import lru_cache

KEY = "core.assessment"
VERSION = 1
URGENCY = (
    ("none", "Kein Handlungsbedarf"),
    ("low", "Geringer Handlungsbedarf"),
    ("medium", "Mittlerer Handlungsbedarf"),
    ("high", "Hoher Handlungsbedarf"),
)


def _field_key(area: str) -> str:
    """A life-area key as a field key prefix (lowercase identifier)."""
    key = re.sub(r"[^a-z0-9_]", "_", area.lower()).strip("_") or "area"
    return key if key[0].isalpha() else f"a_{key}"


def assessment_data(life_areas: tuple[tuple[str, str], ...]) -> dict:
    """The definition as the YAML format has it (docs/forms.md)."""
    sections = []
    urgency_paths = []
    seen: set[str] = set()
    for area, title in life_areas:
        prefix = _field_key(area)
        while prefix in seen:
            prefix += "_"
        seen.add(prefix)
        urgency_paths.append(f"{prefix}_bedarf")
        sections.append(
            {
                "key": prefix,
                "title": title,
                "fields": [
                    {
                        "key": f"{prefix}_bedarf",
                        "type": "choice",
                        "label": f"{title}: Handlungsbedarf",
                        "widget": "radio",
                        "options": [{"key": k, "label": label} for k, label in URGENCY],
                    },
                    {"key": f"{prefix}_situation", "type": "textarea", "label": "Situation"},
                    {"key": f"{prefix}_ressourcen", "type": "textarea", "label": "Ressourcen"},
                    {"key": f"{prefix}_bedarfe", "type": "textarea", "label": "Bedarfe"},
                    {
                        "key": f"{prefix}_sicht_klient",
                        "type": "textarea",
                        "label": "Sicht der Klientin / des Klienten",
                    },
                ],
            }
        )
    urgent = " + ".join(f"(1 if {p} in ['medium', 'high'] else 0)" for p in urgency_paths) or "0"
    sections.append(
        {
            "key": "gesamt",
            "title": "Gesamteinschätzung",
            "fields": [
                {
                    "key": "bereiche_mit_bedarf",
                    "type": "computed",
                    "label": "Lebensbereiche mit mittlerem oder hohem Handlungsbedarf",
                    "compute": urgent,
                    "format": "number",
                },
                {"key": "zusammenfassung", "type": "textarea", "label": "Zusammenfassung"},
                {
                    "key": "prioritaeten",
                    "type": "textarea",
                    "label": "Vereinbarte Prioritäten für die Zielvereinbarung",
                },
                {"key": "unterschrift", "type": "signature", "label": "Unterschriften"},
            ],
        }
    )
    first = urgency_paths[0] if urgency_paths else None
    personas = [{"name": "Leeres Assessment", "answers": {}, "expect": {"valid": True}}]
    if first:
        personas.append(
            {
                "name": "Ein Bereich mit hohem Bedarf",
                "answers": {first: "high", f"{first[: -len('_bedarf')]}_situation": "…"},
                "expect": {"valid": True, "computed": {"bereiche_mit_bedarf": 1}},
            }
        )
    return {
        "key": KEY,
        "version": VERSION,
        "title": "Assessment (Situationsanalyse nach Lebensbereichen)",
        "description": (
            "Situation, Ressourcen, Bedarfe und die Sicht der Klientin / des Klienten in jedem "
            "Lebensbereich des Katalogs."
        ),
        "source": "Lotse – Assessment nach Lebensbereichen",
        "attaches_to": "case",
        "phases": ["assessment"],
        "client_facing": False,
        "category": "case_documentation",
        "sections": sections,
        "personas": personas,
    }


@lru_cache(maxsize=64)
def _build(life_areas: tuple[tuple[str, str], ...]):
    """The definition object, built from :func:`assessment_data` the way the YAML loader builds
    a plugin's (and checked the same way)."""
    from core.forms.definitions import (
        Field,
        FormDefinition,
        Option,
        Persona,
        Section,
        check_definition,
    )

    data = assessment_data(life_areas)
    plain_keys = {"key", "type", "label", "options", "compute"}

    def field(spec: dict) -> Field:
        return Field(
            key=spec["key"],
            type=spec["type"],
            label=spec["label"],
            options=tuple(Option(o["key"], o["label"]) for o in spec.get("options", ())),
            compute=spec.get("compute"),
            params={k: v for k, v in spec.items() if k not in plain_keys},
        )

    definition = FormDefinition(
        key=data["key"],
        version=data["version"],
        title=data["title"],
        description=data["description"],
        source=data["source"],
        attaches_to=data["attaches_to"],
        phases=tuple(data["phases"]),
        client_facing=data["client_facing"],
        category=data["category"],
        sections=tuple(
            Section(s["key"], s["title"], None, tuple(field(f) for f in s["fields"]))
            for s in data["sections"]
        ),
        personas=tuple(Persona(p["name"], p["answers"], p["expect"]) for p in data["personas"]),
    )
    check_definition(definition)
    return definition


def assessment_definition(tenant):
    """The assessment form for ``tenant``'s life-area catalogue (one object per catalogue)."""
    from core.cases.settings import case_settings

    areas = tuple((str(k), str(v)) for k, v in case_settings(tenant).life_areas.items())
    return _build(areas)
