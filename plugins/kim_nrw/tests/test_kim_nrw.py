"""KIM NRW: the § 4 TIntG NRW condition through the access-check API, the KIM roles and the
optional caseload formula of Oberhausen §7.8 (``lotse_caseload_capacity``)."""

from __future__ import annotations

import re

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


def test_hook_lotse_caseload_capacity(make_tenant, make_user, signed_in, api_client):
    """With the setting "operative_hours" a 19.5 h post carries 40 × (19.5 − 3) / 36 ≈ 18
    cases (Oberhausen §7.8) instead of 20; other tenants keep core's share of a full post."""

    def part_time(tenant):
        """A case manager on 19.5 hours (set by the tenant's administration) and the target
        the caseload API gives them."""
        email, _pw = make_user(tenant, name="Teilzeit Kraft")
        admin = signed_in(tenant, roles=("tenant_admin",))
        html = admin.get(f"/{tenant.slug}/admin/users").get_data(as_text=True)
        member_id = re.search(r'/admin/users/(\d+)">Teilzeit Kraft<', html).group(1)
        saved = admin.post(
            f"/{tenant.slug}/admin/users/{member_id}",
            {"roles": "case_manager", "active": "1", "weekly_hours": "19.5"},
        )
        assert saved.status_code == 302
        call = api_client(tenant, roles=("coordinator",))

        def target():
            rows = call("GET", "/caseload").json
            return next(r["ratio"] for r in rows if r["name"] == "Teilzeit Kraft")

        return admin, target

    kim = make_tenant(plugins=["kim_nrw"], settings={"caseload_ratio": 40})
    admin, kim_target = part_time(kim)
    assert kim_target() == 20  # the default formula: ratio × share of a full post
    saved = admin.post(
        f"/{kim.slug}/admin/plugins/kim_nrw/settings", {"caseload_formula": "operative_hours"}
    )
    assert saved.status_code == 302
    assert kim_target() == 18
    plain = make_tenant(settings={"caseload_ratio": 40})
    _admin, plain_target = part_time(plain)
    assert plain_target() == 20
