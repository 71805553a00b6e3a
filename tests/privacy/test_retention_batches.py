"""Set-based retention (issue #10, item 5): the job works in batches with a commit each and
continues after a crash without doing anything twice; a batch costs the same number of statements
whatever its size; the DSB desk and the due-deletions page read the kept result of the last dry
run (paginated, recomputed only on request of the DSB), tenant by tenant."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from core.auth.models import User
from core.db import db
from core.persons.models import Person
from core.persons.services import create_person
from core.privacy import erasure, retention
from core.privacy.models import DeletionLog, RetentionDue, RetentionRun
from core.privacy.registry import tenant_registry
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant
from tests.privacy.conftest import build_client

#: Far enough ahead that every client of the fixtures is due under a nine-month rule.
LATER = date.today() + timedelta(days=800)


@contextmanager
def statements():
    """Counts the SQL statements sent to the database (``len(seen)``)."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _configure(tenant_id: int, action: str) -> None:
    tenant = db.session.get(Tenant, tenant_id)
    tenant.settings = {
        **(tenant.settings or {}),
        "retention": {
            "action": action,
            "warn_days": 30,
            "periods": {"client_file": {"start": "last_contact", "months": 9}},
        },
    }
    db.session.commit()


def _add_clients(app, world, n: int) -> list[int]:
    """``n`` more clients with every kind of data (cases, consents, disclosures, files …)."""
    ids = []
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        actor = db.session.scalar(select(User).where(User.email == world["email"]))
        for i in range(n):
            ids.append(build_client(tenant, actor, f"Batch{i}").person_id)
        db.session.commit()
    return ids


def _tenant_ids(app, tenant) -> list[int]:
    with app.app_context(), tenant_scope(tenant):
        return list(db.session.scalars(select(Person.id).order_by(Person.id)))


def _log_refs(app, tenant) -> list[str]:
    with app.app_context(), tenant_scope(tenant):
        return list(db.session.scalars(select(DeletionLog.subject_ref).order_by(DeletionLog.id)))


def _journal_refs(app, tenant, since: int) -> list[str]:
    """Record numbers of the journal lines written since line ``since`` for this tenant."""
    with app.app_context():
        return [
            e["subject_ref"] for e in erasure.read_journal()[since:] if e["tenant_id"] == tenant.id
        ]


def _journal_length(app) -> int:
    with app.app_context():
        return len(erasure.read_journal())


@pytest.mark.parametrize("action", ["erase", "anonymise"])
def test_a_crash_in_batch_two_keeps_batch_one_and_the_rerun_does_the_rest_once(
    app, world, monkeypatch, action
):
    tenant = world["tenant"]
    with app.app_context():
        _configure(tenant.id, action)
    _add_clients(app, world, 5)
    people = _tenant_ids(app, tenant)
    assert len(people) == 7
    other_before = _tenant_ids(app, world["other"])
    journal = _journal_length(app)

    real, calls = erasure.apply_many, []

    def crash_in_second_batch(*args, **kwargs):
        calls.append(len(args[1]))
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(erasure, "apply_many", crash_in_second_batch)
    with app.test_request_context(), tenant_scope(tenant):
        with pytest.raises(RuntimeError):
            retention.run(db.session.get(Tenant, tenant.id), LATER, batch_size=3)
    # Batch one (three persons) is committed, with its log entries and journal lines; batch two
    # left nothing behind.
    first = [f"person:{i}" for i in people[:3]]
    assert sorted(_log_refs(app, tenant)) == sorted(first)
    assert sorted(_journal_refs(app, tenant, journal)) == sorted(first)
    with app.app_context(), tenant_scope(tenant):
        record = db.session.scalar(select(RetentionRun).where(RetentionRun.dry_run.is_(False)))
        assert (record.status, record.error, record.last_person_id) == (
            "failed",
            "RuntimeError",
            people[2],
        )
        assert record.counts["erased" if action == "erase" else "anonymised"] == 3

    monkeypatch.setattr(erasure, "apply_many", real)
    progress: list[tuple[int, int]] = []
    with app.test_request_context(), tenant_scope(tenant):
        report = retention.run(
            db.session.get(Tenant, tenant.id),
            LATER,
            batch_size=3,
            progress=lambda done, total: progress.append((done, total)),
        )
    # The rerun continued after person three: four more, in two batches, each person once.
    assert progress == [(3, 4), (4, 4)]
    assert report["erased" if action == "erase" else "anonymised"] == 7
    everyone = sorted(f"person:{i}" for i in people)
    assert sorted(_log_refs(app, tenant)) == everyone
    assert sorted(_journal_refs(app, tenant, journal)) == everyone
    with app.app_context(), tenant_scope(tenant):
        runs = db.session.scalars(select(RetentionRun).where(RetentionRun.dry_run.is_(False))).all()
        assert [(r.status, r.last_person_id) for r in runs] == [("done", people[-1])]
        if action == "erase":
            assert db.session.scalar(select(func.count()).select_from(Person)) == 0
        else:
            assert (
                db.session.scalar(
                    select(func.count()).select_from(Person).where(Person.anonymised_at.is_(None))
                )
                == 0
            )
    # The other tenant's persons were never touched, nor its runs.
    assert _tenant_ids(app, world["other"]) == other_before
    with app.app_context(), tenant_scope(world["other"]):
        assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 0
        assert db.session.scalar(select(func.count()).select_from(DeletionLog)) == 0
    # A third run finds nothing left to do and writes no second entry.
    with app.test_request_context(), tenant_scope(tenant):
        again = retention.run(db.session.get(Tenant, tenant.id), LATER, batch_size=3)
    assert again["erased"] + again["anonymised"] == 0
    assert sorted(_log_refs(app, tenant)) == everyone


