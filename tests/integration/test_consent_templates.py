"""Consent form administration: templates and versions (draft → published → retired), recipient
categories, the Art. 13 information sheet, evidence upload with the consent record, and the API."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.consent.models import (
    ConsentRecord,
    ConsentTemplate,
    ConsentTemplateVersion,
    RecipientCategory,
)
from core.db import db
from core.documentation.models import Attachment
from core.tenancy.context import tenant_scope

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NOTICE = {
    "controller": "Kreis Fall, Integrationszentrum, Marktplatz 1",
    "dpo": "Datenschutzbeauftragte Kreis Fall, datenschutz@kreis-fall.de",
    "purposes": "Beratung und Vermittlung im Case Management",
    "legal_basis": "Art. 6 Abs. 1 Buchst. a DSGVO",
    "recipients": "Die angekreuzten Stellen",
    "storage": "Solange die Beratung andauert",
    "rights": "Auskunft, Berichtigung, Löschung",
    "authority": "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen",
}


def _de(app, msgid, **kwargs):
    """The German page text of a msgid (the catalog's translation, else the msgid itself)."""
    with app.test_request_context(), force_locale("de"):
        return str(escape(gettext(msgid, **kwargs)))


def _count(app, tenant, model, *where):
    with app.app_context(), tenant_scope(tenant):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _audits(app, tenant, action):
    return _count(app, tenant, AuditEvent, AuditEvent.action == action)


@pytest.fixture
def dpo(kreis, signed_in):
    browser = signed_in(kreis, roles=["dpo"], name="Dora Datenschutz")
    return browser


def _draft_form(lang_texts, **extra):
    data = {"languages": list(lang_texts), "action": "save", "purposes": ["counselling"]}
    for lang, (purpose, body) in lang_texts.items():
        data[f"texts.{lang}.purpose"] = purpose
        data[f"texts.{lang}.body"] = body
    for name, value in NOTICE.items():
        data[f"privacy_notice.{name}"] = value
    data.update(extra)
    return data


def _new_template(
    dpo, key="processing-jmd", kind="processing", title="Einwilligung Datenverarbeitung"
):
    dpo.get("/fall/consent-forms/")  # creates the tenant's default form and recipient categories
    dpo.get("/fall/consent-forms/new")
    response = dpo.post("/fall/consent-forms/new", {"key": key, "kind": kind, "title": title})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _new_draft(dpo, template_id):
    dpo.get(f"/fall/consent-forms/{template_id}")
    response = dpo.post(f"/fall/consent-forms/{template_id}/versions")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _version(app, tenant, version_id):
    with app.app_context(), tenant_scope(tenant):
        version = db.session.scalar(
            select(ConsentTemplateVersion).where(ConsentTemplateVersion.id == version_id)
        )
        db.session.expunge(version)
        return version


def _default_version_id(app, tenant):
    with app.app_context(), tenant_scope(tenant):
        return db.session.scalar(
            select(ConsentTemplateVersion.id)
            .join(ConsentTemplate, ConsentTemplate.id == ConsentTemplateVersion.template_id)
            .where(ConsentTemplate.key == "release")
        )


def test_template_draft_publish_freeze_and_copy(app, kreis, dpo):
    status, html = dpo.text("/fall/consent-forms/")
    assert status == 200 and "Einwilligung und Schweigepflichtentbindung" in html
    # The default form exists in German, English and Arabic, and the list says so.
    for language in ("German", "English", "Arabic"):
        assert _de(app, language) in html
    assert _de(app, "Consent forms") in dpo.get("/fall/").get_data(as_text=True)  # menu entry

    dpo.get("/fall/consent-forms/new")
    bad = dpo.post("/fall/consent-forms/new", {"key": "Bad Key", "kind": "nonsense", "title": ""})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "error-summary" in page and "Bitte wählen Sie einen Wert aus der Liste." in page
    assert _count(app, kreis, ConsentTemplate) == 1

    template_id = _new_template(dpo)
    assert _audits(app, kreis, "consent.template_created") == 1
    version_id = _new_draft(dpo, template_id)
    draft = _version(app, kreis, version_id)
    assert draft.number == 1 and draft.published_at is None
    assert draft.privacy_notice["authority"].startswith(
        "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen"
    )

    # Bad input: German form errors, nothing written.
    edit = f"/fall/consent-forms/versions/{version_id}"
    status, html = dpo.text(edit)
    assert status == 200 and 'name="texts.de.purpose"' in html
    bad = dpo.post(
        edit,
        _draft_form(
            {"de": ("", "")},
            valid_months="zwölf",
            recipient_keys=["gibt-es-nicht"],
            **{"privacy_notice.authority": ""},
        ),
    )
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "error-summary" in page and "Bitte geben Sie eine ganze Zahl ein." in page
    assert _de(app, "Please enter the German text.") in page
    assert _de(app, "The information sheet needs this part (Art. 13 GDPR).") in page
    assert 'id="f-texts.de.purpose"' in page and "aria-invalid" in page
    assert _version(app, kreis, version_id).texts == draft.texts
    assert _audits(app, kreis, "consent.version_changed") == 0

    # Adding a language only shows its fields (right-to-left for Arabic); nothing is written.
    added = dpo.post(
        edit,
        {**_draft_form({"de": ("Zweck", "Text")}), "action": "add_language", "add_language": "ar"},
    )
    assert added.status_code == 200
    page = added.get_data(as_text=True)
    assert 'name="texts.ar.purpose"' in page and '<div lang="ar" dir="rtl">' in page
    assert "ar" not in _version(app, kreis, version_id).texts

    # A further language needs both texts.
    half = dpo.post(edit, _draft_form({"de": ("Zweck", "Text"), "en": ("Purpose", "")}))
    assert half.status_code == 400 and 'id="e-texts.en.body-1"' in half.get_data(as_text=True)

    arabic = _draft_form(
        {
            "de": ("Beratung im Case Management", "Ich willige ein."),
            "ar": ("الاستشارة", "أوافق على معالجة بياناتي."),
        },
        valid_months="24",
    )
    ok = dpo.post(edit, arabic)
    assert ok.status_code == 302, ok.get_data(as_text=True)[:3000]
    saved = _version(app, kreis, version_id)
    assert saved.texts["ar"]["purpose"] == "الاستشارة" and saved.valid_months == 24
    assert saved.privacy_notice == NOTICE and saved.purposes == ["counselling"]
    assert _audits(app, kreis, "consent.version_changed") == 1

    # Removing a language on save.
    dpo.get(edit)
    removed = dpo.post(
        edit,
        {
            **_draft_form(
                {"de": ("Beratung im Case Management", "Ich willige ein."), "ar": ("", "")}
            ),
            "remove_language": ["ar"],
        },
    )
    assert removed.status_code == 302 and set(_version(app, kreis, version_id).texts) == {"de"}
    readded = dpo.post(edit, arabic)
    assert readded.status_code == 302

    published = dpo.post(f"/fall/consent-forms/versions/{version_id}/publish")
    assert published.status_code == 302
    assert _version(app, kreis, version_id).published_at is not None
    assert _audits(app, kreis, "consent.version_published") == 1
    with app.app_context(), tenant_scope(kreis):
        details = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action.like("consent.%"))
        ).all()
        assert all(isinstance(v, int | list | type(None)) for d in details for v in d.values())

    # Published versions are frozen.
    frozen = dpo.post(edit, _draft_form({"de": ("Anders", "Anders")}))
    assert frozen.status_code == 409
    assert _version(app, kreis, version_id).texts["de"]["purpose"] == "Beratung im Case Management"
    assert dpo.post(f"/fall/consent-forms/versions/{version_id}/publish").status_code == 409
    status, html = dpo.text(edit)
    assert status == 200 and 'name="texts.de.purpose"' not in html and "الاستشارة" in html

    # A new draft is the way: it copies the texts.
    second_id = _new_draft(dpo, template_id)
    second = _version(app, kreis, second_id)
    assert second.number == 2 and second.texts == saved.texts and second.privacy_notice == NOTICE
    again = dpo.post(f"/fall/consent-forms/{template_id}/versions")
    assert (
        again.status_code == 302
        and _count(
            app, kreis, ConsentTemplateVersion, ConsentTemplateVersion.template_id == template_id
        )
        == 2
    )
    status, html = dpo.text(f"/fall/consent-forms/{template_id}")
    assert (
        _de(app, "Arabic") in html and _de(app, "draft") in html and _de(app, "published") in html
    )

    asked = dpo.post(f"/fall/consent-forms/versions/{version_id}/retire")
    assert asked.status_code == 200 and _version(app, kreis, version_id).retired_at is None
    retired = dpo.post(f"/fall/consent-forms/versions/{version_id}/retire", {"confirmed": "1"})
    assert retired.status_code == 302 and _version(app, kreis, version_id).retired_at is not None
    assert _audits(app, kreis, "consent.version_retired") == 1


