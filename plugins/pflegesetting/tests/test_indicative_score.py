"""The source defines no score: the care checklist carries the indicative score only for a tenant
that switched it on in the plugin's settings (off by default), labelled "keine
Pflegegradfeststellung"."""

from __future__ import annotations

from core.plugin_api import Tenant, db, tenant_scope
from plugins.pflegesetting.hooks import lotse_form_definitions


def checklist(app, tenant_id):
    with app.app_context():
        tenant = db.session.get(Tenant, tenant_id)
        with tenant_scope(tenant):
            (definition,) = lotse_form_definitions(tenant)
            return definition


def test_indicative_score_is_off_by_default_and_switched_on_in_the_settings(
    app, make_tenant, signed_in
):
    tenant = make_tenant("pflege", plugins=["pflegesetting"])
    off = checklist(app, tenant.id)
    assert [s.key for s in off.sections][-1] == "ergebnis"
    assert not off.has_field("indikativer_score")
    # No label of the missing section lingers in the translation.
    assert off.missing_translations("en") == []
    assert "indikativer_score" not in off.translations["en"]["labels"]

    admin = signed_in(tenant, roles=["tenant_admin"])
    page = admin.get("/pflege/admin/plugins/pflegesetting/settings").get_data(as_text=True)
    assert "keine Pflegegradfeststellung" in page
    assert (
        admin.post(
            "/pflege/admin/plugins/pflegesetting/settings", {"indicative_score": "1"}
        ).status_code
        == 302
    )

    on = checklist(app, tenant.id)
    score = on.field("indikativer_score")
    assert score.type == "computed" and "keine Pflegegradfeststellung" in score.label
    assert on.label("indikativer_score", "en") == (
        "Indicative score, not a determination of a care grade"
    )
    # The rest of the checklist is the same definition: one key, one version.
    assert (on.key, on.version) == (off.key, off.version)
    assert [s.key for s in on.sections][:-1] == [s.key for s in off.sections]
