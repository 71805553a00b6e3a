"""A tenant's own consent wording (tenant setting ``consent_release``): the Stadt Oberhausen's
consent form and information sheet (Anlage 9.2.5 and 9.3.4) are its consent template when the
tenant is loaded from its tenant.toml: German verbatim, controller and DPO of the city, the nine
recipient categories of the form."""

from __future__ import annotations

from sqlalchemy import select

SEED_SENTENCES = [
    # Anlage 9.2.5, verbatim
    "Ich bin damit einverstanden, dass im Rahmen des KIM-Case-Managements meine "
    "personenbezogenen Daten, d.h. alle Informationen, die ich im persönlichen Gespräch sowie in "
    "Form schriftlicher Unterlagen über mich und ggf. über meine minderjährigen Kinder angebe, "
    "verarbeitet werden.",
    "Ich kann die Einwilligung jederzeit für die Zukunft schriftlich gegenüber dem "
    "KIM-Case-Management widerrufen.",
    "Außerdem entbinde ich hiermit die Case-Manager*innen des Kommunalen "
    "Integrationsmanagements, d.h. die Mitarbeitenden der Stadt Oberhausen und der o.g. freien "
    "Träger von der ihnen obliegenden Schweigepflicht des § 203 Strafgesetzbuchs (StGB) "
    "gegenüber folgenden Institutionen/ Personen:",
    "Diese Entbindungserklärung ist freiwillig und kann jederzeit schriftlich widerrufen werden.",
    "Dieses erhalte ich auf Wunsch in Papierform.",
]

CATEGORIES = [
    "Beteiligte Stellen der Stadtverwaltung (insbesondere: Existenzsichernde Leistungen, "
    "Erzieherische Hilfen, Ärztlicher Dienst)",
    "Schulen, Schulsozialarbeit, Betreiber des offenen Ganztags in Schulen, "
    "Kindertageseinrichtungen",
    "Auftragsverarbeiter (z.B.: OGM/SBO, IT-Dienstleister)",
    "nicht-städtische Sucht- und Rechtsberatungsstellen",
    "Jobcenter Oberhausen / Agentur für Arbeit",
    "Anbieter von Leistungen für Bildung und Teilhabe",
    "Freie Träger und Wohlfahrtsverbände",
    "Übersetzungsbüros und Dolmetscher",
    "Vermieter",
]


def test_oberhausen_gets_its_own_consent_form_and_information_sheet(app):
    from core.cli import load_tenant
    from core.consent.models import ConsentTemplate, ConsentTemplateVersion, RecipientCategory
    from core.db import db
    from core.tenancy.context import tenant_scope

    with app.app_context():
        tenant, _created = load_tenant("oberhausen")
        db.session.commit()
        with tenant_scope(tenant):
            template = db.session.scalar(
                select(ConsentTemplate).where(ConsentTemplate.key == "release")
            )
            assert template.title == (
                "Einwilligungserklärung zur Datenverarbeitung und "
                "Schweigepflichtentbindungserklärung"
            )
            version = db.session.scalar(
                select(ConsentTemplateVersion).where(
                    ConsentTemplateVersion.template_id == template.id
                )
            )
            assert version.published_at is not None and version.number == 1
            body = version.texts["de"]["body"]
            for sentence in SEED_SENTENCES:
                assert sentence in body, sentence
            assert version.texts["de"]["purpose"] == (
                "Die Datenverarbeitung dient der Ermittlung von Unterstützungsbedarfen, der "
                "Beratung sowie der Vermittlung von Hilfen."
            )
            # English and Arabic are full translations of this wording (not the default texts).
            assert sorted(version.texts) == ["ar", "de", "en"]
            assert "section 203 of the German Criminal Code" in version.texts["en"]["body"]
            assert "المادة 203" in version.texts["ar"]["body"]
            assert "oberhausen.de" in version.texts["ar"]["notice"]["controller"]
            notice = version.privacy_notice
            assert notice["controller"].startswith("Stadt Oberhausen, Der Oberbürgermeister")
            assert "kommunales-integrationszentrum@oberhausen.de" in notice["controller"]
            assert notice["dpo"].startswith("Stadt Oberhausen, behördliche Datenschutzbeauftragte")
            assert "datenschutz@oberhausen.de" in notice["dpo"]
            assert notice["storage"] == (
                "Solange der Beratungs- und Unterstützungsprozess zur Integration andauert."
            )
            assert notice["legal_basis"] == (
                "Art. 6 Abs. 1 Satz 1 Buchst. a) und Art. 9 Abs. 2 Buchst. a) DSGVO i.V.m. der "
                "Einwilligung"
            )
            assert "Migrationsberatung" in notice["recipients"]
            names = list(
                db.session.scalars(select(RecipientCategory.name).order_by(RecipientCategory.id))
            )
            assert names == CATEGORIES
            assert len(version.recipient_keys) == 9
