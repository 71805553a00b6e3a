"""The interpreter pool plugin, tested with the fixtures every Lotse suite gets from the pytest
plugin (``make_tenant``, ``signed_in``, …): this directory is what a third-party plugin's tests
look like."""

from __future__ import annotations

from plugins.interpreters.models import Interpreter


def test_coordinator_maintains_the_pool_and_case_managers_look_up_languages(
    make_tenant, signed_in, count_rows
):
    tenant = make_tenant("pool", plugins=["interpreters"])
    coordinator = signed_in(tenant, roles=["coordinator"])
    coordinator.get("/pool/interpreters/new")
    bad = coordinator.post("/pool/interpreters/new", {"name": "", "languages": "Dari"})
    assert bad.status_code == 400 and count_rows(tenant, Interpreter) == 0
    for name, languages, pledge in (
        ("Frau Ahmadi", "Dari, Paschtu", "2026-01-15"),
        ("Herr Kaya", "Türkisch\nKurdisch (Kurmandschi)", ""),
    ):
        saved = coordinator.post(
            "/pool/interpreters/new",
            {"name": name, "languages": languages, "pledge_signed_on": pledge, "active": "1"},
        )
        assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    assert count_rows(tenant, Interpreter) == 2

    case_manager = signed_in(tenant, roles=["case_manager"])
    status, html = case_manager.text("/pool/interpreters/?language=kurdisch")
    assert status == 200 and "Herr Kaya" in html and "Frau Ahmadi" not in html
    # Reading is not maintaining.
    assert case_manager.get("/pool/interpreters/new").status_code == 403


def test_settings_are_validated(make_tenant, signed_in):
    make_tenant("mit", plugins=["interpreters"])
    admin = signed_in(make_tenant("ohne-pool"), roles=["tenant_admin"])  # another tenant's admin
    assert admin.get("/mit/admin/plugins/interpreters/settings").status_code == 404
    tenant = make_tenant("mit-pool", plugins=["interpreters"])
    admin = signed_in(tenant, roles=["tenant_admin"])
    admin.get("/mit-pool/admin/plugins/interpreters/settings")
    bad = admin.post("/mit-pool/admin/plugins/interpreters/settings", {"billing_info": "x" * 2001})
    assert bad.status_code == 400 and "höchstens 2000 Zeichen" in bad.get_data(as_text=True)
    ok = admin.post(
        "/mit-pool/admin/plugins/interpreters/settings",
        {"billing_info": "Über das Sekretariat anfragen.", "only_pledged": "1"},
    )
    assert ok.status_code == 302
    assert "Über das Sekretariat anfragen." in admin.get("/mit-pool/interpreters/").get_data(
        as_text=True
    )


def test_pages_translate_plugin_and_core_strings(make_tenant, signed_in):
    browser = signed_in(make_tenant("plug-de", plugins=["interpreters"]))
    html = browser.get("/plug-de/interpreters/").get_data(as_text=True)
    assert "Sprache oder Dialekt" in html  # plugin domain
    assert "Abmelden" in html  # core string in the shared layout, through the fallback
