"""Demo fiction of the city of Oberhausen (``lotse demo``): the places and services its clients
meet; the cases are the KIM stories shared by the KIM example tenants, told with these
surroundings."""

from __future__ import annotations

from pathlib import Path

from core.demo.fiction import load_stories

#: Which of a story's alternative client names this tenant uses (the KIM tenants must not share
#: clients).
NAME_VARIANT = 2

#: The general conditions of the access checklist, as ticked for every demo client.
GENERAL = {
    "einwanderungsgeschichte": True,
    "einwanderungsgeschichte_alternative": "nicht_deutsch",
    "zustaendigkeit": True,
    "kooperationsbereit": True,
    "intensiver_bedarf": True,
    "verstaendnis": True,
}

#: Fills the placeholders of the stories ({place}, {jobcenter}, {abh} …); target groups cite
#: the tenant's concept.
CONTEXT = {
    "place": "Oberhausen",
    "towns": (
        ("Oberhausen", "46045"),
        ("Oberhausen", "46047"),
        ("Oberhausen", "46049"),
        ("Oberhausen", "46117"),
        ("Oberhausen", "46145"),
    ),
    "jobcenter": "Jobcenter Oberhausen",
    "abh": "Ausländer- und Einbürgerungsbehörde Oberhausen",
    "care": "Pflegeberatung der Stadt Oberhausen",
    "youth": "Jugendamt Oberhausen (Regionales Team)",
    "jmd": "Jugendmigrationsdienst Oberhausen",
    "social": "Bereich Soziales der Stadt Oberhausen",
    "target_first": "„Nachholende“ Förderung der Erstintegration (§ 2.3.2)",
    "target_family": "Multiple familiäre Problemlagen (§ 2.3.3)",
    "target_care": "Gewährleistung eines bedarfsgerechten Pflegesettings im Einzelfall (§ 2.3.4)",
    # The Checkliste Zugangsbedingungen as each story's case manager filled it in (by target
    # group of the story): the Zugangsprüfung computes its suggestion from these answers.
    "access_form": "oberhausen.access_checklist",
    "access_answers": {
        "first": {
            **GENERAL,
            "zg1_weiterer_bedarf": True,
            "zg1_nachholender_bedarf": True,
            "zg1_bereiche": ["spracherwerb", "arbeitsmarkt"],
        },
        "family": {
            **GENERAL,
            "zg2_unterversorgung": True,
            "zg2_bereiche": ["wohnen", "einkommen", "gesundheit"],
            "zg2_mitglieder": [
                {"name": "Mutter", "rolle": "elternteil", "alter": 39, "bereiche": ["wohnen"]},
                {"name": "Kind", "rolle": "kind", "alter": 10, "bereiche": ["gesundheit"]},
            ],
        },
        "care": {
            **GENERAL,
            "zg3_rolle": "pflegebeduerftig",
            "zg3_pflegegrad_vorhanden": True,
            "zg3_pflegegrad": "2",
            "zg3_angehoerige": True,
            "zg3_komplementaer": True,
            "zg3_dienste": ["mahlzeitdienste", "hausnotruf"],
        },
    },
}

STORIES = load_stories(Path(__file__).parents[1] / "_stories" / "kim.py")
