# ruff: noqa: E501 - the criteria are kept on one line each, exactly as in the source, so each can be found there
"""Every area, guiding question and criterion of the Checkliste „Bedarfseinschätzung im
Unterstützungsbereich Pflegesetting“ is in the definition (issue #11, "Must hold"): 65 criteria,
6/11/13/13/16/6. The expected lists are copied from the source text (seed
stadt-oberhausen-cm-fachkonzept.txt, Anlage 9.2.2, "Zusätzliche Informationen"), including its
spelling, not generated from the YAML; the YAML is read with ``yaml.safe_load``."""

from __future__ import annotations

from pathlib import Path

import yaml

FORMS = Path(__file__).parents[1] / "forms"

#: (Bereich, Fragen, criteria) as printed in the source.
AREAS = [
    (
        "Bereich 1 – Mobilität",
        "Wie selbstständig kann sich der Mensch fortbewegen und seine Körperhaltung ändern?",
        [
            "Positionswechsel im Bett",
            "Halten einer stabilen Sitzposition (z.B. auf Stuhl oder Bett)",
            "Umsetzen (z.B. von einem Bett auf einen Rollstuhl)",
            "Fortbewegen innerhalb des Wohnbereichs",
            "Treppensteigen (Überwinden von Treppen zwischen zwei Etagen)",
            "Besondere Bedarfskonstellation: Gebrauchsunfähigkeit beider Arme und beider Beine",
        ],
    ),
    (
        "Bereich 2 – Kognitive und kommunikative Fähigkeiten",
        "Wie findet sich der Mensch mit Hilfe anderer örtlich und zeitlich zurecht? Kann er für sich selbst Entscheidungen treffen oder Gespräche führen",
        [
            "Erkennen von Personen aus dem näheren Umfeld (z.B. von Familienmitgliedern, Pflegepersonal, Freunde u. Bekannte)",
            "Örtliche Orientierung (Erkennen der eigenen Wohnung und Räumlichkeiten, sowie der außerhäuslichen Örtlichkeiten)",
            "Zeitliche Orientierung (Umgang mit Uhrzeit, Jahreszeiten, Tageszeiten)",
            "Erinnern an wesentliche Ereignisse oder Beobachtungen (Wichtige Ereignisse aus dem Kurz- bzw. Langzeitgedächtnis)",
            "Steuern von mehrschrittigen Alltagshandlungen (z.B. den Tisch decken, sich anziehen)",
            "Treffen von Entscheidungen im Alltagsleben (Das Treffen von folgerichtigen und geeigneten Entscheidungen. Z.B. Anziehen von Wintermantel und Stiefel, wenn es draußen kalt ist.)",
            "Verstehen von Sachverhalten u. Informationen (Aufnehmen u. verstehen von Alltagssituationen. Z.B. Lesen u. Verstehen eines Zeitungsartikels)",
            "Erkennen von Risiken und Gefahren",
            "Mitteilen von elementaren Bedürfnissen (Person kann sich bemerkbar machen bei Hunger, Durst, Schmerzen, Kälte usw. Es reichen auch Mimik, Laute oder Gestik aus, um sich mitzuteilen.)",
            "Verstehen von Aufforderungen (Fähigkeit, Aufforderung zu alltäglichen Grundbedürfnissen zu verstehen / Z.B. Aufforderung den Tisch zu decken, zu essen oder sich zu waschen.)",
            "Beteiligen an einem Gespräch (den Sinn eines Gespräches aufnehmen, verstehen u. sich am Gespräch beteiligen)",
        ],
    ),
    (
        "Bereich 3 – Verhalten und psychische Problemlagen",
        "Wie häufig benötigt der Mensch Hilfe aufgrund von psychischen Problemen, wie etwa aggressives oder ängstliches Verhalten?",
        [
            "Motorisch geprägte Verhaltensauffälligkeiten (Unbeaufsichtigtes Verlassen der Wohnung (Hin- oder Weglauftendenz), Unruhezustände, Rastlosigkeit)",
            "Nächtliche Unruhe (Nächtliches Umherirren, Umkehr Tag-Nachtrhythmus)",
            "Selbstschädigendes und autoaggressives Verhalten (Selbstverletzung)",
            "Beschädigen von Gegenständen (Aggressives Zerstören von Gegenständen)",
            "Physisch aggressives Verhalten gegenüber anderen Personen (Z.B. andere Personen zu schlagen, kratzen, beißen usw.)",
            "Verbale Aggression (Verbale Beschimpfung oder Bedrohung von anderen Personen)",
            "Andere pflegerelevante vokale Auffälligkeiten (Lautes Rufen, Schreien, Fluchen, usw.)",
            "Abwehr pflegerischer oder anderer unterstützender Maßnahmen (Ablehnung von Hilfemaßnahmen bei Körperpflege, med. Versorgung u. anderen Hilfeleistungen.)",
            "Wahnvorstellungen",
            "Ängste (Auch Panikattacken)",
            "Antriebslosigkeit bei depressiver Stimmungslage (Wenig oder kaum Eigeninitiative vorhanden, sich zu beschäftigen.)",
            "Sozial inadäquate Verhaltensweisen (Unsoziales und respektloses Verhalten gegenüber anderen Personen)",
            "Sonstige pflegerelevante inadäquate Handlungen (Stereotypes Wiederholen von planlosen Tätigkeiten, nesteln, Horten von Gegenständen, Kotschmierern usw.)",
        ],
    ),
    (
        "Bereich 4 – Selbstversorgung",
        "Wie selbstständig kann sich der Mensch im Alltag versorgen bei der Körperpflege, beim Essen und Trinken?",
        [
            "Waschen des vorderen Oberkörpers (Hände, Gesicht, Hals, Arme, Achselhöhlen und vorderer Brustbereich)",
            "Körperpflege im Bereich des Kopfes (Kämmen, Zahnpflege, Prothesenreinigung, Rasieren)",
            "Waschen und Abtrocknen des Intimbereichs",
            "Duschen und Baden einschl. Waschen der Haare",
            "An- und Auskleiden des Oberkörpers",
            "An- und Auskleiden des Unterkörpers",
            "Mundgerechtes Zubereiten der Nahrung und Eingießen von Getränken (Kleinschneiden von Nahrung in mundgerechte Stücke. Öffnen von Getränkeflaschen und eingießen von Getränken.)",
            "Essen (Bereit gestellte, mundgerecht zubereitete Speisen essen.)",
            "Trinken (Bereitgestellte Getränke aufnehmen und trinken. Auch unter Zuhilfenahme von Strohhalm / Spezialbechern)",
            "Benutzen einer Toilette oder eines Toilettenstuhls (Gehen zur Toilette, Hinsetzen/Aufstehen, Intimhygiene und Richten der Kleidung.)",
            "Bewältigen der Folgen einer Harninkontinenz und Umgang mit Dauerkatheter und Urostoma (Inkontinenz- und Stomasysteme sachgerecht verwenden, nach Bedarf wechseln und entsorgen.)",
            "Bewältigen der Folgen einer Stuhlinkontinenz und Umgang mit Stoma (Wie 4.4.11)",
            "Ernährung parenteral oder über Sonde",
        ],
    ),
    (
        "Bereich 5 – Bewältigung von und selbstständiger Umgang mit krankheits- oder therapiebedingten Anforderungen und Belastungen",
        "Wie aufwändig ist die Unterstützung beim Umgang mit der Krankheit und der Behandlungen, z.B. bei der Medikamentengabe oder beim Verbandswechsel?",
        [
            "Medikation (Hilfestellung bei oraler Medikation, Augen- oder Ohrentropfen, Zäpfchen und Medikamentenpflaster)",
            "Injektionen (z.B. Insulininjektionen odern Medikamentenpumpen)",
            "Versorgung intravenöser Zugänge (z.B. Portversorgung)",
            "Absaugen und Sauerstoffgabe",
            "Einreibungen sowie Kälte- und Wärmeanwendungen (Anwendungen mit ärztlich verordneten Salben, Cremes oder Emulsionen)",
            "Messung und Deutung von Körperzuständen (Messung von Blutdruck, Blutzucker, Körpergewicht usw.)",
            "Körpernahe Hilfsmittel (An- und Ablegen von körpernahen Hilfsmitteln wie Prothesen, Brillen, Kompressionsstrümpfe)",
            "Verbandwechsel und Wundversorgung",
            "Versorgung mit Stoma",
            "Regelmäßige Einmalkatheterisierung und Nutzung von Abführmethoden",
            "Therapiemaßnahmen in häuslicher Umgebung (Durchführen eines angewiesenen Eigenübungsprogramms, z.B. Atemübungen, logopädische Übungen usw.)",
            "Zeit- und technikintensive Maßnahmen in häuslicher Umgebung",
            "Arztbesuche",
            "Besuche anderer medizinischer oder therapeutischer Einrichtungen (bis zu drei Stunden) z.B. Ergotherapie, Logopädie",
            "Zeitlich ausgedehnte Besuche medizinischer oder therapeutischer Einrichtungen (länger als 3 Stunden)",
            "Einhalten einer Diät oder anderer krankheits- oder therapiebedingter Verhaltensvorschriften",
        ],
    ),
    (
        "Bereich 6 – Gestaltung des Alltagslebens und sozialer Kontakte",
        "Wie selbstständig kann der Mensch noch den Tagesablauf planen, sich beschäftigen oder Kontakte pflegen?",
        [
            "Gestaltung des Tagesablaufs und Anpassung an Veränderungen (Ist die Planung und Umsetzung des Tagesablaufs und Aktivitäten noch möglich.)",
            "Ruhen und Schlafen (Nach individuellen Gewohnheiten einen Tag-Nacht-Rhythmus einhalten und für ausreichende Ruhe- und Schlafphasen sorgen)",
            "Sichbeschäftigen (Planen und durchführen von Aktivitäten die den eigenen Vorlieben entsprechen)",
            "Vornehmen von in die Zukunft gerichteten Planungen (Können längere Zeitabschnitte überschaut u. geplant werden)",
            "Interaktion mit Personen im direkten Kontakt (Im direkten Kontakt mit Angehörigen, Pflegepersonen, Mitbewohnern usw. umgehen, Kontakt aufnehmen, Personen ansprechen, auf Ansprache reagieren.)",
            "Kontaktpflege zu Personen außerhalb des direkten Umfelds (Bestehende Kontakte zu Freunden, Bekannten, Nachbarn aufrechterhalten, beenden oder zeitweise ablehnen)",
        ],
    ),
]

