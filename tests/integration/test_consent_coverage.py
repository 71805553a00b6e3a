"""Consents by person (issue #10): who a consent covers is stored one row per person
(``consent_coverage``), so a person's consents are one indexed query whatever the tenant holds;
the gate locks only that person's consents; erasure, anonymisation and Art. 15 use the same rows;
no tenant's consent ever covers another tenant's person."""

from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from core.auth.services import ValidationError
from core.consent import coverage
from core.consent import services as consent
from core.consent.models import ConsentCoverage, ConsentRecord
from core.db import db
from core.persons.models import Person
from core.persons.services import create_person
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant
from core.testing.queries import counting_statements
from tests.conftest import REFERRAL

TODAY = date.today()


def _ref(person_id: int) -> SimpleNamespace:
    """What ``make_consent`` needs of a person: its id."""
    return SimpleNamespace(id=person_id)


def _release(person, **extra):
    """A confidentiality release of ``person`` on the tenant's default form (service call)."""
    version = consent.current_versions()[0]
    data = {
        "template_version_id": version.id,
        "language": "de",
        "signed_by": "self",
        "recipient_keys": ["jobcenter"],
        "purposes": ["referral"],
        "granted_on": (TODAY - timedelta(days=5)).isoformat(),
        **extra,
    }
    return consent.record_consent(None, person, data)


def _holders(app, tenant, n: int, start: int = 0) -> None:
    """``n`` more clients in ``tenant``, each with a release; every third covers a child."""
    with app.test_request_context(), tenant_scope(tenant):
        consent.ensure_defaults(db.session.get(Tenant, tenant.id))
        for i in range(start, start + n):
            holder = create_person(None, {"first_name": "Andere", "last_name": f"Person{i}"})
            covered = []
            if i % 3 == 0:
                child = create_person(None, {"first_name": "Kind", "last_name": f"Person{i}"})
                db.session.flush()
                covered = [child.id]
            db.session.flush()
            _release(holder, covered_person_ids=covered)
        db.session.commit()


@pytest.fixture
def loaded_records(app):
    """Counts the consent records the ORM builds while a request runs (rows read, not only
    statements: a scan of the tenant's consents costs one statement too)."""
    seen: list[int] = []

    def on_load(target, context):
        seen.append(target.id)

    event.listen(ConsentRecord, "load", on_load)
    yield seen
    event.remove(ConsentRecord, "load", on_load)


def _engine(app):
    with app.app_context():
        return db.engine


def test_consents_page_and_disclosure_cost_the_same_with_2_or_40_other_holders(
    app, kreis, cm, browser, new_person, new_case, make_consent, loaded_records
):
    person_id = new_person()
    case_id = new_case(person_id)
    make_consent(kreis, _ref(person_id))
    page = f"/fall/persons/{person_id}/consents"
    disclose = f"/fall/cases/{case_id}/disclose"
    _holders(app, kreis, 2)
    # Warm up: first requests fill caches (defaults, plugins) that later ones reuse.
    assert browser.get(page).status_code == 200
    browser.get(disclose)
    assert browser.post(disclose, REFERRAL).status_code == 302

    def measure():
        loaded_records.clear()
        with counting_statements(_engine(app)) as page_log:
            response = browser.get(page)
        assert response.status_code == 200
        page_records = len(loaded_records)
        browser.get(disclose)
        loaded_records.clear()
        with counting_statements(_engine(app)) as share_log:
            response = browser.post(disclose, REFERRAL)
        assert response.status_code == 302
        return page_log, share_log, page_records, len(loaded_records)

    few = measure()
    _holders(app, kreis, 38, start=2)
    many = measure()
    assert few[0].count == many[0].count, many[0].report()
    assert few[1].count == many[1].count, many[1].report()
    # Only the person's own release is read, however many the tenant holds.
    assert few[2] == many[2] == 1
    assert few[3] == many[3] == 1


