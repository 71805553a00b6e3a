"""Records of processing (Art. 30, security battery T18): generated from the registry per tenant,
listing only enabled plugins and the tenant's own retention periods; pages, downloads and API."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db
from core.tenancy.context import tenant_scope

PERIODS = {
    "client_file": {"start": "last_contact", "months": 9},
    "audit_log": {"start": "event", "months": 18},
    "staff_account": {"start": "account_end", "months": 3},
    "cooperation_end": {"start": "account_end", "months": 12},
}


def _configure(app, tenant, periods=PERIODS):
    from core.consent import services as consent
    from core.tenancy.models import Tenant

    with app.app_context():
        row = db.session.get(Tenant, tenant.id)
        row.settings = {**(row.settings or {}), "retention": {"periods": periods}}
        db.session.commit()
        with tenant_scope(row):
            consent.ensure_defaults(row)
            db.session.commit()


@pytest.fixture
def tenants(app, make_tenant):
    with_plugin = make_tenant("mit-dolmetsch", plugins=["interpreters"], name="Kreis Mit")
    without = make_tenant("ohne-dolmetsch", name="Kreis Ohne")
    _configure(app, with_plugin)
    _configure(app, without, {"client_file": {"start": "closure", "months": 60}})
    return with_plugin, without


def _records(app, tenant):
    from core.privacy.processing_records import build_records
    from core.tenancy.models import Tenant

    with app.test_request_context(), tenant_scope(tenant):
        return build_records(db.session.get(Tenant, tenant.id))


def test_enabled_plugins_only_and_tenant_periods(app, tenants):
    with_plugin, without = tenants
    records = {r["key"]: r for r in _records(app, with_plugin)}
    assert "interpreter_pool" in records
    pool = records["interpreter_pool"]
    assert pool["plugins"] == ["interpreters"] and pool["core"] is False and not pool["client_data"]
    assert "plg_interpreters_interpreter.name" in {f["name"] for f in pool["fields"]}
    assert "interpreter_pool" not in {r["key"] for r in _records(app, without)}

    classes = {"client_file", "audit_log", "staff_account", "cooperation_end"}
    for record in records.values():
        retention = record["retention"]
        assert retention["retention_class"] in classes
        assert retention["months"] == PERIODS[retention["retention_class"]]["months"], record["key"]
        assert str(retention["months"]) in retention["text"]
    assert records["client_master"]["retention"]["start_event"] == "last_contact"
    for record in _records(app, without):
        if record["retention"]["retention_class"] == "client_file":
            assert (
                record["retention"]["months"] == 60
                and record["retention"]["start_event"] == "closure"
            )
        if record["retention"]["retention_class"] == "audit_log":
            assert (
                record["retention"]["months"] == 24
            )  # the class default where the tenant sets none

    master = records["client_master"]
    assert {"person.first_name", "person.birth_date", "household.name"} <= {
        f["name"] for f in master["fields"]
    }
    assert any(
        name.startswith("Jobcenter") for name in master["recipients"]
    )  # the tenant's recipient categories
    assert not any(name.startswith("Jobcenter") for name in records["staff"]["recipients"])
    assert (
        records["case_documentation"]["special"] == "health"
        and records["case_documentation"]["special_note"]
    )


def test_pages_downloads_and_api(app, tenants, signed_in):
    with_plugin, without = tenants
    dpo = signed_in(with_plugin, roles=["dpo"])
    status, html = dpo.text("/mit-dolmetsch/privacy/records-of-processing")
    assert status == 200
    assert 'id="category-interpreter_pool"' in html
    periods = re.findall(r'<dd class="retention-period">([^<]*)</dd>', html)
    assert len(periods) == html.count('<section class="panel" id="category-') and all(
        re.search(r"\d+", p) for p in periods
    )

    document = dpo.get("/mit-dolmetsch/privacy/records-of-processing.json")
    assert document.status_code == 200 and "attachment" in document.headers["Content-Disposition"]
    assert "interpreter_pool" in {r["key"] for r in document.json["records"]}

    pdf = dpo.get("/mit-dolmetsch/privacy/records-of-processing.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "plg_interpreters_interpreter.name" in re.sub(r"\s+", "", text) and "Kreis Mit" in text

    api = dpo.client.get("/mit-dolmetsch/api/v1/records-of-processing")
    assert api.status_code == 200 and api.json["tenant"]["slug"] == "mit-dolmetsch"
    assert [r["key"] for r in api.json["records"]] == [r["key"] for r in document.json["records"]]

    with app.app_context(), tenant_scope(with_plugin):
        formats = sorted(
            e.details["format"]
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "privacy.records_exported")
            )
        )
    assert formats == ["api", "html", "json", "pdf"]

    # Local administration may read it too; case workers may not.
    admin = signed_in(without, roles=["tenant_admin"])
    status, html = admin.text("/ohne-dolmetsch/privacy/records-of-processing")
    assert status == 200 and "interpreter_pool" not in html
    cm = signed_in(without, roles=["case_manager", "coordinator"])
    for path in (
        "/ohne-dolmetsch/privacy/records-of-processing",
        "/ohne-dolmetsch/privacy/records-of-processing.pdf",
        "/ohne-dolmetsch/privacy/records-of-processing.json",
        "/ohne-dolmetsch/api/v1/records-of-processing",
    ):
        assert cm.client.get(path).status_code == 403, path
        # A member of the other tenant gets 404: not even that the page exists there.
        assert dpo.client.get(path).status_code == 404, path
