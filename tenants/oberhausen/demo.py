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
            access(
                -25,
                "Zielgruppe 2 nicht erfüllt; verwiesen.",
                "family",
                outcome="referred",
                referred_to="{jobcenter} (Fallmanagement) und Schuldnerberatung",
            ),
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

CARE_CHECKLIST = "pflegesetting.care_checklist"

# Four access checks that end without a regular admission, one per way the rules can fail:
# the Vorrang of the MBE (target group 1), target group 3 without proof and not plausible, a
# general condition (cooperation), and an acute crisis admitted although no target group holds.
OBERHAUSEN_STORIES += [
    # Target group 1 fails on the Vorrang: 30 years old, first residence title two years ago –
    # the MBE has priority (first three years). Referred to the MBE.
    Story(
        "ob_first_priority",
        (
            ("Mariam", "Ahmadi"),
            ("Zahra", "Hosseini"),
            ("Nilofar", "Rahimi"),
            ("Farida", "Sultani"),
        ),
        client(
            "female",
            30,
            "AF",
            ["fa", "de"],
            "permit_limited",
            interpreter="fa",
            issued=-760,
            valid=335,
            first_title=-760,
        ),
        opening(opened=-18, source="self", access_path="forwarded", target="first"),
        [
            contact(
                -18,
                "in_person",
                45,
                "Erstgespräch mit {anrede} (Dolmetscherin Dari). Vor zwei Jahren im "
                "Familiennachzug zum Ehemann nach Oberhausen gekommen; Integrationskurs B1 "
                "abgebrochen, als das zweite Kind geboren wurde. Sucht Unterstützung beim "
                "Wiedereinstieg in den Sprachkurs und bei der Arbeitssuche.",
                "Klientin",
                interpreter=True,
            ),
            form(
                -14,
                CHECKLIST,
                {
                    **GENERAL,
                    "fazit": "verwiesen",
                    "verwiesen_an": "Migrationsberatung für Erwachsene (MBE)",
                    "zg1_weiterer_bedarf": False,
                    "zg1_nachholender_bedarf": False,
                    "zg1_bereiche": ["spracherwerb", "arbeitsmarkt", "fruehkindliche_bildung"],
                },
            ),
            journal(
                -14,
                "Zugangsprüfung: erster Aufenthaltstitel vor zwei Jahren, {anrede} ist 30 – "
                "vorrangiger Anspruch bei der MBE (erste drei Jahre). Zielgruppe 1 nicht "
                "erfüllt. Telefonisch mit der MBE abgestimmt, Termin für {anrede} am {d+3} "
                "vereinbart (warme Übergabe).",
                25,
            ),
            access(
                -14,
                "Vorrang der MBE: erster Aufenthaltstitel vor zwei Jahren, 30 Jahre alt.",
                "first",
                outcome="referred",
                referred_to="Migrationsberatung für Erwachsene (MBE)",
            ),
        ],
    ),
    # Target group 3 fails: no need of care under § 14 SGB XI, no Pflegegrad, no certificate;
    # the care setting checklist finds the impairment not plausible. Not admitted.
    Story(
        "ob_care_not_plausible",
        (
            ("Lidia", "Becker"),
            ("Olga", "Schäfer"),
            ("Valentina", "Neumann"),
            ("Irina", "Richter"),
        ),
        client("female", 71, "DE", ["ru", "de"], "german"),
        opening(opened=-26, source="social_work", access_path="forwarded", target="care"),
        [
            contact(
                -26,
                "home_visit",
                70,
                "Hausbesuch bei {anrede} (1994 als Spätaussiedlerin aus Kasachstan "
                "zugewandert), auf Anregung des Sozialdienstes nach einem Krankenhausaufenthalt "
                "(Knie-OP). Lebt allein im Erdgeschoss, Tochter wohnt in der Nachbarschaft.",
                "Klientin, Tochter",
            ),
            form(
                -21,
                CARE_CHECKLIST,
                {
                    "bereich_1_beeintraechtigungen": ["b1_5"],
                    "bereich_1_erfuellt": False,
                    "bereich_1_anmerkungen": (
                        "Treppensteigen nach der Knie-OP noch mühsam, bessert sich mit der "
                        "Physiotherapie; Wohnung im Erdgeschoss."
                    ),
                    "bereich_4_erfuellt": False,
                    "bereich_4_anmerkungen": "Versorgt sich selbst, kocht und kauft ein.",
                    "unterstuetzung_angehoerige": False,
                    "komplementaere_dienste": False,
                    "plausibel": False,
                    "begruendung": (
                        "In keinem der sechs Bereiche ist die Selbständigkeit erheblich "
                        "beeinträchtigt; die Einschränkung nach der Operation ist vorübergehend."
                    ),
                },
            ),
            form(
                -21,
                CHECKLIST,
                {
                    **GENERAL,
                    "einwanderungsgeschichte_alternative": "zugewandert",
                    "fazit": "nicht_aufgenommen",
                    "zg3_pflegebeduerftig": False,
                    "zg3_pflegegrad_vorhanden": False,
                    "zg3_bescheinigung": False,
                    "zg3_beeintraechtigt": True,
                    "zg3_rolle": "pflegebeduerftig",
                },
            ),
            access(
                -21,
                "Zielgruppe 3 nicht erfüllt: weder Pflegegrad noch Bescheinigung, "
                "Beeinträchtigung nach der Checkliste Pflegesetting nicht plausibel. Hinweis "
                "auf die {care} und den Seniorentreff im Stadtteil gegeben.",
                "care",
                outcome="not_admitted",
            ),
        ],
    ),
    # A general condition fails: the client wants help with one application only and declines
    # regular appointments and a goal agreement. Not admitted, short counselling offered.
    Story(
        "ob_not_cooperative",
        (
            ("Dragan", "Petrović"),
            ("Goran", "Jovanović"),
            ("Milan", "Nikolić"),
            ("Zoran", "Marković"),
        ),
        client("male", 44, "RS", ["sr", "de"], "permit_permanent"),
        opening(opened=-12, source="jobcenter", access_path="forwarded", target="first"),
        [
            contact(
                -12,
                "in_person",
                40,
                "Erstgespräch mit {anrede}, vom {jobcenter} geschickt. Möchte nur Hilfe beim "
                "Wohngeldantrag; regelmäßige Termine und eine Zielvereinbarung lehnt er "
                "ausdrücklich ab.",
                "Klient",
            ),
            form(
                -12,
                CHECKLIST,
                {
                    **GENERAL,
                    "fazit": "nicht_aufgenommen",
                    "kooperationsbereit": False,
                    "zg1_weiterer_bedarf": True,
                    "zg1_nachholender_bedarf": True,
                    "zg1_gepruefte_institution": "Migrationsberatung für Erwachsene (MBE)",
                    "zg1_bereiche": ["arbeitsmarkt", "wohnungsmarkt"],
                },
            ),
            access(
                -12,
                "Nicht kooperationsbereit: {anrede} lehnt regelmäßige Termine und eine "
                "Zielvereinbarung ab. Kurzberatung zum Wohngeldantrag angeboten.",
                "first",
                outcome="not_admitted",
            ),
        ],
    ),
    # An acute crisis: an eviction date next week, no target group met (single, no catch-up
    # need, no care). Admitted as a crisis, with the reason.
    Story(
        "ob_crisis",
        (
            ("Ivan", "Dimitrov"),
            ("Georgi", "Petrov"),
            ("Stefan", "Iliev"),
            ("Nikolai", "Todorov"),
        ),
        client("male", 41, "BG", ["bg", "de"], "eu"),
        opening(opened=-6, source="social_work", access_path="forwarded", target="crisis"),
        [
            contact(
                -6,
                "in_person",
                60,
                "Erstgespräch mit {anrede}, seit acht Jahren in Oberhausen, Lagerarbeiter. "
                "Nach einem Arbeitsunfall Mietrückstände; Räumungsklage, der Räumungstermin ist "
                "am {d+8}. Einwilligung unterschrieben.",
                "Klient",
            ),
            form(
                -5,
                CHECKLIST,
                {
                    **GENERAL,
                    "fazit": "krise",
                    "krise_grund": (
                        "Räumungstermin am {d+8}; ohne sofortige Unterstützung droht "
                        "Wohnungslosigkeit."
                    ),
                    "zg1_weiterer_bedarf": False,
                    "zg1_nachholender_bedarf": False,
                    "zg2_unterversorgung": False,
                },
            ),
            access(
                -5,
                "Keine Zielgruppe erfüllt; Aufnahme wegen akuter Krise.",
                "crisis",
                outcome="crisis",
                crisis_reason="Räumungstermin am {d+8}; ohne sofortige Unterstützung droht "
                "Wohnungslosigkeit.",
            ),
            journal(
                -5,
                "Fachstelle Wohnungsnotfälle ({social}) eingeschaltet, Antrag auf "
                "Übernahme der Mietschulden vorbereitet.",
                30,
            ),
            phase(-5, "assessment"),
        ],
    ),
]

STORIES = tuple(with_forms(s) for s in STORIES) + tuple(OBERHAUSEN_STORIES)