#: The two need indicators that follow the reference to this checklist (Anlage 9.2.1, ZG 3).
NEEDS = [
    "Unterstützung pflegender Angehöriger",
    "Vermittlung und Koordination komplementärer Dienste notwendig wie z.B.",
]
SERVICES = ["Nachbarschaftshilfe", "Mahlzeitdienste", "Reinigungsdienste", "Hausnotruf"]


def load() -> dict:
    return yaml.safe_load((FORMS / "care_checklist.yaml").read_text(encoding="utf-8"))


def fields_of(definition: dict) -> dict[str, dict]:
    return {f["key"]: f for s in definition["sections"] for f in s["fields"]}


def test_care_checklist_has_six_areas_with_all_65_criteria_verbatim():
    definition = load()
    assert definition["key"] == "pflegesetting.care_checklist" and definition["version"] == 1
    sections = {s["key"]: s for s in definition["sections"]}
    fields = fields_of(definition)
    assert [len(items) for _title, _question, items in AREAS] == [6, 11, 13, 13, 16, 6]
    total = 0
    for n, (title, question, items) in enumerate(AREAS, 1):
        assert sections[f"bereich_{n}"]["title"] == title
        info = fields[f"bereich_{n}_fragen"]
        assert info["type"] == "info" and info["text"] == question
        criteria = fields[f"bereich_{n}_beeintraechtigungen"]
        assert criteria["type"] == "multi"
        assert [o["label"] for o in criteria["options"]] == items, title
        assert [o["key"] for o in criteria["options"]] == [
            f"b{n}_{i}" for i in range(1, len(items) + 1)
        ]
        assert "other" not in criteria
        assert fields[f"bereich_{n}_erfuellt"]["type"] == "boolean"
        assert fields[f"bereich_{n}_erfuellt"]["label"] == "Erfüllung"
        assert fields[f"bereich_{n}_anmerkungen"]["type"] == "textarea"
        assert fields[f"bereich_{n}_anmerkungen"]["label"] == "Anmerkungen"
        total += len(criteria["options"])
    assert total == 65


