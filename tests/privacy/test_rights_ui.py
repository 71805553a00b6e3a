"""Data-subject rights through the pages: requests with four eyes for erasure, restriction that
hides and freezes, the correction trail, and revocation that starts the tenant's policy."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.persons.models import Person
from core.privacy.models import DataSubjectRequest, DeletionLog
from core.tenancy.context import tenant_scope
from tests.privacy.conftest import set_retention, write_journal


def test_erasure_request_needs_a_second_person(app, world, sign_in):
    a = world["a"]
    cm = sign_in("priv", world["email"])
    page = f"/priv/persons/{a.person_id}/privacy"
    assert cm.get(page).status_code == 200
    bad = cm.post(page, {"kind": "wish", "received_on": "2099-01-01"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Bitte wählen Sie einen Wert aus der Liste." in text and "Zukunft" in text
    assert (
        cm.post(
            page, {"kind": "erasure", "received_on": "2026-11-01", "details": "Bitte alles löschen"}
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        request = db.session.scalar(
            select(DataSubjectRequest).where(DataSubjectRequest.kind == "erasure")
        )
        assert request.due_on.isoformat() == "2026-12-01"
        request_id = request.id
    # The recorder may not approve their own erasure request.
    cm.post(f"/priv/privacy/requests/{request_id}/erase", {"decision_note": "", "confirmed": "1"})
    assert "zweite Person" in cm.get(page).get_data(as_text=True)
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is not None
    dpo = sign_in("priv", world["email_dpo"])
    response = dpo.post(
        f"/priv/privacy/requests/{request_id}/erase", {"decision_note": "geprüft", "confirmed": "1"}
    )
    assert response.status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is None
        log = db.session.scalar(select(DeletionLog))
        assert (log.action, log.rule, log.request_id) == (
            "erased",
            f"request:{request_id}",
            request_id,
        )
        assert db.session.get(DataSubjectRequest, request_id).status == "done"
    register = dpo.get("/priv/privacy/requests").get_data(as_text=True)
    assert f"gelöscht (Nr. {a.person_id})" in register and "PersAKanarie" not in register
    log_page = dpo.get("/priv/privacy/deletion-log").get_data(as_text=True)
    assert f"person:{a.person_id}" in log_page and "PersAKanarie" not in log_page


def test_case_manager_cannot_decide(app, world, make_user, sign_in):
    email, _ = make_user(world["tenant"], roles=["case_manager"])
    cm = sign_in("priv", email)
    assert cm.post("/priv/privacy/requests/1/complete", {}).status_code == 403
    assert cm.get("/priv/privacy/requests").status_code == 403
    assert cm.get("/priv/privacy/deletion-log").status_code == 403


def test_restriction_hides_and_freezes(app, world, sign_in):
    a = world["a"]
    dpo = sign_in("priv", world["email_dpo"])
    assert (
        dpo.post(
            f"/priv/persons/{a.person_id}/restriction", {"restriction_reason": "", "confirmed": "1"}
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id).restricted_at is None  # a reason is required
    dpo.post(
        f"/priv/persons/{a.person_id}/restriction",
        {"restriction_reason": "Richtigkeit bestritten", "confirmed": "1"},
    )
    cm = sign_in("priv", world["email"])
    assert "PersAKanarieNachname" not in cm.get("/priv/cases/?status=all").get_data(as_text=True)
    assert "PersBKanarieNachname" in cm.get("/priv/cases/?status=all").get_data(as_text=True)
    found = cm.get(
        "/priv/persons/search?last_name=PersAKanarieNachname&first_name=PersAKanarieVorname"
    ).get_data(as_text=True)
    assert f'/priv/persons/{a.person_id}"' not in found
    # Reachable by the direct path, with the banner; changes are refused.
    page = cm.get(f"/priv/persons/{a.person_id}")
    assert page.status_code == 200 and "Verarbeitung eingeschränkt" in page.get_data(as_text=True)
    case_page = cm.get(f"/priv/cases/{a.case_id}/journal")
    assert "Verarbeitung eingeschränkt" in case_page.get_data(as_text=True)
    refused = write_journal(cm, a.case_id)
    assert refused.status_code == 400 and "eingeschränkt" in refused.get_data(as_text=True)
    # The DSB sees the restricted person on the overview and lifts the restriction.
    assert "PersAKanarieNachname" in dpo.get("/priv/privacy").get_data(as_text=True)
    dpo.post(f"/priv/persons/{a.person_id}/restriction", {"lift": "1", "confirmed": "1"})
    assert write_journal(cm, a.case_id).status_code == 302


def test_corrections_are_visible_with_before_and_after(app, world, sign_in):
    cm = sign_in("priv", world["email"])
    page = cm.get(f"/priv/persons/{world['a'].person_id}/privacy").get_data(as_text=True)
    # The fixture moved A from PersAKanarieOrt to PersAKanarieNeuerOrt.
    assert "PersAKanarieOrt" in page and "PersAKanarieNeuerOrt" in page
    # Art. 19: the recipients the person's data went to, to be told of corrections.
    assert "PersAKanarieEmpfaenger" in page and "PersBKanarieEmpfaenger" not in page


def test_revoking_the_last_release_erases_under_an_erase_policy(app, world, sign_in):
    set_retention(app, world["tenant"], "erase", action="erase")
    a = world["a"]
    cm = sign_in("priv", world["email"])
    html = cm.get(f"/priv/persons/{a.person_id}/consents").get_data(as_text=True)
    import re

    consent_id = re.search(r"/consents/(\d+)/revoke", html).group(1)
    response = cm.post(
        f"/priv/persons/{a.person_id}/consents/{consent_id}/revoke", {"confirmed": "1"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/priv/cases/")
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is None
        assert db.session.scalar(select(DeletionLog.rule)) == "revocation"


def test_anonymised_file_is_frozen_and_revocation_is_always_possible(app, world, sign_in):
    import re

    a, b = world["a"], world["b"]
    dpo = sign_in("priv", world["email_dpo"])
    dpo.post(
        f"/priv/persons/{b.person_id}/restriction",
        {"restriction_reason": "Richtigkeit bestritten", "confirmed": "1"},
    )
    cm = sign_in("priv", world["email"])
    # Withdrawal stays possible on a restricted file (Art. 7(3) GDPR).
    html = cm.get(f"/priv/persons/{b.person_id}/consents").get_data(as_text=True)
    consent_id = re.search(r"/consents/(\d+)/revoke", html).group(1)
    cm.post(
        f"/priv/persons/{b.person_id}/consents/{consent_id}/revoke",
        {"recipient_keys": ["jobcenter"], "confirmed": "1"},
    )
    from core.consent.models import ConsentRevocation

    with app.app_context(), tenant_scope(world["tenant"]):
        assert (
            db.session.scalar(
                select(ConsentRevocation.id).where(ConsentRevocation.consent_id == int(consent_id))
            )
            is not None
        )
    # Revoking A's only release anonymises A (default policy); the file is frozen afterwards.
    html = cm.get(f"/priv/persons/{a.person_id}/consents").get_data(as_text=True)
    consent_id = re.search(r"/consents/(\d+)/revoke", html).group(1)
    cm.post(f"/priv/persons/{a.person_id}/consents/{consent_id}/revoke", {"confirmed": "1"})
    refused = write_journal(cm, a.case_id, "Name wieder eintragen")
    assert refused.status_code == 400 and "anonymisiert" in refused.get_data(as_text=True)


def test_rights_stay_usable_on_a_restricted_file(app, world, sign_in):
    """A restricted person can still make requests; a restriction request closes normally."""
    a = world["a"]
    cm = sign_in("priv", world["email"])
    page = f"/priv/persons/{a.person_id}/privacy"
    assert (
        cm.post(page, {"kind": "restriction", "details": "Adresse bestritten"}).status_code == 302
    )
    dpo = sign_in("priv", world["email_dpo"])
    with app.app_context(), tenant_scope(world["tenant"]):
        request_id = db.session.scalar(
            select(DataSubjectRequest.id).where(DataSubjectRequest.kind == "restriction")
        )
    dpo.post(
        f"/priv/privacy/requests/{request_id}/complete",
        {"decision_note": "eingeschränkt", "confirmed": "1"},
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(DataSubjectRequest, request_id).status == "done"
        assert db.session.get(Person, a.person_id).restricted_at is not None
    assert cm.post(page, {"kind": "access", "details": "Kopie bitte"}).status_code == 302
    dpo.post(f"/priv/persons/{a.person_id}/holds", {"reason": "Klage"})
    with app.app_context(), tenant_scope(world["tenant"]):
        kinds = set(
            db.session.scalars(
                select(DataSubjectRequest.kind).where(DataSubjectRequest.person_id == a.person_id)
            )
        )
        assert {"restriction", "access"} <= kinds
