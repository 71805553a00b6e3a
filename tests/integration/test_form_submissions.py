"""Form submissions through the real app: the "Formulare" tab, drafts, finalising with full
validation (German errors at the fields, nothing stored), immutable finals, corrections as new
versions, the hook ``lotse_form_saved``, the phase requirement per form, and the core
assessment form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from core.db import db
from core.forms import submissions
from core.forms.models import FinalSubmissionChanged, FormSubmission
from core.schemas import ValidationError
from tests.integration.forms_kit import (
    KEY,
    VALID,
    in_tenant,
    saved,
)


def _count(app, tenant, *where) -> int:
    with in_tenant(app, tenant):
        return db.session.scalar(select(func.count()).select_from(FormSubmission).where(*where))


def _start(forms_world, tenant="a", key=KEY):
    browser, case = forms_world[f"{tenant}_browser"], forms_world[f"{tenant}_case"]
    slug = forms_world[tenant].slug
    browser.get(f"/{slug}/cases/{case.id}/tabs/forms")
    response = browser.post(f"/{slug}/cases/{case.id}/forms/start", {"form_key": key})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _post(forms_world, sid, data, tenant="a", **extra):
    browser, case = forms_world[f"{tenant}_browser"], forms_world[f"{tenant}_case"]
    url = f"/{forms_world[tenant].slug}/cases/{case.id}/forms/{sid}"
    browser.get(url)
    return browser.post(url, {**data, **extra})


def _finalise(forms_world, sid, tenant="a"):
    browser, case = forms_world[f"{tenant}_browser"], forms_world[f"{tenant}_case"]
    url = f"/{forms_world[tenant].slug}/cases/{case.id}/forms/{sid}/finalise"
    browser.get(url)
    return browser.post(url, {})


def _row(app, tenant, sid) -> FormSubmission:
    with in_tenant(app, tenant):
        row = db.session.get(FormSubmission, sid)
        db.session.expunge(row)
        return row


FORM = {
    "name": "Erika Beispiel",
    "fazit": "krise",
    "krise_grund": "Wohnungsverlust droht",
    "zg2_unterversorgung": "1",
    "zg2_bereiche": ["arbeit", "wohnen", "sprache"],
}


def test_the_forms_tab_offers_the_phase_forms_first(forms_world):
    browser, case, slug = forms_world["a_browser"], forms_world["a_case"], forms_world["a"].slug
    status, html = browser.text(f"/{slug}/cases/{case.id}/tabs/forms")
    assert status == 200
    assert "Formulare" in html
    # The case is in its first phase (intake): the fixture form (access_check) and the
    # assessment (assessment) are among the others, both offered.
    assert "Checkliste Zugang (Test)" in html
    assert "Assessment (Situationsanalyse nach Lebensbereichen)" in html
    assert "Notiz zur Person (Test)" not in html  # a person form is not a case form
    with in_tenant(forms_world["app"], forms_world["a"]) as tenant:
        from core.cases.models import Case

        c = db.session.get(Case, case.id)
        c.phase = "access_check"
        in_phase, others = submissions.offered_for_case(tenant, c)
        assert [d.key for d in in_phase] == [KEY]
        assert "core.assessment" in [d.key for d in others]
        c.phase = "assessment"
        in_phase, _others = submissions.offered_for_case(tenant, c)
        assert [d.key for d in in_phase] == ["core.assessment"]


def test_draft_finalise_and_correct_through_the_pages(forms_world):
    app, a = forms_world["app"], forms_world["a"]
    sid = _start(forms_world)
    row = _row(app, a, sid)
    assert row.status == "draft" and row.data.get("name")  # prefilled from the person
    response = _post(forms_world, sid, {"name": "Erika Beispiel", "fazit": "krise"}, _action="save")
    assert response.status_code == 302  # a draft may lack answers
    assert saved[-1] == (sid, KEY, "draft")

    # Finalising a crisis without its reason: German error at the field, the input kept,
    # nothing stored.
    response = _post(
        forms_world, sid, {"name": "Geänderter Name", "fazit": "krise"}, _action="finalise"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "error-summary" in html and 'href="#' in html
    assert re.search(r"krise_grund", html)
    assert "Geänderter Name" in html
    row = _row(app, a, sid)
    assert row.status == "draft" and row.data["name"] == "Erika Beispiel"

    response = _post(forms_world, sid, FORM, _action="finalise")
    assert response.status_code == 302 and response.headers["Location"].endswith("/finalise")
    response = _finalise(forms_world, sid)
    assert response.status_code == 302
    row = _row(app, a, sid)
    assert row.status == "final" and row.finalised_at is not None
    assert row.computed.get("anzahl_bereiche") == 3
    assert saved[-1] == (sid, KEY, "final")

    browser, case, slug = forms_world["a_browser"], forms_world["a_case"], a.slug
    status, html = browser.text(f"/{slug}/cases/{case.id}/forms/{sid}")
    assert status == 200 and "Korrigieren" in html
    # A final cannot be posted to.
    assert browser.post(f"/{slug}/cases/{case.id}/forms/{sid}", FORM).status_code == 405

    # Correcting needs a reason.
    response = browser.post(f"/{slug}/cases/{case.id}/forms/{sid}/correct", {})
    assert response.status_code == 400
    assert "Bitte geben Sie den Grund" in response.get_data(as_text=True)
    response = browser.post(
        f"/{slug}/cases/{case.id}/forms/{sid}/correct", {"correction_reason": "Tippfehler"}
    )
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    draft = _row(app, a, new_id)
    assert (draft.status, draft.version_no, draft.correction_of_id) == ("draft", 2, sid)
    assert draft.correction_reason == "Tippfehler"
    assert _row(app, a, sid).superseded_at is None  # valid until the correction is final
    response = _post(
        forms_world, new_id, {**FORM, "name": "Erika Beispiel-Korrekt"}, _action="save"
    )
    assert response.status_code == 302
    assert _finalise(forms_world, new_id).status_code == 302
    old, new = _row(app, a, sid), _row(app, a, new_id)
    assert old.superseded_at is not None and old.superseded_by_id == new_id
    assert old.data["name"] == "Erika Beispiel"  # the old final is unchanged
    assert new.status == "final" and new.data["name"] == "Erika Beispiel-Korrekt"
    status, html = browser.text(f"/{slug}/cases/{case.id}/forms/{new_id}")
    assert "Tippfehler" in html  # the history names the reason
    with in_tenant(app, a):
        from core.cases.models import Case

        assert submissions.latest_final(db.session.get(Case, case.id), KEY).id == new_id
        chain = submissions.history(db.session.get(FormSubmission, sid))
        assert [s.id for s in chain] == [sid, new_id]


def test_final_submissions_are_immutable(forms_world):
    app, a, case = forms_world["app"], forms_world["a"], forms_world["a_case"]
    with in_tenant(app, a) as tenant:
        from core.cases.models import Case

        c = db.session.get(Case, case.id)
        sub = submissions.create(None, tenant, c, KEY, VALID, final=True)
        db.session.commit()
        sid = sub.id
        with pytest.raises(ValidationError):
            submissions.save_draft(None, tenant, sub, {**VALID, "name": "Anders"})
        db.session.rollback()
        sub = db.session.get(FormSubmission, sid)
        sub.data = {**sub.data, "name": "Anders"}
        with pytest.raises(FinalSubmissionChanged):
            db.session.flush()
        db.session.rollback()
        # The database itself refuses a change of a final's identity (trigger).
        with pytest.raises(Exception, match="cannot change"):
            db.session.execute(
                text("UPDATE form_submission SET status = 'draft' WHERE id = :id"), {"id": sid}
            )
        db.session.rollback()
        assert db.session.get(FormSubmission, sid).status == "final"


def test_invalid_submission_stores_nothing(forms_world):
    app, a, case = forms_world["app"], forms_world["a"], forms_world["a_case"]
    with in_tenant(app, a) as tenant:
        from core.cases.models import Case

        c = db.session.get(Case, case.id)
        with pytest.raises(ValidationError) as caught:
            submissions.create(None, tenant, c, KEY, {"name": "X", "fazit": "krise"}, final=True)
        db.session.rollback()
        assert "krise_grund" in caught.value.errors
        # The rule of the form: at least three areas for target group 2.
        with pytest.raises(ValidationError) as caught:
            submissions.create(
                None,
                tenant,
                c,
                KEY,
                {**VALID, "zg2_bereiche": ["arbeit", "wohnen"]},
                final=True,
            )
        db.session.rollback()
        assert caught.value.errors["zg2_bereiche"] == [
            "Für die Zielgruppe 2 müssen mindestens 3 Bereiche angekreuzt sein."
        ]
    assert _count(app, a) == 0


def test_hook_lotse_form_saved(forms_world):
    """Plugins hear of every draft save and finalisation, inside the transaction."""
    app, a, case = forms_world["app"], forms_world["a"], forms_world["a_case"]
    with in_tenant(app, a) as tenant:
        from core.cases.models import Case

        c = db.session.get(Case, case.id)
        sub = submissions.start(None, tenant, c, KEY)
        assert saved == []  # starting stores the prefill only
        submissions.save_draft(None, tenant, sub, {"name": "Erika"})
        submissions.finalise(None, tenant, sub, VALID)
        db.session.commit()
        assert saved == [(sub.id, KEY, "draft"), (sub.id, KEY, "final")]
    # Tenant B has not enabled the listening plugin (nor its form): it hears nothing.
    with in_tenant(app, forms_world["b"]) as tenant:
        from core.cases.models import Case

        c = db.session.get(Case, forms_world["b_case"].id)
        sub = submissions.start(None, tenant, c, "core.assessment")
        submissions.save_draft(None, tenant, sub, {"zusammenfassung": "ok"})
        db.session.commit()
    assert len(saved) == 2


def test_assessment_form_follows_the_tenants_life_areas(forms_world, make_tenant):
    from core.forms.assessment import assessment_definition

    app = forms_world["app"]
    custom = make_tenant(settings={"life_areas": {"wohnen": "Wohnen", "arbeit": "Arbeit"}})
    with in_tenant(app, custom) as tenant:
        defn = assessment_definition(tenant)
        assert [s.title for s in defn.sections] == ["Wohnen", "Arbeit", "Gesamteinschätzung"]
        assert defn.phases == ("assessment",)
        keys = {path for path, _f in defn.walk()}
        assert {"wohnen_situation", "wohnen_ressourcen", "wohnen_bedarfe"} <= keys
        assert "wohnen_sicht_klient" in keys
    with in_tenant(app, forms_world["b"]) as tenant:
        from core.cases.models import Case

        c = db.session.get(Case, forms_world["b_case"].id)
        sub = submissions.create(
            None,
            tenant,
            c,
            "core.assessment",
            {"housing_bedarf": "high", "health_bedarf": "medium", "finances_bedarf": "low"},
            final=True,
        )
        assert sub.computed["bereiche_mit_bedarf"] == 2


def test_a_form_naming_an_unknown_data_category_stops_the_start(_db_url, tmp_path, app):
    from core.forms.definitions import form_definition_from_dict
    from core.plugins.providers import ExtensionError
    from tests.contract.plugin_kit import build_app, fake_plugin

    definition = form_definition_from_dict(
        {
            "key": "odd.form",
            "version": 1,
            "title": "Seltsam",
            "category": "gossip",
            "sections": [{"key": "s", "fields": [{"key": "x", "type": "text", "label": "X"}]}],
        }
    )
    plugin = fake_plugin("odd", lotse_form_definitions=lambda tenant: [definition])
    with pytest.raises(ExtensionError, match="unknown data category gossip"):
        build_app(_db_url, tmp_path, plugin)
