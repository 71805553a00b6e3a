"""Every field and option of Oberhausen's appendix forms is in the definitions (issue #11, "Must
hold"). The expected lists below are copied from the source text, the German Fachkonzept
(seed stadt-oberhausen-cm-fachkonzept.txt, Anlage 9.2.1 and 9.2.3), not generated from the YAML:
a label lost or changed in the definition fails here. The YAML is read with ``yaml.safe_load``
so the comparison does not depend on the form engine.

Where the paper form abbreviates only for lack of space the list says so in a comment and holds
the written-out label the definition uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FORMS = Path(__file__).parents[1] / "forms"


def load(name: str) -> dict:
    return yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))


def fields_of(definition: dict) -> dict[str, dict]:
    """Path → field, children of groups and repeats as ``parent.child``."""
    found: dict[str, dict] = {}

    def walk(fields, prefix=""):
        for spec in fields:
            found[prefix + spec["key"]] = spec
            walk(spec.get("fields", ()), prefix + spec["key"] + ".")

    for section in definition["sections"]:
        walk(section["fields"])
    return found


def labels(definition: dict) -> list[str]:
    return [spec.get("label", "") for spec in fields_of(definition).values()]


def option_labels(spec: dict) -> list[str]:
    return [option["label"] for option in spec.get("options", ())]


def in_order(expected: list[str], actual: list[str]) -> bool:
    """``expected`` appears in ``actual`` in the same order (additions may follow)."""
    return actual[: len(expected)] == expected


# --- Anlage 9.2.1 Checkliste „Zugangsbedingungen“ -----------------------------------------------

ACCESS_TITLE = "Checkliste „Zugangsbedingungen“"

ACCESS_SECTIONS = [
    "Fazit",
    "Allgemeine Bedingungen",
    "Zielgruppe 1: „Nachholende“ Förderung der Erstintegration",
    "Zielgruppe 2: Multiple familiäre Unterstützungsbedarfe",
    "Zielgruppe 3: Gewährleistung eines bedarfsgerechten Pflegesettings im Einzelfall",
]

ACCESS_LABELS = [
    "Name, Vorname",
    "Einwanderungsgeschichte nach § 4 Teilhabe- und Integrationsgesetz NRW, d.h.",
    "örtliche sowie räumliche Zuständigkeit gegeben",
    "kooperationsbereit",
    "Einwilligung in die Erklärung zur Erhebung und Verarbeitung personenbezogener Daten",
    "weiterer Beratungsbedarf über die reguläre Dauer der Erstberatung hinaus",
    "nachholender Bedarf im Bereich der Erstintegrationsförderung und kein vorrangiger, "
    "prioritärer Anspruch bei einer anderen Institution (ggf. prüfen)",
    "Zugang zu Angeboten und Strukturen vor Ort wurde bisher nicht ermöglicht im Bereich:",
    "Unterversorgung in mindestens 3 Dimensionen bei mindestens einem Elternteil und einem "
    "minderjährigen Kind",
    "selbstständige Bewältigung struktureller Probleme nicht möglich im Bereich",
    "pflegebedürftig, gemäß SGB XI § 14",
    "mindestens ein Pflegegrad",
    "Bescheinigung zur Antragstellung der Pflegebedürftigkeit/ des Pflegegrades vom Sozialen "
    "Dienst bzw. vom Arzt liegt vor",
    "ist gesundheitlich bedingt in der Selbständigkeit oder den Fähigkeiten beeinträchtigt und "
    "erfüllt nicht die vorgenannten Punkte",
    "Unterstützung pflegender Angehöriger",
    "Vermittlung und Koordination komplementärer Dienste notwendig wie z.B.",
    # § 2.3.1 conditions the checklist lacks (Lotse additions, verbatim from § 2.3.1):
    "intensiver Beratungs- und Unterstützungsbedarf",
    "bewusstes Verständnis für die Integrationsmaßnahmen des CM",
]

ACCESS_OPTIONS = {
    "fazit": [
        "Es besteht Unterstützungsbedarf. Die Beratung wird aufgenommen.",
        "verwiesen an",
        "Akute Krise - aufgenommen, weil",
    ],
    "einwanderungsgeschichte_alternative": [
        "1. Personen, die nicht Deutsche im Sinne des Artikel 116 Absatz 1 des Grundgesetzes sind",
        "2. außerhalb des heutigen Gebietes der Bundesrepublik Deutschland geborene und seit dem "
        "31. Dezember 1955 nach Deutschland zugewanderte Personen",
        "3. Personen, bei denen mindestens ein Elternteil die Kriterien der Nummer 2 erfüllt.",
    ],
    # The source's two columns, read column by column; then two free lines.
    "zg1_bereiche": [
        "Spracherwerb",
        "frühkindliche Bildung",
        "Schule",
        "duale Ausbildung",
        "schulische Ausbildung",
        "Weiterbildung",
        "Hochschule",
        "Arbeitsmarkt",
        "Gesundheit und Pflege",
        "Wohnungsmarkt",
        "Verbraucherschutz",
        "Umweltschutz",
        "Rechtsstaat und Grundrechte",
        "Gleichberechtigung/ Chancengleichheit",
        "Jugend und Altenarbeit",
        "Vereinsstrukturen",
        "Bereich Kultur/ Kulturelle Teilhabe",
        "Freizeit- und Sportangebote",
    ],
    "zg2_bereiche": [
        "Arbeit",
        "Bildung/ Erziehung",
        "Gesundheit",
        "Wohnen",
        "Kulturelle Teilhabe",
        "Einkommen",
        "Soziale Sicherung",
    ],
    "zg3_dienste": ["Nachbarschaftshilfe", "Mahlzeitdienste", "Reinigungsdienste", "Hausnotruf"],
}

#: Free lines ("_____") after a list of the source: number of "other" lines.
ACCESS_OTHER = {"zg1_bereiche": 2, "zg2_bereiche": 1, "zg3_dienste": 1}

#: The answer keys fixed by the lead (oberhausen_keys.md): the eligibility rules read them.
ACCESS_KEYS = {
    "einwanderungsgeschichte": "boolean",
    "einwanderungsgeschichte_alternative": "choice",
    "zustaendigkeit": "boolean",
    "kooperationsbereit": "boolean",
    "intensiver_bedarf": "boolean",
    "verstaendnis": "boolean",
    "einwilligung": "boolean",
    "zg1_weiterer_bedarf": "boolean",
    "zg1_nachholender_bedarf": "boolean",
    "zg1_gepruefte_institution": "text",
    "zg1_bereiche": "multi",
    "zg2_unterversorgung": "boolean",
    "zg2_bereiche": "multi",
    "zg2_mitglieder": "repeat",
    "zg2_mitglieder.name": "text",
    "zg2_mitglieder.rolle": "choice",
    "zg2_mitglieder.alter": "number",
    "zg2_mitglieder.bereiche": "multi",
    "zg3_pflegebeduerftig": "boolean",
    "zg3_pflegegrad_vorhanden": "boolean",
    "zg3_pflegegrad": "choice",
    "zg3_bescheinigung": "boolean",
    "zg3_beeintraechtigt": "boolean",
    "zg3_rolle": "choice",
    "zg3_pflegeperson_name": "text",
    "zg3_pflegeperson_einwanderungsgeschichte": "boolean",
    "zg3_angehoerige": "boolean",
    "zg3_komplementaer": "boolean",
    "zg3_dienste": "multi",
    "fazit": "choice",
    "verwiesen_an": "text",
    "krise_grund": "textarea",
}
ACCESS_OPTION_KEYS = {
    "einwanderungsgeschichte_alternative": ["nicht_deutsch", "zugewandert", "elternteil"],
    "zg2_bereiche": [
        "arbeit",
        "bildung_erziehung",
        "gesundheit",
        "wohnen",
        "kulturelle_teilhabe",
        "einkommen",
        "soziale_sicherung",
    ],
    "zg2_mitglieder.rolle": ["elternteil", "kind"],
    "zg2_mitglieder.bereiche": [
        "arbeit",
        "bildung_erziehung",
        "gesundheit",
        "wohnen",
        "kulturelle_teilhabe",
        "einkommen",
        "soziale_sicherung",
    ],
    "zg3_pflegegrad": ["1", "2", "3", "4", "5"],
    "zg3_rolle": ["pflegebeduerftig", "angehoerig"],
    "zg3_dienste": ["nachbarschaftshilfe", "mahlzeitdienste", "reinigungsdienste", "hausnotruf"],
    "fazit": ["aufgenommen", "verwiesen", "krise", "nicht_aufgenommen"],
}


def test_access_checklist_has_every_field_and_option_of_the_source():
    definition = load("access_checklist.yaml")
    assert definition["key"] == "oberhausen.access_checklist" and definition["version"] == 1
    assert definition["title"] == ACCESS_TITLE
    assert [s.get("title") for s in definition["sections"]][1:] == ACCESS_SECTIONS
    present = labels(definition)
    missing = [label for label in ACCESS_LABELS if label not in present]
    assert not missing, missing
    fields = fields_of(definition)
    for key, expected in ACCESS_OPTIONS.items():
        assert in_order(expected, option_labels(fields[key])), (key, option_labels(fields[key]))
    for key, lines in ACCESS_OTHER.items():
        assert int(fields[key].get("other", 0)) == lines, key


def test_access_checklist_uses_the_fixed_answer_keys():
    fields = fields_of(load("access_checklist.yaml"))
    wrong = {k: fields.get(k, {}).get("type") for k, t in ACCESS_KEYS.items()}
    assert {k: v for k, v in wrong.items() if v != ACCESS_KEYS[k]} == {}
    for key, options in ACCESS_OPTION_KEYS.items():
        assert [str(o["key"]) for o in fields[key]["options"]] == options, key
    assert len(fields["zg1_bereiche"]["options"]) == 18


def test_access_checklist_marks_lotse_additions_and_consent_is_not_ticked_by_hand():
    definition = load("access_checklist.yaml")
    fields = fields_of(definition)
    for key in ("intensiver_bedarf", "verstaendnis", "zg2_mitglieder", "zg3_rolle"):
        assert "Lotse-Ergänzung" in fields[key]["help"], key
    assert "Lotse-Ergänzung" in fields["fazit"]["help"]  # "nicht aufgenommen"
    assert fields["einwilligung"]["readonly"] is True
    assert definition["prefill"]["einwilligung"] == "consent.processing"
    # Reasons are required exactly where the source has a blank to fill in.
    assert fields["verwiesen_an"]["required_if"] == "fazit == 'verwiesen'"
    assert fields["krise_grund"]["required_if"] == "fazit == 'krise'"
    assert definition["phase"] == "access_check" and definition["attaches_to"] == "case"


# --- Anlage 9.2.3 Erhebungsbogen Erstgespräch ---------------------------------------------------

INTAKE_SECTIONS = [
    "Persönliche Daten",
    "Finanzielle Situation",
    "Familiäre Situation",
    "Sprachen",
    "Qualifikation",
    "Gesundheit",
    "Freizeit",
    "Intern",
]

INTAKE_LABELS = [
    "Beratungspass",
    "Datum",
    # PERSÖNLICHE DATEN
    "Name",
    "Vorname",
    "HV (Haushaltsvorstand) / Familienmitglied",
    "Geburtsdatum",
    "Geburtsort",
    "Straße",
    "PLZ",
    "Ort",
    "WE",
    "Pers. Zahl",
    "Telefon",
    "E-Mail",
    "Vermieter",
    "Eingereist BRD",
    "Nationalität",
    "Religion",
    "Aufenthaltsstatus",
    "erteilt am",
    "gültig bis",
    "besonders schutzbedürftig",
    # FINANZIELLE SITUATION
    "berufstätig",
    "selbstständig / Nebentätigkeit als:",
    "Leistungen BG Nr. / AZ",
    # FAMILIÄRE SITUATION
    "Familienstand",
    "Kinder",
    "Anzahl",
    "Alter",
    "betreut",
    "im Haushalt lebend",
    "Aufenthaltsort der Kernfamilie",
    "Weitere Familienmitglieder in Deutschland",
    "aktuelle Lebenssituation",
    "Unterstützung durch",
    # SPRACHEN
    "Muttersprache",
    "Dialekt",
    "Weitere Sprachen",  # source: "Weitere Spr."
    "Deutschkenntnisse",
    "Sprachniveau (GER)",
    "sprachliche Unterstützung durch",
    "Teilnahme Sprachkurs",
    "abgeschlossen / laufend",
    "Schule / Institution",
    "von",
    "bis",
    "Kinderbetreuung",
    # QUALIFIKATION
    "Aktuell",
    "Sonstiges",
    "berufliche Qualifikation",
    "lateinisch alphabetisiert",
    "wie lange beschult?",
    "in",
    "Schulabschluss",
    "Studium / Berufsbildung / Maßnahme",
    "Arbeitserfahrung",
    "berufliche Ziele / berufliche Weiterbildung",  # source: "berufl. Ziele / berufl. …"
    # GESUNDHEIT
    "Medical record",
    "Impfausweis",
    "Suchterkrankung",
    "Gesundheitliche Einschränkungen",
    "Pflegebedarf",
    "Pflegegrad",
    "beantragt / bewilligt / abgelehnt",
    "Arzt",
    # FREIZEIT
    "Ziele/ Interessen",
    "Interesse an Angeboten",
    "Bemerkungen",
    "Bemerkungen intern",
    # INTERN
    "Erstellt von",
    "Kontakt durch",
]

NEIN_JA = ["nein", "ja"]
INTAKE_OPTIONS = {
    "beratungspass": NEIN_JA,
    "geschlecht": ["m", "w", "d"],
    "haushaltsrolle": ["HV (Haushaltsvorstand)", "Familienmitglied"],
    "wohnform": ["GU", "SBO", "Privat"],
    "schutzbeduerftig": NEIN_JA,
    "leistungsart": ["SGB II", "ALG 1", "AsylbL", "SGB XII", "BAföG", "BAB", "Rente"],
    "kinder": NEIN_JA,
    "lebenssituation": ["alleinlebend", "mit Partner", "alleinerziehend", "Angehörige am Ort"],
    "unterstuetzung": [
        "Pate",
        "Verein",
        "SPZ",
        "Beratungsstelle",
        "JC / IP / BA",
        "Anwalt",
        "Jugendamt",
        "ABH",
        "Betreuungsstelle",
        "Schuldnerberatung",
    ],
    "deutschkenntnisse": ["keine", "geringe", "ausreichend", "gut"],
    "sprachkurs": ["Ehrenamt", "Sprachschule", "Integrationskurs"],
    "sprachkurs_stand": ["abgeschlossen", "laufend"],
    "kurstage": ["MO", "DI", "MI", "DO", "FR"],
    "kinderbetreuung": NEIN_JA,
    "aktuell": ["KiTa", "Schule", "Studium", "Arbeit", "Maßnahme"],
    "lateinisch_alphabetisiert": NEIN_JA,
    "ausbildung": ["Studium", "Berufsbildung", "Maßnahme"],
    # source: "anerkannt / Anerk. eingeleitet / laufend / abgeschlossen / abgebrochen / ruhend"
    "anerkennung": [
        "anerkannt",
        "Anerkennung eingeleitet",
        "laufend",
        "abgeschlossen",
        "abgebrochen",
        "ruhend",
    ],
    "medical_record": NEIN_JA,
    "impfausweis": NEIN_JA,
    "suchterkrankung": NEIN_JA,
    "einschraenkungen": NEIN_JA,
    "pflegebedarf": NEIN_JA,
    "pflegegrad_stand": ["beantragt", "bewilligt", "abgelehnt"],
    "arzt": ["Hausarzt", "Frauenarzt", "Kinderarzt", "Zahnarzt", "Krankenhaus"],
    "interessen": ["Sport", "Musik", "Kreativ/ Handwerk", "Kultur"],
    "interesse_angebote": NEIN_JA,
    "kontakt_durch": [
        "JC",
        "SGB VIII",
        "MBE",
        "Team Sozialarbeit",
        "MSO",
        "Ehrenamt",
        "eigene Akquise",
    ],
}
#: Lists of the source that end in a free line ("Sonstiges _____" or "_____").
INTAKE_OTHER = ["leistungsart", "unterstuetzung", "sprachkurs", "arzt", "interessen"]
#: Name and Telefon lines of the source under "Unterstützung durch" and "Arzt".
INTAKE_CONTACTS = ["unterstuetzung_kontakt", "arzt_kontakt"]


def test_intake_form_has_every_field_and_option_of_the_source():
    definition = load("intake.yaml")
    assert definition["key"] == "oberhausen.intake"
    assert definition["title"] == "Erhebungsbogen Erstgespräch"
    assert [s.get("title") for s in definition["sections"]][1:] == INTAKE_SECTIONS
    present = labels(definition)
    missing = [label for label in INTAKE_LABELS if label not in present]
    assert not missing, missing
    fields = fields_of(definition)
    for key, expected in INTAKE_OPTIONS.items():
        assert in_order(expected, option_labels(fields[key])), (key, option_labels(fields[key]))
    for key in INTAKE_OTHER:
        assert fields[key].get("other"), key
    for key in INTAKE_CONTACTS:
        assert [f["label"] for f in fields[key]["fields"]] == ["Name", "Telefon"]
    # The four "Kind" lines: a repeat without the paper's limit.
    children = fields["kinder_liste"]
    assert children["type"] == "repeat" and children["item_label"] == "Kind {n}"
    assert "max_items" not in children
    assert [f["label"] for f in children["fields"]] == [
        "Name",
        "Alter",
        "betreut",
        "im Haushalt lebend",
    ]
    assert [o["label"] for o in fields["pflegegrad"]["options"]] == ["1", "2", "3", "4", "5"]
    assert [o["label"] for o in fields["sprachniveau"]["options"]] == [
        "A1",
        "A2",
        "B1",
        "B2",
        "C1",
        "C2",
    ]


def test_intake_form_protects_special_categories_and_internal_notes():
    definition = load("intake.yaml")
    fields = fields_of(definition)
    assert fields["religion"]["sensitive"] == "art9"
    health = next(s for s in definition["sections"] if s["key"] == "gesundheit")
    for path, spec in fields_of({"sections": [health]}).items():
        if spec["type"] not in ("info", "group"):
            assert spec.get("sensitive") == "art9", path
    assert fields["bemerkungen_intern"]["internal"] is True
    assert fields["bemerkungen"].get("internal") is not True
    intern = next(s for s in definition["sections"] if s["key"] == "intern")
    assert all(f.get("internal") is True for f in intern["fields"])
    assert definition["client_facing"] is True and definition["phase"] == "intake"
    # Oberhausen's postcodes are a hint, not a rule: the pattern asks for five digits only.
    assert fields["plz"]["pattern"] == "^[0-9]{5}$" and "46" in fields["plz"]["help"]


def test_intake_form_prefills_from_the_person_record():
    prefill = load("intake.yaml")["prefill"]
    assert prefill["name"] == "person.last_name" and prefill["vorname"] == "person.first_name"
    assert prefill["geburtsdatum"] == "person.birth_date"
    assert prefill["plz"] == "person.postcode" and prefill["datum"] == "today"


@pytest.mark.parametrize("name", ["access_checklist", "intake"])
def test_translations_name_only_paths_of_the_definition(name):
    """A translation file must not carry stale paths (a renamed field would keep its old text)."""
    definition = load(f"{name}.yaml")
    fields = fields_of(definition)
    for path in sorted(FORMS.glob(f"{name}.*.yaml")):
        translation = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert translation["title"], path.name
        for label_path in translation["labels"]:
            head = label_path.split(".")
            if head[0] in ("sections", "validators"):
                continue
            base = label_path
            for suffix in (
                ".help",
                ".text",
                ".item_label",
                ".unit",
                ".placeholder",
                ".pattern_message",
                ".other",
            ):
                base = base.removesuffix(suffix)
            if ".options." in base:
                base = base.split(".options.")[0]
            assert base in fields, (path.name, label_path)