def test_publishing_needs_a_complete_draft(app, kreis, dpo):
    template_id = _new_template(
        dpo,
        key="release-jmd",
        kind="confidentiality_release",
        title="Schweigepflichtentbindung JMD",
    )
    version_id = _new_draft(dpo, template_id)
    response = dpo.post(f"/fall/consent-forms/versions/{version_id}/publish")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _de(app, "Please enter the German text.") in page
    assert _version(app, kreis, version_id).published_at is None


def test_information_sheet_has_all_art13_fields_and_rtl(app, kreis, cm, browser, dpo, new_person):
    person_id = new_person()
    status, html = browser.text(f"/fall/persons/{person_id}/consents")
    assert status == 200
    version_id = _default_version_id(app, kreis)
    assert f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=de" in html
    assert (
        f"/fall/persons/{person_id}/consents/form/{version_id}?lang=ar" in html
    )  # language chooser of the form
    with app.app_context(), tenant_scope(kreis):
        notice = db.session.scalar(
            select(ConsentTemplateVersion.privacy_notice).where(
                ConsentTemplateVersion.id == version_id
            )
        )
    assert set(notice) == {
        "controller",
        "dpo",
        "purposes",
        "legal_basis",
        "recipients",
        "storage",
        "rights",
        "authority",
    }
    assert notice["controller"] == "Kreis Fall"
    # Case managers hand it out; the DPO sees it too.
    for who in (browser, dpo):
        status, page = who.text(
            f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=de"
        )
        assert status == 200
        for value in notice.values():
            assert str(escape(value)) in page
        for heading in (
            "Controller",
            "Data protection officer",
            "Purposes of the processing",
            "Legal basis",
            "Recipients or categories of recipients",
            "Storage period",
            "Rights of the data subject",
            "Supervisory authority",
        ):
            assert _de(app, heading) in page
        assert "Kavalleriestraße 2–4, 40213 Düsseldorf" in page
        assert (
            "Jobcenter / Agentur für Arbeit" in page
        )  # the recipient list comes from the categories
    status, page = browser.text(
        f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=ar"
    )
    assert status == 200 and 'dir="rtl"' in page and 'lang="ar"' in page and "إدارة الحالات" in page
    status, page = browser.text(
        f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=en"
    )
    assert status == 200 and 'dir="rtl"' not in page and "Identifying support needs" in page
    assert (
        browser.get(
            f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=xx"
        ).status_code
        == 404
    )
    # The printed consent form is right-to-left in Arabic as well.
    status, page = browser.text(f"/fall/persons/{person_id}/consents/form/{version_id}?lang=ar")
    assert status == 200 and 'dir="rtl"' in page
    # The same form as PDF, in the client's language and with the person's name.
    pdf = browser.get(f"/fall/persons/{person_id}/consents/form/{version_id}.pdf?lang=ar")
    assert (
        pdf.status_code == 200
        and pdf.data.startswith(b"%PDF")
        and pdf.mimetype == "application/pdf"
    )
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    with app.app_context(), tenant_scope(kreis):
        from core.persons.models import Person

        name = db.session.get(Person, person_id).last_name
    assert name in text and "Jobcenter" in text
    assert _audits(app, kreis, "consent.form_printed") >= 2
    # Drafts are not handed out by case managers.
    template_id = _new_template(dpo)
    draft_id = _new_draft(dpo, template_id)
    assert (
        browser.get(f"/fall/persons/{person_id}/consents/form/{draft_id}.pdf?lang=de").status_code
        == 404
    )
    assert (
        browser.get(
            f"/fall/consent-forms/versions/{draft_id}/information-sheet?lang=de"
        ).status_code
        == 404
    )
    assert (
        browser.get(f"/fall/persons/{person_id}/consents/form/{draft_id}?lang=de").status_code
        == 404
    )
    assert (
        dpo.get(f"/fall/consent-forms/versions/{draft_id}/information-sheet?lang=de").status_code
        == 200
    )


