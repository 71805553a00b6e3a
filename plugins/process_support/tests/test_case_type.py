"""Kreis Kleve's "prozesshafte Begleitung": a case type contributed through ``lotse_case_types``
that only tenants with the plugin offer, and that is about one named topic."""

from __future__ import annotations

from core.plugin_api import Tenant, db, regelkreis_for, tenant_scope


def test_hook_lotse_case_types(app, make_tenant, make_person, signed_in):
    """The process_support plugin adds Kleve's case type only where it is switched on."""

    with_plugin = make_tenant("pb-on", plugins=["process_support"])
    without = make_tenant("pb-off")
    with app.test_request_context():
        with tenant_scope(with_plugin):
            assert (
                "process_support"
                in regelkreis_for(db.session.get(Tenant, with_plugin.id)).case_types
            )
        with tenant_scope(without):
            assert (
                "process_support"
                not in regelkreis_for(db.session.get(Tenant, without.id)).case_types
            )
    browser = signed_in(with_plugin, roles=["case_manager"])
    person_id = make_person(with_plugin, actor=browser.email).id
    browser.get(f"/pb-on/cases/new?person_id={person_id}")
    missing = browser.post(
        "/pb-on/cases/new", {"person_id": person_id, "case_type": "process_support"}
    )
    assert missing.status_code == 400  # one topic complex must be named
    ok = browser.post(
        "/pb-on/cases/new",
        {
            "person_id": person_id,
            "case_type": "process_support",
            "topic": "Schulanmeldung der Tochter",
        },
    )
    assert ok.status_code == 302
