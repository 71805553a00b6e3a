"""KIM NRW: the § 4 TIntG NRW condition through the access-check API, the KIM roles and the
optional caseload formula of Oberhausen §7.8 (``lotse_caseload_capacity``)."""

from __future__ import annotations

from sqlalchemy import select

from core.auth.models import Membership, User
from core.db import db
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant

KEY = "kim_nrw.einwanderungsgeschichte"


def _verdict(call, case, answers):
    response = call(
        "PUT",
        f"/cases/{case.id}/access-decision/answers",
        json={"form_key": "oberhausen.access_checklist", "answers": answers},
    )
    assert response.status_code == 200, response.json
    return next(v for v in response.json["suggestion"]["verdicts"] if v["key"] == KEY)


def test_tintg_condition_reads_answers_then_nationality(
    make_tenant, make_person, make_case, api_client
):
    tenant = make_tenant(plugins=["kim_nrw"])
    call = api_client(tenant, roles=("coordinator",))
    syrian = make_case(tenant, make_person(tenant, nationality="SY"))
    verdict = _verdict(call, syrian, {})
    assert verdict["eligible"] is True and "Art. 116 Abs. 1 GG" in verdict["reasons"][0]

    german = make_case(tenant, make_person(tenant, nationality="DE"))
    verdict = _verdict(call, german, {})
    assert verdict["eligible"] is False and "31. Dezember 1955" in verdict["reasons"][0]
    verdict = _verdict(
        call,
        german,
        {"einwanderungsgeschichte": True, "einwanderungsgeschichte_alternative": "elternteil"},
    )
    assert verdict["eligible"] is True and "(Nr. 3)" in verdict["reasons"][0]
    # Ticked without saying which alternative: not enough.
    verdict = _verdict(call, german, {"einwanderungsgeschichte": True})
    assert verdict["eligible"] is False
    verdict = _verdict(call, syrian, {"einwanderungsgeschichte": False})
    assert verdict["eligible"] is False


def test_kim_roles_catalogue(app):
    from plugins.kim_nrw.catalogue import kim_roles

    with app.test_request_context():
        assert set(kim_roles()) == {"baustein_1", "baustein_2", "baustein_3"}
        assert "Baustein 2" in kim_roles()["baustein_2"]


def test_hook_lotse_caseload_capacity(app, make_tenant, make_user):
    """With the setting "operative_hours" a 19.5 h post carries 40 × (19.5 − 3) / 36 ≈ 18
    cases (Oberhausen §7.8) instead of 20; other tenants keep core's share of a full post."""
    from core.cases.caseload import caseload
    from core.plugins.services import update_plugin_settings

    def target(tenant, email):
        with app.test_request_context(), tenant_scope(tenant):
            member = db.session.scalar(
                select(Membership)
                .join(User, User.id == Membership.user_id)
                .where(User.email == email)
            )
            member.weekly_hours = 19.5
            db.session.commit()
            rows = caseload(db.session.get(Tenant, tenant.id))
            return next(r.ratio for r in rows if r.user.email == email)

    kim = make_tenant(plugins=["kim_nrw"], settings={"caseload_ratio": 40})
    plain = make_tenant(settings={"caseload_ratio": 40})
    kim_cm, _pw = make_user(kim)
    plain_cm, _pw = make_user(plain)
    assert target(kim, kim_cm) == 20  # the default formula: ratio × share of a full post
    with app.test_request_context(), tenant_scope(kim):
        update_plugin_settings(
            db.session.get(Tenant, kim.id), "kim_nrw", {"caseload_formula": "operative_hours"}
        )
        db.session.commit()
    assert target(kim, kim_cm) == 18
    assert target(plain, plain_cm) == 20
