"""Issue #8, items 16, 17 and 19: what an erasure leaves behind on purpose (Art. 19 recipients for
the DSB, closed requests, the revocation count), what it must not leave (a restored backup brings
no one back), VACUUM on PostgreSQL, and persons without a case under the retention rules."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from core.auth.models import User
from core.consent import services as consent
from core.consent.models import ConsentRecord
from core.db import db, utcnow
from core.persons.models import Person
from core.persons.services import create_person
from core.privacy import erasure, retention
from core.privacy.models import RecipientNotice
from core.privacy.registry import tenant_registry
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant
from tests.privacy.conftest import set_retention


def _erase(app, world, person_id):
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        log = erasure.erase(db.session.get(Person, person_id), tenant_registry(tenant), rule="test")
        db.session.commit()
        return log.id


def test_recipients_of_past_disclosures_become_a_content_free_task_for_the_dsb(
    app, world, make_user, sign_in
):
    a = world["a"]
    log_id = _erase(app, world, a.person_id)
    with app.app_context(), tenant_scope(world["tenant"]):
        (notice,) = db.session.scalars(select(RecipientNotice)).all()
        assert notice.deletion_log_id == log_id and notice.done_at is None
        assert notice.recipients == [
            {
                "recipient_key": "",
                "recipient_name": "PersAKanarieEmpfaenger",
                "on": date.today().isoformat(),
                "data_categories": ["master_data"],
            }
        ]
        # Nothing about the person: no other canary (and, above, no id field).
        text = json.dumps(notice.recipients)
        assert [c for c in a.canaries if c in text] == ["PersAKanarieEmpfaenger"]
        notice_id = notice.id
    dpo = sign_in("priv", world["email_dpo"])
    desk = dpo.get("/priv/privacy").get_data(as_text=True)
    assert "Zu informierende Stellen (Art. 19)" in desk and "PersAKanarieEmpfaenger" in desk
    # Only the DSB closes it; another tenant's DSB does not even find it.
    cm = sign_in("priv", world["email"])
    assert cm.post(f"/priv/privacy/recipient-notices/{notice_id}/done", {}).status_code == 403
    other_email, _ = make_user(world["other"], roles=["dpo"])
    other = sign_in("other", other_email)
    assert other.post(f"/other/privacy/recipient-notices/{notice_id}/done", {}).status_code == 404
    assert dpo.post(f"/priv/privacy/recipient-notices/{notice_id}/done", {}).status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        notice = db.session.get(RecipientNotice, notice_id)
        assert notice.done_at is not None and notice.recipients[0]["recipient_name"] == ""
        assert notice.recipients[0]["data_categories"] == ["master_data"]
    assert "PersAKanarieEmpfaenger" not in dpo.get("/priv/privacy").get_data(as_text=True)


def _revocation_count(html: str) -> int:
    return int(re.search(r"Widerrufe</h2><p class=\"big-number\">(\d+)<", html).group(1))


def test_the_dsb_counts_revocations_of_persons_erased_since(app, world, sign_in):
    set_retention(app, world["tenant"], "erase", action="erase")
    dpo = sign_in("priv", world["email_dpo"])
    assert _revocation_count(dpo.get("/priv/privacy").get_data(as_text=True)) == 0
    with app.test_request_context(), tenant_scope(world["tenant"]):
        actor = db.session.scalar(select(User).where(User.email == world["email"]))
        record = db.session.scalar(
            select(ConsentRecord).where(ConsentRecord.person_id == world["a"].person_id)
        )
        consent.revoke(actor, record, {})
        db.session.commit()
        assert db.session.get(Person, world["a"].person_id) is None
    assert _revocation_count(dpo.get("/priv/privacy").get_data(as_text=True)) == 1


def _sqlite_path(app) -> Path | None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return Path(url.database) if url.get_backend_name() == "sqlite" else None


def test_a_restored_backup_brings_no_erased_person_back(app, world, tmp_path, monkeypatch, cli):
    """Copy the database before the erasure, erase, put the copy back, replay → gone again. The
    journal names record numbers and keyed fingerprints, never a name."""
    monkeypatch.setitem(app.config, "LOTSE_DELETION_JOURNAL", str(tmp_path / "journal.jsonl"))
    a, b = world["a"], world["b"]
    path = _sqlite_path(app)
    with app.app_context():
        db.engine.dispose()
    if path is not None:
        with app.app_context(), db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(path, tmp_path / "backup.sqlite3")
    with app.test_request_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, a.person_id)
        person_fingerprint = erasure.fingerprint(world["tenant"].id, person)
    _erase(app, world, a.person_id)
    journal = (tmp_path / "journal.jsonl").read_text()
    entry = json.loads(journal.splitlines()[-1])
    assert (
        entry["subject_ref"] == f"person:{a.person_id}"
        and entry["fingerprint"] == person_fingerprint
    )
    assert "kanarie" not in journal.lower()

    if path is not None:
        # The restore: the file as it was before the erasure.
        with app.app_context():
            db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(tmp_path / "backup.sqlite3", path)
    else:
        # PostgreSQL: the same situation, rebuilt – the person is back with the same number and
        # creation time (as a restored dump would have it).
        with app.test_request_context(), tenant_scope(world["tenant"]):
            actor = db.session.scalar(select(User).where(User.email == world["email"]))
            back = create_person(
                actor,
                {"first_name": "Zurueck", "last_name": "Aus Sicherung", "birth_date": "1990-05-17"},
            )
            db.session.flush()
            db.session.execute(
                update(Person)
                .where(Person.id == back.id)
                .values(id=a.person_id, created_at=person.created_at)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
    with app.test_request_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is not None

    result = cli("jobs", "replay-deletions", "--tenant", "priv")
    assert result.exit_code == 0 and '"replayed": 1' in result.output, result.output
    with app.test_request_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is None
        assert db.session.get(Person, b.person_id) is not None
    # Idempotent, also as part of the retention job.
    result = cli("jobs", "retention", "--tenant", "priv")
    assert result.exit_code == 0 and '"replayed": 0' in result.output, result.output


def test_the_journal_never_hits_another_record_with_the_same_number(
    app, world, tmp_path, monkeypatch
):
    journal = tmp_path / "journal.jsonl"
    monkeypatch.setitem(app.config, "LOTSE_DELETION_JOURNAL", str(journal))
    b = world["b"]
    journal.write_text(
        json.dumps(
            {
                "tenant_id": world["tenant"].id,
                "action": "erased",
                "subject_ref": f"person:{b.person_id}",
                "fingerprint": "0" * 32,
                "log_id": 1,
                "case_numbers": ["2026-0999"],
            }
        )
        + "\n"
    )
    with app.test_request_context(), tenant_scope(world["tenant"]):
        report = retention.replay_deletions(db.session.get(Tenant, world["tenant"].id))
        db.session.commit()
        assert report == {"replayed": 0, "counters_raised": 1}
        assert db.session.get(Person, b.person_id) is not None
        from core.cases.numbering import next_number

        assert next_number(date(2026, 5, 1)) == "2026-1000"
        db.session.rollback()


def test_retention_job_vacuums_on_postgresql_or_reports_the_refusal(app, world, cli):
    """VACUUM needs the table owner; the app role is not, so the job says so and carries on."""
    _erase(app, world, world["a"].person_id)
    result = cli("jobs", "retention", "--tenant", "priv")
    assert result.exit_code == 0, result.output
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert "VACUUM" in result.output and "person" in result.output
            from core.db import vacuum

            report = vacuum(db.engine, {"person", "contact"})
            assert set(report["vacuumed"]) | set(report["skipped"]) == {"person", "contact"}


def test_a_person_without_a_case_falls_under_the_retention_rules(app, world):
    with app.app_context():
        tenant = db.session.get(Tenant, world["tenant"].id)
        tenant.settings = {
            **(tenant.settings or {}),
            "retention": {
                "action": "erase",
                "periods": {"client_file": {"start": "closure", "months": 6}},
            },
        }
        db.session.commit()
    with app.test_request_context(), tenant_scope(world["tenant"]):
        actor = db.session.scalar(select(User).where(User.email == world["email"]))
        person = create_person(
            actor, {"first_name": "Ohne", "last_name": "Fall", "birth_date": "1980-01-01"}
        )
        db.session.flush()
        person.created_at = utcnow() - timedelta(days=400)
        db.session.commit()
        person_id = person.id
        tenant = db.session.get(Tenant, world["tenant"].id)
        info = retention.person_retention(tenant, person)
        assert info["start_on"] == person.created_at.date() and info["due_on"] <= date.today()
        assert person_id in {c.person_id for c in retention.candidates(tenant)}
        report = retention.run(tenant)
        db.session.commit()
        assert report["erased"] >= 1
        assert db.session.get(Person, person_id) is None
        # Clients with cases are untouched (their open cases keep them).
        assert db.session.get(Person, world["a"].person_id) is not None
