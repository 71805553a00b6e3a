"""Demo fiction of the Jugendmigrationsdienst Oberhausen (``lotse demo``): young people of 12 to
27 years, their surroundings in Oberhausen and their cases.

The "Samira" case follows the example Integrationsförderplan of the BAG EJSA Arbeitshilfe "Case
Management" (2. Aufl. 2021): the same goals, Teilziele, tasks, involved institutions and
intervals, with the 2016 dates moved to the recent past.
"""

from __future__ import annotations

from core.demo.stories import (
    Story,
    access,
    agree,
    client,
    close,
    contact,
    follow_up,
    goal,
    item,
    item_status,
    journal,
    opening,
    phase,
    share,
    tick,
)

#: Which of a story's alternative client names this tenant uses.
NAME_VARIANT = 4

#: ``lotse demo --scale`` gives this tenant young clients (12–27 years).
YOUNG_CLIENTS = True

#: Fills the placeholders of the stories ({place}, {jobcenter}, {abh} …).
CONTEXT = {
    "place": "Oberhausen",
    "towns": (
        ("Oberhausen", "46045"),
        ("Oberhausen", "46047"),
        ("Oberhausen", "46049"),
        ("Oberhausen", "46145"),
    ),
    "jobcenter": "Jobcenter Oberhausen (U25)",
    "abh": "Ausländer- und Einbürgerungsbehörde Oberhausen",
    "youth": "Jugendamt Oberhausen",
    "mbe": "Migrationsberatung für Erwachsene (MBE) Oberhausen",
    "target_first": (
        "Junge Neuzugewanderte (12–27 Jahre); Screening: Übernahme in das Case Management angezeigt"
    ),
    "target_family": (
        "Junge Neuzugewanderte (12–27 Jahre); Screening: Übernahme in das Case Management angezeigt"
    ),
    "target_care": (
        "Junge Neuzugewanderte (12–27 Jahre); Screening: Übernahme in das Case Management angezeigt"
    ),
}