@pytest.mark.parametrize("action", ["erase", "anonymise"])
def test_statements_per_batch_do_not_grow_with_the_batch_size(app, world, action):
    """A batch of six clients costs no more statements than a batch of two (set-based work per
    declared table) – and far fewer than six single erasures."""
    ids = [world["a"].person_id, world["b"].person_id, *_add_clients(app, world, 6)]
    small, large = ids[:2], ids[2:]

    def cost(person_ids):
        with app.test_request_context(), tenant_scope(world["tenant"]):
            tenant = db.session.get(Tenant, world["tenant"].id)
            registry = tenant_registry(tenant)
            persons = db.session.scalars(select(Person).where(Person.id.in_(person_ids))).all()
            with statements() as seen:
                logs = erasure.apply_many(action, persons, registry, rule="test")
                db.session.flush()
            assert len(logs) == len(person_ids)
            db.session.commit()
            return len(seen)

    two, six = cost(small), cost(large)
    assert six <= two + 1, (two, six)
    # Not a trivially low figure either: every declared client table is reached.
    with app.app_context(), tenant_scope(world["tenant"]):
        tables = len(tenant_registry(db.session.get(Tenant, world["tenant"].id)).client_tables())
    assert six >= tables


def _forbid_dry_run(monkeypatch):
    def no_dry_run(*args, **kwargs):
        raise AssertionError("the dry run ran on a view or an API call")

    monkeypatch.setattr(retention, "candidates", no_dry_run)


def _keep_fifty_five_due(app, world) -> int:
    """53 enquiries without a case beside A and B, all due by LATER; the dry run kept. Returns
    the number of kept rows."""
    with app.test_request_context(), tenant_scope(world["tenant"]):
        actor = db.session.scalar(select(User).where(User.email == world["email"]))
        for i in range(53):
            create_person(actor, {"first_name": f"Anfrage{i}", "last_name": "Ohnefall"})
        db.session.commit()
        retention.store_result(db.session.get(Tenant, world["tenant"].id), LATER)
        db.session.commit()
        return db.session.scalar(select(func.count()).select_from(RetentionDue))


def _dsb(app, world, sign_in):
    return sign_in("priv", world["email_dpo"])


def test_desk_and_due_page_read_the_kept_result_and_never_compute_on_a_view(
    app, world, sign_in, monkeypatch
):
    with app.app_context():
        _configure(world["tenant"].id, "anonymise")
    with app.test_request_context(), tenant_scope(world["tenant"]):
        retention.store_result(db.session.get(Tenant, world["tenant"].id), LATER)
        db.session.commit()

    _forbid_dry_run(monkeypatch)
    dsb = _dsb(app, world, sign_in)
    desk = dsb.get("/priv/privacy")
    assert desk.status_code == 200
    text = desk.get_data(as_text=True)
    assert "Stand:" in text
    page = dsb.get("/priv/privacy/retention")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"person:{world['a'].person_id}" in html and "neu berechnen" in html
    # "neu berechnen" computes anew (and only that does).
    monkeypatch.undo()
    with app.test_request_context(), tenant_scope(world["tenant"]):
        before = retention.stored_result().id
    response = dsb.post("/priv/privacy/retention/recompute")
    assert response.status_code == 302
    with app.test_request_context(), tenant_scope(world["tenant"]):
        kept = retention.stored_result()
        assert kept.id != before and kept.day == date.today()
        # Nothing is due today: the fixtures' contacts are recent.
        assert db.session.scalar(select(func.count()).select_from(RetentionDue)) == 0
    assert f"person:{world['a'].person_id}" not in dsb.get("/priv/privacy/retention").get_data(
        as_text=True
    )


