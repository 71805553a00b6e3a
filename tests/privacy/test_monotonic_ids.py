"""Issue #8, item 13: an erased person's id, case number and audit trail never attach to a new
person. Every table keeps its ids monotonic (SQLite AUTOINCREMENT, also on databases migrated
from before), and case numbers come from a counter, not from ``max()+1`` over surviving cases."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import Table, event, func, select

import core.db
from core.audit.models import AuditEvent
from core.cases.models import Case
from core.db import db
from core.persons.models import Person
from core.privacy.models import DataSubjectRequest
from core.tenancy.context import tenant_scope
from tests.privacy.conftest import file_request


def _new_person(browser, last_name: str) -> int:
    data = {
        "first_name": "Neu",
        "last_name": last_name,
        "birth_date": "1991-02-03",
        "gender": "female",
        "residence_status": "permit_limited",
        "postcode": "46045",
    }
    browser.get("/priv/persons/new")
    response = browser.post("/priv/persons/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"person_id=(\d+)", response.headers["Location"]).group(1))


def _open_case(browser, person_id: int) -> int:
    browser.get(f"/priv/cases/new?person_id={person_id}")
    response = browser.post(
        "/priv/cases/new", {"person_id": person_id, "case_type": "case_management"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _erase_by_request(app, world, cm, dpo, person_id: int) -> None:
    request_id = file_request(
        app, world["tenant"], cm, person_id, "erasure", details="alles löschen"
    )
    assert (
        dpo.post(
            f"/priv/privacy/requests/{request_id}/erase",
            {"decision_note": "geprüft", "confirmed": "1"},
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, person_id) is None


def test_an_erased_persons_id_requests_and_audit_trail_never_attach_to_a_new_person(
    app, world, sign_in
):
    cm, dpo = sign_in("priv", world["email"]), sign_in("priv", world["email_dpo"])
    # The newest person (highest id) is the one SQLite would hand out again.
    old_person = _new_person(cm, "Geloescht")
    old_case = _open_case(cm, old_person)
    assert cm.get(f"/priv/cases/{old_case}").status_code == 200
    file_request(app, world["tenant"], cm, old_person, "access", details="Auskunft bitte")
    with app.app_context(), tenant_scope(world["tenant"]):
        trail = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id.in_([str(old_person), str(old_case)]))
        )
        assert trail > 0
    _erase_by_request(app, world, cm, dpo, old_person)
    with app.app_context(), tenant_scope(world["tenant"]):
        # Item 16: the open Art. 15 request is closed with its outcome, not left open or deleted.
        access = db.session.scalar(
            select(DataSubjectRequest).where(
                DataSubjectRequest.person_id == old_person, DataSubjectRequest.kind == "access"
            )
        )
        assert access.status == "erased" and access.details == "" and access.decided_at is not None
        last_event = db.session.scalar(select(func.max(AuditEvent.id)))

    new_person = _new_person(cm, "Neuzugang")
    new_case = _open_case(cm, new_person)
    assert (new_person, new_case) != (old_person, old_case)
    assert new_person > old_person and new_case > old_case
    with app.app_context(), tenant_scope(world["tenant"]):
        assert (
            db.session.scalars(
                select(DataSubjectRequest).where(DataSubjectRequest.person_id == new_person)
            ).all()
            == []
        )
        inherited = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.id <= last_event,
                ((AuditEvent.object_type == "Person") & (AuditEvent.object_id == str(new_person)))
                | ((AuditEvent.object_type == "Case") & (AuditEvent.object_id == str(new_case))),
            )
        )
        assert inherited == 0


def test_case_numbers_are_never_issued_twice(app, world, sign_in):
    cm, dpo = sign_in("priv", world["email"]), sign_in("priv", world["email_dpo"])
    issued = []
    for round_ in range(3):
        person = _new_person(cm, f"Runde{round_}")
        case = _open_case(cm, person)
        with app.app_context(), tenant_scope(world["tenant"]):
            issued.append(db.session.get(Case, case).number)
        _erase_by_request(app, world, cm, dpo, person)
    person = _new_person(cm, "Danach")
    case = _open_case(cm, person)
    with app.app_context(), tenant_scope(world["tenant"]):
        issued.append(db.session.get(Case, case).number)
    assert len(set(issued)) == len(issued), issued


def test_every_table_is_created_with_autoincrement(app):
    """The default lives in one place (core.db): every model and every table a migration creates."""
    missing = [
        t.name
        for t in db.metadata.sorted_tables
        if not t.dialect_options["sqlite"]["autoincrement"]
    ]
    assert missing == []
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%'"
            ).all()
            without = []
            for name, sql in rows:
                pk = [c for c in conn.exec_driver_sql(f'PRAGMA table_info("{name}")') if c[5]]
                if (
                    len(pk) == 1
                    and pk[0][2].upper() == "INTEGER"
                    and "AUTOINCREMENT" not in sql.upper()
                ):
                    without.append(name)
    assert without == []
    assert {
        "person",
        "case_file",
        "audit_event",
        "data_subject_request",
        "plg_interpreters_interpreter",
    } <= {r[0] for r in rows}


def _rows(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_an_existing_sqlite_database_is_rebuilt_with_autoincrement(app, tmp_path):
    """Migration 0008 on a database created before it: every table rebuilt, every row kept, no
    ON DELETE action fired by the rebuild, and the next id continues above the highest."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only: PostgreSQL sequences never go back")
    from core import migrate
    from core.app import create_app
    from core.testing.pytest_plugin import make_test_config

    path = tmp_path / "old.sqlite3"
    old_app = create_app(make_test_config(f"sqlite:///{path}", tmp_path))
    event.remove(Table, "before_create", core.db._monotonic_on_create)
    try:
        with old_app.app_context():
            migrate.upgrade("0006_data_protection")
    finally:
        event.listen(Table, "before_create", core.db._monotonic_on_create)
    assert all(
        "AUTOINCREMENT" not in sql
        for (sql,) in _rows(path, "SELECT sql FROM sqlite_master WHERE name = 'person'")
    )
    con = sqlite3.connect(path)
    con.executescript("""
        INSERT INTO tenant (id, slug, name, kind, active, default_locale, locales, theme, settings,
            plugins_version, created_at)
            VALUES (1, 't', 'T', 'kreis', 1, 'de', '["de"]', '{}', '{}', 0, '2026-01-01 00:00:00');
        INSERT INTO person (id, tenant_id, first_name, last_name, other_names, gender, nationality,
            languages, interpreter_needed, interpreter_language, residence_status, street, postcode,
            city, phone, email, name_key, sort_name, version, created_at, updated_at,
            restriction_reason)
            VALUES (7, 1, 'A', 'B', '', '', '', '[]', 0, '', '', '', '', '', '', '', 'ab', 'b a', 1,
                    '2026-01-01 00:00:00', '2026-01-01 00:00:00', '');
        INSERT INTO case_file (id, tenant_id, number, person_id, case_type, phase, status, topic,
            access_path, source, warm_handover, opened_on, last_activity_at, closure_reason,
            closure_note, evaluation, created_at, version)
            VALUES (3, 1, '2026-0009', 7, 'case_management', 'access', 'open', '', '', '', 0,
                    '2026-01-02', '2026-01-02 00:00:00', '', '', '{}', '2026-01-02 00:00:00', 1);
    """)
    con.commit()
    con.close()
    with old_app.app_context():
        migrate.upgrade("heads")
        db.engine.dispose()
    tables = _rows(
        path,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND "
        "name != 'alembic_version'",
    )
    assert [name for name, sql in tables if "AUTOINCREMENT" not in sql] == []
    assert _rows(path, "SELECT id, number FROM case_file") == [(3, "2026-0009")]
    assert _rows(path, "SELECT id FROM person") == [(7,)]
    assert _rows(path, "PRAGMA foreign_key_check") == []
    assert _rows(path, "SELECT year, last_number FROM case_number_counter") == [(2026, 9)]
    con = sqlite3.connect(path)
    con.execute("DELETE FROM case_file")
    con.execute("DELETE FROM person WHERE id = 7")
    con.execute("""INSERT INTO person (tenant_id, first_name, last_name, other_names, gender,
        nationality, languages, interpreter_needed, interpreter_language, residence_status, street,
        postcode, city, phone, email, name_key, sort_name, version, created_at, updated_at,
        restriction_reason)
        SELECT id, 'C', 'D', '', '', '', '[]', 0, '', '', '', '', '', '', '', 'cd', 'd c', 1,
        created_at, created_at, ''
        FROM tenant""")
    con.commit()
    assert con.execute("SELECT id FROM person").fetchall() == [(8,)]
    con.close()


