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

# ---------------------------------------------------------------------------------------------
# Oberhausen's access checklist (Anlage 9.2.1) on the demo cases: every case with an access
# decision has its final checklist, filled the day of the decision (the Regelkreis of Oberhausen
# asks for it before the goal agreement); the case still in the access check has a draft. Two
# further stories show the rules that fail and the relatives' exception of target group 3.
# ---------------------------------------------------------------------------------------------

from dataclasses import replace  # noqa: E402

from core.demo.stories import (  # noqa: E402
    Story,
    access,
    client,
    contact,
    form,
    journal,
    opening,
    phase,
)

CHECKLIST = "oberhausen.access_checklist"
INTAKE = "oberhausen.intake"

#: Answers shared by every checklist: the general conditions of § 2.3.1 hold.
GENERAL = {
    "einwanderungsgeschichte": True,
    "einwanderungsgeschichte_alternative": "nicht_deutsch",
    "zustaendigkeit": True,
    "kooperationsbereit": True,
    "intensiver_bedarf": True,
    "verstaendnis": True,
}
ADMITTED = {**GENERAL, "fazit": "aufgenommen"}


def first(*areas: str, institution: str = "Migrationsberatung für Erwachsene (MBE)") -> dict:
    """Target group 1: catch-up need, no priority entitlement (the MBE was asked)."""
    return {
        **ADMITTED,
        "zg1_weiterer_bedarf": True,
        "zg1_nachholender_bedarf": True,
        "zg1_gepruefte_institution": institution,
        "zg1_bereiche": list(areas),
    }


def family(dimensions: list[str], members: list[dict], **extra) -> dict:
    """Target group 2 with the household members the under-supply affects."""
    return {
        **ADMITTED,
        "zg2_unterversorgung": True,
        "zg2_bereiche": dimensions,
        "zg2_mitglieder": members,
        **extra,
    }


def member(name: str, rolle: str, alter: int, *bereiche: str) -> dict:
    return {"name": name, "rolle": rolle, "alter": alter, "bereiche": list(bereiche)}


#: Story key → the form steps added to it (on the day of its access decision).
FORMS: dict[str, list] = {
    "intake": [
        form(
            -4,
            INTAKE,
            {
                "datum": "{d-5}",
                "geschlecht": "w",
                "haushaltsrolle": "hv",
                "personenzahl": 3,
                "wohnform": "privat",
                "familienstand": "verheiratet, Ehemann in der Ukraine",
                "kinder": "ja",
                "kinder_anzahl": 2,
                "kinder_liste": [
                    {"name": "Sofiia", "alter": 11, "betreut": False, "im_haushalt": True},
                    {"name": "Maksym", "alter": 8, "betreut": True, "im_haushalt": True},
                ],
                "lebenssituation": ["alleinerziehend"],
                "muttersprache": "Ukrainisch",
                "weitere_sprachen": "Russisch, Englisch",
                "deutschkenntnisse": "geringe",
                "sprachniveau": "a2",
                "sprachkurs": ["integrationskurs"],
                "sprachkurs_stand": "laufend",
                "berufliche_qualifikation": "Buchhalterin (Hochschulabschluss, Kyjiw)",
                "anerkennung": "eingeleitet",
                "bemerkungen": "Wünscht Termine am Vormittag.",
                "bemerkungen_intern": "Zeugnisse für die Anerkennungsberatung kopieren.",
                "kontakt_durch": "selbstmelder",
            },
            final=False,
        )
    ],
    # Age 29, first residence title 500 days ago: the MBE has priority (Vorrang, less than three
    # years since the first title) – the checklist is still a draft, the referral is prepared.
    "access_check": [
        form(
            -10,
            CHECKLIST,
            {
                **GENERAL,
                "fazit": "verwiesen",
                "verwiesen_an": "Migrationsberatung für Erwachsene (MBE)",
                "zg1_weiterer_bedarf": True,
                "zg1_bereiche": ["arbeitsmarkt", "spracherwerb"],
            },
            final=False,
        )
    ],
    "assessment": [
        form(
            -38,
            CHECKLIST,
            family(
                ["wohnen", "einkommen", "gesundheit"],
                [
                    member(
                        "{vorname} {nachname}",
                        "elternteil",
                        39,
                        "wohnen",
                        "einkommen",
                        "gesundheit",
                    ),
                    member("Tochter", "kind", 12, "wohnen", "gesundheit", "bildung_erziehung"),
                ],
            ),
        )
    ],
    "goal_agreement_permit": [
        form(-70, CHECKLIST, first("spracherwerb", "arbeitsmarkt", "weiterbildung"))
    ],
    "help_planning_parent": [
        form(
            -80,
            CHECKLIST,
            family(
                ["wohnen", "gesundheit", "einkommen", "bildung_erziehung"],
                [
                    member(
                        "{vorname} {nachname}",
                        "elternteil",
                        47,
                        "wohnen",
                        "gesundheit",
                        "einkommen",
                    ),
                    member("Sohn", "kind", 14, "bildung_erziehung", "wohnen", "gesundheit"),
                ],
            ),
        )
    ],
    "linking_adult_child": [
        form(
            -80,
            CHECKLIST,
            family(
                ["wohnen", "einkommen", "arbeit"],
                [
                    member("Vater", "elternteil", 47, "wohnen", "einkommen", "arbeit"),
                    member("{vorname} {nachname}", "kind", 20, "arbeit", "einkommen"),
                    member("Bruder", "kind", 14, "wohnen", "einkommen", "bildung_erziehung"),
                ],
            ),
        )
    ],
    # Pflegegrad 2 and a caring relative who needs relief.
    "monitoring_care": [
        form(
            -140,
            CHECKLIST,
            {
                **ADMITTED,
                "einwanderungsgeschichte_alternative": "zugewandert",
                "zg3_pflegebeduerftig": True,
                "zg3_pflegegrad_vorhanden": True,
                "zg3_pflegegrad": "2",
                "zg3_rolle": "pflegebeduerftig",
                "zg3_angehoerige": True,
                "zg3_komplementaer": True,
                "zg3_dienste": ["mahlzeitdienste", "hausnotruf"],
            },
        )
    ],
    "inactive": [form(-318, CHECKLIST, first("arbeitsmarkt", "spracherwerb", "verbraucherschutz"))],
    "closed_achieved": [
        form(-420, CHECKLIST, first("duale_ausbildung", "spracherwerb", "schulische_ausbildung"))
    ],
    "closed_structural": [
        form(-200, CHECKLIST, first("gesundheit_pflege", "wohnungsmarkt", "arbeitsmarkt"))
    ],
}