JMD_STORIES = [
    Story(
        "intake",
        (("Omar", "Khalil"),),
        client(
            "male",
            16,
            "SY",
            ["ar", "en"],
            "permit_limited",
            interpreter="ar",
            issued=-95,
            valid=270,
        ),
        opening(opened=-6, source="self", access_path="active_outreach"),
        [
            contact(
                -6,
                "in_person",
                50,
                "Erstgespräch mit {vorname} und seinem Vater. {vorname} ist vor drei Monaten im "
                "Familiennachzug eingereist "
                "und wartet auf einen Schulplatz (Seiteneinstieg). Berufswunsch: "
                "Kfz-Mechatroniker. Über den JMD, "
                "Freiwilligkeit und Datenschutz informiert; Einwilligung von {vorname} und den "
                "Eltern liegt vor.",
                "Jugendlicher, Vater, Sprachmittler",
                True,
            ),
            journal(
                -5,
                "Stammdaten erfasst. Kontakt zum Kommunalen Integrationszentrum wegen des "
                "Schulplatzes aufgenommen.",
                15,
            ),
            follow_up(7, "Screening-Gespräch mit {vorname} (Screeningbogen JMD)"),
        ],
    ),
    Story(
        "access_check",
        (("Daryna", "Koval"),),
        client(
            "female", 23, "UA", ["uk", "ru", "en", "de"], "permit_limited", issued=-640, valid=400
        ),
        opening(opened=-20, source="jobcenter", access_path="forwarded"),
        [
            contact(
                -20,
                "in_person",
                60,
                "Erstgespräch nach Hinweis des Jobcenters (U25-Team). {vorname} hat in Kyjiw drei "
                "Semester Informatik "
                "studiert und besucht den Integrationskurs (B1). Sie wünscht Beratung zu Studium "
                "oder Ausbildung.",
            ),
            phase(-12, "access_check"),
            journal(
                -12,
                "Screening durchgeführt: neu zugewandert, keine Kenntnis über Förderangebote, "
                "fehlender Berufsabschluss, "
                "psychische Belastung durch die Kriegssituation der Familie – vier Kriterien "
                "erfüllt. Entscheidung in der "
                "Teambesprechung.",
                20,
            ),
            follow_up(-3, "Zugangsentscheidung dokumentieren (Screening liegt vor)"),
        ],
    ),
    Story(
        "assessment",
        (("Mahdi", "Rezaei"),),
        client("male", 19, "AF", ["prs", "de"], "duldung", issued=-150, valid=150),
        opening(opened=-48, source="youth_office", access_path="forwarded", warm=True),
        [
            contact(
                -48,
                "in_person",
                60,
                "Warme Übergabe durch die Betreuerin der Jugendhilfe: Die Hilfe für junge "
                "Volljährige endet in zwei Monaten. "
                "{vorname} lebt in einer Verselbstständigungswohnung und besucht die "
                "Internationale Förderklasse am "
                "Berufskolleg.",
                "Jugendlicher, Betreuerin Jugendhilfe",
            ),
            phase(-42, "access_check"),
            access(
                -35,
                "Screening: fehlende Berufsorientierung, belastende Wohnsituation, Probleme im "
                "Umgang mit Behörden, "
                "Isolation – Übernahme in das Case Management angezeigt. Einwilligung liegt vor.",
            ),
            phase(-35, "assessment"),
            contact(
                -35,
                "in_person",
                75,
                "Ressourcenerhebung gemeinsam ausgefüllt. Stärken: Fußballverein, handwerkliches "
                "Geschick. Belastung: Wohnung "
                "nach Ende der Jugendhilfe ungesichert, Post vom Amt bleibt ungeöffnet.",
            ),
            contact(
                -15,
                "in_person",
                45,
                "Fortsetzung Assessment: Netzwerkkarte erstellt – wichtigste Bezugspersonen sind "
                "der Fußballtrainer und ein "
                "Onkel in Hamburg. Duldung muss bald verlängert werden; Ausbildungsduldung als "
                "Perspektive besprochen.",
            ),
            follow_up(5, "Assessment abschließen und Integrationsförderplan vorbereiten"),
        ],
    ),
    Story(
        "goal_agreement_permit",
        (("Viyan", "Khalaf"),),
        client(
            "female",
            24,
            "IQ",
            ["ku", "ar", "de"],
            "permit_limited",
            interpreter="ku",
            issued=-1050,
            valid=40,
        ),
        opening(opened=-75, source="mbe", access_path="forwarded"),
        [
            contact(
                -75,
                "in_person",
                60,
                "Erstgespräch. Die MBE hat wegen des Alters an den JMD verwiesen. {vorname} lebt "
                "mit ihrer Mutter, hat im "
                "Irak das Abitur gemacht und möchte eine Ausbildung als Medizinische "
                "Fachangestellte beginnen.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(-70, "access_check"),
            access(
                -64,
                "Screening: fehlender verwertbarer Berufsabschluss, geringe Deutschkenntnisse, "
                "keine Kenntnis über "
                "Förderangebote, Probleme mit Behörden – Übernahme angezeigt. Einwilligung liegt "
                "vor.",
            ),
            phase(-64, "assessment"),
            contact(
                -50,
                "in_person",
                75,
                "Ressourcenerhebung: hohe Lernmotivation, gute Schulnoten; Zeugnisanerkennung "
                "fehlt.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(-10, "goal_agreement"),
            goal(
                "aufenthalt",
                ("residence",),
                "Die Aufenthaltserlaubnis ist rechtzeitig verlängert",
                "Verlängerung beantragt, Fiktionsbescheinigung liegt vor",
                1,
                25,
            ),
            goal(
                "anerkennung",
                ("work_education",),
                "Das irakische Abitur ist anerkannt",
                "Bescheid der Bezirksregierung liegt vor",
                2,
                120,
            ),
            goal(
                "sprache",
                ("language",),
                "{vorname} erreicht das Sprachniveau B2",
                "B2-Zertifikat",
                3,
                240,
            ),
            contact(
                -10,
                "in_person",
                60,
                "Zielvereinbarung: höchstens drei Ziele mit Priorität; die Aufenthaltserlaubnis "
                "läuft in wenigen Wochen ab.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            follow_up(8, "Unterlagen für die Verlängerung der Aufenthaltserlaubnis prüfen"),
        ],
    ),
    Story(
        "help_planning_partner",
        (("Aya", "Hamwi"),),
        client("female", 25, "SY", ["ar", "de"], "protection", issued=-1200, valid=600),
        opening(opened=-90, source="self", access_path="active_outreach"),
        [
            contact(
                -90,
                "in_person",
                60,
                "Erstgespräch mit {vorname} und ihrem Ehemann. {vorname} ist schwanger (7. Monat); "
                "sie möchte nach der Geburt "
                "den Schulabschluss nachholen. Die Wohnung ist zu klein und feucht.",
                "Klientin, Ehemann",
            ),
            phase(-84, "access_check"),
            access(
                -78,
                "Screening: belastende Wohnsituation, fehlender Schulabschluss, geringe Kenntnis "
                "über Förderangebote, "
                "Isolation – Übernahme angezeigt. Einwilligung liegt vor.",
            ),
            phase(-78, "assessment"),
            contact(
                -60,
                "home_visit",
                75,
                "Hausbesuch: Schimmel im Schlafzimmer; Vorbereitung auf die Geburt besprochen.",
                "Klientin, Ehemann",
            ),
            phase(-30, "goal_agreement"),
            goal(
                "wohnen",
                ("housing",),
                "Die junge Familie wohnt in einer trockenen, ausreichend großen Wohnung",
                "Mietvertrag für eine Dreizimmerwohnung",
                1,
                200,
            ),
            goal(
                "schule",
                ("work_education",),
                "{vorname} holt den Hauptschulabschluss nach",
                "Anmeldung an der Abendrealschule",
                2,
                300,
            ),
            phase(-5, "help_planning"),
            item("wohnen", "Wohnberechtigungsschein beantragen", "client", due=14),
            item(
                "wohnen",
                "Mängelanzeige an den Vermieter gemeinsam schreiben",
                "case_manager",
                due=7,
            ),
            item(
                "schule",
                "Beratung zu Schulabschluss-Kursen mit Kinderbetreuung",
                "partner",
                "Weiterbildungskolleg (Abendrealschule)",
                due=60,
            ),
            follow_up(6, "IFP mit {vorname} vereinbaren (Entwurf liegt vor)"),
        ],
        household=("couple", "partner"),
    ),
    Story(
        "linking_partner",
        (("Tarek", ""),),
        client("male", 26, "SY", ["ar", "de"], "protection", issued=-1200, valid=600),
        opening(opened=-88, source="self", access_path="active_outreach"),
        [
            contact(
                -88,
                "in_person",
                45,
                "Erstgespräch: {vorname} arbeitet als Aushilfe in einer Bäckerei und möchte eine "
                "Ausbildung als "
                "Anlagenmechaniker beginnen; Zeugnisse aus Syrien liegen vor.",
            ),
            phase(-84, "access_check"),
            access(
                -78,
                "Screening: fehlender verwertbarer Berufsabschluss, fehlende Berufsorientierung, "
                "belastende "
                "Wohnsituation, Schulden – Übernahme angezeigt. Einwilligung liegt vor.",
            ),
            phase(-78, "assessment"),
            contact(
                -62,
                "in_person",
                60,
                "Ressourcenerhebung: handwerkliches Geschick, zuverlässig; Schulden bei einem "
                "Versandhändler (ca. 900 Euro).",
            ),
            phase(-45, "goal_agreement"),
            goal(
                "ausbildung",
                ("work_education",),
                "{vorname} beginnt eine Ausbildung als Anlagenmechaniker SHK",
                "Ausbildungsvertrag liegt vor",
                1,
                150,
            ),
            goal(
                "schulden",
                ("finances",),
                "{vorname} hat seine Schulden geregelt",
                "Ratenvereinbarung wird eingehalten",
                2,
                120,
            ),
            phase(-40, "help_planning"),
            item(
                "ausbildung",
                "Bewerbungen an drei Handwerksbetriebe",
                "client",
                due=-20,
                status="in_progress",
            ),
            item(
                "ausbildung",
                "Einstiegsqualifizierung über das Jobcenter prüfen",
                "partner",
                "{jobcenter}",
                due=20,
            ),
            item(
                "schulden", "Termin bei der Schuldnerberatung vermitteln", "case_manager", due=-25
            ),
            agree(-35, 55),
            phase(-35, "linking"),
            tick(-18),
            contact(
                -18, "phone", 15, "Rückmeldung: Probearbeit in einem Handwerksbetrieb vereinbart."
            ),
            journal(
                -10,
                "Telefonat mit der Schuldnerberatung: Ratenplan über 45 Euro im Monat aufgestellt.",
                10,
            ),
        ],
        household=("couple", "head"),
    ),
    Story(
        "monitoring",
        (("Filmon", "Berhane"),),
        client("male", 21, "ER", ["ti", "de"], "protection", issued=-1300, valid=500),
        opening(opened=-260, source="jobcenter", access_path="forwarded"),
        [
            contact(
                -260,
                "in_person",
                60,
                "Erstgespräch: {vorname} hat eine Ausbildungszusage als Fachlagerist, hat aber "
                "Angst "
                "vor der Berufsschule (Fachsprache).",
            ),
            phase(-255, "access_check"),
            access(
                -250,
                "Screening: fehlender Berufsabschluss, geringe Fachsprachkenntnisse, Probleme mit "
                "Behörden, Isolation – "
                "Übernahme angezeigt.",
            ),
            phase(-250, "assessment"),
            contact(
                -240,
                "in_person",
                60,
                "Ressourcenerhebung: zuverlässig, sportlich; kaum soziale Kontakte außerhalb der "
                "eritreischen Gemeinde.",
            ),
            phase(-230, "goal_agreement"),
            goal(
                "ausbildung",
                ("work_education",),
                "{vorname} besteht das erste Ausbildungsjahr",
                "Zwischenzeugnis mit Note 3 oder besser",
                1,
                60,
            ),
            goal(
                "freizeit",
                ("leisure", "relationships"),
                "{vorname} hat Kontakte außerhalb der Gemeinde",
                "Regelmäßige Teilnahme an einem Vereinsangebot",
                2,
                30,
            ),
            phase(-225, "help_planning"),
            item(
                "ausbildung",
                "Ausbildungsbegleitende Hilfe (Assistierte Ausbildung) beantragen",
                "partner",
                "{jobcenter}",
                due=-200,
            ),
            item("ausbildung", "Lernzeit zweimal pro Woche einhalten", "client", due=-150),
            item("freizeit", "Probetraining im Lauftreff vermitteln", "case_manager", due=-190),
            agree(-220, 20),
            phase(-220, "linking"),
            tick(-150),
            phase(-150, "monitoring"),
            contact(
                -150,
                "phone",
                15,
                "Monitoring mit dem Träger der Assistierten Ausbildung: Nachhilfe läuft zweimal "
                "pro Woche.",
                "Bildungsbegleiterin",
            ),
            contact(
                -40,
                "in_person",
                45,
                "Zwischenstand: Berufsschule Note 3, Betrieb zufrieden. Lauftreff zweimal besucht, "
                "dann abgebrochen.",
            ),
            follow_up(-7, "Zwischenzeugnis anfordern und Zielüberprüfung vorbereiten"),
            share("cm"),
        ],
        owner="coord",
    ),
    Story(
        "inactive",
        (("Liban", "Warsame"),),
        client("male", 20, "SO", ["so", "en"], "gestattung", issued=-400, valid=120),
        opening(opened=-320, source="social_work", access_path="forwarded"),
        [
            contact(
                -320,
                "in_person",
                50,
                "Erstgespräch: {vorname} wohnt in einer Gemeinschaftsunterkunft, möchte Deutsch "
                "lernen "
                "und arbeiten. Asylverfahren läuft.",
            ),
            phase(-315, "access_check"),
            access(
                -310,
                "Screening: geringe Deutschkenntnisse, fehlende Schulabschlüsse, belastende "
                "Wohnsituation, Isolation – "
                "Übernahme angezeigt.",
            ),
            phase(-310, "assessment"),
            contact(
                -295,
                "in_person",
                60,
                "Ressourcenerhebung: Schulbesuch bis Klasse 6, spricht gut Englisch.",
            ),
            phase(-285, "goal_agreement"),
            goal(
                "sprache",
                ("language",),
                "{vorname} besucht regelmäßig einen Deutschkurs",
                "Teilnahmebescheinigung",
                1,
                -150,
            ),
            phase(-280, "help_planning"),
            item("sprache", "Anmeldung beim ehrenamtlichen Sprachcafé", "case_manager", due=-270),
            item(
                "sprache",
                "Deutschkurs für Geflüchtete mit Gestattung",
                "partner",
                "Sprachkursträger (Erstorientierungskurs)",
                due=-240,
            ),
            agree(-278, -190),
            phase(-278, "linking"),
            contact(
                -240,
                "phone",
                10,
                "{vorname} hat den Kurs nach zwei Wochen nicht mehr besucht; Termin vereinbart.",
            ),
            journal(
                -215,
                "Termin nicht wahrgenommen. Laut Unterkunft ist {vorname} häufig bei Freunden in "
                "einer anderen Stadt.",
                10,
            ),
        ],
    ),
    Story(
        "closed_achieved",
        (("Elif", "Aydın"),),
        client("female", 22, "TR", ["tr", "en", "de"], "permit_limited", issued=-800, valid=500),
        opening(opened=-400, source="self", access_path="active_outreach"),
        [
            contact(
                -400,
                "in_person",
                60,
                "Erstgespräch: {vorname} ist zum Studium gekommen, das Studienkolleg ist "
                "schwieriger als "
                "gedacht; Finanzierung unsicher.",
            ),
            phase(-395, "access_check"),
            access(
                -390,
                "Screening: keine Kenntnis über Förderangebote, Probleme mit Behörden, Schulden, "
                "Isolation – Übernahme "
                "angezeigt.",
            ),
            phase(-390, "assessment"),
            contact(
                -380,
                "in_person",
                60,
                "Ressourcenerhebung: sehr gute Schulleistungen; Nebenjob zu umfangreich.",
            ),
            phase(-370, "goal_agreement"),
            goal(
                "studium",
                ("work_education",),
                "{vorname} besteht die Feststellungsprüfung am Studienkolleg",
                "Zeugnis der Feststellungsprüfung",
                1,
                -200,
            ),
            goal(
                "finanzen",
                ("finances",),
                "Der Lebensunterhalt ist für das erste Studienjahr gesichert",
                "Stipendium oder BAföG-Bescheid liegt vor",
                1,
                -150,
            ),
            phase(-365, "help_planning"),
            item("finanzen", "Bewerbung bei einem Stipendienprogramm", "client", due=-300),
            item("studium", "Lerngruppe am Studienkolleg vermitteln", "case_manager", due=-330),
            agree(-360, -240),
            phase(-360, "linking"),
            tick(-240),
            phase(-240, "monitoring"),
            contact(
                -240,
                "in_person",
                45,
                "Zielüberprüfung: Stipendium bewilligt, Prüfungsvorbereitung läuft gut.",
            ),
            close(
                -150,
                "goals_achieved",
                evaluation={
                    "satisfaction": 5,
                    "course": 4,
                    "results": 5,
                    "expectations": 5,
                    "mandate": 4,
                },
                ratings={"studium": 4, "finanzen": 4},
                comment="Feststellungsprüfung bestanden, Studium begonnen; Rückkehr jederzeit "
                "möglich.",
                talk=30,
            ),
        ],
    ),
    Story(
        "closed_no_contact",
        (("Nikolay", "Stoyanov"),),
        client("male", 25, "BG", ["bg", "de"], "eu"),
        opening(opened=-420, source="self", access_path="active_outreach"),
        [
            contact(
                -420,
                "in_person",
                45,
                "Erstgespräch: {vorname} sucht Arbeit und eine Wohnung, lebt bei einem Cousin.",
            ),
            phase(-415, "access_check"),
            access(
                -410,
                "Screening: geringe Deutschkenntnisse, keine Berufsorientierung, belastende "
                "Wohnsituation, Schulden – "
                "Übernahme angezeigt.",
            ),
            phase(-410, "assessment"),
            contact(-395, "in_person", 50, "Ressourcenerhebung; Berufserfahrung auf dem Bau."),
            phase(-380, "goal_agreement"),
            goal(
                "arbeit",
                ("work_education",),
                "{vorname} hat einen regulären Arbeitsvertrag",
                "Arbeitsvertrag liegt vor",
                1,
                -250,
            ),
            contact(
                -300,
                "phone",
                10,
                "Letzter Kontakt: {vorname} arbeitet vorübergehend in den Niederlanden.",
            ),
            close(
                -20,
                "no_contact",
                note="Letzter Kontakt vor mehr als neun Monaten; "
                "Anschreiben blieben unbeantwortet.",
                ratings={"arbeit": 1},
            ),
        ],
        owner="coord",
    ),
    Story(
        "short_counselling",
        (("Kacper", "Nowicki"),),
        client("male", 18, "PL", ["pl", "de"], "eu"),
        opening(
            "short_counselling",
            opened=-16,
            source="self",
            topic="Anmeldung am Berufskolleg und Anerkennung des Schulzeugnisses",
        ),
        [
            contact(
                -16,
                "in_person",
                40,
                "Anliegen: Anmeldung am Berufskolleg; das polnische Zeugnis muss bewertet werden. "
                "Unterlagen und Fristen besprochen.",
            ),
            contact(
                -9,
                "in_person",
                30,
                "Antrag auf Zeugnisbewertung gemeinsam ausgefüllt und abgeschickt.",
            ),
            contact(
                -2, "phone", 10, "Das Berufskolleg hat die Anmeldung unter Vorbehalt angenommen."
            ),
            follow_up(
                20, "Kurzberatung: Bescheid zur Zeugnisbewertung nachfragen, dann abschließen"
            ),
        ],
    ),
    Story(
        "referral_counselling",
        (("Shabnam", "Moradi"),),
        client("female", 27, "IR", ["fa", "en", "de"], "protection", issued=-1000, valid=400),
        opening(
            "referral_counselling",
            opened=-10,
            source="self",
            access_path="referral",
            warm=True,
            topic="Altersgrenze erreicht: Verweis an die Migrationsberatung für Erwachsene",
        ),
        [
            contact(
                -10,
                "in_person",
                40,
                "Erstberatung: {vorname} ist 27 und damit nicht mehr in der Zielgruppe des JMD. "
                "Anliegen: Anerkennung des Bachelorabschlusses. Verweis an die {mbe} vereinbart.",
            ),
            contact(
                -3,
                "in_person",
                30,
                "Warme Übergabe: gemeinsames Gespräch mit der MBE-Beraterin; Unterlagen übergeben.",
                "Klientin, Beraterin MBE",
            ),
            follow_up(14, "Verweisberatung: Rückmeldung der MBE – angekommen?"),
        ],
        owner="coord",
    ),
]


def _samira(d0: int) -> Story:
    """The example of the JMD Arbeitshilfe: IFP dated 05.10.2016, Wiedervorlage 12.01.2017
    (+99 days), tasks until 12.10. (+7), 14.10. (+9), 02.12. (+58), from 10.10. (+5); further goals
    agreed step by step. ``d0`` is the day of the IFP relative to today."""
    review = d0 + 99

    def on(offset):  # a date in a text, counted from the IFP day
        return "{d" + f"{d0 + offset:+d}" + "}"

    return Story(
        "samira",
        (("Samira", "Noori"),),
        client(
            "female",
            22,
            "AF",
            ["prs", "en"],
            "gestattung",
            interpreter="prs",
            issued=d0 - 360,
            valid=d0 + 160,
        ),
        opening(opened=d0 - 21, source="self"),
        [
            contact(
                d0 - 21,
                "in_person",
                60,
                "Erstgespräch, begleitet von ihrer Schwägerin, die bereits vom JMD beraten wird. "
                "Samira ist vor etwa einem "
                "Jahr eingereist und lebt mit ihrem einjährigen Kind in einer "
                "Gemeinschaftsunterkunft. Schulbesuch bis "
                "Klasse 8, ohne Abschluss. Sie wirkt sehr belastet und schläft schlecht. "
                "Information über die Zusammenarbeit "
                "im Case Management; Einwilligungs- und Datenschutzerklärung in Dari "
                "unterschrieben.",
                "Klientin, Schwägerin, Sprachmittlerin",
                True,
            ),
            phase(d0 - 14, "access_check"),
            access(
                d0 - 14,
                "Screening JMD: neu zugewandert, keine oder geringe Deutschkenntnisse, keine "
                "Kenntnis über adäquate "
                "Förderangebote, fehlender Schulabschluss, belastende Wohnsituation, psychische "
                "Belastung, Isolation. "
                "Die Übernahme in das Case Management des JMD ist angezeigt.",
            ),
            phase(d0 - 14, "assessment"),
            contact(
                d0 - 10,
                "in_person",
                90,
                "Ressourcenerhebung (Diakonie Hessen) in einfacher Sprache mit Sprachmittlerin. "
                "Ressourcen: Schwägerin als "
                "Bezugsperson, Interesse an Gruppenangeboten. Belastungen: Aufenthalt ungeklärt, "
                "kein eigenes Einkommen, "
                "keine Therapie trotz starker Belastung, kein Krippenplatz.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(d0 - 3, "goal_agreement"),
            goal(
                "aufenthalt",
                ("residence",),
                "Sicherung des Aufenthalts",
                "Teilziel 1: Die für den Aufenthaltstitel nötigen Unterlagen sind beschafft, "
                "ausgefüllt und bei der "
                "Ausländerbehörde eingereicht. Teilziel 2: Der Aufenthalt ist geklärt. Passendes "
                "Angebot vorhanden: ja.",
                1,
                review,
            ),
            goal(
                "stabilitaet",
                ("health",),
                "Herstellung und Sicherung der psychischen Stabilität",
                "Die notwendige psychische Stabilität für die weitere Lebensplanung ist "
                "hergestellt. Teilziel 1: Stabilisierung "
                "durch Gespräche und Gruppenarbeit bis zum Therapiebeginn (ab sofort). Teilziel 2: "
                "Therapie beginnen (bis " + on(58) + "). Passendes Angebot vorhanden: ja.",
                1,
                review,
            ),
            contact(
                d0 - 3,
                "in_person",
                60,
                "Zielvereinbarung: Samira und der JMD vereinbaren die Ziele nach und nach. Zuerst: "
                "Sicherung des Aufenthalts "
                "und psychische Stabilität.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(d0, "help_planning"),
            item(
                "aufenthalt",
                "Teilziel 1 – Antrag auf Aufenthaltserlaubnis ausfüllen",
                "client",
                due=d0 + 7,
            ),
            item(
                "aufenthalt",
                "Teilziel 1 – Antrag bei der Ausländerbehörde abgeben",
                "client",
                due=d0 + 9,
            ),
            item(
                "aufenthalt",
                "Teilziel 1 – Formular zur Verfügung stellen und Hilfe beim Ausfüllen",
                "case_manager",
                due=d0 + 7,
            ),
            item(
                "aufenthalt",
                "Teilziel 1 – Möglichkeiten der benötigten Unterstützung aufzeigen, inklusive "
                "Adressen",
                "case_manager",
                due=d0 + 7,
            ),
            item(
                "aufenthalt",
                "Teilziel 1 – Telefonische Absprache mit der Flüchtlingssozialberatung in der "
                "Unterkunft",
                "case_manager",
                due=d0 + 7,
            ),
            item(
                "aufenthalt",
                "Teilziel 2 – Aufenthalt klären: Entscheidung über den Antrag (einbezogene "
                "Einrichtung; "
                "passendes Angebot vorhanden: ja)",
                "partner",
                "Ausländerbehörde",
                due=review,
            ),
            item(
                "aufenthalt",
                "Einbezogene Einrichtung: Unterstützung in der Unterkunft (passendes Angebot "
                "vorhanden: ja)",
                "partner",
                "Flüchtlingssozialberatung in der Unterkunft",
            ),
            item(
                "stabilitaet",
                "Teilziel 1 – Überbrückende Stabilisierungsgespräche und Gruppenangebote des JMD "
                "wahrnehmen "
                "(ab " + on(7) + ")",
                "client",
                due=d0 + 7,
            ),
            item(
                "stabilitaet",
                "Teilziel 1 – Überlegen, welche Verwandten oder Bekannten unterstützen können",
                "client",
                due=d0 + 7,
            ),
            item(
                "stabilitaet",
                "Teilziel 2 – Kontaktaufnahme mit dem Evang. Zentrum für Beratung und Therapie",
                "case_manager",
                due=d0,
            ),
            item(
                "stabilitaet",
                "Teilziel 1 – Regelmäßige Stabilisierungsgespräche nach Bedarf bis zum "
                "Therapiebeginn "
                "(fortlaufend)",
                "case_manager",
                status="in_progress",
            ),
            item(
                "stabilitaet",
                "Teilziel 1 – Aufnahme in die niedrigschwellige Kursreihe „Frauenfrühstück“ (ab "
                + on(5)
                + ")",
                "case_manager",
                due=d0 + 5,
            ),
            item(
                "stabilitaet",
                "Teilziel 2 – Therapie beginnen (einbezogene Einrichtung; passendes Angebot "
                "vorhanden: ja)",
                "partner",
                "Evang. Zentrum für Beratung und Therapie am Weißen Stein",
                due=d0 + 58,
            ),
            agree(d0, review),
            contact(
                d0,
                "in_person",
                60,
                "Integrationsförderplan besprochen und vereinbart; er gilt als "
                "Integrationsvereinbarung. Ausgedruckt und "
                "Samira ausgehändigt. Wiedervorlage am " + on(99) + ".",
                "Klientin, Sprachmittlerin",
                True,
            ),
            contact(
                d0,
                "phone",
                10,
                "Kontaktaufnahme mit dem Evang. Zentrum für Beratung und Therapie: Aufnahme auf "
                "die Warteliste, "
                "Therapiebeginn voraussichtlich in acht Wochen.",
                "Evang. Zentrum für Beratung und Therapie",
            ),
            phase(d0, "linking"),
            contact(
                d0 + 7,
                "in_person",
                60,
                "Antrag auf Aufenthaltserlaubnis gemeinsam ausgefüllt; Adressen der "
                "Unterstützungsangebote übergeben. "
                "Telefonische Absprache mit der Flüchtlingssozialberatung in der Unterkunft.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            contact(
                d0 + 9,
                "phone",
                10,
                "Samira hat den Antrag bei der Ausländerbehörde abgegeben.",
                "Klientin",
            ),
            contact(
                d0 + 14,
                "in_person",
                45,
                "Stabilisierungsgespräch. Samira war zweimal beim „Frauenfrühstück“ und hat dort "
                "Kontakt zu anderen "
                "jungen Müttern gefunden.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            goal(
                "lebensunterhalt",
                ("finances",),
                "Sicherung des Lebensunterhalts",
                "Leistungen nach dem SGB II sind bewilligt und werden regelmäßig gezahlt",
                2,
                review,
            ),
            goal(
                "lebensfuehrung",
                ("daily_life", "housing"),
                "Selbstständige Lebensführung",
                "Samira lebt mit ihrem Kind in einer eigenen Wohnung (Betreutes Wohnen), regelt "
                "Behördenpost mit wenig "
                "Unterstützung; das Kind hat einen Krippenplatz",
                3,
                review + 90,
            ),
            goal(
                "sprache",
                ("language", "work_education"),
                "Zugang zu Sprache und Ausbildung",
                "Samira besucht regelmäßig einen Sprachkurs; eine Perspektive für Schulabschluss "
                "oder Ausbildung ist "
                "erarbeitet",
                3,
                review + 180,
            ),
            item_status("Teilziel 1 – Antrag auf Aufenthaltserlaubnis ausfüllen", "done"),
            item_status("Teilziel 1 – Antrag bei der Ausländerbehörde abgeben", "done"),
            item_status("Teilziel 1 – Formular zur Verfügung stellen", "done"),
            item_status("Teilziel 1 – Möglichkeiten der benötigten Unterstützung", "done"),
            item_status("Teilziel 1 – Telefonische Absprache", "done"),
            item_status("Teilziel 2 – Aufenthalt klären", "in_progress"),
            item_status("Einbezogene Einrichtung: Unterstützung in der Unterkunft", "in_progress"),
            item_status("Teilziel 1 – Überbrückende Stabilisierungsgespräche", "in_progress"),
            item_status("Teilziel 1 – Überlegen, welche Verwandten", "done"),
            item_status("Teilziel 2 – Kontaktaufnahme mit dem Evang. Zentrum", "done"),
            item_status("Teilziel 1 – Aufnahme in die niedrigschwellige Kursreihe", "done"),
            item_status("Teilziel 2 – Therapie beginnen", "in_progress"),
            item(
                "lebensunterhalt",
                "Antrag auf Leistungen nach dem SGB II mit allen Unterlagen beim Jobcenter abgeben",
                "client",
                due=d0 + 24,
            ),
            item(
                "lebensunterhalt",
                "Hilfe beim Ausfüllen des Antrags; telefonische Abstimmung mit dem Jobcenter",
                "case_manager",
                due=d0 + 24,
            ),
            item(
                "lebensunterhalt",
                "Bewilligung der Leistungen zur Sicherung des Lebensunterhalts",
                "partner",
                "Jobcenter",
                due=d0 + 35,
            ),
            item(
                "lebensunterhalt",
                "Übergang der Leistungen abstimmen",
                "partner",
                "Sozialamt",
                due=d0 + 35,
            ),
            item(
                "lebensfuehrung",
                "Aufnahme in das Betreute Wohnen prüfen",
                "partner",
                "Betreutes Wohnen",
                due=d0 + 60,
            ),
            item(
                "lebensfuehrung",
                "Krippenplatz für das Kind suchen (Anfragen bei Kinderkrippen)",
                "case_manager",
                due=d0 + 60,
            ),
            item(
                "lebensfuehrung",
                "Mit Unterstützung der Schwägerin den Alltag mit dem Kind organisieren",
                "client",
                status="in_progress",
            ),
            item(
                "sprache",
                "Am ehrenamtlichen Deutschunterricht „Teachers on the Road“ teilnehmen",
                "client",
                due=d0 + 30,
            ),
            item(
                "sprache",
                "Beratung zu Schulabschluss und beruflicher Perspektive",
                "partner",
                "Verein zur beruflichen Förderung von Frauen e.V.",
                due=d0 + 90,
            ),
            agree(d0 + 21, review),
            contact(
                d0 + 21,
                "in_person",
                60,
                "Weitere Ziele vereinbart: Sicherung des Lebensunterhalts, selbstständige "
                "Lebensführung, Zugang zu Sprache "
                "und Ausbildung. Neue Fassung des Integrationsförderplans ausgehändigt.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            journal(
                d0 + 26,
                "Bewilligungsbescheid des Jobcenters: Leistungen nach dem SGB II ab Ende des "
                "Monats.",
                10,
            ),
            phase(d0 + 28, "monitoring"),
            contact(
                d0 + 28,
                "phone",
                15,
                "Monitoring mit dem Jobcenter: erste Zahlung angewiesen.",
                "Jobcenter",
            ),
            contact(
                d0 + 33,
                "in_person",
                45,
                "Monitoring mit Samira: stabiler, nimmt regelmäßig am Frauenfrühstück teil. Bei "
                "allen angefragten "
                "Kinderkrippen kein freier Platz.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            journal(
                d0 + 33,
                "Versorgungslücke festgehalten: kein freier Krippenplatz für Kinder geflüchteter "
                "Mütter; "
                "Wartezeit auf einen Therapieplatz bis zu einem Jahr oder länger – für die "
                "Netzwerkarbeit "
                "gebündelt und anonymisiert weitergeben.",
                15,
            ),
            contact(
                d0 + 35,
                "phone",
                10,
                "Telefonat mit der Ausländerbehörde: Antrag in Bearbeitung.",
                "Ausländerbehörde",
            ),
            tick(d0 + 35),
            follow_up(d0 + 50, "Samira: Therapiebeginn beim Evang. Zentrum nachhalten"),
        ],
    )


#: The Samira IFP is dated this many days before today, so that the Wiedervorlage (+99 days) and
#: the therapy start (+58 days) still lie ahead while the first tasks are done.
SAMIRA_IFP_DAYS_AGO = 40

STORIES = [*JMD_STORIES, _samira(-SAMIRA_IFP_DAYS_AGO)]
