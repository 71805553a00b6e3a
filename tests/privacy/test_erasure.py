"""T21: erasure leaves no residue; anonymisation keeps the statistics and nothing else."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import func, select

from core.cases.models import Case, Contact, Goal
from core.db import db
from core.documentation.models import JournalEntry
from core.persons.models import Household, Person
from core.privacy import erasure
from core.privacy.models import DeletionLog
from core.privacy.registry import tenant_registry
from core.tenancy.context import tenant_scope, unscoped
from core.tenancy.models import Tenant


def dump(app, exclude_tenant: int | None = None) -> str:
    """Every row of every table, as text (what a database dump would show)."""
    parts = []
    with app.app_context(), unscoped():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).mappings():
                if exclude_tenant is not None and row.get("tenant_id") == exclude_tenant:
                    continue
                parts.append(json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False))
    return "\n".join(parts)


def files_text(app, exclude_tenant: int | None = None) -> str:
    """The upload store: file names and contents (one folder per tenant)."""
    root = Path(app.config["LOTSE_ATTACHMENT_DIR"])
    return "\n".join(
        p.read_bytes().decode("latin-1") + p.name
        for p in root.rglob("*")
        if p.is_file() and p.parent.name != str(exclude_tenant)
    )


def redis_text() -> str:
    """Keys and string values of the test Redis (sign-in throttle), when the run has one."""
    url = os.environ.get("LOTSE_TEST_REDIS_URL")
    if not url:
        return ""
    import redis

    client = redis.Redis.from_url(url)
    parts = []
    for key in client.scan_iter():
        parts.append(key.decode("latin-1"))
        if client.type(key) == b"string":
            parts.append((client.get(key) or b"").decode("latin-1"))
    return "\n".join(parts)


def _statistics():
    return {
        "cases": db.session.scalar(select(func.count()).select_from(Case)),
        "by_type": sorted(
            db.session.execute(select(Case.case_type, func.count()).group_by(Case.case_type)).all()
        ),
        "contacts": db.session.scalar(select(func.count()).select_from(Contact)),
        "minutes": db.session.scalar(select(func.sum(Contact.duration_minutes))),
        "journal_effort": db.session.scalar(select(func.sum(JournalEntry.effort_minutes))),
        "goals": db.session.scalar(select(func.count()).select_from(Goal)),
        "persons": db.session.scalar(select(func.count()).select_from(Person)),
        "genders": sorted(
            db.session.execute(select(Person.gender, func.count()).group_by(Person.gender)).all()
        ),
    }


def test_erasure_leaves_only_the_deletion_log(app, world):
    a, b, namesake = world["a"], world["b"], world["namesake"]
    before = dump(app, world["other"].id) + files_text(app, world["other"].id)
    assert all(c in before for c in a.canaries)
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        log = erasure.erase(
            db.session.get(Person, a.person_id), tenant_registry(tenant), rule="test"
        )
        db.session.commit()
        log_id = log.id
    # Database (every table, incl. sessions and audit payloads), upload store and Redis. Exports
    # are generated on request and never stored on the server.
    after = dump(app, world["other"].id) + files_text(app, world["other"].id) + redis_text()
    residue = [c for c in a.canaries if c in after]
    # Art. 19: the recipient stays (as the DSB's task to tell them) until the DSB marks it done.
    assert residue == ["PersAKanarieEmpfaenger"]
    with app.test_request_context(), tenant_scope(world["tenant"]):
        (notice,) = erasure.open_recipient_notices()
        assert "PersAKanarieEmpfaenger" in str(notice.recipients)
        erasure.close_recipient_notice(None, notice)
        db.session.commit()
    after = dump(app, world["other"].id) + files_text(app, world["other"].id) + redis_text()
    assert [c for c in a.canaries if c in after] == []
    # B (same household) keeps everything, including the shared household.
    assert all(c in after for c in b.canaries)
    # The namesake in the other tenant is untouched.
    assert all(c in dump(app) + files_text(app) for c in namesake.canaries)
    with app.test_request_context(), tenant_scope(world["tenant"]):
        entry = db.session.get(DeletionLog, log_id)
        assert entry.action == "erased" and entry.subject_ref == f"person:{a.person_id}"
        assert entry.row_counts["case_file"] == 1 and entry.files == 1
        assert "client_master" in entry.categories
        assert db.session.get(Person, a.person_id) is None
        assert db.session.scalar(select(func.count()).select_from(Household)) == 1


def test_erasure_of_the_last_household_member_removes_the_household(app, world):
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        for key in ("a", "b"):
            erasure.erase(
                db.session.get(Person, world[key].person_id), tenant_registry(tenant), rule="test"
            )
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Household)) == 0
    assert "PersAKanarieHaushalt" not in dump(app, world["other"].id)


def test_anonymisation_keeps_statistics_and_nothing_personal(app, world):
    a = world["a"]
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        before = _statistics()
        log = erasure.anonymise(
            db.session.get(Person, a.person_id), tenant_registry(tenant), rule="test"
        )
        db.session.commit()
        assert log.action == "anonymised"
        assert _statistics() == before
        person = db.session.get(Person, a.person_id)
        assert person.anonymised_at is not None and person.first_name == "Anonymisiert"
        assert person.birth_date.year == 1990 and (
            person.birth_date.month,
            person.birth_date.day,
        ) == (7, 1)
        # Idempotent: nothing left to change, no second log entry.
        assert erasure.anonymise(person, tenant_registry(tenant), rule="test") is None
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(DeletionLog)) == 1
    after = dump(app, world["other"].id) + files_text(app, world["other"].id)
    assert [c for c in a.canaries if c in after] == []
    assert all(c in after for c in world["b"].canaries)


def test_a_failed_erasure_keeps_rows_and_files(app, world, monkeypatch):
    """One transaction: if anything fails, nothing is gone – not even the stored file."""
    a = world["a"]
    files_before = files_text(app, world["other"].id)
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        erasure.erase(db.session.get(Person, a.person_id), tenant_registry(tenant), rule="test")
        db.session.rollback()
        assert db.session.get(Person, a.person_id) is not None
    assert files_text(app, world["other"].id) == files_before
    assert all(c in dump(app) + files_before for c in a.canaries)