def test_case_manager_cannot_administer_forms(app, kreis, cm, browser, dpo):
    template_id = _new_template(dpo)
    version_id = _new_draft(dpo, template_id)
    category_id = _category_id(app, kreis, "jobcenter")
    for path in (
        "/fall/consent-forms/",
        "/fall/consent-forms/new",
        f"/fall/consent-forms/{template_id}",
        f"/fall/consent-forms/versions/{version_id}",
        "/fall/consent-forms/recipients",
    ):
        assert browser.get(path).status_code == 403, path
    browser.get("/fall/")
    for path in (
        f"/fall/consent-forms/{template_id}/versions",
        f"/fall/consent-forms/versions/{version_id}/publish",
        f"/fall/consent-forms/versions/{version_id}/retire",
        f"/fall/consent-forms/recipients/{category_id}/active",
    ):
        assert browser.post(path, {"active": "0"}).status_code == 403, path
    assert _de(app, "Consent forms") not in browser.get("/fall/").get_data(as_text=True)
    api = browser.client
    assert api.get("/fall/api/v1/consent-templates").status_code == 403
    assert api.get(f"/fall/api/v1/consent-templates/versions/{version_id}").status_code == 403
    assert (
        api.post(
            f"/fall/api/v1/consent-templates/versions/{version_id}/publish",
            headers={"X-CSRFToken": browser.token},
        ).status_code
        == 403
    )
    assert _version(app, kreis, version_id).published_at is None