def with_forms(story: Story) -> Story:
    """The shared story with Oberhausen's forms, each before the first step of a later day."""
    extra = FORMS.get(story.key)
    if not extra:
        return story
    steps = list(story.steps)
    for step in extra:
        at = next(
            (i for i, s in enumerate(steps) if s[1] is not None and s[1] > step[1]), len(steps)
        )
        steps.insert(at, step)
    return replace(story, steps=steps)


OBERHAUSEN_STORIES = [
    # Target group 2 fails: two dimensions only, and the affected child is of age. Referred.
    Story(
        "ob_family_referred",
        (("Ahmet", "Demir"), ("Hasan", "Aydın"), ("Mehmet", "Kaya"), ("Ali", "Şahin")),
        client("male", 52, "TR", ["tr", "de"], "permit_permanent"),
        opening(opened=-30, source="jobcenter", access_path="forwarded", target="family"),
        [
            contact(
                -30,
                "in_person",
                50,
                "Erstgespräch mit {anrede}. Arbeitslos seit einem Jahr, Schulden; der Sohn (19) "
                "sucht einen Ausbildungsplatz. Einwilligung unterschrieben.",
                "Klient",
            ),
            form(
                -25,
                CHECKLIST,
                {
                    **GENERAL,
                    "fazit": "verwiesen",
                    "verwiesen_an": "{jobcenter} (Fallmanagement) und Schuldnerberatung",
                    "zg2_unterversorgung": False,
                    "zg2_bereiche": ["arbeit", "einkommen"],
                    "zg2_mitglieder": [
                        member("{vorname} {nachname}", "elternteil", 52, "arbeit", "einkommen"),
                        member("Sohn", "kind", 19, "arbeit", "einkommen"),
                    ],
                },
            ),
            journal(
                -25,
                "Zugangsprüfung: Unterversorgung nur in zwei Dimensionen (Arbeit, Einkommen), "
                "kein minderjähriges Kind betroffen – Zielgruppe 2 nicht erfüllt. Verweisung an "
                "das Fallmanagement des {jobcenter} und die Schuldnerberatung, warme Übergabe "
                "vereinbart.",
                20,
            ),
            access(-25, "Zielgruppe 2 nicht erfüllt; verwiesen.", "family", admitted=False),
        ],
    ),
    # Target group 3 through the relatives' exception: the daughter has no migration history
    # of her own, her mother (Pflegegrad 3) has one.
    Story(
        "ob_care_relative",
        (("Sabine", "Schmitz"), ("Claudia", "Becker"), ("Petra", "Hoffmann"), ("Anja", "Wagner")),
        client("female", 49, "DE", ["de"], "german"),
        opening(opened=-40, source="other", access_path="forwarded", target="care"),
        [
            contact(
                -40,
                "in_person",
                60,
                "Erstgespräch mit {anrede}, die ihre Mutter (81, aus Italien zugewandert 1962, "
                "Pflegegrad 3) zu Hause pflegt und selbst keine Einwanderungsgeschichte hat. "
                "Einwilligung unterschrieben.",
                "Klientin",
            ),
            form(
                -35,
                CHECKLIST,
                {
                    **ADMITTED,
                    "einwanderungsgeschichte": False,
                    "einwanderungsgeschichte_alternative": None,
                    "zg3_pflegegrad_vorhanden": True,
                    "zg3_pflegegrad": "3",
                    "zg3_rolle": "angehoerig",
                    "zg3_pflegeperson_name": "Mutter von {anrede}",
                    "zg3_pflegeperson_einwanderungsgeschichte": True,
                    "zg3_angehoerige": True,
                    "zg3_komplementaer": True,
                    "zg3_dienste": ["nachbarschaftshilfe", "reinigungsdienste"],
                },
            ),
            access(
                -35,
                "Ausnahmeregelung § 2.3.4: Angehörige ohne eigene Einwanderungsgeschichte, die "
                "pflegebedürftige Mutter (Pflegegrad 3) hat eine.",
                "care",
            ),
            phase(-35, "assessment"),
        ],
    ),
]

STORIES = tuple(with_forms(s) for s in STORIES) + tuple(OBERHAUSEN_STORIES)
