"""Synthetic demo cases for the five example tenants (``lotse demo``).

Every case is written through the case and person services, so the data obeys the same rules as
data entered in the UI: a positive access decision before the assessment, goals before help
planning, an agreed help plan before linking, contacts never in the future. The services stamp
"now" on timestamps; afterwards the seed moves the journal times, phase transitions and
``last_activity_at`` back to the dates the story tells, so lists and follow-ups look like a
service that has been working for a while.

All persons are invented. Addresses use invented street names, phone numbers come from the range
030 23125 000–999 that the Bundesnetzagentur keeps for fiction, e-mail addresses use example.org.
The texts are German on purpose: they are data a German case manager would have written, not UI.

The "Samira" case of the JMD tenant follows the example Integrationsförderplan of the BAG EJSA
Arbeitshilfe "Case Management" (2. Aufl. 2021): the same goals, Teilziele, tasks, involved
institutions and intervals, with the 2016 dates moved to the recent past.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from core.auth import services as auth
from core.cases import contacts as case_contacts
from core.cases import follow_ups as case_follow_ups
from core.cases import goals as case_goals
from core.cases import help_plans as case_plans
from core.cases import phases as case_phases
from core.cases import services as cases
from core.cases.models import Case, FollowUp, HelpPlan, HelpPlanItem, PhaseTransition
from core.cases.settings import case_settings, regelkreis_for
from core.db import db, utcnow
from core.documentation import services as documentation
from core.persons import services as persons
from core.persons.phonetics import fold

# --- the tenants' surroundings ---------------------------------------------------------------

_DEFAULT_CONTEXT = {
    "place": "",
    "towns": (("Musterstadt", "12345"),),
    "jobcenter": "Jobcenter",
    "abh": "Ausländerbehörde",
    "language": "Volkshochschule (Integrations- und Berufssprachkurse)",
    "care": "Pflegeberatung / Pflegestützpunkt",
    "youth": "Jugendamt",
    "mbe": "Migrationsberatung für Erwachsene (MBE)",
    "jmd": "Jugendmigrationsdienst",
    "debt": "Schuldner- und Insolvenzberatung",
    "social": "Sozialamt",
    "recognition": "Anerkennungsberatung (IQ Netzwerk)",
    "target_first": "Menschen mit Einwanderungsgeschichte und komplexem Hilfebedarf",
    "target_family": "Menschen mit Einwanderungsgeschichte und komplexem Hilfebedarf",
    "target_care": "Menschen mit Einwanderungsgeschichte und komplexem Hilfebedarf",
}

TENANT_CONTEXT = {
    "viersen": {
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
        "target_first": "Multidimensionale Bedarfslage, mehrere Integrationsakteure beteiligt (Indikation nach § 2.3)",
        "target_family": "Multidimensionale Bedarfslage der Familie, mehrere Integrationsakteure beteiligt (§ 2.3)",
        "target_care": "Multidimensionale Bedarfslage mit Pflegebedarf (§ 2.3)",
    },
    "hoexter": {
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
    },
    "oberhausen": {
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
    },
    "kleve": {
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
    },
    "jmd-oberhausen": {
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
        "target_first": "Junge Neuzugewanderte (12–27 Jahre); Screening: Übernahme in das Case Management angezeigt",
        "target_family": "Junge Neuzugewanderte (12–27 Jahre); Screening: Übernahme in das Case Management angezeigt",
        "target_care": "Junge Neuzugewanderte (12–27 Jahre); Screening: Übernahme in das Case Management angezeigt",
    },
}

#: Which alternative name each example tenant gets (the KIM tenants must not share clients).
_VARIANT = {"viersen": 0, "hoexter": 1, "oberhausen": 2, "kleve": 3, "jmd-oberhausen": 4}

_STREETS = (
    "Musterstraße",
    "Beispielweg",
    "Am Probehof",
    "Erfundene Gasse",
    "Platzhalterring",
    "Demoallee",
)


def _context(tenant) -> dict:
    ctx = dict(_DEFAULT_CONTEXT)
    ctx.update(TENANT_CONTEXT.get(tenant.slug, {}))
    if not ctx["place"]:
        ctx["place"] = tenant.name
    return ctx


# --- the story language ----------------------------------------------------------------------
#
# A story is one client and one case; its steps run in order through the services. ``day`` is
# relative to today (negative = past). Texts may use {anrede} ("Frau Haddad"), {vorname},
# {nachname} and the keys of the tenant context ({jobcenter}, {abh}, {city} …).


@dataclass
class Story:
    key: str
    #: Alternative (first name, last name) pairs; each tenant gets another one.
    names: tuple
    person: dict
    case: dict
    steps: list = field(default_factory=list)
    owner: str = "cm"
    #: (household key, role); members of one household share the last name of its first member.
    household: tuple | None = None


def contact(day, channel, minutes, summary, participants="", interpreter=False):
    return (
        "contact",
        day,
        {
            "channel": channel,
            "duration_minutes": minutes,
            "summary": summary,
            "participants": participants,
            "interpreter_used": interpreter,
        },
    )


def journal(day, text, effort=0):
    return ("journal", day, {"text": text, "effort_minutes": effort})


def access(day, reason, target="first", admitted=True):
    return ("access", day, {"reason": reason, "target": target, "admitted": admitted})


def phase(day, to, reason=""):
    return ("phase", day, {"to": to, "reason": reason})


def goal(key, areas, title, indicator="", priority=2, target=None, status="open"):
    return (
        "goal",
        None,
        {
            "key": key,
            "areas": areas,
            "title": title,
            "indicator": indicator,
            "priority": priority,
            "target": target,
            "status": status,
        },
    )


def item(goal_key, measure, responsible, partner="", due=None, status="open"):
    return (
        "item",
        None,
        {
            "goal": goal_key,
            "measure": measure,
            "responsible": responsible,
            "partner": partner,
            "due": due,
            "status": status,
        },
    )


def item_status(prefix, status):
    """Change the status of an item of the current draft (a new plan version)."""
    return ("item_status", None, {"prefix": prefix, "status": status})


def agree(day, review):
    return ("agree", day, {"review": review})


def follow_up(day, title):
    return ("follow_up", day, {"title": title})


def tick(day):
    """The case manager ticks off the automatic follow-ups due up to ``day``."""
    return ("tick", day, {})


def share(with_whom):
    return ("share", None, {"user": with_whom})


def close(day, reason, note="", evaluation=None, ratings=None, comment="", talk=None):
    return (
        "close",
        day,
        {
            "reason": reason,
            "note": note,
            "evaluation": evaluation or {},
            "ratings": ratings or {},
            "comment": comment,
            "talk": talk,
        },
    )


def _person(
    gender,
    age,
    nationality,
    languages,
    status,
    *,
    interpreter="",
    issued=None,
    valid=None,
    other_names="",
):
    return {
        "gender": gender,
        "age": age,
        "nationality": nationality,
        "languages": languages,
        "residence_status": status,
        "interpreter": interpreter,
        "issued": issued,
        "valid": valid,
        "other_names": other_names,
    }


def _case(
    case_type="case_management",
    *,
    opened,
    source="",
    access_path="",
    topic="",
    warm=False,
    target="first",
):
    return {
        "case_type": case_type,
        "opened": opened,
        "source": source,
        "access_path": access_path,
        "topic": topic,
        "warm_handover": warm,
        "target": target,
    }


# --- Kommunales Integrationsmanagement (Viersen, Höxter, Oberhausen, Kleve) -------------------

KIM_STORIES = [
    Story(
        "intake",
        (
            ("Oksana", "Melnyk"),
            ("Iryna", "Savchuk"),
            ("Tetiana", "Bondarenko"),
            ("Natalia", "Kravets"),
            ("Olha", "Tkachuk"),
        ),
        _person("female", 36, "UA", ["uk", "ru", "en"], "permit_limited", issued=-620, valid=420),
        _case(opened=-5, source="self", access_path="active_outreach"),
        [
            contact(
                -5,
                "in_person",
                60,
                "Erstgespräch in der offenen Sprechstunde. {anrede} lebt seit zwei Jahren mit ihren Kindern (8 und 11 Jahre) "
                "in {city}. Anliegen: Anerkennung ihres Berufsabschlusses als Buchhalterin, die Wohnung ist für drei Personen "
                "zu klein, die ältere Tochter hat Schwierigkeiten in der Schule. Über Case Management, Freiwilligkeit, "
                "Schweigepflicht und Datenschutz informiert; Informationsblatt ausgehändigt, Einwilligung unterschrieben.",
                "Klientin",
            ),
            journal(
                -4,
                "Erhebungsbogen Erstgespräch vervollständigt. Für die Berufsanerkennung kommt die {recognition} in Frage. "
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
        _person("male", 29, "GN", ["fr", "ff"], "permit_limited", issued=-500, valid=230),
        _case(opened=-18, source="jobcenter", access_path="forwarded", warm=True),
        [
            contact(
                -18,
                "in_person",
                75,
                "Warme Übergabe durch das {jobcenter}: gemeinsames Gespräch mit der Integrationsfachkraft und {anrede}. "
                "Themen: Kündigungsandrohung wegen zwei Monatsmieten Rückstand, abgebrochener Integrationskurs, Schulden bei "
                "einem Mobilfunkanbieter. {anrede} möchte Unterstützung annehmen.",
                "Klient, Integrationsfachkraft Jobcenter",
            ),
            phase(-11, "access_check"),
            contact(
                -11,
                "phone",
                20,
                "Telefonat: {anrede} hat die Schweigepflichtentbindung gegenüber Jobcenter und Vermieter unterschrieben "
                "zurückgebracht. Das Kündigungsschreiben des Vermieters liegt vor.",
            ),
            journal(
                -10,
                "Zugangsprüfung begonnen: Zielgruppe erfüllt, mehrere Bedarfsbereiche (Wohnen, Finanzen, Sprache), "
                "Regelversorgung allein greift nicht. Offen: Rückmeldung des Jobcenters zu laufenden Maßnahmen.",
                25,
            ),
            follow_up(
                -2,
                "Zugangsprüfung abschließen: Rückmeldung des Jobcenters zu laufenden Maßnahmen fehlt",
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
        _person("female", 39, "SY", ["ar"], "protection", interpreter="ar", issued=-900, valid=200),
        _case(opened=-52, source="mbe", access_path="forwarded", target="family"),
        [
            contact(
                -52,
                "in_person",
                60,
                "Erstgespräch mit Sprachmittlerin. {anrede} ist alleinerziehend mit drei Kindern (6, 10 und 14 Jahre). Die "
                "MBE hat weitergeleitet, weil der Bedarf über die Migrationsberatung hinausgeht: Mietrückstand, kein "
                "OGS-Platz, eigene gesundheitliche Beschwerden (Rücken, Schlafstörungen).",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(-45, "access_check"),
            access(
                -38,
                "Unterversorgung in mindestens drei Dimensionen (Wohnen, Einkommen, Gesundheit); Mutter und "
                "minderjährige Kinder betroffen. Kooperationsbereit, Einwilligung liegt vor.",
                "family",
            ),
            phase(-38, "assessment"),
            contact(
                -38,
                "in_person",
                90,
                "Assessmentgespräch: Lebensbereiche gemeinsam durchgegangen. Ressourcen: gute Kontakte zur Nachbarin, hohe "
                "Motivation für den Sprachkurs; die älteste Tochter übersetzt oft und soll entlastet werden. Bedarfe: Wohnung "
                "feucht, Mietrückstand, keine hausärztliche Anbindung.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            contact(
                -24,
                "home_visit",
                60,
                "Hausbesuch: Schimmel im Kinderzimmer, der Vermieter reagiert nicht. Schreiben an den Vermieter gemeinsam "
                "aufgesetzt. Der Sohn (14) wirkt belastet; Kontakt zur Schulsozialarbeit angeregt.",
                "Klientin, Kinder, Sprachmittlerin",
                True,
            ),
            journal(
                -20,
                "Ressourcenkarte mit {anrede} erstellt. Unterschiedliche Sichtweisen festgehalten: Die Klientin sieht die "
                "Wohnung als dringendstes Thema, aus fachlicher Sicht zuerst die Sicherung des Einkommens "
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
        _person(
            "male",
            37,
            "AF",
            ["prs", "ps", "de"],
            "permit_limited",
            interpreter="prs",
            issued=-1050,
            valid=45,
        ),
        _case(opened=-80, source="immigration_office", access_path="forwarded"),
        [
            contact(
                -80,
                "in_person",
                60,
                "Erstgespräch nach Hinweis der Ausländerbehörde. {anrede} lebt seit fünf Jahren in Deutschland, hat den "
                "Integrationskurs ohne B1-Abschluss beendet und arbeitet als Helfer im Minijob. Anliegen: feste Arbeit, "
                "Verlängerung der Aufenthaltserlaubnis, später Familiennachzug der Ehefrau.",
                "Klient, Sprachmittler",
                True,
            ),
            phase(-74, "access_check"),
            access(
                -70,
                "Nachholender Bedarf in der Erstintegration (Sprache, Arbeit, Aufenthalt); Zugang zu Regelangeboten "
                "bisher nicht gelungen. Kooperationsbereit, Einwilligung liegt vor.",
            ),
            phase(-70, "assessment"),
            contact(
                -60,
                "in_person",
                75,
                "Assessment: Berufserfahrung als Lagerarbeiter, Staplerschein fehlt. Mündlich gutes Deutsch, schriftlich A2. "
                "Das Einkommen reicht nicht zur Sicherung des Lebensunterhalts – Voraussetzung für Verlängerung und "
                "Familiennachzug.",
                "Klient, Sprachmittler",
                True,
            ),
            contact(
                -35,
                "phone",
                15,
                "Kurzes Telefonat: Der Arbeitgeber bietet 30 Wochenstunden an, sobald der Staplerschein vorliegt.",
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
                "Zielvereinbarung: drei Ziele gemeinsam formuliert und priorisiert. Die Aufenthaltserlaubnis läuft in wenigen "
                "Wochen ab – die Verlängerung hat Vorrang.",
                "Klient, Sprachmittler",
                True,
            ),
            follow_up(
                10,
                "Termin bei der Ausländerbehörde vorbereiten: Pass, Arbeitsvertrag, Lohnabrechnungen",
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
        _person(
            "female",
            47,
            "IQ",
            ["ku", "ar"],
            "protection",
            interpreter="ku",
            issued=-1500,
            valid=700,
        ),
        _case(opened=-95, source="social_work", access_path="forwarded", target="family"),
        [
            contact(
                -95,
                "in_person",
                60,
                "Erstgespräch mit {anrede} und ihrem ältesten Sohn. Die fünfköpfige Familie lebt in einer Zweizimmerwohnung; "
                "der Ehemann ist erwerbsunfähig. {anrede} hat Diabetes und keine fachärztliche Anbindung. Der Sohn möchte "
                "eine Ausbildung beginnen (eigener Fall).",
                "Klientin, Sohn, Sprachmittler",
                True,
            ),
            phase(-88, "access_check"),
            access(
                -80,
                "Multiple familiäre Problemlagen: Wohnen, Gesundheit, Einkommen, Bildung; Eltern und minderjährige "
                "Kinder betroffen. Einwilligung liegt vor.",
                "family",
            ),
            phase(-80, "assessment"),
            contact(
                -66,
                "home_visit",
                90,
                "Hausbesuch und Assessment mit Sprachmittler: Wohnung deutlich überbelegt (fünf Personen auf 48 m²). "
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
                "Zielvereinbarung: Wohnung und Gesundheit als Prioritäten vereinbart; die Ausbildung des Sohnes läuft über "
                "seinen eigenen Fall.",
                "Klientin, Sprachmittler",
                True,
            ),
            phase(-6, "help_planning"),
            item("wohnen", "Wohnberechtigungsschein beantragen", "client", due=14),
            item(
                "wohnen",
                "Antrag auf Wohnberechtigungsschein gemeinsam ausfüllen; Kontakt zu Wohnungsgesellschaften herstellen",
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
                "Hilfeplanung begonnen: Maßnahmen zu beiden Zielen besprochen, Entwurf des Hilfeplans erstellt. Vereinbarung "
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
        _person("male", 20, "IQ", ["ku", "ar", "de"], "protection", issued=-1500, valid=700),
        _case(opened=-90, source="social_work", access_path="forwarded", target="family"),
        [
            contact(
                -90,
                "in_person",
                45,
                "Erstgespräch mit {anrede}. Hauptschulabschluss nach Klasse 10 (Internationale Förderklasse); möchte "
                "Elektroniker werden, hat aber noch keine Bewerbungen geschrieben.",
            ),
            phase(-85, "access_check"),
            access(
                -80,
                "Teil der familiären Problemlage (Familie {nachname}); eigener Bedarf am Übergang Schule–Beruf und in der "
                "Sprache. Einwilligung liegt vor.",
                "family",
            ),
            phase(-80, "assessment"),
            contact(
                -70,
                "in_person",
                60,
                "Assessment: gute Mathematikkenntnisse, Praktikum im Elektrohandwerk positiv bewertet. Hemmnisse: Deutsch "
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
                "Hilfeplan gemeinsam vereinbart und unterschrieben; {anrede} hat eine Kopie bekommen.",
            ),
            contact(
                -9,
                "phone",
                15,
                "Rückmeldung: zwei Einladungen zu Vorstellungsgesprächen. Das Jobcenter prüft den Sprachkurs.",
            ),
            journal(
                -8,
                "Telefonat mit dem {jobcenter}: Antrag auf Berufssprachkurs liegt vor, Entscheidung in etwa zwei Wochen.",
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
        _person("male", 76, "TR", ["tr", "de"], "permit_permanent", interpreter="tr"),
        _case(opened=-150, source="self", access_path="active_outreach", target="care"),
        [
            contact(
                -150,
                "in_person",
                60,
                "Erstgespräch mit {anrede} und seiner Tochter. Seit einem Schlaganfall ist er auf Hilfe angewiesen; die "
                "Tochter pflegt neben ihrer Arbeit und ist erschöpft. Pflegegrad 2 ist festgestellt.",
                "Klient, Tochter",
            ),
            phase(-145, "access_check"),
            access(
                -140,
                "Pflegegrad 2 liegt vor; die pflegende Angehörige braucht Entlastung, komplementäre Dienste fehlen. "
                "Einwilligung von Klient und Tochter liegt vor.",
                "care",
            ),
            phase(-140, "assessment"),
            contact(
                -130,
                "home_visit",
                90,
                "Hausbesuch: Bad nicht barrierefrei, kein Hausnotruf. Checkliste „Bedarfseinschätzung Pflegesetting“ "
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
                "Abstimmung mit der Pflegeberatung: Antrag auf Höherstufung gestellt, Begutachtung durch den Medizinischen "
                "Dienst steht aus.",
                "Pflegeberatung",
            ),
            tick(-20),
            phase(-45, "monitoring"),
            contact(
                -45,
                "home_visit",
                60,
                "Monitoring: Tagespflege an zwei Tagen läuft, {anrede} geht gern hin. Hausnotruf ist installiert. Die Tochter "
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
        _person("male", 45, "MA", ["ar", "fr", "es"], "permit_limited", issued=-700, valid=500),
        _case(opened=-330, source="jobcenter", access_path="forwarded"),
        [
            contact(
                -330,
                "in_person",
                60,
                "Erstgespräch: {anrede} ist vor drei Jahren aus Spanien zugezogen, spricht Spanisch und Französisch, kaum "
                "Deutsch. Arbeitslos, Schulden aus einem Autokauf, lebt in Trennung.",
            ),
            phase(-325, "access_check"),
            access(
                -318,
                "Nachholender Bedarf (Sprache, Arbeit, Finanzen); mehrere Stellen beteiligt, Regelversorgung greift "
                "nicht. Einwilligung liegt vor.",
            ),
            phase(-318, "assessment"),
            contact(
                -300,
                "in_person",
                60,
                "Assessment: Berufserfahrung als Busfahrer, Umschreibung der Fahrerlaubnis offen. Schulden rund 6.000 Euro.",
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
                "{anrede} hat den Termin bei der Schuldnerberatung abgesagt; neuer Termin vereinbart.",
            ),
            contact(
                -230,
                "in_person",
                30,
                "Kurzer Termin: Unterlagen zu den Forderungen nur teilweise mitgebracht. {anrede} wirkt wegen der Trennung "
                "sehr belastet.",
            ),
            journal(
                -200,
                "Brief mit Terminangebot versandt; telefonisch nicht erreichbar, keine Rückmeldung.",
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
        _person("female", 31, "ER", ["ti", "en", "de"], "protection", issued=-1800, valid=300),
        _case(opened=-430, source="self", access_path="active_outreach"),
        [
            contact(
                -430,
                "in_person",
                60,
                "Erstgespräch: {anrede} möchte nach dem Integrationskurs in die Pflege. In Eritrea hat sie ohne Abschluss "
                "als Hilfskraft im Krankenhaus gearbeitet.",
            ),
            phase(-425, "access_check"),
            access(
                -420,
                "Nachholender Bedarf beim Zugang zu Ausbildung und Sprache; mehrere Stellen beteiligt. Einwilligung "
                "liegt vor.",
            ),
            phase(-420, "assessment"),
            contact(
                -405,
                "in_person",
                75,
                "Assessment: sehr motiviert; die Kinderbetreuung ist über die Schwester gesichert. Sprachniveau B1, für die "
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
                "Das Praktikum im Seniorenzentrum läuft; sehr positive Rückmeldung der Praxisanleitung.",
            ),
            phase(-300, "monitoring"),
            contact(
                -250,
                "in_person",
                60,
                "Zielüberprüfung: B2-Prüfung bestanden, Zusage einer Pflegeschule zum nächsten Ausbildungsbeginn.",
            ),
            tick(-250),
            contact(
                -100,
                "in_person",
                45,
                "Die Ausbildung hat begonnen; {anrede} kommt gut zurecht. Abschlussgespräch vereinbart und Nachgespräch in "
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
                comment="Beide Ziele erreicht; die Klientin ist sehr zufrieden. Versorgungslücke: ausbildungsbegleitender "
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
        _person("male", 44, "BG", ["bg", "tr"], "eu", interpreter="bg"),
        _case(opened=-210, source="volunteers", access_path="forwarded"),
        [
            contact(
                -210,
                "in_person",
                60,
                "Erstgespräch, begleitet von einer Ehrenamtlichen. {anrede} arbeitet über einen Subunternehmer in der "
                "Fleischverarbeitung ohne schriftlichen Arbeitsvertrag; die Unterkunft stellt der Arbeitgeber. "
                "Krankenversicherung ungeklärt.",
                "Klient, Ehrenamtliche, Sprachmittlerin",
                True,
            ),
            phase(-205, "access_check"),
            access(
                -200,
                "Nachholender Bedarf (Gesundheit, Wohnen, Arbeit); Regelangebote nicht erreichbar. Einwilligung "
                "liegt vor.",
            ),
            phase(-200, "assessment"),
            contact(
                -185,
                "in_person",
                60,
                "Assessment: Kein Krankenversicherungsschutz nachweisbar, Lohnabrechnungen unvollständig. Wunsch: eigene "
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
                "Anfrage bei der Beratungsstelle für mobile Beschäftigte: Wartezeit derzeit drei Monate. Die "
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
                note="Arbeitsrechtliche Beratung für EU-Beschäftigte ist regional nicht verfügbar, bezahlbarer Wohnraum "
                "fehlt. Versorgungslücke an die Koordination gemeldet.",
                evaluation={
                    "satisfaction": 3,
                    "course": 4,
                    "results": 2,
                    "expectations": 2,
                    "mandate": 3,
                },
                ratings={"kv": 3, "wohnen": 0},
                comment="Teilerfolg bei der Krankenversicherung; das Wohnziel scheiterte am Angebot.",
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
        _person("female", 33, "XK", ["sq", "de"], "permit_limited", issued=-900, valid=800),
        _case(
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
                "Anliegen: Die Familienkasse fordert Schulbescheinigungen und Aufenthaltsnachweise an, das Kindergeld ist "
                "seit drei Monaten eingestellt. Schreiben gemeinsam gelesen, Liste der Unterlagen erstellt.",
            ),
            contact(
                -14,
                "in_person",
                30,
                "Unterlagen vollständig mitgebracht; Anschreiben an die Familienkasse gemeinsam formuliert und abgeschickt.",
            ),
            contact(
                -3,
                "phone",
                10,
                "Rückmeldung: Die Familienkasse hat den Eingang bestätigt. {anrede} meldet sich, falls keine Zahlung kommt.",
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
        _person("male", 38, "RO", ["ro", "it"], "eu"),
        _case(
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
                "Erstberatung: ein klar umrissenes Anliegen (Schulden beim Energieversorger und beim Vermieter), keine "
                "weiteren Bedarfe; Case Management ist nicht angezeigt. Verweis an die {debt}, gemeinsamer Übergabetermin "
                "vereinbart.",
            ),
            contact(
                -2,
                "in_person",
                30,
                "Warme Übergabe in der Schuldnerberatung: gemeinsames Gespräch mit der Beraterin, Unterlagen übergeben. "
                "{anrede} weiß, dass er jederzeit wiederkommen kann.",
                "Klient, Schuldnerberaterin",
            ),
            follow_up(12, "Verweisberatung: Rückmeldung der Schuldnerberatung – angekommen?"),
        ],
        owner="coord",
    ),
]


# --- Jugendmigrationsdienst Oberhausen (young people 12–27) ----------------------------------

JMD_STORIES = [
    Story(
        "intake",
        (("Omar", "Khalil"),),
        _person(
            "male",
            16,
            "SY",
            ["ar", "en"],
            "permit_limited",
            interpreter="ar",
            issued=-95,
            valid=270,
        ),
        _case(opened=-6, source="self", access_path="active_outreach"),
        [
            contact(
                -6,
                "in_person",
                50,
                "Erstgespräch mit {vorname} und seinem Vater. {vorname} ist vor drei Monaten im Familiennachzug eingereist "
                "und wartet auf einen Schulplatz (Seiteneinstieg). Berufswunsch: Kfz-Mechatroniker. Über den JMD, "
                "Freiwilligkeit und Datenschutz informiert; Einwilligung von {vorname} und den Eltern liegt vor.",
                "Jugendlicher, Vater, Sprachmittler",
                True,
            ),
            journal(
                -5,
                "Stammdaten erfasst. Kontakt zum Kommunalen Integrationszentrum wegen des Schulplatzes aufgenommen.",
                15,
            ),
            follow_up(7, "Screening-Gespräch mit {vorname} (Screeningbogen JMD)"),
        ],
    ),
    Story(
        "access_check",
        (("Daryna", "Koval"),),
        _person(
            "female", 23, "UA", ["uk", "ru", "en", "de"], "permit_limited", issued=-640, valid=400
        ),
        _case(opened=-20, source="jobcenter", access_path="forwarded"),
        [
            contact(
                -20,
                "in_person",
                60,
                "Erstgespräch nach Hinweis des Jobcenters (U25-Team). {vorname} hat in Kyjiw drei Semester Informatik "
                "studiert und besucht den Integrationskurs (B1). Sie wünscht Beratung zu Studium oder Ausbildung.",
            ),
            phase(-12, "access_check"),
            journal(
                -12,
                "Screening durchgeführt: neu zugewandert, keine Kenntnis über Förderangebote, fehlender Berufsabschluss, "
                "psychische Belastung durch die Kriegssituation der Familie – vier Kriterien erfüllt. Entscheidung in der "
                "Teambesprechung.",
                20,
            ),
            follow_up(-3, "Zugangsentscheidung dokumentieren (Screening liegt vor)"),
        ],
    ),
    Story(
        "assessment",
        (("Mahdi", "Rezaei"),),
        _person("male", 19, "AF", ["prs", "de"], "duldung", issued=-150, valid=150),
        _case(opened=-48, source="youth_office", access_path="forwarded", warm=True),
        [
            contact(
                -48,
                "in_person",
                60,
                "Warme Übergabe durch die Betreuerin der Jugendhilfe: Die Hilfe für junge Volljährige endet in zwei Monaten. "
                "{vorname} lebt in einer Verselbstständigungswohnung und besucht die Internationale Förderklasse am "
                "Berufskolleg.",
                "Jugendlicher, Betreuerin Jugendhilfe",
            ),
            phase(-42, "access_check"),
            access(
                -35,
                "Screening: fehlende Berufsorientierung, belastende Wohnsituation, Probleme im Umgang mit Behörden, "
                "Isolation – Übernahme in das Case Management angezeigt. Einwilligung liegt vor.",
            ),
            phase(-35, "assessment"),
            contact(
                -35,
                "in_person",
                75,
                "Ressourcenerhebung gemeinsam ausgefüllt. Stärken: Fußballverein, handwerkliches Geschick. Belastung: Wohnung "
                "nach Ende der Jugendhilfe ungesichert, Post vom Amt bleibt ungeöffnet.",
            ),
            contact(
                -15,
                "in_person",
                45,
                "Fortsetzung Assessment: Netzwerkkarte erstellt – wichtigste Bezugspersonen sind der Fußballtrainer und ein "
                "Onkel in Hamburg. Duldung muss bald verlängert werden; Ausbildungsduldung als Perspektive besprochen.",
            ),
            follow_up(5, "Assessment abschließen und Integrationsförderplan vorbereiten"),
        ],
    ),
    Story(
        "goal_agreement_permit",
        (("Viyan", "Khalaf"),),
        _person(
            "female",
            24,
            "IQ",
            ["ku", "ar", "de"],
            "permit_limited",
            interpreter="ku",
            issued=-1050,
            valid=40,
        ),
        _case(opened=-75, source="mbe", access_path="forwarded"),
        [
            contact(
                -75,
                "in_person",
                60,
                "Erstgespräch. Die MBE hat wegen des Alters an den JMD verwiesen. {vorname} lebt mit ihrer Mutter, hat im "
                "Irak das Abitur gemacht und möchte eine Ausbildung als Medizinische Fachangestellte beginnen.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(-70, "access_check"),
            access(
                -64,
                "Screening: fehlender verwertbarer Berufsabschluss, geringe Deutschkenntnisse, keine Kenntnis über "
                "Förderangebote, Probleme mit Behörden – Übernahme angezeigt. Einwilligung liegt vor.",
            ),
            phase(-64, "assessment"),
            contact(
                -50,
                "in_person",
                75,
                "Ressourcenerhebung: hohe Lernmotivation, gute Schulnoten; Zeugnisanerkennung fehlt.",
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
                "Zielvereinbarung: höchstens drei Ziele mit Priorität; die Aufenthaltserlaubnis läuft in wenigen Wochen ab.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            follow_up(8, "Unterlagen für die Verlängerung der Aufenthaltserlaubnis prüfen"),
        ],
    ),
    Story(
        "help_planning_partner",
        (("Aya", "Hamwi"),),
        _person("female", 25, "SY", ["ar", "de"], "protection", issued=-1200, valid=600),
        _case(opened=-90, source="self", access_path="active_outreach"),
        [
            contact(
                -90,
                "in_person",
                60,
                "Erstgespräch mit {vorname} und ihrem Ehemann. {vorname} ist schwanger (7. Monat); sie möchte nach der Geburt "
                "den Schulabschluss nachholen. Die Wohnung ist zu klein und feucht.",
                "Klientin, Ehemann",
            ),
            phase(-84, "access_check"),
            access(
                -78,
                "Screening: belastende Wohnsituation, fehlender Schulabschluss, geringe Kenntnis über Förderangebote, "
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
        _person("male", 26, "SY", ["ar", "de"], "protection", issued=-1200, valid=600),
        _case(opened=-88, source="self", access_path="active_outreach"),
        [
            contact(
                -88,
                "in_person",
                45,
                "Erstgespräch: {vorname} arbeitet als Aushilfe in einer Bäckerei und möchte eine Ausbildung als "
                "Anlagenmechaniker beginnen; Zeugnisse aus Syrien liegen vor.",
            ),
            phase(-84, "access_check"),
            access(
                -78,
                "Screening: fehlender verwertbarer Berufsabschluss, fehlende Berufsorientierung, belastende "
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
        _person("male", 21, "ER", ["ti", "de"], "protection", issued=-1300, valid=500),
        _case(opened=-260, source="jobcenter", access_path="forwarded"),
        [
            contact(
                -260,
                "in_person",
                60,
                "Erstgespräch: {vorname} hat eine Ausbildungszusage als Fachlagerist, hat aber Angst "
                "vor der Berufsschule (Fachsprache).",
            ),
            phase(-255, "access_check"),
            access(
                -250,
                "Screening: fehlender Berufsabschluss, geringe Fachsprachkenntnisse, Probleme mit Behörden, Isolation – "
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
                "Monitoring mit dem Träger der Assistierten Ausbildung: Nachhilfe läuft zweimal pro Woche.",
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
        _person("male", 20, "SO", ["so", "en"], "gestattung", issued=-400, valid=120),
        _case(opened=-320, source="social_work", access_path="forwarded"),
        [
            contact(
                -320,
                "in_person",
                50,
                "Erstgespräch: {vorname} wohnt in einer Gemeinschaftsunterkunft, möchte Deutsch lernen "
                "und arbeiten. Asylverfahren läuft.",
            ),
            phase(-315, "access_check"),
            access(
                -310,
                "Screening: geringe Deutschkenntnisse, fehlende Schulabschlüsse, belastende Wohnsituation, Isolation – "
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
                "Termin nicht wahrgenommen. Laut Unterkunft ist {vorname} häufig bei Freunden in einer anderen Stadt.",
                10,
            ),
        ],
    ),
    Story(
        "closed_achieved",
        (("Elif", "Aydın"),),
        _person("female", 22, "TR", ["tr", "en", "de"], "permit_limited", issued=-800, valid=500),
        _case(opened=-400, source="self", access_path="active_outreach"),
        [
            contact(
                -400,
                "in_person",
                60,
                "Erstgespräch: {vorname} ist zum Studium gekommen, das Studienkolleg ist schwieriger als "
                "gedacht; Finanzierung unsicher.",
            ),
            phase(-395, "access_check"),
            access(
                -390,
                "Screening: keine Kenntnis über Förderangebote, Probleme mit Behörden, Schulden, Isolation – Übernahme "
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
                comment="Feststellungsprüfung bestanden, Studium begonnen; Rückkehr jederzeit möglich.",
                talk=30,
            ),
        ],
    ),
    Story(
        "closed_no_contact",
        (("Nikolay", "Stoyanov"),),
        _person("male", 25, "BG", ["bg", "de"], "eu"),
        _case(opened=-420, source="self", access_path="active_outreach"),
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
                "Screening: geringe Deutschkenntnisse, keine Berufsorientierung, belastende Wohnsituation, Schulden – "
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
                note="Letzter Kontakt vor mehr als neun Monaten; Anschreiben blieben unbeantwortet.",
                ratings={"arbeit": 1},
            ),
        ],
        owner="coord",
    ),
    Story(
        "short_counselling",
        (("Kacper", "Nowicki"),),
        _person("male", 18, "PL", ["pl", "de"], "eu"),
        _case(
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
        _person("female", 27, "IR", ["fa", "en", "de"], "protection", issued=-1000, valid=400),
        _case(
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
    """The example of the JMD Arbeitshilfe: IFP dated 05.10.2016, Wiedervorlage 12.01.2017 (+99 days),
    tasks until 12.10. (+7), 14.10. (+9), 02.12. (+58), from 10.10. (+5); further goals agreed step
    by step. ``d0`` is the day of the IFP relative to today."""
    review = d0 + 99

    def on(offset):  # a date in a text, counted from the IFP day
        return "{d" + f"{d0 + offset:+d}" + "}"

    return Story(
        "samira",
        (("Samira", "Noori"),),
        _person(
            "female",
            22,
            "AF",
            ["prs", "en"],
            "gestattung",
            interpreter="prs",
            issued=d0 - 360,
            valid=d0 + 160,
        ),
        _case(opened=d0 - 21, source="self"),
        [
            contact(
                d0 - 21,
                "in_person",
                60,
                "Erstgespräch, begleitet von ihrer Schwägerin, die bereits vom JMD beraten wird. Samira ist vor etwa einem "
                "Jahr eingereist und lebt mit ihrem einjährigen Kind in einer Gemeinschaftsunterkunft. Schulbesuch bis "
                "Klasse 8, ohne Abschluss. Sie wirkt sehr belastet und schläft schlecht. Information über die Zusammenarbeit "
                "im Case Management; Einwilligungs- und Datenschutzerklärung in Dari unterschrieben.",
                "Klientin, Schwägerin, Sprachmittlerin",
                True,
            ),
            phase(d0 - 14, "access_check"),
            access(
                d0 - 14,
                "Screening JMD: neu zugewandert, keine oder geringe Deutschkenntnisse, keine Kenntnis über adäquate "
                "Förderangebote, fehlender Schulabschluss, belastende Wohnsituation, psychische Belastung, Isolation. "
                "Die Übernahme in das Case Management des JMD ist angezeigt.",
            ),
            phase(d0 - 14, "assessment"),
            contact(
                d0 - 10,
                "in_person",
                90,
                "Ressourcenerhebung (Diakonie Hessen) in einfacher Sprache mit Sprachmittlerin. Ressourcen: Schwägerin als "
                "Bezugsperson, Interesse an Gruppenangeboten. Belastungen: Aufenthalt ungeklärt, kein eigenes Einkommen, "
                "keine Therapie trotz starker Belastung, kein Krippenplatz.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            phase(d0 - 3, "goal_agreement"),
            goal(
                "aufenthalt",
                ("residence",),
                "Sicherung des Aufenthalts",
                "Teilziel 1: Die für den Aufenthaltstitel nötigen Unterlagen sind beschafft, ausgefüllt und bei der "
                "Ausländerbehörde eingereicht. Teilziel 2: Der Aufenthalt ist geklärt. Passendes Angebot vorhanden: ja.",
                1,
                review,
            ),
            goal(
                "stabilitaet",
                ("health",),
                "Herstellung und Sicherung der psychischen Stabilität",
                "Die notwendige psychische Stabilität für die weitere Lebensplanung ist hergestellt. Teilziel 1: Stabilisierung "
                "durch Gespräche und Gruppenarbeit bis zum Therapiebeginn (ab sofort). Teilziel 2: Therapie beginnen (bis "
                + on(58)
                + "). Passendes Angebot vorhanden: ja.",
                1,
                review,
            ),
            contact(
                d0 - 3,
                "in_person",
                60,
                "Zielvereinbarung: Samira und der JMD vereinbaren die Ziele nach und nach. Zuerst: Sicherung des Aufenthalts "
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
                "Teilziel 1 – Möglichkeiten der benötigten Unterstützung aufzeigen, inklusive Adressen",
                "case_manager",
                due=d0 + 7,
            ),
            item(
                "aufenthalt",
                "Teilziel 1 – Telefonische Absprache mit der Flüchtlingssozialberatung in der Unterkunft",
                "case_manager",
                due=d0 + 7,
            ),
            item(
                "aufenthalt",
                "Teilziel 2 – Aufenthalt klären: Entscheidung über den Antrag (einbezogene Einrichtung; "
                "passendes Angebot vorhanden: ja)",
                "partner",
                "Ausländerbehörde",
                due=review,
            ),
            item(
                "aufenthalt",
                "Einbezogene Einrichtung: Unterstützung in der Unterkunft (passendes Angebot vorhanden: ja)",
                "partner",
                "Flüchtlingssozialberatung in der Unterkunft",
            ),
            item(
                "stabilitaet",
                "Teilziel 1 – Überbrückende Stabilisierungsgespräche und Gruppenangebote des JMD wahrnehmen "
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
                "Teilziel 1 – Regelmäßige Stabilisierungsgespräche nach Bedarf bis zum Therapiebeginn "
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
                "Teilziel 2 – Therapie beginnen (einbezogene Einrichtung; passendes Angebot vorhanden: ja)",
                "partner",
                "Evang. Zentrum für Beratung und Therapie am Weißen Stein",
                due=d0 + 58,
            ),
            agree(d0, review),
            contact(
                d0,
                "in_person",
                60,
                "Integrationsförderplan besprochen und vereinbart; er gilt als Integrationsvereinbarung. Ausgedruckt und "
                "Samira ausgehändigt. Wiedervorlage am " + on(99) + ".",
                "Klientin, Sprachmittlerin",
                True,
            ),
            contact(
                d0,
                "phone",
                10,
                "Kontaktaufnahme mit dem Evang. Zentrum für Beratung und Therapie: Aufnahme auf die Warteliste, "
                "Therapiebeginn voraussichtlich in acht Wochen.",
                "Evang. Zentrum für Beratung und Therapie",
            ),
            phase(d0, "linking"),
            contact(
                d0 + 7,
                "in_person",
                60,
                "Antrag auf Aufenthaltserlaubnis gemeinsam ausgefüllt; Adressen der Unterstützungsangebote übergeben. "
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
                "Stabilisierungsgespräch. Samira war zweimal beim „Frauenfrühstück“ und hat dort Kontakt zu anderen "
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
                "Samira lebt mit ihrem Kind in einer eigenen Wohnung (Betreutes Wohnen), regelt Behördenpost mit wenig "
                "Unterstützung; das Kind hat einen Krippenplatz",
                3,
                review + 90,
            ),
            goal(
                "sprache",
                ("language", "work_education"),
                "Zugang zu Sprache und Ausbildung",
                "Samira besucht regelmäßig einen Sprachkurs; eine Perspektive für Schulabschluss oder Ausbildung ist "
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
                "Weitere Ziele vereinbart: Sicherung des Lebensunterhalts, selbstständige Lebensführung, Zugang zu Sprache "
                "und Ausbildung. Neue Fassung des Integrationsförderplans ausgehändigt.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            journal(
                d0 + 26,
                "Bewilligungsbescheid des Jobcenters: Leistungen nach dem SGB II ab Ende des Monats.",
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
                "Monitoring mit Samira: stabiler, nimmt regelmäßig am Frauenfrühstück teil. Bei allen angefragten "
                "Kinderkrippen kein freier Platz.",
                "Klientin, Sprachmittlerin",
                True,
            ),
            journal(
                d0 + 33,
                "Versorgungslücke festgehalten: kein freier Krippenplatz für Kinder geflüchteter Mütter; "
                "Wartezeit auf einen Therapieplatz bis zu einem Jahr oder länger – für die Netzwerkarbeit "
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


# --- running the stories -----------------------------------------------------------------------


def _at(day: date, minute: int = 0) -> datetime:
    moment = datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=minute)
    return min(moment, utcnow())


def _birth_date(today: date, age: int, seed: str) -> date:
    code = zlib.crc32(seed.encode())
    month, day = 1 + code % 12, 1 + (code // 12) % 28
    born = date(today.year - age, month, day)
    return (
        born
        if born <= today - timedelta(days=365 * age)
        else date(today.year - age - 1, month, day)
    )


class _Seeder:
    def __init__(self, tenant, users: dict, today: date):
        self.tenant = tenant
        self.users = users
        self.today = today
        self.ctx = _context(tenant)
        self.settings = case_settings(tenant)
        self.regelkreis = regelkreis_for(tenant)
        self.households: dict[str, tuple] = {}
        self.variant = _VARIANT.get(tenant.slug, zlib.crc32(tenant.slug.encode()))

    # -- helpers

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def fmt(self, text: str, extra: dict) -> str:
        return _Format(dict(self.ctx, **extra), self.today).format(text)

    def _area(self, preferred) -> str:
        areas = list(self.settings.life_areas)
        return next((a for a in preferred if a in areas), areas[0])

    def _source(self, key: str) -> str:
        return key if key in self.settings.sources else ""

    def _stamp_transition(self, case, when: date, minute: int) -> None:
        row = db.session.scalar(
            select(PhaseTransition)
            .where(PhaseTransition.case_id == case.id)
            .order_by(PhaseTransition.id.desc())
        )
        if row is not None:
            row.at = _at(when, minute)

    # -- one story

    def play(self, story: Story, index: int) -> Case:
        owner = self.users[story.owner]
        actor = owner
        first, last = story.names[self.variant % len(story.names)]
        if story.household and story.household[0] in self.households and not last:
            last = self.households[story.household[0]][1]
        p = story.person
        city, postcode = self.ctx["towns"][(self.variant + index) % len(self.ctx["towns"])]
        anrede = ("Frau " if p["gender"] == "female" else "Herr ") + last
        names = {"anrede": anrede, "vorname": first, "nachname": last, "city": city}
        person = persons.create_person(
            actor,
            {
                "first_name": first,
                "last_name": last,
                "other_names": p["other_names"],
                "birth_date": _birth_date(
                    self.today, p["age"], f"{self.tenant.slug}:{first}:{last}"
                ),
                "gender": p["gender"],
                "nationality": p["nationality"],
                "languages": p["languages"],
                "interpreter_needed": bool(p["interpreter"]),
                "interpreter_language": p["interpreter"],
                "residence_status": p["residence_status"],
                "residence_issued_on": self.day(p["issued"]) if p["issued"] is not None else None,
                "residence_valid_until": self.day(p["valid"]) if p["valid"] is not None else None,
                "street": f"{_STREETS[(self.variant + index) % len(_STREETS)]} {3 + (index * 7) % 60}",
                "postcode": postcode,
                "city": city,
                "phone": f"030 23125 {(self.variant + index * 37) % 1000:03d}",
                "email": f"{fold(first).split()[0]}.{fold(last).replace(' ', '')}@example.org",
            },
        )
        if story.household:
            key, role = story.household
            if key in self.households:
                persons.add_to_household(
                    actor, person, {"role": role}, household=self.households[key][0]
                )
            else:
                household = persons.add_to_household(
                    actor, person, {"role": role, "name": f"Familie {last}"}
                )
                self.households[key] = (household, last)
        c = story.case
        case = cases.open_case(
            actor,
            self.tenant,
            {
                "person_id": person.id,
                "case_type": c["case_type"],
                "source": self._source(c["source"]),
                "access_path": c["access_path"],
                "topic": c["topic"],
                "warm_handover": c["warm_handover"],
                "case_manager_id": owner.id,
                "deputy_id": self.users["coord"].id
                if story.owner == "cm" and index % 4 == 1
                else None,
                "opened_on": self.day(c["opened"]),
            },
        )
        self._stamp_transition(case, self.day(c["opened"]), 0)
        case.created_at = _at(self.day(c["opened"]))
        goals: dict[str, object] = {}
        last_day = c["opened"]
        minute = 0

        def fill(value: str) -> str:
            return self.fmt(value, names)

        for kind, offset, data in story.steps:
            minute += 5
            if kind == "contact":
                case_contacts.add_contact(
                    actor,
                    self.tenant,
                    case,
                    {
                        "contact_on": self.day(offset),
                        "duration_minutes": data["duration_minutes"],
                        "channel": data["channel"],
                        "participants": data["participants"],
                        "interpreter_used": data["interpreter_used"],
                        "summary": fill(data["summary"]),
                    },
                )
            elif kind == "journal":
                entry = documentation.add_journal_entry(
                    actor,
                    case,
                    {"text": fill(data["text"]), "effort_minutes": data["effort_minutes"]},
                )
                entry.at = _at(self.day(offset), minute)
            elif kind == "access":
                case_phases.record_access_decision(
                    actor,
                    case,
                    {
                        "admitted": data["admitted"],
                        "target_group": self.ctx["target_" + data["target"]][:200],
                        "reason": fill(data["reason"]),
                        "decided_on": self.day(offset),
                    },
                )
            elif kind == "phase":
                self._advance(actor, case, data["to"], data["reason"], offset, minute)
            elif kind == "goal":
                goals[data["key"]] = case_goals.save_goal(
                    actor,
                    self.tenant,
                    case,
                    {
                        "life_area": self._area(data["areas"]),
                        "title": fill(data["title"]),
                        "indicator": fill(data["indicator"]),
                        "priority": data["priority"],
                        "target_date": self.day(data["target"])
                        if data["target"] is not None
                        else None,
                        "status": data["status"],
                    },
                )
            elif kind == "item":
                plan = case_plans.editable_plan(actor, case)
                case_plans.save_plan_item(
                    actor,
                    case,
                    plan,
                    {
                        "goal_id": goals[data["goal"]].id,
                        "measure": fill(data["measure"]),
                        "responsible": data["responsible"],
                        "partner_name": fill(data["partner"]),
                        "due_on": self.day(data["due"]) if data["due"] is not None else None,
                        "status": data["status"],
                    },
                )
            elif kind == "item_status":
                plan = case_plans.editable_plan(actor, case)
                db.session.expire(plan, ["items"])
                wanted = fill(data["prefix"])
                row = next(i for i in plan.items if i.measure.startswith(wanted))
                case_plans.save_plan_item(
                    actor,
                    case,
                    plan,
                    {
                        "item_id": row.id,
                        "goal_id": row.goal_id,
                        "measure": row.measure,
                        "responsible": row.responsible,
                        "partner_name": row.partner_name,
                        "due_on": row.due_on,
                        "status": data["status"],
                    },
                )
            elif kind == "agree":
                plan = case_plans.editable_plan(actor, case)
                # save_plan_item does not add to plan.items; a collection loaded earlier in this
                # session (editable_plan refreshes a copied version) would miss the new measures.
                db.session.expire(plan, ["items"])
                case_plans.agree_plan(
                    actor,
                    case,
                    plan,
                    {
                        "agreed_on": self.day(offset),
                        "review_on": self.day(data["review"]),
                        "agreed_by_client": True,
                    },
                )
                self._retire_superseded_follow_ups(actor, case)
            elif kind == "follow_up":
                case_follow_ups.add_follow_up(
                    actor,
                    {
                        "case_id": case.id,
                        "due_on": self.day(offset),
                        "title": fill(data["title"]),
                        "assignee_id": owner.id,
                    },
                )
            elif kind == "tick":
                for row in db.session.scalars(
                    select(FollowUp).where(
                        FollowUp.case_id == case.id,
                        FollowUp.done_at.is_(None),
                        FollowUp.kind == "help_plan_due",
                        FollowUp.due_on <= self.day(offset),
                    )
                ):
                    case_follow_ups.complete_follow_up(actor, row)
            elif kind == "share":
                cases.share_case(actor, case, {"user_id": self.users[data["user"]].id})
            elif kind == "close":
                form = {
                    "closure_reason": data["reason"],
                    "closure_note": fill(data["note"]),
                    "closed_on": self.day(offset),
                    "evaluation_comment": fill(data["comment"]),
                    "follow_up_talk_on": self.day(offset + 180)
                    if data["talk"] is not None
                    else None,
                }
                for dimension, value in data["evaluation"].items():
                    form[f"evaluation_{dimension}"] = value
                form["goal_ratings"] = {
                    str(goals[key].id): value for key, value in data["ratings"].items()
                }
                cases.close_case(actor, self.tenant, case, form)
                self._stamp_transition(case, self.day(offset), minute)
            if offset is not None and kind not in ("follow_up", "tick"):
                last_day = max(last_day, offset)
        case.last_activity_at = _at(self.day(min(last_day, 0)), minute)
        return case

    def _advance(self, actor, case, target: str, reason: str, offset: int, minute: int) -> None:
        """Move forward one phase at a time (the Regelkreis checks every step)."""
        phases = [p.key for p in self.regelkreis.phases(case.case_type)]
        if target not in phases:
            return
        while phases.index(case.phase) < phases.index(target):
            step = phases[phases.index(case.phase) + 1]
            case_phases.move_to_phase(actor, self.tenant, case, {"phase": step, "reason": reason})
            self._stamp_transition(case, self.day(offset), minute)

    def _retire_superseded_follow_ups(self, actor, case) -> None:
        """Agreeing a new plan version leaves the follow-ups of the old version open; a case
        manager ticks them off (the copied measures have their own follow-ups now)."""
        old_plans = db.session.scalars(
            select(HelpPlan).where(HelpPlan.case_id == case.id, HelpPlan.status == "superseded")
        ).all()
        if not old_plans:
            return
        keys = {f"plan-review:{p.id}" for p in old_plans}
        item_ids = db.session.scalars(
            select(HelpPlanItem.id).where(HelpPlanItem.plan_id.in_([p.id for p in old_plans]))
        )
        keys |= {f"plan-item:{i}" for i in item_ids}
        for row in db.session.scalars(
            select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.done_at.is_(None))
        ):
            if row.source_key in keys:
                case_follow_ups.complete_follow_up(actor, row)


class _Format(dict):
    """``str.format_map`` values plus ``{d+7}``: a date relative to today, German style."""

    def __init__(self, values: dict, today: date):
        super().__init__(values)
        self.today = today

    def __missing__(self, key):
        if key.startswith("d") and key[1:].lstrip("+-").isdigit():
            return (self.today + timedelta(days=int(key[1:]))).strftime("%d.%m.%Y")
        raise KeyError(key)

    def format(self, text: str) -> str:
        return text.format_map(self) if text else text


def seed_cases(tenant, actor=None, *, today: date | None = None) -> int:
    """Create the demo cases of ``tenant`` (the caller binds it with ``tenant_scope``).

    Returns the number of cases created; does nothing (0) if the tenant has cases already or its
    demo accounts are missing. ``actor`` defaults to ``cm@<slug>.demo``.
    """
    if db.session.scalar(select(Case.id).limit(1)) is not None:
        return 0
    cm = actor or auth.find_user(f"cm@{tenant.slug}.demo")
    coord = auth.find_user(f"koordination@{tenant.slug}.demo") or cm
    if cm is None:
        return 0
    today = today or date.today()
    stories = list(JMD_STORIES) if tenant.slug == "jmd-oberhausen" else list(KIM_STORIES)
    if tenant.slug == "jmd-oberhausen":
        stories.append(_samira(-SAMIRA_IFP_DAYS_AGO))
    with force_locale(tenant.default_locale or "de"):
        seeder = _Seeder(tenant, {"cm": cm, "coord": coord}, today)
        for index, story in enumerate(stories):
            seeder.play(story, index)
        db.session.flush()
        # The nightly job adds what it would have found: expiring permits, inactive cases.
        case_follow_ups.generate_follow_ups(tenant, today)
        from core.demo_privacy import seed_privacy

        seed_privacy(tenant, cm, coord, today)
    return len(stories)
