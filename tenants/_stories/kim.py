"""Demo stories of a Kommunales Integrationsmanagement (KIM), shared by the four KIM example
tenants (Viersen, Höxter, Oberhausen, Kleve).

Each tenant's ``demo.py`` tells them with its own surroundings ({jobcenter}, {abh}, towns …) and
its own variant of the clients' names; the story language is :mod:`core.demo.stories`.
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
    journal,
    opening,
    phase,
    share,
    tick,
)

STORIES = [
    Story(
        "intake",
        (
            ("Oksana", "Melnyk"),
            ("Iryna", "Savchuk"),
            ("Tetiana", "Bondarenko"),
            ("Natalia", "Kravets"),
            ("Olha", "Tkachuk"),
        ),
        client("female", 36, "UA", ["uk", "ru", "en"], "permit_limited", issued=-620, valid=420),
        opening(opened=-5, source="self", access_path="active_outreach"),
        [
            contact(
                -5,
                "in_person",
                60,
                "Erstgespräch in der offenen Sprechstunde. {anrede} lebt seit zwei Jahren mit "
                "ihren Kindern (8 und 11 Jahre) "
                "in {city}. Anliegen: Anerkennung ihres Berufsabschlusses als Buchhalterin, die "
                "Wohnung ist für drei Personen "
                "zu klein, die ältere Tochter hat Schwierigkeiten in der Schule. Über Case "
                "Management, Freiwilligkeit, "
                "Schweigepflicht und Datenschutz informiert; Informationsblatt ausgehändigt, "
                "Einwilligung unterschrieben.",
                "Klientin",
            ),
            journal(
                -4,
                "Erhebungsbogen Erstgespräch vervollständigt. Für die Berufsanerkennung kommt die "
                "{recognition} in Frage. "
                "Vor der Zugangsprüfung Zeugnisse und Arbeitsnachweise sichten.",
                20,
            ),
            follow_up(
                5, "Zweitgespräch: Zeugnisse und Arbeitsbuch für die Anerkennung mitbringen lassen"
            ),
        ],
    ),
    Story(
        "access_check",
        (
            ("Mamadou", "Diallo"),
            ("Ousmane", "Bah"),
            ("Ibrahima", "Sow"),
            ("Alpha", "Barry"),
            ("Amadou", "Camara"),
        ),
        client("male", 29, "GN", ["fr", "ff"], "permit_limited", issued=-500, valid=230),
        opening(opened=-18, source="jobcenter", access_path="forwarded", warm=True),
        [
            contact(
                -18,
                "in_person",
                75,
                "Warme Übergabe durch das {jobcenter}: gemeinsames Gespräch mit der "
                "Integrationsfachkraft und {anrede}. "
                "Themen: Kündigungsandrohung wegen zwei Monatsmieten Rückstand, abgebrochener "
                "Integrationskurs, Schulden bei "
                "einem Mobilfunkanbieter. {anrede} möchte Unterstützung annehmen.",
                "Klient, Integrationsfachkraft Jobcenter",
            ),
            phase(-11, "access_check"),
            contact(
                -11,
                "phone",
                20,
                "Telefonat: {anrede} hat die Schweigepflichtentbindung gegenüber Jobcenter und "
                "Vermieter unterschrieben "
                "zurückgebracht. Das Kündigungsschreiben des Vermieters liegt vor.",
            ),
            journal(
                -10,
                "Zugangsprüfung begonnen: Zielgruppe erfüllt, mehrere Bedarfsbereiche (Wohnen, "
                "Finanzen, Sprache), "
                "Regelversorgung allein greift nicht. Offen: Rückmeldung des Jobcenters zu "
                "laufenden Maßnahmen.",
                25,
            ),
            follow_up(
                -2,
                "Zugangsprüfung abschließen: Rückmeldung des Jobcenters zu laufenden Maßnahmen "
                "fehlt",
            ),
        ],
    ),
    Story(
        "assessment",
        (
            ("Lina", "Haddad"),
            ("Hiba", "Darwish"),
            ("Nour", "Sabbagh"),
            ("Ruba", "Kanaan"),
            ("Rasha", "Hamdan"),
        ),
        client("female", 39, "SY", ["ar"], "protection", interpreter="ar", issued=-900, valid=200),
        opening(opened=-52, source="mbe", access_path="forwarded", target="family"),
        [
            contact(
                -52,
                "in_person",
                60,
                "Erstgespräch mit Sprachmittlerin. {anrede} ist alleinerziehend mit drei Kindern "
                "(6, 10 und 14 Jahre). Die "
                "MBE hat weitergeleitet, weil der Bedarf über die Migrationsberatung hinausgeht: "
                "Mietrückstand, kein "
                "OGS-Platz, eigene gesundheitliche Beschwerden (Rücken, Schlafstörungen).",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(-45, "access_check"),
            access(
                -38,
                "Unterversorgung in mindestens drei Dimensionen (Wohnen, Einkommen, Gesundheit); "
                "Mutter und "
                "minderjährige Kinder betroffen. Kooperationsbereit, Einwilligung liegt vor.",
                "family",
            ),
            phase(-38, "assessment"),
            contact(
                -38,
                "in_person",
                90,
                "Assessmentgespräch: Lebensbereiche gemeinsam durchgegangen. Ressourcen: gute "
                "Kontakte zur Nachbarin, hohe "
                "Motivation für den Sprachkurs; die älteste Tochter übersetzt oft und soll "
                "entlastet werden. Bedarfe: Wohnung "
                "feucht, Mietrückstand, keine hausärztliche Anbindung.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            contact(
                -24,
                "home_visit",
                60,
                "Hausbesuch: Schimmel im Kinderzimmer, der Vermieter reagiert nicht. Schreiben an "
                "den Vermieter gemeinsam "
                "aufgesetzt. Der Sohn (14) wirkt belastet; Kontakt zur Schulsozialarbeit angeregt.",
                "Klientin, Kinder, Sprachmittlerin",
                True,
            ),
            journal(
                -20,
                "Ressourcenkarte mit {anrede} erstellt. Unterschiedliche Sichtweisen festgehalten: "
                "Die Klientin sieht die "
                "Wohnung als dringendstes Thema, aus fachlicher Sicht zuerst die Sicherung des "
                "Einkommens "
                "(Mietrückstand).",
                30,
            ),
            follow_up(6, "Assessment abschließen und Zielvereinbarung vorbereiten"),
        ],
    ),
    Story(
        "goal_agreement_permit",
        (
            ("Ahmad", "Sultani"),
            ("Mohammad", "Azizi"),
            ("Javid", "Karimi"),
            ("Habib", "Sharifi"),
            ("Nasir", "Hakimi"),
        ),
        client(
            "male",
            37,
            "AF",
            ["prs", "ps", "de"],
            "permit_limited",
            interpreter="prs",
            issued=-1050,
            valid=45,
        ),
        opening(opened=-80, source="immigration_office", access_path="forwarded"),
        [
            contact(
                -80,
                "in_person",
                60,
                "Erstgespräch nach Hinweis der Ausländerbehörde. {anrede} lebt seit fünf Jahren in "
                "Deutschland, hat den "
                "Integrationskurs ohne B1-Abschluss beendet und arbeitet als Helfer im Minijob. "
                "Anliegen: feste Arbeit, "
                "Verlängerung der Aufenthaltserlaubnis, später Familiennachzug der Ehefrau.",
                "Klient, Sprachmittler",
                True,
            ),
            phase(-74, "access_check"),
            access(
                -70,
                "Nachholender Bedarf in der Erstintegration (Sprache, Arbeit, Aufenthalt); Zugang "
                "zu Regelangeboten "
                "bisher nicht gelungen. Kooperationsbereit, Einwilligung liegt vor.",
            ),
            phase(-70, "assessment"),
            contact(
                -60,
                "in_person",
                75,
                "Assessment: Berufserfahrung als Lagerarbeiter, Staplerschein fehlt. Mündlich "
                "gutes Deutsch, schriftlich A2. "
                "Das Einkommen reicht nicht zur Sicherung des Lebensunterhalts – Voraussetzung für "
                "Verlängerung und "
                "Familiennachzug.",
                "Klient, Sprachmittler",
                True,
            ),
            contact(
                -35,
                "phone",
                15,
                "Kurzes Telefonat: Der Arbeitgeber bietet 30 Wochenstunden an, sobald der "
                "Staplerschein vorliegt.",
            ),
            phase(-12, "goal_agreement"),
            goal(
                "aufenthalt",
                ("residence",),
                "Die Verlängerung der Aufenthaltserlaubnis ist rechtzeitig vor Ablauf beantragt",
                "Antrag ist eingereicht; Fiktionsbescheinigung liegt vor",
                1,
                30,
            ),
            goal(
                "arbeit",
                ("work_education",),
                "{anrede} arbeitet sozialversicherungspflichtig in der Lagerlogistik",
                "Arbeitsvertrag über mindestens 30 Wochenstunden liegt vor",
                2,
                180,
            ),
            goal(
                "sprache",
                ("language",),
                "{anrede} erreicht das Sprachniveau B1",
                "B1-Zertifikat (Deutsch-Test für Zuwanderer)",
                3,
                240,
            ),
            contact(
                -12,
                "in_person",
                60,
                "Zielvereinbarung: drei Ziele gemeinsam formuliert und priorisiert. Die "
                "Aufenthaltserlaubnis läuft in wenigen "
                "Wochen ab – die Verlängerung hat Vorrang.",
                "Klient, Sprachmittler",
                True,
            ),
            follow_up(
                10,
                "Termin bei der Ausländerbehörde vorbereiten: Pass, Arbeitsvertrag, "
                "Lohnabrechnungen",
            ),
        ],
    ),
    Story(
        "help_planning_parent",
        (
            ("Shirin", "Rashid"),
            ("Leyla", "Aziz"),
            ("Gulistan", "Haji"),
            ("Nesrin", "Murad"),
            ("Sozdar", "Sido"),
        ),
        client(
            "female",
            47,
            "IQ",
            ["ku", "ar"],
            "protection",
            interpreter="ku",
            issued=-1500,
            valid=700,
        ),
        opening(opened=-95, source="social_work", access_path="forwarded", target="family"),
        [
            contact(
                -95,
                "in_person",
                60,
                "Erstgespräch mit {anrede} und ihrem ältesten Sohn. Die fünfköpfige Familie lebt "
                "in einer Zweizimmerwohnung; "
                "der Ehemann ist erwerbsunfähig. {anrede} hat Diabetes und keine fachärztliche "
                "Anbindung. Der Sohn möchte "
                "eine Ausbildung beginnen (eigener Fall).",
                "Klientin, Sohn, Sprachmittler",
                True,
            ),
            phase(-88, "access_check"),
            access(
                -80,
                "Multiple familiäre Problemlagen: Wohnen, Gesundheit, Einkommen, Bildung; Eltern "
                "und minderjährige "
                "Kinder betroffen. Einwilligung liegt vor.",
                "family",
            ),
            phase(-80, "assessment"),
            contact(
                -66,
                "home_visit",
                90,
                "Hausbesuch und Assessment mit Sprachmittler: Wohnung deutlich überbelegt (fünf "
                "Personen auf 48 m²). "
                "Ressourcen: großer Familienzusammenhalt, Unterstützung durch die Moscheegemeinde.",
                "Klientin, Ehemann, Sprachmittler",
                True,
            ),
            phase(-40, "goal_agreement"),
            goal(
                "wohnen",
                ("housing",),
                "Die Familie lebt in einer Wohnung mit ausreichend Platz",
                "Mietvertrag für eine Wohnung mit mindestens vier Zimmern",
                1,
                240,
            ),
            goal(
                "gesundheit",
                ("health",),
                "{anrede} ist diabetologisch angebunden und nimmt die Termine selbstständig wahr",
                "Erster Termin in der Schwerpunktpraxis wahrgenommen, Folgetermine vereinbart",
                2,
                90,
            ),
            contact(
                -40,
                "in_person",
                60,
                "Zielvereinbarung: Wohnung und Gesundheit als Prioritäten vereinbart; die "
                "Ausbildung des Sohnes läuft über "
                "seinen eigenen Fall.",
                "Klientin, Sprachmittler",
                True,
            ),
            phase(-6, "help_planning"),
            item("wohnen", "Wohnberechtigungsschein beantragen", "client", due=14),
            item(
                "wohnen",
                "Antrag auf Wohnberechtigungsschein gemeinsam ausfüllen; Kontakt zu "
                "Wohnungsgesellschaften herstellen",
                "case_manager",
                due=14,
            ),
            item(
                "wohnen",
                "Überbelegung prüfen und Wohnungswechsel unterstützen",
                "partner",
                "{social}",
                due=45,
            ),
            item(
                "gesundheit",
                "Überweisung zur diabetologischen Schwerpunktpraxis besorgen",
                "client",
                due=21,
            ),
            contact(
                -6,
                "in_person",
                45,
                "Hilfeplanung begonnen: Maßnahmen zu beiden Zielen besprochen, Entwurf des "
                "Hilfeplans erstellt. Vereinbarung "
                "beim nächsten Termin mit Sprachmittler.",
                "Klientin, Sprachmittler",
                True,
            ),
            follow_up(4, "Hilfeplangespräch mit Sprachmittler: Hilfeplan gemeinsam vereinbaren"),
        ],
        household=("family", "parent"),
    ),
    Story(
        "linking_adult_child",
        (("Dilovan", ""), ("Rojhat", ""), ("Baran", ""), ("Azad", ""), ("Hozan", "")),
        client("male", 20, "IQ", ["ku", "ar", "de"], "protection", issued=-1500, valid=700),
        opening(opened=-90, source="social_work", access_path="forwarded", target="family"),
        [
            contact(
                -90,
                "in_person",
                45,
                "Erstgespräch mit {anrede}. Hauptschulabschluss nach Klasse 10 (Internationale "
                "Förderklasse); möchte "
                "Elektroniker werden, hat aber noch keine Bewerbungen geschrieben.",
            ),
            phase(-85, "access_check"),
            access(
                -80,
                "Teil der familiären Problemlage (Familie {nachname}); eigener Bedarf am Übergang "
                "Schule–Beruf und in der "
                "Sprache. Einwilligung liegt vor.",
                "family",
            ),
            phase(-80, "assessment"),
            contact(
                -70,
                "in_person",
                60,
                "Assessment: gute Mathematikkenntnisse, Praktikum im Elektrohandwerk positiv "
                "bewertet. Hemmnisse: Deutsch "
                "schriftlich B1, keine Bewerbungserfahrung.",
            ),
            phase(-50, "goal_agreement"),
            goal(
                "ausbildung",
                ("work_education",),
                "{anrede} beginnt zum nächsten Ausbildungsjahr eine Ausbildung als Elektroniker",
                "Ausbildungsvertrag unterschrieben",
                1,
                200,
            ),
            goal(
                "sprache",
                ("language",),
                "{anrede} erreicht das Sprachniveau B2",
                "B2-Zertifikat des Berufssprachkurses",
                2,
                180,
            ),
            phase(-35, "help_planning"),
            item(
                "ausbildung",
                "Termin bei der Berufsberatung der Agentur für Arbeit vermitteln",
                "case_manager",
                due=-30,
                status="done",
            ),
            item(
                "ausbildung",
                "Bewerbungsunterlagen erstellen und zehn Bewerbungen versenden",
                "client",
                due=5,
                status="in_progress",
            ),
            item(
                "sprache",
                "Förderung des Berufssprachkurses (B2) bewilligen",
                "partner",
                "{jobcenter}",
                due=10,
                status="in_progress",
            ),
            item(
                "sprache",
                "Berufssprachkurs B2 mit Schwerpunkt Technik",
                "partner",
                "{language}",
                due=60,
            ),
            agree(-28, 62),
            phase(-28, "linking"),
            contact(
                -28,
                "in_person",
                45,
                "Hilfeplan gemeinsam vereinbart und unterschrieben; {anrede} hat eine Kopie "
                "bekommen.",
            ),
            contact(
                -9,
                "phone",
                15,
                "Rückmeldung: zwei Einladungen zu Vorstellungsgesprächen. Das Jobcenter prüft den "
                "Sprachkurs.",
            ),
            journal(
                -8,
                "Telefonat mit dem {jobcenter}: Antrag auf Berufssprachkurs liegt vor, "
                "Entscheidung in etwa zwei Wochen.",
                10,
            ),
        ],
        household=("family", "adult_child"),
    ),
    Story(
        "monitoring_care",
        (
            ("Hüseyin", "Aksoy"),
            ("Ali Rıza", "Çelik"),
            ("Mustafa", "Kılınç"),
            ("Yusuf", "Arslan"),
            ("Osman", "Doğan"),
        ),
        client("male", 76, "TR", ["tr", "de"], "permit_permanent", interpreter="tr"),
        opening(opened=-150, source="self", access_path="active_outreach", target="care"),
        [
            contact(
                -150,
                "in_person",
                60,
                "Erstgespräch mit {anrede} und seiner Tochter. Seit einem Schlaganfall ist er auf "
                "Hilfe angewiesen; die "
                "Tochter pflegt neben ihrer Arbeit und ist erschöpft. Pflegegrad 2 ist "
                "festgestellt.",
                "Klient, Tochter",
            ),
            phase(-145, "access_check"),
            access(
                -140,
                "Pflegegrad 2 liegt vor; die pflegende Angehörige braucht Entlastung, "
                "komplementäre Dienste fehlen. "
                "Einwilligung von Klient und Tochter liegt vor.",
                "care",
            ),
            phase(-140, "assessment"),
            contact(
                -130,
                "home_visit",
                90,
                "Hausbesuch: Bad nicht barrierefrei, kein Hausnotruf. Checkliste "
                "„Bedarfseinschätzung Pflegesetting“ "
                "gemeinsam ausgefüllt.",
                "Klient, Tochter",
            ),
            phase(-115, "goal_agreement"),
            goal(
                "pflege",
                ("health",),
                "Die häusliche Pflege von {anrede} ist dauerhaft gesichert",
                "Höherstufung geprüft, Tagespflege an zwei Tagen pro Woche, Hausnotruf installiert",
                1,
                60,
            ),
            goal(
                "entlastung",
                ("relationships", "daily_life"),
                "Die Tochter ist als pflegende Angehörige spürbar entlastet",
                "Zwei freie Nachmittage pro Woche; Teilnahme an einem Pflegekurs für Angehörige",
                2,
                90,
            ),
            phase(-110, "help_planning"),
            item(
                "pflege",
                "Pflegeberatung nach § 7a SGB XI und Antrag auf Höherstufung des Pflegegrads",
                "partner",
                "{care}",
                due=-60,
                status="in_progress",
            ),
            item(
                "pflege",
                "Aufnahme in eine Tagespflege an zwei Tagen pro Woche",
                "partner",
                "Tagespflege mit türkischsprachigem Angebot",
                due=-30,
            ),
            item("pflege", "Hausnotruf beantragen", "case_manager", due=-80),
            item("entlastung", "Pflegekurs für Angehörige besuchen", "client", due=20),
            agree(-100, 30),
            phase(-100, "linking"),
            contact(
                -80,
                "phone",
                20,
                "Abstimmung mit der Pflegeberatung: Antrag auf Höherstufung gestellt, Begutachtung "
                "durch den Medizinischen "
                "Dienst steht aus.",
                "Pflegeberatung",
            ),
            tick(-20),
            phase(-45, "monitoring"),
            contact(
                -45,
                "home_visit",
                60,
                "Monitoring: Tagespflege an zwei Tagen läuft, {anrede} geht gern hin. Hausnotruf "
                "ist installiert. Die Tochter "
                "berichtet, dass sie wieder schlafen kann.",
                "Klient, Tochter",
            ),
            journal(
                -20,
                "Rückmeldung der Tagespflege: {anrede} ist gut eingebunden, der Fahrdienst klappt.",
                10,
            ),
            follow_up(-5, "Bescheid der Pflegekasse zur Höherstufung nachhalten"),
            share("cm"),
        ],
        owner="coord",
    ),
    Story(
        "inactive",
        (
            ("Youssef", "El Amrani"),
            ("Karim", "Benali"),
            ("Rachid", "Ouali"),
            ("Samir", "Tahiri"),
            ("Hamid", "Boukhari"),
        ),
        client("male", 45, "MA", ["ar", "fr", "es"], "permit_limited", issued=-700, valid=500),
        opening(opened=-330, source="jobcenter", access_path="forwarded"),
        [
            contact(
                -330,
                "in_person",
                60,
                "Erstgespräch: {anrede} ist vor drei Jahren aus Spanien zugezogen, spricht "
                "Spanisch und Französisch, kaum "
                "Deutsch. Arbeitslos, Schulden aus einem Autokauf, lebt in Trennung.",
            ),
            phase(-325, "access_check"),
            access(
                -318,
                "Nachholender Bedarf (Sprache, Arbeit, Finanzen); mehrere Stellen beteiligt, "
                "Regelversorgung greift "
                "nicht. Einwilligung liegt vor.",
            ),
            phase(-318, "assessment"),
            contact(
                -300,
                "in_person",
                60,
                "Assessment: Berufserfahrung als Busfahrer, Umschreibung der Fahrerlaubnis offen. "
                "Schulden rund 6.000 Euro.",
            ),
            phase(-290, "goal_agreement"),
            goal(
                "finanzen",
                ("finances",),
                "{anrede} hat einen geregelten Plan zur Schuldenregulierung",
                "Ratenvereinbarung mit den Gläubigern liegt vor",
                1,
                -120,
            ),
            goal(
                "arbeit",
                ("work_education",),
                "{anrede} arbeitet wieder als Fahrer",
                "Fahrerlaubnis umgeschrieben, Arbeitsvertrag liegt vor",
                2,
                -60,
            ),
            phase(-285, "help_planning"),
            item("finanzen", "Unterlagen zu allen Forderungen sammeln", "client", due=-260),
            item(
                "finanzen", "Erstgespräch in der Schuldnerberatung", "partner", "{debt}", due=-240
            ),
            item(
                "arbeit",
                "Umschreibung der Fahrerlaubnis bei der Führerscheinstelle beantragen",
                "client",
                due=-200,
            ),
            agree(-280, -190),
            phase(-280, "linking"),
            contact(
                -250,
                "phone",
                10,
                "{anrede} hat den Termin bei der Schuldnerberatung abgesagt; neuer Termin "
                "vereinbart.",
            ),
            contact(
                -230,
                "in_person",
                30,
                "Kurzer Termin: Unterlagen zu den Forderungen nur teilweise mitgebracht. {anrede} "
                "wirkt wegen der Trennung "
                "sehr belastet.",
            ),
            journal(
                -200,
                "Brief mit Terminangebot versandt; telefonisch nicht erreichbar, "
                "keine Rückmeldung.",
                15,
            ),
        ],
    ),
    Story(
        "closed_achieved",
        (
            ("Selam", "Tesfay"),
            ("Helen", "Gebremedhin"),
            ("Senait", "Kidane"),
            ("Luwam", "Haile"),
            ("Mebrat", "Tekle"),
        ),
        client("female", 31, "ER", ["ti", "en", "de"], "protection", issued=-1800, valid=300),
        opening(opened=-430, source="self", access_path="active_outreach"),
        [
            contact(
                -430,
                "in_person",
                60,
                "Erstgespräch: {anrede} möchte nach dem Integrationskurs in die Pflege. In Eritrea "
                "hat sie ohne Abschluss "
                "als Hilfskraft im Krankenhaus gearbeitet.",
            ),
            phase(-425, "access_check"),
            access(
                -420,
                "Nachholender Bedarf beim Zugang zu Ausbildung und Sprache; mehrere Stellen "
                "beteiligt. Einwilligung "
                "liegt vor.",
            ),
            phase(-420, "assessment"),
            contact(
                -405,
                "in_person",
                75,
                "Assessment: sehr motiviert; die Kinderbetreuung ist über die Schwester gesichert. "
                "Sprachniveau B1, für die "
                "Ausbildung ist B2 nötig.",
            ),
            phase(-395, "goal_agreement"),
            goal(
                "ausbildung",
                ("work_education",),
                "{anrede} beginnt eine Ausbildung zur Pflegefachassistentin",
                "Ausbildungsvertrag liegt vor, die Ausbildung hat begonnen",
                1,
                -120,
            ),
            goal(
                "sprache",
                ("language",),
                "{anrede} erreicht das Sprachniveau B2",
                "B2-Zertifikat",
                2,
                -200,
            ),
            phase(-390, "help_planning"),
            item(
                "sprache",
                "Berufssprachkurs B2 mit Schwerpunkt Pflege",
                "partner",
                "{language}",
                due=-210,
            ),
            item(
                "ausbildung",
                "Praktikum in einer Pflegeeinrichtung vermitteln",
                "case_manager",
                due=-300,
            ),
            item("ausbildung", "Bewerbungen an Pflegeschulen versenden", "client", due=-240),
            agree(-385, -250),
            phase(-385, "linking"),
            contact(
                -330,
                "phone",
                15,
                "Das Praktikum im Seniorenzentrum läuft; sehr positive Rückmeldung der "
                "Praxisanleitung.",
            ),
            phase(-300, "monitoring"),
            contact(
                -250,
                "in_person",
                60,
                "Zielüberprüfung: B2-Prüfung bestanden, Zusage einer Pflegeschule zum nächsten "
                "Ausbildungsbeginn.",
            ),
            tick(-250),
            contact(
                -100,
                "in_person",
                45,
                "Die Ausbildung hat begonnen; {anrede} kommt gut zurecht. Abschlussgespräch "
                "vereinbart und Nachgespräch in "
                "sechs Monaten angeboten.",
            ),
            close(
                -90,
                "goals_achieved",
                evaluation={
                    "satisfaction": 5,
                    "course": 5,
                    "results": 5,
                    "expectations": 4,
                    "mandate": 5,
                },
                ratings={"ausbildung": 4, "sprache": 4},
                comment="Beide Ziele erreicht; die Klientin ist sehr zufrieden. Versorgungslücke: "
                "ausbildungsbegleitender "
                "Sprachkurs vor Ort fehlt.",
                talk=90,
            ),
        ],
    ),
    Story(
        "closed_structural",
        (
            ("Georgi", "Petrov"),
            ("Dimitar", "Kostadinov"),
            ("Stoyan", "Nikolov"),
            ("Hristo", "Georgiev"),
            ("Plamen", "Todorov"),
        ),
        client("male", 44, "BG", ["bg", "tr"], "eu", interpreter="bg"),
        opening(opened=-210, source="volunteers", access_path="forwarded"),
        [
            contact(
                -210,
                "in_person",
                60,
                "Erstgespräch, begleitet von einer Ehrenamtlichen. {anrede} arbeitet über einen "
                "Subunternehmer in der "
                "Fleischverarbeitung ohne schriftlichen Arbeitsvertrag; die Unterkunft stellt der "
                "Arbeitgeber. "
                "Krankenversicherung ungeklärt.",
                "Klient, Ehrenamtliche, Sprachmittlerin",
                True,
            ),
            phase(-205, "access_check"),
            access(
                -200,
                "Nachholender Bedarf (Gesundheit, Wohnen, Arbeit); Regelangebote nicht erreichbar. "
                "Einwilligung "
                "liegt vor.",
            ),
            phase(-200, "assessment"),
            contact(
                -185,
                "in_person",
                60,
                "Assessment: Kein Krankenversicherungsschutz nachweisbar, Lohnabrechnungen "
                "unvollständig. Wunsch: eigene "
                "Wohnung und regulärer Arbeitsvertrag.",
                "Klient, Sprachmittlerin",
                True,
            ),
            phase(-170, "goal_agreement"),
            goal(
                "kv",
                ("health",),
                "{anrede} ist krankenversichert",
                "Versicherungsnachweis liegt vor",
                1,
                -120,
            ),
            goal(
                "wohnen",
                ("housing",),
                "{anrede} hat eine vom Arbeitgeber unabhängige Unterkunft",
                "Eigener Mietvertrag",
                2,
                -60,
            ),
            journal(
                -150,
                "Anfrage bei der Beratungsstelle für mobile Beschäftigte: Wartezeit derzeit drei "
                "Monate. Die "
                "Krankenkasse nimmt ohne Nachweise des Arbeitgebers nicht auf.",
                30,
            ),
            contact(
                -120,
                "phone",
                20,
                "{anrede} hat vorläufig über die Ehefrau eine Familienversicherung erreicht; "
                "Wohnungssuche erfolglos.",
                "Klient, Sprachmittlerin",
                True,
            ),
            close(
                -100,
                "structural_obstacles",
                note="Arbeitsrechtliche Beratung für EU-Beschäftigte ist regional nicht verfügbar, "
                "bezahlbarer Wohnraum "
                "fehlt. Versorgungslücke an die Koordination gemeldet.",
                evaluation={
                    "satisfaction": 3,
                    "course": 4,
                    "results": 2,
                    "expectations": 2,
                    "mandate": 3,
                },
                ratings={"kv": 3, "wohnen": 0},
                comment="Teilerfolg bei der Krankenversicherung; das Wohnziel scheiterte am "
                "Angebot.",
            ),
        ],
        owner="coord",
    ),
    Story(
        "short_counselling",
        (
            ("Arta", "Krasniqi"),
            ("Blerina", "Gashi"),
            ("Drita", "Berisha"),
            ("Valbona", "Rexhepi"),
            ("Mimoza", "Shala"),
        ),
        client("female", 33, "XK", ["sq", "de"], "permit_limited", issued=-900, valid=800),
        opening(
            "short_counselling",
            opened=-21,
            source="self",
            topic="Kindergeld: Antrag und Nachweise für die Familienkasse",
        ),
        [
            contact(
                -21,
                "in_person",
                45,
                "Anliegen: Die Familienkasse fordert Schulbescheinigungen und Aufenthaltsnachweise "
                "an, das Kindergeld ist "
                "seit drei Monaten eingestellt. Schreiben gemeinsam gelesen, Liste der Unterlagen "
                "erstellt.",
            ),
            contact(
                -14,
                "in_person",
                30,
                "Unterlagen vollständig mitgebracht; Anschreiben an die Familienkasse gemeinsam "
                "formuliert und abgeschickt.",
            ),
            contact(
                -3,
                "phone",
                10,
                "Rückmeldung: Die Familienkasse hat den Eingang bestätigt. {anrede} meldet sich, "
                "falls keine Zahlung kommt.",
            ),
            follow_up(25, "Kurzberatung: Kindergeldzahlung nachfragen, danach abschließen"),
        ],
    ),
    Story(
        "referral_counselling",
        (
            ("Ionuț", "Dumitru"),
            ("Florin", "Stan"),
            ("Adrian", "Marin"),
            ("Cristian", "Lupu"),
            ("Vasile", "Munteanu"),
        ),
        client("male", 38, "RO", ["ro", "it"], "eu"),
        opening(
            "referral_counselling",
            opened=-8,
            source="self",
            access_path="referral",
            warm=True,
            topic="Energie- und Mietschulden: Verweis an die Schuldnerberatung",
        ),
        [
            contact(
                -8,
                "in_person",
                40,
                "Erstberatung: ein klar umrissenes Anliegen (Schulden beim Energieversorger und "
                "beim Vermieter), keine "
                "weiteren Bedarfe; Case Management ist nicht angezeigt. Verweis an die {debt}, "
                "gemeinsamer Übergabetermin "
                "vereinbart.",
            ),
            contact(
                -2,
                "in_person",
                30,
                "Warme Übergabe in der Schuldnerberatung: gemeinsames Gespräch mit der Beraterin, "
                "Unterlagen übergeben. "
                "{anrede} weiß, dass er jederzeit wiederkommen kann.",
                "Klient, Schuldnerberaterin",
            ),
            follow_up(12, "Verweisberatung: Rückmeldung der Schuldnerberatung – angekommen?"),
        ],
        owner="coord",
    ),
]
