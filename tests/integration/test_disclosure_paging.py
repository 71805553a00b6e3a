"""Disclosure lists show every entry (issue #8, item 22): the person's list on the disclosure page
and the register of the data-protection officer are filtered and paged in the database - HTML and
API - instead of filtering the tenant's newest 500 in Python."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from core.db import db, utcnow
from core.tenancy.context import tenant_scope

OLD, NEW = 60, 520  # the person's 60 old entries lie behind 520 newer ones of another person


def _fill(app, tenant, cm_email, make_person, make_case, make_consent):
    from core.consent.models import Disclosure

    old = make_person(tenant, actor=cm_email, first_name="Alte", last_name="Weitergabe")
    busy = make_person(tenant, actor=cm_email, first_name="Viele", last_name="Weitergaben")
    case = make_case(tenant, old, actor=cm_email)
    record = make_consent(tenant, old, actor=cm_email)
    with app.app_context(), tenant_scope(tenant):
        start = utcnow() - timedelta(days=400)
        rows = [
            Disclosure(
                person_id=old.id,
                case_id=case.id,
                recipient_key="jobcenter",
                purpose="referral",
                channel="letter",
                legal_basis="override" if i % 20 == 0 else "consent",
                consent_id=None if i % 20 == 0 else record.id,
                override_reason=f"Grund {i}",
                recipient_name=f"ALT-{i:03d}",
                at=start + timedelta(hours=i),
            )
            for i in range(OLD)
        ]
        rows += [
            Disclosure(
                person_id=busy.id,
                recipient_key="jobcenter",
                purpose="referral",
                channel="letter",
                legal_basis="consent",
                consent_id=record.id,
                recipient_name=f"NEU-{i:03d}",
                at=start + timedelta(days=30, hours=i),
            )
            for i in range(NEW)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return case.id


def test_the_persons_list_and_the_register_page_through_everything(
    app, make_tenant, signed_in, make_person, make_case, make_consent
):
    tenant = make_tenant("weitergabe")
    cm, dpo = signed_in(tenant, roles=["case_manager"]), signed_in(tenant, roles=["dpo"])
    case_id = _fill(app, tenant, cm.email, make_person, make_case, make_consent)

    # The person's list on the disclosure page: 60 entries over two pages, none lost.
    seen, page = set(), 1
    while True:
        html = cm.get(f"/weitergabe/cases/{case_id}/disclose?page={page}").get_data(as_text=True)
        found = set(re.findall(r"ALT-\d{3}", html))
        assert "NEU-" not in html and (found or page == 1)
        seen |= found
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert len(seen) == OLD and page == 2 and "(60)" in html

    # The register: all 580 entries in pages of 50, the three without consent in their own section.
    html = dpo.get("/weitergabe/disclosures").get_data(as_text=True)
    assert "(580)" in html and "(3)" in html and "Seite 1 von 12" in html
    last = dpo.get("/weitergabe/disclosures?page=12").get_data(as_text=True)
    assert "ALT-000" in last and "Seite 12 von 12" in last
    assert dpo.get("/weitergabe/disclosures?page=2147483647").status_code == 200
    assert (
        dpo.get("/weitergabe/disclosures?page=99999999999999999999999").status_code == 400
    )  # input guard

    # The API: the same register with page and page_size, the total in X-Pagination.
    response = dpo.client.get(
        "/weitergabe/api/v1/disclosures", query_string={"page": 6, "page_size": 100}
    )
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == OLD + NEW
    assert [row["recipient_name"] for row in response.get_json()][-1] == "ALT-000"
    assert (
        dpo.client.get(
            "/weitergabe/api/v1/disclosures", query_string={"page": 7, "page_size": 100}
        ).get_json()
        == []
    )