def test_only_the_dsb_may_recompute(app, world, make_user, sign_in):
    email, _password = make_user(world["tenant"], roles=["case_manager"])
    case_manager = sign_in("priv", email)
    assert case_manager.get("/priv/privacy/retention").status_code == 403
    assert case_manager.post("/priv/privacy/retention/recompute").status_code == 403
    with app.app_context(), tenant_scope(world["tenant"]):
        assert retention.stored_result() is None
    # Without the CSRF token even the DSB is refused.
    dsb = _dsb(app, world, sign_in)
    assert dsb.post("/priv/privacy/retention/recompute", csrf=False).status_code in (400, 403)
    with app.app_context(), tenant_scope(world["tenant"]):
        assert retention.stored_result() is None
    assert dsb.post("/priv/privacy/retention/recompute").status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        assert retention.stored_result() is not None


def test_due_list_is_paginated_fifty_a_page(app, world, sign_in):
    with app.app_context():
        _configure(world["tenant"].id, "erase")
    assert _keep_fifty_five_due(app, world) == 55  # A, B and the 53 enquiries
    dsb = _dsb(app, world, sign_in)
    first = dsb.get("/priv/privacy/retention").get_data(as_text=True)
    second = dsb.get("/priv/privacy/retention?page=2").get_data(as_text=True)
    rows = lambda html: html.count('">person:')  # noqa: E731
    assert (rows(first), rows(second)) == (50, 5)
    assert "?page=2" in first and "?page=3" not in second and "?page=1" in second
    assert dsb.get("/priv/privacy/retention?page=0").status_code == 404


def test_each_tenant_sees_and_processes_only_its_own_due_files(app, world, make_user, sign_in):
    with app.app_context():
        _configure(world["tenant"].id, "erase")
        _configure(world["other"].id, "erase")
    for tenant in (world["tenant"], world["other"]):
        with app.test_request_context(), tenant_scope(tenant):
            retention.store_result(db.session.get(Tenant, tenant.id), LATER)
            db.session.commit()
    email, _password = make_user(world["other"], roles=["dpo"])
    other_dsb = sign_in("other", email)
    page = other_dsb.get("/other/privacy/retention").get_data(as_text=True)
    assert f"person:{world['namesake'].person_id}" in page
    assert f"person:{world['a'].person_id}" not in page
    mine = _dsb(app, world, sign_in).get("/priv/privacy/retention").get_data(as_text=True)
    assert f"person:{world['namesake'].person_id}" not in mine
    # Erasing A removes A's row from the kept list; the other tenant's list keeps its own.
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        retention.run(tenant, LATER)
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0
        assert db.session.scalar(select(func.count()).select_from(RetentionDue)) == 0
    with app.app_context(), tenant_scope(world["other"]):
        assert db.session.get(Person, world["namesake"].person_id) is not None
        assert db.session.scalar(select(RetentionDue.person_id)) == world["namesake"].person_id


def test_erasing_a_person_removes_their_row_from_the_kept_list(app, world):
    with app.app_context():
        _configure(world["tenant"].id, "erase")
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        retention.store_result(tenant, LATER)
        db.session.commit()
        person = db.session.get(Person, world["a"].person_id)
        erasure.erase(person, tenant_registry(tenant), rule="test")
        db.session.commit()
        left = set(db.session.scalars(select(RetentionDue.person_id)))
    assert world["a"].person_id not in left and world["b"].person_id in left


def test_the_api_reads_the_kept_result_fifty_a_page(app, world, api_client, monkeypatch):
    """GET /privacy/retention/due answers from the kept dry run like the desk: no dry run per
    call, pages of 50 with X-Next-Page, the time it was computed, only the tenant's own files."""
    with app.app_context():
        _configure(world["tenant"].id, "erase")
        _configure(world["other"].id, "erase")
    _keep_fifty_five_due(app, world)
    with app.test_request_context(), tenant_scope(world["other"]):
        retention.store_result(db.session.get(Tenant, world["other"].id), LATER)
        db.session.commit()

    _forbid_dry_run(monkeypatch)
    dsb = api_client(world["tenant"], roles=["dpo"])
    first = dsb("GET", "/privacy/retention/due")
    assert first.status_code == 200 and len(first.json) == 50
    assert first.headers["X-Next-Page"] == "2" and first.headers["X-Computed-At"]
    second = dsb("GET", "/privacy/retention/due?page=2")
    assert len(second.json) == 5 and "X-Next-Page" not in second.headers
    ids = {row["person_id"] for row in first.json + second.json}
    assert world["a"].person_id in ids and world["namesake"].person_id not in ids
    bad = dsb("GET", "/privacy/retention/due?page=0")
    assert bad.status_code == 422 and "page" in bad.json["errors"]
    case_manager = api_client(world["tenant"], roles=["case_manager"])
    assert case_manager("GET", "/privacy/retention/due").status_code == 403
