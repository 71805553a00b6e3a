"""Demo fiction of the Kreis Viersen (``lotse demo``): the places and services its clients meet;
the cases are the KIM stories shared by the KIM example tenants, told with these surroundings."""

from __future__ import annotations

from pathlib import Path

from core.demo.fiction import load_stories

#: Which of a story's alternative client names this tenant uses (the KIM tenants must not share
#: clients).
NAME_VARIANT = 0

#: Fills the placeholders of the stories ({place}, {jobcenter}, {abh} …); target groups cite
#: the tenant's concept.
CONTEXT = {
    "place": "Kreis Viersen",
    "towns": (
        ("Viersen", "41747"),
        ("Nettetal", "41334"),
        ("Kempen", "47906"),
        ("Willich", "47877"),
        ("Tönisvorst", "47918"),
    ),
    "jobcenter": "Jobcenter Kreis Viersen",
    "abh": "Ausländerbehörde Kreis Viersen",
    "care": "Pflege- und Wohnberatung Kreis Viersen",
    "target_first": (
        "Multidimensionale Bedarfslage, mehrere Integrationsakteure beteiligt "
        "(Indikation nach § 2.3)"
    ),
    "target_family": (
        "Multidimensionale Bedarfslage der Familie, mehrere Integrationsakteure beteiligt (§ 2.3)"
    ),
    "target_care": "Multidimensionale Bedarfslage mit Pflegebedarf (§ 2.3)",
}

STORIES = load_stories(Path(__file__).parents[1] / "_stories" / "kim.py")