def test_consent_history_costs_the_same_for_one_or_many_consents(
    app, kreis, cm, browser, new_person, make_consent
):
    """Status, revocations, form versions and covered children: no statement per consent."""
    person_id = new_person()
    person = _ref(person_id)
    child_id = new_person(first_name="Kind", birth_date="2015-01-01")
    make_consent(kreis, person, covered_person_ids=[child_id])
    page = f"/fall/persons/{person_id}/consents"
    api = f"/fall/api/v1/persons/{person_id}/consents"
    browser.get(page)

    def measure():
        with counting_statements(_engine(app)) as page_log:
            assert browser.get(page).status_code == 200
        with counting_statements(_engine(app)) as api_log:
            response = browser.client.get(api, headers=browser.api_headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return page_log, api_log, response.get_json()

    one_page, one_api, one = measure()
    for days in (20, 30, 40, 50):
        record = make_consent(
            kreis, person, granted_on=TODAY - timedelta(days=days), covered_person_ids=[child_id]
        )
        with app.test_request_context(), tenant_scope(kreis):
            consent.revoke(
                None,
                db.session.get(ConsentRecord, record.id),
                {"recipient_keys": ["jobcenter"], "received_on": TODAY.isoformat()},
            )
            db.session.commit()
    many_page, many_api, many = measure()
    assert len(one) == 1 and len(many) == 5
    assert all(row["covered_person_ids"] == [child_id] for row in many)
    assert {row["status"] for row in many[1:]} == {"partly_revoked"}
    assert one_page.count == many_page.count, many_page.report()
    assert one_api.count == many_api.count, many_api.report()


def test_parent_release_covers_the_child_on_pages_api_and_gate(
    app, kreis, cm, browser, new_person, new_case, make_consent
):
    parent_id = new_person()
    child_id = new_person(first_name="Sohn", birth_date="2018-03-01")
    child_case = new_case(child_id)
    record = make_consent(kreis, _ref(parent_id), covered_person_ids=[child_id])
    with app.app_context(), tenant_scope(kreis):
        rows = db.session.execute(
            select(ConsentCoverage.person_id).where(ConsentCoverage.consent_id == record.id)
        ).scalars()
        assert sorted(rows) == sorted([parent_id, child_id])
    listed = browser.client.get(
        f"/fall/api/v1/persons/{child_id}/consents", headers=browser.api_headers
    ).get_json()
    assert [(r["id"], r["person_id"], r["covered_person_ids"]) for r in listed] == [
        (record.id, parent_id, [child_id])
    ]
    status, html = browser.text(f"/fall/persons/{child_id}/consents")
    assert status == 200 and f"/consents/{record.id}/revoke" in html
    browser.get(f"/fall/cases/{child_case}/disclose")
    assert browser.post(f"/fall/cases/{child_case}/disclose", REFERRAL).status_code == 302
    # A person the release does not cover cannot revoke it through their own page.
    stranger = new_person(first_name="Fremd")
    browser.get(f"/fall/persons/{stranger}/consents")
    refused = browser.post(f"/fall/persons/{stranger}/consents/{record.id}/revoke", {})
    assert refused.status_code == 404


def test_a_consent_never_covers_a_person_of_another_tenant(app, make_tenant, make_person):
    a, b = make_tenant("deckung-a"), make_tenant("deckung-b")
    parent, child = make_person(a), make_person(a)
    outsider = make_person(b)
    with app.test_request_context(), tenant_scope(a):
        consent.ensure_defaults(db.session.get(Tenant, a.id))
        record = _release(db.session.get(Person, parent.id), covered_person_ids=[child.id])
        db.session.commit()
        record_id = record.id
        # Jobs and imports too: a person of another tenant is no family member to cover.
        with pytest.raises(ValidationError) as refused:
            _release(db.session.get(Person, parent.id), covered_person_ids=[outsider.id])
        assert "covered_person_ids" in refused.value.errors
        db.session.rollback()
    with app.test_request_context(), tenant_scope(b):
        consent.ensure_defaults(db.session.get(Tenant, b.id))
        db.session.commit()
        person = db.session.get(Person, outsider.id)
        assert coverage.consents_of(outsider.id) == []
        assert consent.consent_history(person) == []
        assert not consent.check(person, "jobcenter", "referral").allowed
        # Tenant A's coverage rows are out of reach, even named directly.
        assert coverage.consents_of(child.id) == []
        assert db.session.scalar(select(ConsentRecord).where(ConsentRecord.id == record_id)) is None
    # The database itself refuses a coverage row that links tenant A's consent to B's person.
    with app.app_context(), tenant_scope(a):
        with pytest.raises(IntegrityError):
            db.session.execute(
                insert(ConsentCoverage).values(
                    tenant_id=a.id, consent_id=record_id, person_id=outsider.id
                )
            )
        db.session.rollback()


def test_erasing_a_covered_child_removes_its_coverage_only(
    app, kreis, cm, browser, new_person, make_consent
):
    from core.privacy import erasure
    from core.privacy.registry import tenant_registry

    parent_id = new_person()
    child_id = new_person(first_name="Tochter")
    sibling_id = new_person(first_name="Bruder")
    parent = _ref(parent_id)
    record = make_consent(kreis, parent, covered_person_ids=[child_id, sibling_id])
    make_consent(kreis, _ref(child_id), signed_by="guardian", guardian_name="M")
    with app.test_request_context(), tenant_scope(kreis):
        tenant = db.session.get(Tenant, kreis.id)
        log = erasure.erase(db.session.get(Person, child_id), tenant_registry(tenant), rule="test")
        counts = dict(log.row_counts)
        db.session.commit()
    # The child's own consent (and its coverage row) went with the child; the parent's release
    # lost exactly one reference.
    assert counts["consent_record"] == 1 and counts["consent_coverage"] == 1
    assert counts["consent_record.covered_person_ids"] == 1
    with app.app_context(), tenant_scope(kreis):
        rows = db.session.execute(select(ConsentCoverage.consent_id, ConsentCoverage.person_id))
        assert sorted(rows) == sorted([(record.id, parent_id), (record.id, sibling_id)])
    listed = browser.client.get(
        f"/fall/api/v1/persons/{parent_id}/consents", headers=browser.api_headers
    ).get_json()
    assert [r["covered_person_ids"] for r in listed] == [[sibling_id]]


def test_anonymising_the_holder_keeps_their_consents_but_covers_no_child(
    app, kreis, cm, browser, new_person, make_consent
):
    from core.privacy import erasure
    from core.privacy.registry import tenant_registry

    parent_id = new_person()
    child_id = new_person(first_name="Sohn")
    record = make_consent(kreis, _ref(parent_id), covered_person_ids=[child_id])
    with app.test_request_context(), tenant_scope(kreis):
        tenant = db.session.get(Tenant, kreis.id)
        log = erasure.anonymise(
            db.session.get(Person, parent_id), tenant_registry(tenant), rule="test"
        )
        assert log is not None
        assert log.row_counts["consent_coverage"] == 1 and "consent" in log.categories
        db.session.commit()
        assert [r.id for r in coverage.consents_of(parent_id)] == [record.id]
        assert coverage.consents_of(child_id) == []


def test_release_of_a_batch_counts_per_person(app, kreis, new_person, make_consent):
    """Batched retention hands several persons at once: two statements, counts per person."""
    parent_id, other_parent = new_person(), new_person()
    child_id, sibling_id = new_person(first_name="Kind"), new_person(first_name="Bruder")
    make_consent(kreis, _ref(parent_id), covered_person_ids=[child_id, sibling_id])
    make_consent(kreis, _ref(other_parent), covered_person_ids=[child_id])
    with app.test_request_context(), tenant_scope(kreis):
        with counting_statements(db.engine) as log:
            counts = coverage.release([child_id, parent_id])
        db.session.commit()
        assert counts == {
            child_id: {"consent_record.covered_person_ids": 2},
            parent_id: {"consent_coverage": 2},
        }
        assert log.count <= 3  # the RLS setting (PostgreSQL), the select, the delete
        assert coverage.consents_of(sibling_id) == coverage.consents_of(child_id) == []
        assert len(coverage.consents_of(parent_id)) == len(coverage.consents_of(other_parent)) == 1


def test_access_package_of_a_child_lists_the_covering_release(
    app, kreis, cm, browser, new_person, make_consent
):
    parent_id = new_person()
    child_id = new_person(first_name="Sohn")
    record = make_consent(
        kreis,
        _ref(parent_id),
        covered_person_ids=[child_id],
        guardian_name="Mutter Beispiel",
    )
    child = json.loads(browser.get(f"/fall/persons/{child_id}/data-export.json").data)
    assert [(c["id"], c["covers_subject_as"], c["guardian_name"]) for c in child["consents"]] == [
        (record.id, "covered_person", "")
    ]
    parent = json.loads(browser.get(f"/fall/persons/{parent_id}/data-export.json").data)
    assert [c["covers_subject_as"] for c in parent["consents"]] == ["self"]
    tables = {
        t["table"]: t["rows"] for category in parent["categories"] for t in category["records"]
    }
    assert sorted(r["person_id"] for r in tables["consent_coverage"]) == sorted(
        [parent_id, child_id]
    )


def test_backfill_covers_records_inserted_without_the_orm(app, kreis, make_person):
    """The scale generator inserts consents in bulk and calls ``backfill`` afterwards."""
    person = make_person(kreis)
    with app.test_request_context(), tenant_scope(kreis):
        consent.ensure_defaults(db.session.get(Tenant, kreis.id))
        version = consent.current_versions()[0]
        record_id = db.session.execute(
            insert(ConsentRecord)
            .values(
                tenant_id=kreis.id,
                person_id=person.id,
                template_version_id=version.id,
                kind="confidentiality_release",
                language="de",
                signed_by="self",
                guardian_name="",
                recipient_keys=["jobcenter"],
                partner_names=[],
                purposes=["referral"],
                granted_on=TODAY,
            )
            .returning(ConsentRecord.id)
        ).scalar_one()
        assert coverage.consents_of(person.id) == []
        connection = db.session.connection()
        assert coverage.backfill(connection, tenant_id=kreis.id) == 1
        assert coverage.backfill(connection, tenant_id=kreis.id) == 0
        db.session.commit()
        assert [r.id for r in coverage.consents_of(person.id)] == [record_id]


def test_the_gate_locks_only_the_persons_consents(app, kreis, make_person, _db_url):
    """PostgreSQL: while a disclosure for one person holds its lock, another person's consent
    can still be revoked (before, every release of the tenant was locked)."""
    if not _db_url.startswith("postgresql"):
        pytest.skip("row locks are exercised on PostgreSQL")
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    first, second = make_person(kreis), make_person(kreis)
    with app.test_request_context(), tenant_scope(kreis):
        consent.ensure_defaults(db.session.get(Tenant, kreis.id))
        own = _release(db.session.get(Person, first.id)).id
        other = _release(db.session.get(Person, second.id)).id
        db.session.commit()
        with counting_statements(db.engine) as log:
            locked = consent._covering(first.id, "confidentiality_release", lock=True)
        assert [r.id for r in locked] == [own]
        (statement,) = [s for s in log.statements if "FOR UPDATE" in s]
        assert "consent_coverage" in statement and "FOR UPDATE OF consent_record" in statement
        with db.engine.connect() as other_conn:
            other_conn.execute(
                text("SELECT set_config('lotse.tenant_id', :t, true)"), {"t": str(kreis.id)}
            )
            sql = "SELECT id FROM consent_record WHERE id = :id FOR UPDATE NOWAIT"
            assert other_conn.execute(text(sql), {"id": other}).scalar() == other
            with pytest.raises(OperationalError):
                other_conn.execute(text(sql), {"id": own})
            other_conn.rollback()
        db.session.rollback()


@pytest.fixture
def fresh_database(app, _owner_db_url, tmp_path):
    """An empty database of its own for a migration run (SQLite: a file; PostgreSQL: a schema
    first on the search path, as the owner); yields an app bound to it."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from core.app import create_app
    from core.testing.pytest_plugin import make_test_config

    base = make_url(_owner_db_url)
    owner = None
    if base.get_backend_name() == "postgresql":
        owner = create_engine(base)
        with owner.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS lotse_coverage_migration CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA lotse_coverage_migration")
        url = base.update_query_dict(
            {"options": "-csearch_path=lotse_coverage_migration"}
        ).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'coverage-migration.sqlite3'}"
    fresh = create_app(make_test_config(url, tmp_path))
    yield fresh
    with fresh.app_context():
        db.engine.dispose()
    if owner is not None:
        with owner.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS lotse_coverage_migration CASCADE")
        owner.dispose()


def test_migration_moves_covered_lists_to_coverage_rows_and_back(fresh_database):
    """0010 on a database with JSON lists: every record gets its holder's row, each covered
    child one row; ids that name no person of the tenant are dropped; the downgrade restores the
    lists."""
    import sqlalchemy as sa

    from core import migrate

    record = sa.table(
        "consent_record",
        *(sa.column(c) for c in ("id", "tenant_id", "person_id", "template_version_id", "kind")),
        *(sa.column(c) for c in ("language", "signed_by", "guardian_name", "granted_on")),
        *(sa.column(c, sa.JSON) for c in ("covered_person_ids", "recipient_keys")),
        *(sa.column(c, sa.JSON) for c in ("partner_names", "purposes")),
        sa.column("created_at"),
    )
    with fresh_database.app_context():
        migrate.upgrade("0009_coded_person_fields")
        with db.engine.begin() as conn:
            for tenant_id, slug in ((1, "alt"), (2, "nachbar")):
                conn.execute(
                    sa.text(
                        "INSERT INTO tenant (id, slug, name, kind, active, default_locale, "
                        "locales, theme, settings, plugins_version, created_at) VALUES (:id, "
                        ":slug, 'Alt', 'kreis', true, 'de', '[\"de\"]', '{}', '{}', 0, "
                        "'2026-01-01 00:00:00')"
                    ),
                    {"id": tenant_id, "slug": slug},
                )
            for person_id, tenant_id in ((1, 1), (2, 1), (3, 1), (4, 2)):
                conn.execute(
                    sa.text(
                        "INSERT INTO person (id, tenant_id, first_name, last_name, other_names, "
                        "gender, nationality, languages, interpreter_needed, "
                        "interpreter_language, residence_status, street, postcode, city, phone, "
                        "email, name_key, sort_name, updated_at, version, restriction_reason, "
                        "created_at) VALUES (:id, :t, 'A', 'B', '', 'female', '', '[]', false, "
                        "'', 'unknown', '', '', '', '', '', '', '', '2026-01-01 00:00:00', 1, '', "
                        "'2026-01-01 00:00:00')"
                    ),
                    {"id": person_id, "t": tenant_id},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO consent_template (id, tenant_id, key, kind, title, created_at) "
                    "VALUES (1, 1, 'release', 'confidentiality_release', 'SE', "
                    "'2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO consent_template_version (id, tenant_id, template_id, number, "
                    "texts, recipient_keys, purposes, processing_bodies, privacy_notice, "
                    "created_at) VALUES (1, 1, 1, 1, '{}', '[]', '[]', '', '{}', "
                    "'2026-01-01 00:00:00')"
                )
            )
            # Record 1: the parent covers persons 2 and 3, names itself, a person of the other
            # tenant (4) and one that does not exist (99). Record 2: the child's own.
            for record_id, holder, covered in ((1, 1, [2, 3, 1, 4, 99]), (2, 2, [])):
                conn.execute(
                    sa.insert(record).values(
                        id=record_id,
                        tenant_id=1,
                        person_id=holder,
                        template_version_id=1,
                        kind="confidentiality_release",
                        language="de",
                        signed_by="self",
                        guardian_name="",
                        granted_on=date(2026, 1, 1),
                        covered_person_ids=covered,
                        recipient_keys=["jobcenter"],
                        partner_names=[],
                        purposes=["referral"],
                        created_at="2026-01-01 00:00:00",
                    )
                )
        migrate.upgrade("0010_consent_coverage")
        with db.engine.begin() as conn:
            rows = conn.execute(
                sa.text("SELECT tenant_id, consent_id, person_id FROM consent_coverage")
            ).all()
            columns = [c["name"] for c in sa.inspect(conn).get_columns("consent_record")]
        assert sorted(map(tuple, rows)) == [(1, 1, 1), (1, 1, 2), (1, 1, 3), (1, 2, 2)]
        assert "covered_person_ids" not in columns
        migrate.downgrade("0009_coded_person_fields")
        with db.engine.begin() as conn:
            lists = dict(conn.execute(sa.select(record.c.id, record.c.covered_person_ids)).all())
            tables = sa.inspect(conn).get_table_names()
        assert lists == {1: [2, 3], 2: []} and "consent_coverage" not in tables


def test_expiring_releases_are_collected_without_a_statement_per_release(
    app, kreis, make_case, make_consent
):
    """The follow-up job's consent source: the same statements for one or four releases."""
    from core.consent.follow_ups import ConsentExpirySource

    until = (TODAY + timedelta(days=20)).isoformat()

    def add_client():
        case = make_case(kreis)
        make_consent(kreis, _ref(case.person_id), valid_until=until)

    def collect():
        with app.test_request_context(), tenant_scope(kreis):
            tenant = db.session.get(Tenant, kreis.id)
            with counting_statements(db.engine) as log:
                due = list(ConsentExpirySource().collect(tenant, TODAY))
            db.session.rollback()
        return log.count, due

    add_client()
    one, due_one = collect()
    for _ in range(3):
        add_client()
    four, due_four = collect()
    assert len(due_one) == 1 and len(due_four) == 4
    assert one == four
