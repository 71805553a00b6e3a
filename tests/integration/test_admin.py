"""Local administration: users and roles, org units and locations, branding. Bad input gives
German field messages and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.auth.models import Membership, User
from core.db import db
from core.tenancy.context import tenant_scope
from core.tenancy.models import Location, OrgUnit


@pytest.fixture
def admin(make_tenant, make_user, browser):
    tenant = make_tenant("verw")
    email, _ = make_user(tenant, roles=["tenant_admin"])
    browser.login("verw", email)
    return tenant


def test_add_user_bad_input_writes_nothing(app, admin, browser, count_rows):
    before = count_rows(admin, Membership)
    browser.get("/verw/admin/users/new")
    response = browser.post(
        "/verw/admin/users/new", {"email": "keine-mail", "display_name": "", "roles": ["root"]}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte korrigieren Sie" in html
    assert count_rows(admin, Membership) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_role_change_takes_effect_on_next_request(app, admin, make_user, browser, new_browser):
    email, _ = make_user(admin, roles=["tenant_admin", "case_manager"])
    other = new_browser()
    other.login("verw", email)
    assert other.get("/verw/admin/plugins").status_code == 200
    with app.app_context(), tenant_scope(admin):
        member_id = db.session.scalar(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email)
        )
    browser.get(f"/verw/admin/users/{member_id}")
    browser.post(
        f"/verw/admin/users/{member_id}",
        {"roles": ["case_manager"], "active": "1", "action": "save"},
    )
    # The changed user's sessions in this tenant ended; after signing in again the right is gone.
    assert other.get("/verw/admin/plugins").status_code == 302
    other.login("verw", email)
    assert other.get("/verw/admin/plugins").status_code == 403


def test_admin_cannot_remove_own_admin_role(app, admin, browser):
    with app.app_context(), tenant_scope(admin):
        member_id = db.session.scalar(select(Membership.id))
    browser.get(f"/verw/admin/users/{member_id}")
    response = browser.post(
        f"/verw/admin/users/{member_id}",
        {"roles": ["case_manager"], "active": "1", "action": "save"},
    )
    assert response.status_code == 400 and "eigenen" in response.get_data(as_text=True)


def test_mass_assignment_of_tenant_is_ignored(app, admin, make_tenant, browser, count_rows):
    other = make_tenant("fremd")
    browser.get("/verw/admin/org-units/new")
    browser.post(
        "/verw/admin/org-units/new",
        {"name": "Neues Team", "key": "neu", "kind": "team", "tenant_id": str(other.id)},
    )
    assert count_rows(other, OrgUnit) == 1  # only the fixture's unit
    assert count_rows(admin, OrgUnit) == 2


def test_org_unit_validation_and_cycle(app, admin, browser, count_rows):
    browser.get("/verw/admin/org-units/new")
    bad = browser.post(
        "/verw/admin/org-units/new", {"name": "", "key": "Nicht Gültig", "kind": "planet"}
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Kleinbuchstaben" in html
    assert count_rows(admin, OrgUnit) == 1
    browser.post("/verw/admin/org-units/new", {"name": "Region", "key": "region", "kind": "region"})
    with app.app_context(), tenant_scope(admin):
        region = db.session.scalar(select(OrgUnit).where(OrgUnit.key == "region"))
        team = db.session.scalar(select(OrgUnit).where(OrgUnit.key == "team-a"))
        region_id, team_id = region.id, team.id
    browser.post(
        f"/verw/admin/org-units/{team_id}",
        {"name": "Team A", "key": "team-a", "kind": "team", "parent_id": region_id, "active": "1"},
    )
    cycle = browser.post(
        f"/verw/admin/org-units/{region_id}",
        {"name": "Region", "key": "region", "kind": "region", "parent_id": team_id, "active": "1"},
    )
    assert cycle.status_code == 400 and "unter sich selbst" in cycle.get_data(as_text=True)


def test_locations(app, admin, browser, count_rows):
    with app.app_context(), tenant_scope(admin):
        unit_id = db.session.scalar(select(OrgUnit.id))
    browser.get(f"/verw/admin/org-units/{unit_id}")
    bad = browser.post(
        f"/verw/admin/org-units/{unit_id}/locations", {"name": "Büro", "postcode": "123"}
    )
    assert bad.status_code == 400 and "fünf Ziffern" in bad.get_data(as_text=True)
    assert count_rows(admin, Location) == 0
    ok = browser.post(
        f"/verw/admin/org-units/{unit_id}/locations",
        {"name": "Büro", "postcode": "47533", "city": "Kleve"},
    )
    assert ok.status_code == 302 and count_rows(admin, Location) == 1


def test_branding_settings_validate_colours(app, admin, browser):
    browser.get("/verw/admin/settings")
    bad = browser.post(
        "/verw/admin/settings",
        {
            "name": "Kreis",
            "primary": "red;}body{",
            "accent": "#123456",
            "locales": ["de"],
            "default_locale": "de",
        },
    )
    assert bad.status_code == 400
    ok = browser.post(
        "/verw/admin/settings",
        {
            "name": "Kreis Verw",
            "primary": "#0B5D7A",
            "accent": "#123456",
            "locales": ["de", "en"],
            "default_locale": "de",
        },
    )
    assert ok.status_code == 302
    html = browser.get("/verw/").get_data(as_text=True)
    assert "--brand:#0b5d7a" in html and "Kreis Verw" in html
