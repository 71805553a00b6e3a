"""Oberhausen's Regelkreis asks for a final access checklist before the goal agreement; a tenant
without the plugin keeps the default phases."""

from __future__ import annotations

from core.plugin_api import Tenant, db, regelkreis_for, tenant_scope


def requires(app, tenant_id, phase):
    with app.app_context():
        tenant = db.session.get(Tenant, tenant_id)
        with tenant_scope(tenant):
            return regelkreis_for(tenant).phase("case_management", phase).requires


def test_goal_agreement_requires_the_final_access_checklist_only_in_oberhausen(app, make_tenant):
    oberhausen = make_tenant("ob-rk", plugins=["oberhausen"])
    other = make_tenant("anderswo-rk")
    assert "form.oberhausen.access_checklist" in requires(app, oberhausen.id, "goal_agreement")
    assert "access_admitted" in requires(app, oberhausen.id, "goal_agreement")
    assert "form.oberhausen.access_checklist" not in requires(app, oberhausen.id, "assessment")
    assert "form.oberhausen.access_checklist" not in requires(app, other.id, "goal_agreement")