def test_simultaneous_openings_never_draw_the_same_number(app, make_tenant, make_user, _db_url):
    """The counter row is locked by the UPDATE that raises it (PostgreSQL), also for the very first
    case of a year, when two openings race to create the counter."""
    import threading

    from core.auth.models import User
    from core.cases import services as cases
    from core.persons.services import create_person
    from core.tenancy.models import Tenant

    if not _db_url.startswith("postgresql"):
        pytest.skip("row locks are exercised on PostgreSQL")
    tenant = make_tenant("zaehler")
    email, _ = make_user(tenant, roles=["case_manager"])
    workers = 6
    with app.test_request_context(), tenant_scope(tenant):
        ids = []
        for n in range(workers):
            ids.append(create_person(None, {"first_name": "Gleich", "last_name": f"Zeitig{n}"}).id)
        db.session.commit()
    barrier = threading.Barrier(workers)
    numbers, errors = [], []

    def open_one(person_id):
        with app.test_request_context(), tenant_scope(tenant):
            try:
                t = db.session.get(Tenant, tenant.id)
                actor = db.session.scalar(select(User).where(User.email == email))
                barrier.wait()
                case = cases.open_case(
                    actor, t, {"person_id": person_id, "case_type": "case_management"}
                )
                db.session.commit()
                numbers.append(case.number)
            except Exception as error:  # noqa: BLE001 – collected and asserted below
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=open_one, args=(person_id,)) for person_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(numbers) == workers and len(set(numbers)) == workers