def test_local_admin_may_administer_forms(kreis, signed_in):
    admin = signed_in(kreis, roles=["tenant_admin"])
    assert admin.get("/fall/consent-forms/").status_code == 200


def _set_active(dpo, category_id, active: str):
    """The DSB switches a recipient category on ("1") or off ("0") → the response."""
    dpo.get("/fall/consent-forms/recipients")
    url = f"/fall/consent-forms/recipients/{category_id}/active"
    return dpo.post(url, {"active": active})


def _category_id(app, tenant, key):
    with app.app_context(), tenant_scope(tenant):
        return db.session.scalar(select(RecipientCategory.id).where(RecipientCategory.key == key))


def test_other_tenant_gets_404_for_templates_and_versions(app, kreis, dpo, make_tenant, signed_in):
    template_id = _new_template(dpo)
    version_id = _new_draft(dpo, template_id)
    category_id = _category_id(app, kreis, "jobcenter")
    other = make_tenant("anders")
    stranger = signed_in(other, roles=["dpo", "tenant_admin", "case_manager"])
    assert stranger.get("/anders/consent-forms/").status_code == 200  # own defaults are created
    for path in (
        f"/anders/consent-forms/{template_id}",
        f"/anders/consent-forms/versions/{version_id}",
        f"/anders/consent-forms/versions/{version_id}/information-sheet?lang=de",
    ):
        assert stranger.get(path).status_code == 404, path
    for path in (
        f"/anders/consent-forms/{template_id}/versions",
        f"/anders/consent-forms/versions/{version_id}",
        f"/anders/consent-forms/versions/{version_id}/publish",
        f"/anders/consent-forms/versions/{version_id}/retire",
        f"/anders/consent-forms/recipients/{category_id}/active",
    ):
        assert stranger.post(path, _draft_form({"de": ("x", "y")})).status_code == 404, path
    api, headers = stranger.client, {"X-CSRFToken": stranger.token}
    assert api.get(f"/anders/api/v1/consent-templates/versions/{version_id}").status_code == 404
    assert (
        api.patch(
            f"/anders/api/v1/consent-templates/versions/{version_id}",
            json={"processing_bodies": "x"},
            headers=headers,
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/anders/api/v1/consent-templates/{template_id}/versions", headers=headers
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/anders/api/v1/consent-templates/versions/{version_id}/publish", headers=headers
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/anders/api/v1/consent-templates/versions/{version_id}/retire", headers=headers
        ).status_code
        == 404
    )
    assert all(t["key"] == "release" for t in api.get("/anders/api/v1/consent-templates").json)
    # And the other tenant's own URL space for tenant A answers 404 as well.
    assert stranger.get(f"/fall/consent-forms/{template_id}").status_code == 404
    assert _version(app, kreis, version_id).published_at is None


