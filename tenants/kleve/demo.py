"""Demo fiction of the Kreis Kleve (``lotse demo``): the places and services its clients meet;
the cases are the KIM stories shared by the KIM example tenants, told with these surroundings."""

from __future__ import annotations

from pathlib import Path

from core.demo.fiction import load_stories

#: Which of a story's alternative client names this tenant uses (the KIM tenants must not share
#: clients).
NAME_VARIANT = 3

#: Fills the placeholders of the stories ({place}, {jobcenter}, {abh} …); target groups cite
#: the tenant's concept.
CONTEXT = {
    "place": "Kreis Kleve",
    "towns": (
        ("Kleve", "47533"),
        ("Goch", "47574"),
        ("Emmerich am Rhein", "46446"),
        ("Geldern", "47608"),
        ("Straelen", "47638"),
    ),
    "jobcenter": "Jobcenter Kreis Kleve",
    "abh": "Ausländerbehörde Kreis Kleve",
    "care": "Pflege- und Wohnberatung Kreis Kleve",
    "recognition": "Welcome-Center Kreis Kleve (Anerkennungsberatung)",
    "target_first": "Komplexe Bedarfslage mit mehreren beteiligten Stellen",
    "target_family": "Komplexe Bedarfslage der Familie mit mehreren beteiligten Stellen",
    "target_care": "Komplexe Bedarfslage mit Pflegebezug",
}

STORIES = load_stories(Path(__file__).parents[1] / "_stories" / "kim.py")
