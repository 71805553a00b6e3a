"""Destructive actions ask first (issue #8, item 20): without ``confirmed=1`` the HTML answers with
a German page that says what will happen and re-posts the form; nothing changes until then. The
API has no extra step (tested in test_revocation_holds)."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.persons.models import Person
from core.privacy.models import RetentionHold
from core.tenancy.context import tenant_scope
from core.tenancy.models import Location, OrgUnit
from tests.privacy.conftest import file_request


def _asks(response, *fragments):
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:300]
    assert "Was geschieht" in text and 'name="confirmed" value="1"' in text and "Abbrechen" in text
    for fragment in fragments:
        assert fragment in text, fragment
    return text


def test_privacy_actions_show_their_consequences_first(app, world, sign_in):
    a = world["a"]
    dpo = sign_in("priv", world["email_dpo"])
    cm = sign_in("priv", world["email"])
    # Restriction: nothing happens before the confirmation; the reason travels along.
    text = _asks(
        dpo.post(f"/priv/persons/{a.person_id}/restriction", {"restriction_reason": "bestritten"}),
        "verschwindet aus der Suche",
        "Betroffen: 1 Fall/Fälle",
    )
    assert 'name="restriction_reason" value="bestritten"' in text
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id).restricted_at is None
    # Erasure approval: what goes, how many cases and documents, and that it is final.
    request_id = file_request(
        app, world["tenant"], cm, a.person_id, "erasure", received_on="2026-11-01"
    )
    _asks(
        dpo.post(f"/priv/privacy/requests/{request_id}/erase", {"decision_note": "geprüft"}),
        "Alle Daten der Person werden gelöscht",
        "1 Dokument(e)",
        "nicht rückgängig",
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is not None
    # Releasing a legal hold.
    dpo.post(f"/priv/persons/{a.person_id}/holds", {"reason": "Klage"})
    with app.app_context(), tenant_scope(world["tenant"]):
        hold_id = db.session.scalar(select(RetentionHold.id))
    _asks(dpo.post(f"/priv/privacy/holds/{hold_id}/release", {}), "Löschregeln")
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(RetentionHold, hold_id).released_at is None


def test_removing_a_location_asks_first(app, make_tenant, make_user, sign_in):
    tenant = make_tenant("verw")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    admin = sign_in("verw", email)
    with app.app_context(), tenant_scope(tenant):
        unit_id = db.session.scalar(select(OrgUnit.id))
    admin.post(
        f"/verw/admin/org-units/{unit_id}/locations",
        {"name": "Büro Nord", "postcode": "47533", "city": "Kleve"},
    )
    with app.app_context(), tenant_scope(tenant):
        location_id = db.session.scalar(select(Location.id))
    path = f"/verw/admin/org-units/{unit_id}/locations/{location_id}"
    _asks(admin.post(path, {"action": "delete"}), "Büro Nord")
    with app.app_context(), tenant_scope(tenant):
        assert db.session.get(Location, location_id) is not None
    assert admin.post(path, {"action": "delete", "confirmed": "1"}).status_code == 302
    with app.app_context(), tenant_scope(tenant):
        assert db.session.get(Location, location_id) is None