def test_recipient_categories_are_added_and_switched_off(app, kreis, dpo):
    status, html = dpo.text("/fall/consent-forms/recipients")
    assert status == 200 and "Jobcenter / Agentur für Arbeit" in html
    bad = dpo.post("/fall/consent-forms/recipients", {"key": "jobcenter", "name": ""})
    assert bad.status_code == 400 and "error-summary" in bad.get_data(as_text=True)
    ok = dpo.post(
        "/fall/consent-forms/recipients", {"key": "immigration_office", "name": "Ausländerbehörde"}
    )
    assert ok.status_code == 302
    category_id = _category_id(app, kreis, "immigration_office")
    assert _audits(app, kreis, "consent.category_created") == 1
    assert _set_active(dpo, category_id, "0").status_code == 302
    with app.app_context(), tenant_scope(kreis):
        assert (
            db.session.scalar(
                select(RecipientCategory.active).where(RecipientCategory.id == category_id)
            )
            is False
        )
    # Inactive categories are not offered in a draft.
    template_id = _new_template(
        dpo, key="release-x", kind="confidentiality_release", title="Entbindung X"
    )
    version_id = _new_draft(dpo, template_id)
    assert "Ausländerbehörde" not in dpo.get(f"/fall/consent-forms/versions/{version_id}").get_data(
        as_text=True
    )
    assert _set_active(dpo, category_id, "1").status_code == 302
    assert "Ausländerbehörde" in dpo.get(f"/fall/consent-forms/versions/{version_id}").get_data(
        as_text=True
    )
    assert (
        _audits(app, kreis, "consent.category_deactivated") == 1
        and _audits(app, kreis, "consent.category_reactivated") == 1
    )
    assert _count(app, kreis, RecipientCategory, RecipientCategory.key == "immigration_office") == 1


# --- evidence ------------------------------------------------------------------------------


def _consent_form(app, tenant, **extra):
    data = {
        "template_version_id": str(_default_version_id(app, tenant)),
        "recipient_keys": ["jobcenter"],
        "purposes": ["referral"],
        "language": "de",
        "signed_by": "self",
    }
    data.update(extra)
    return data


