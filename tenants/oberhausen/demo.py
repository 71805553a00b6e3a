"""Demo fiction of the city of Oberhausen (``lotse demo``): the places and services its clients
meet; the cases are the KIM stories shared by the KIM example tenants, told with these
surroundings."""

from __future__ import annotations

from pathlib import Path

from core.demo.fiction import load_stories

#: Which of a story's alternative client names this tenant uses (the KIM tenants must not share
#: clients).
NAME_VARIANT = 2

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
}

STORIES = load_stories(Path(__file__).parents[1] / "_stories" / "kim.py")
