"""Demo fiction of the Kreis Höxter (``lotse demo``): the places and services its clients meet;
the cases are the KIM stories shared by the KIM example tenants, told with these surroundings."""

from __future__ import annotations

from pathlib import Path

from core.demo.fiction import load_stories

#: Which of a story's alternative client names this tenant uses (the KIM tenants must not share
#: clients).
NAME_VARIANT = 1

#: Fills the placeholders of the stories ({place}, {jobcenter}, {abh} …); target groups cite
#: the tenant's concept.
CONTEXT = {
    "place": "Kreis Höxter",
    "towns": (
        ("Höxter", "37671"),
        ("Brakel", "33034"),
        ("Beverungen", "37688"),
        ("Bad Driburg", "33014"),
        ("Warburg", "34414"),
    ),
    "jobcenter": "Jobcenter Kreis Höxter",
    "abh": "Ausländer- und Einbürgerungsbehörde Kreis Höxter",
    "care": "Pflegeberatung Kreis Höxter",
    "target_first": "Komplexer und langfristiger Hilfebedarf, Regelsystem greift nicht (§ 3.1)",
    "target_family": "Multiple Problemlagen der Familie, hohe Akteursdichte (§ 3.1)",
    "target_care": "Komplexer Hilfebedarf mit Pflegebezug (§ 3.1)",
}

STORIES = load_stories(Path(__file__).parents[1] / "_stories" / "kim.py")