def test_evidence_upload_is_filed_and_linked(app, kreis, cm, browser, new_person, new_case):
    person_id = new_person()
    case_id = new_case(person_id)
    url = f"/fall/persons/{person_id}/consents"
    status, html = browser.text(url)
    assert (
        'enctype="multipart/form-data"' in html
        and 'name="evidence"' in html
        and 'name="csrf_token"' in html
    )
    response = browser.post(
        url,
        {
            **_consent_form(app, kreis),
            "evidence": (io.BytesIO(PDF), "Einwilligung unterschrieben.pdf"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context(), tenant_scope(kreis):
        record = db.session.scalar(select(ConsentRecord))
        attachment = db.session.scalar(
            select(Attachment).where(Attachment.id == record.evidence_id)
        )
        assert (
            attachment is not None
            and attachment.case_id == case_id
            and attachment.content_type == "application/pdf"
        )
        attachment_id = attachment.id
    assert _audits(app, kreis, "consent.evidence_added") == 1
    html = browser.get(url).get_data(as_text=True)
    link = f"/fall/cases/{case_id}/documents/{attachment_id}"
    assert (
        _de(app, "Evidence") in html and link in html and "Einwilligung unterschrieben.pdf" in html
    )
    download = browser.get(link)
    assert download.status_code == 200 and download.data == PDF
    # Without a file the history says so.
    assert browser.post(url, _consent_form(app, kreis)).status_code == 302
    assert _de(app, "no evidence on file") in browser.get(url).get_data(as_text=True)


def test_disguised_or_forbidden_evidence_writes_nothing(
    app, kreis, cm, browser, new_person, new_case
):
    person_id = new_person()
    new_case(person_id)
    url = f"/fall/persons/{person_id}/consents"
    browser.get(url)
    disguised = browser.post(
        url,
        {
            **_consent_form(app, kreis),
            "evidence": (io.BytesIO(b"MZ\x90\x00\x03 not a pdf"), "scan.pdf"),
        },
    )
    assert disguised.status_code == 400
    page = disguised.get_data(as_text=True)
    assert "Der Inhalt der Datei passt nicht zum Dateityp." in page and 'id="f-evidence"' in page
    forbidden = browser.post(
        url, {**_consent_form(app, kreis), "evidence": (io.BytesIO(b"MZ\x90\x00"), "scan.exe")}
    )
    assert forbidden.status_code == 400
    assert _de(app, "Please upload the signed form as PDF, JPG or PNG.") in forbidden.get_data(
        as_text=True
    )
    # An invalid consent and a file: both are reported, nothing is written.
    both = browser.post(
        url,
        {
            **_consent_form(app, kreis, recipient_keys=[]),
            "evidence": (io.BytesIO(b"x"), "scan.exe"),
        },
    )
    assert both.status_code == 400 and _de(
        app, "Please upload the signed form as PDF, JPG or PNG."
    ) in both.get_data(as_text=True)
    assert _count(app, kreis, ConsentRecord) == 0 and _count(app, kreis, Attachment) == 0
    assert _audits(app, kreis, "consent.recorded") == 0


def test_evidence_needs_a_case(app, kreis, cm, browser, new_person):
    person_id = new_person()
    url = f"/fall/persons/{person_id}/consents"
    browser.get(url)
    response = browser.post(
        url, {**_consent_form(app, kreis), "evidence": (io.BytesIO(PDF), "scan.pdf")}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        _de(
            app,
            "The signed form is filed in the person's case, but this person has no case yet. "
            "Please open a case first or record the consent without the file.",
        )
        in page
    )
    assert re.search(r'<p class="field__error" id="e-evidence-1">', page)
    assert _count(app, kreis, ConsentRecord) == 0 and _count(app, kreis, Attachment) == 0
    # Without the file the consent can be recorded.
    assert browser.post(url, _consent_form(app, kreis)).status_code == 302


# --- API -----------------------------------------------------------------------------------


def test_consent_template_api(app, kreis, dpo):
    api, headers = dpo.client, {"X-CSRFToken": dpo.token}
    rows = api.get("/fall/api/v1/consent-templates").json
    default = next(t for t in rows if t["key"] == "release")
    assert (
        default["versions"][0]["languages"] == ["de", "en", "ar"]
        and default["versions"][0]["status"] == "published"
    )
    schema_bad = api.post(
        "/fall/api/v1/consent-templates", json={"key": "x", "kind": "nope"}, headers=headers
    )
    assert schema_bad.status_code == 422 and {"kind", "title"} <= set(schema_bad.json["errors"])
    service_bad = api.post(
        "/fall/api/v1/consent-templates",
        json={"key": "Bad Key", "kind": "processing", "title": "X"},
        headers=headers,
    )
    assert service_bad.status_code == 422 and "key" in service_bad.json["errors"]
    duplicate = api.post(
        "/fall/api/v1/consent-templates",
        json={"key": "release", "kind": "processing", "title": "X"},
        headers=headers,
    )
    assert duplicate.status_code == 422 and "key" in duplicate.json["errors"]
    created = api.post(
        "/fall/api/v1/consent-templates",
        json={
            "key": "processing-jmd",
            "kind": "processing",
            "title": "Einwilligung Datenverarbeitung",
        },
        headers=headers,
    )
    assert created.status_code == 201 and created.json["versions"] == []
    template_id = created.json["id"]

    draft = api.post(f"/fall/api/v1/consent-templates/{template_id}/versions", headers=headers)
    assert (
        draft.status_code == 201 and draft.json["status"] == "draft" and draft.json["number"] == 1
    )
    version_id = draft.json["id"]
    second = api.post(f"/fall/api/v1/consent-templates/{template_id}/versions", headers=headers)
    assert second.status_code == 422 and "version" in second.json["errors"]

    url = f"/fall/api/v1/consent-templates/versions/{version_id}"
    unknown_language = api.patch(
        url, json={"texts": {"xx": {"purpose": "a", "body": "b"}}}, headers=headers
    )
    # An unknown language is an error of "texts" as a whole (the form names no field "xx").
    assert unknown_language.status_code == 422
    assert list(unknown_language.json["errors"]) == ["texts"]
    bad_months = api.patch(url, json={"valid_months": 0, "purposes": ["nope"]}, headers=headers)
    assert bad_months.status_code == 422
    # A list's item errors are reported under the list's name (core.schemas.Many).
    assert {"valid_months", "purposes"} <= set(bad_months.json["errors"])
    no_german = api.patch(
        url,
        json={"texts": {"en": {"purpose": "Purpose", "body": "Body"}}, "purposes": ["counselling"]},
        headers=headers,
    )
    assert no_german.status_code == 422 and "texts.de.purpose" in no_german.json["errors"]
    assert _version(app, kreis, version_id).texts == {"de": {"purpose": "", "body": ""}}

    patched = api.patch(
        url,
        json={
            "texts": {
                "de": {"purpose": "Beratung", "body": "Ich willige ein."},
                "fa": {"purpose": "مشاوره", "body": "موافقم."},
            },
            "purposes": ["counselling"],
            "valid_months": 12,
            "privacy_notice": {"storage": "Zwei Jahre"},
        },
        headers=headers,
    )
    assert patched.status_code == 200, patched.json
    assert (
        patched.json["languages"] == ["de", "fa"]
        and patched.json["privacy_notice"]["storage"] == "Zwei Jahre"
    )
    assert (
        patched.json["privacy_notice"]["controller"] == "Kreis Fall"
    )  # the rest of the sheet stays
    got = api.get(url).json
    assert (
        got["texts"]["fa"]["purpose"] == "مشاوره"
        and got["purposes"] == ["counselling"]
        and got["recipient_keys"] == []
    )
    assert set(got["privacy_notice"]) == set(NOTICE)

    published = api.post(f"{url}/publish", headers=headers)
    assert published.status_code == 200 and published.json["status"] == "published"
    refused = api.patch(url, json={"processing_bodies": "Anders"}, headers=headers)
    assert refused.status_code == 409
    assert refused.json["message"] == _de(
        app, "This version is published and can no longer be changed. Create a new draft instead."
    )
    assert api.post(f"{url}/publish", headers=headers).status_code == 409
    assert _version(app, kreis, version_id).processing_bodies != "Anders"

    copy = api.post(f"/fall/api/v1/consent-templates/{template_id}/versions", headers=headers)
    assert (
        copy.status_code == 201 and copy.json["number"] == 2 and copy.json["texts"] == got["texts"]
    )
    listed = next(
        t for t in api.get("/fall/api/v1/consent-templates").json if t["id"] == template_id
    )
    assert [(v["number"], v["status"], v["languages"]) for v in listed["versions"]] == [
        (2, "draft", ["de", "fa"]),
        (1, "published", ["de", "fa"]),
    ]

    retired = api.post(f"{url}/retire", headers=headers)
    assert retired.status_code == 200 and retired.json["status"] == "retired"
    assert api.post(f"{url}/retire", headers=headers).status_code == 422
    assert (
        api.post(
            f"/fall/api/v1/consent-templates/versions/{copy.json['id']}/retire", headers=headers
        ).status_code
        == 422
    )
    assert api.get("/fall/api/v1/consent-templates/versions/999999").status_code == 404
    assert (
        _audits(app, kreis, "consent.version_published") == 1
        and _audits(app, kreis, "consent.version_retired") == 1
    )


def test_draft_of_an_old_version_completes_the_information_sheet(app, kreis, dpo):
    dpo.get("/fall/consent-forms/")
    version_id = _default_version_id(app, kreis)
    with app.app_context(), tenant_scope(kreis):
        # Tenants set up before the sheet existed have only the controller in version 1.
        old = db.session.scalar(
            select(ConsentTemplateVersion).where(ConsentTemplateVersion.id == version_id)
        )
        old.privacy_notice, old.texts = {"controller": "Stadt Alt"}, {"de": old.texts["de"]}
        template_id = old.template_id
        db.session.commit()
    draft = _version(app, kreis, _new_draft(dpo, template_id))
    assert draft.number == 2 and set(draft.texts) == {"de"}
    assert draft.privacy_notice["controller"] == "Stadt Alt"
    assert draft.privacy_notice["authority"].startswith("Landesbeauftragte für Datenschutz")
    assert all(draft.privacy_notice.values())


def test_information_sheet_speaks_the_client_language(app, kreis, cm, browser, dpo):
    """Headings and Art. 13 texts in the sheet's language; untranslated parts stay German."""
    dpo.get("/fall/consent-forms/")
    version_id = _default_version_id(app, kreis)
    status, page = dpo.text(f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=ar")
    assert status == 200 and "الجهة المسؤولة" in page and "السلطة الرقابية" in page
    assert "لك الحق في الاطلاع" in page  # the rights, translated
    assert (
        "Kavalleriestraße 2–4" in page and 'lang="de" dir="ltr"' in page
    )  # the authority's address, in German
    status, page = dpo.text(f"/fall/consent-forms/versions/{version_id}/information-sheet?lang=en")
    assert "Supervisory authority" in page and "You have the right of access" in page
    # A translator fills the Turkish sheet in a draft; an over-long part is refused by name.
    template_id = _new_template(dpo)
    draft_id = _new_draft(dpo, template_id)
    dpo.get(f"/fall/consent-forms/versions/{draft_id}")
    form = _draft_form(
        {"de": ("Zweck", "Text"), "tr": ("Amaç", "Metin")}, **{"texts.tr.notice.rights": "x" * 5000}
    )
    refused = dpo.post(f"/fall/consent-forms/versions/{draft_id}", form)
    assert (
        refused.status_code == 400
        and 'aria-invalid="true"' in refused.get_data(as_text=True)
        and "4000" in refused.get_data(as_text=True)
    )
    form["texts.tr.notice.rights"] = "Bilgi edinme hakkınız vardır (md. 15)."
    assert dpo.post(f"/fall/consent-forms/versions/{draft_id}", form).status_code == 302
    assert _version(app, kreis, draft_id).texts["tr"]["notice"] == {
        "rights": "Bilgi edinme hakkınız vardır (md. 15)."
    }
    status, page = dpo.text(f"/fall/consent-forms/versions/{draft_id}/information-sheet?lang=tr")
    assert "İlgili kişinin hakları" in page and "Bilgi edinme hakkınız" in page