def test_care_checklist_has_the_need_indicators_and_a_reasoned_verdict():
    fields = fields_of(load())
    assert [
        fields["unterstuetzung_angehoerige"]["label"],
        fields["komplementaere_dienste"]["label"],
    ] == NEEDS
    assert [o["label"] for o in fields["dienste"]["options"]] == SERVICES
    assert fields["dienste"]["other"] is True
    assert fields["plausibel"]["type"] == "boolean"
    assert fields["begruendung"]["type"] == "textarea" and fields["begruendung"]["required"] is True


def test_indicative_score_is_labelled_as_no_care_grade_and_everything_stored_is_art9():
    definition = load()
    fields = fields_of(definition)
    score = fields["indikativer_score"]
    assert score["type"] == "computed" and "keine Pflegegradfeststellung" in score["label"]
    section = next(s for s in definition["sections"] if s["key"] == "indikativ")
    assert "keine Pflegegradfeststellung" in section["title"]
    for key, spec in fields.items():
        if spec["type"] != "info" and key != "name":
            assert spec.get("sensitive") == "art9", key


def test_english_translation_names_only_paths_of_the_definition():
    fields = fields_of(load())
    translation = yaml.safe_load((FORMS / "care_checklist.en.yaml").read_text(encoding="utf-8"))
    for path in translation["labels"]:
        if path.split(".")[0] in ("sections", "validators"):
            continue
        base = path.split(".options.")[0].removesuffix(".help").removesuffix(".text")
        assert base in fields, path
