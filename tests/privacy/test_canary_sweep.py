"""Issue #8, "Must hold": a canary in every free-text and personal field of a client. After an
erasure no canary is left in any column of any table (scanned with SQL over ``db.metadata``), in
the SQLite file and its WAL (raw bytes), in the upload store, in the deletion journal or in the
log output. After an anonymisation none is left in any table."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from sqlalchemy import String, cast, func, select
from sqlalchemy.engine import make_url

from core.auth.models import User
from core.cases import services as cases
from core.cases.models import AccessDecision, Case, PhaseTransition
from core.db import db
from core.persons.models import Person
from core.privacy import erasure, requests
from core.privacy.erasure import journal_path, privileged
from core.privacy.registry import tenant_registry
from core.tenancy.context import tenant_scope, unscoped
from core.tenancy.models import Tenant
from tests.privacy.conftest import build_client, canary, file_request

NEEDLE = "kanarie"


def _residue(app, prefix: str) -> dict[str, int]:
    """Every text-castable column of every table, searched in the database itself."""
    needle = f"%{prefix.lower()}{NEEDLE}%"
    found = {}
    with app.app_context(), unscoped():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                count = db.session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(func.lower(cast(column, String)).like(needle))
                )
                if count:
                    found[f"{table.name}.{column.name}"] = count
        db.session.rollback()
    return found


def _sqlite_bytes(app) -> bytes:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return b""
    path = Path(url.database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _files(app) -> bytes:
    root = Path(app.config["LOTSE_ATTACHMENT_DIR"])
    return b"\n".join(p.read_bytes() + p.name.encode() for p in root.rglob("*") if p.is_file())


def _fill_everything(app, world, prefix: str) -> tuple[int, int]:
    """build_client's canaries plus the fields it leaves out: other names, nationality, languages,
    interpreter language, target group, closure note, evaluation comment, phase reasons, a legal
    hold's reason, a restriction reason, a rectification trail, an erasure request's text."""
    c = lambda tag: canary(prefix, tag)  # noqa: E731
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        actor = db.session.scalar(select(User).where(User.email == world["email"]))
        client = build_client(tenant, actor, prefix)
        person = db.session.get(Person, client.person_id)
        case = db.session.get(Case, client.case_id)
        with privileged():
            # Written directly: free text from before the coded fields existed must go too.
            person.nationality, person.languages = c("Nationalitaet"), [c("Sprache")]
            person.interpreter_needed, person.interpreter_language = True, c("Dolmetschsprache")
            for decision in db.session.scalars(
                select(AccessDecision).where(AccessDecision.case_id == case.id)
            ):
                decision.target_group = c("Zielgruppe")
            db.session.add(
                PhaseTransition(
                    case_id=case.id,
                    from_phase=case.phase,
                    to_phase=case.phase,
                    reason=c("Phasengrund"),
                )
            )
        cases.close_case(
            actor,
            tenant,
            case,
            {
                "closure_reason": "other",
                "closure_note": c("Abschluss"),
                "evaluation_comment": c("Bewertung"),
                "evaluation_course": 4,
            },
        )
        hold = requests.add_hold(actor, person, {"reason": c("Aufbewahrung")})
        requests.release_hold(actor, hold)
        requests.restrict(actor, person, c("Einschraenkung"))
        requests.create_request(
            actor, person, {"kind": "rectification", "details": c("Berichtigung")}
        )
        db.session.commit()
        return client.person_id, client.case_id


def test_erasure_leaves_no_canary_anywhere(app, world, new_browser, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    person_id, _case_id = _fill_everything(app, world, "Sweep")
    before = _residue(app, "Sweep")
    # The fill reached the columns it claims to (the scan itself works).
    assert {
        "person.first_name",
        "person.nationality",
        "contact.summary",
        "journal_entry.text",
        "attachment.description",
        "consent_record.guardian_name",
        "data_subject_request.details",
        "retention_hold.reason",
        "case_file.closure_note",
        "help_plan_item.measure",
    } <= set(before)
    assert b"SweepKanarieAnhang" in _files(app)

    cm = new_browser()
    cm.login("priv", world["email"])
    dpo = new_browser()
    dpo.login("priv", world["email_dpo"])
    request_id = file_request(
        app, world["tenant"], cm, person_id, "erasure", details=canary("Sweep", "Loeschwunsch")
    )
    response = dpo.post(
        f"/priv/privacy/requests/{request_id}/erase",
        {"decision_note": canary("Sweep", "Entscheidung"), "confirmed": "1"},
    )
    assert response.status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, person_id) is None

    # Art. 19: the recipient of a past disclosure is kept for the DSB until they were told.
    assert _residue(app, "Sweep") == {"recipient_notice.recipients": 1}
    desk = dpo.get("/priv/privacy")
    assert desk.status_code == 200 and "SweepKanarieEmpfaenger" in desk.get_data(as_text=True)
    with app.app_context(), tenant_scope(world["tenant"]):
        (notice,) = erasure.open_recipient_notices()
        notice_id = notice.id
    assert dpo.post(f"/priv/privacy/recipient-notices/{notice_id}/done", {}).status_code == 302

    assert _residue(app, "Sweep") == {}
    raw = _sqlite_bytes(app)
    assert raw.lower().count(b"sweepkanarie") == 0
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    assert b"sweepkanarie" not in _files(app).lower()
    with app.app_context():
        journal = journal_path().read_text() if journal_path().exists() else ""
    assert f"person:{person_id}" in journal and "kanarie" not in journal.lower()
    assert "sweepkanarie" not in caplog.text.lower()
    out = capsys.readouterr()
    assert "sweepkanarie" not in (out.out + out.err).lower()


def test_anonymisation_leaves_no_canary_in_any_table(app, world):
    person_id, _case_id = _fill_everything(app, world, "Anon")
    assert _residue(app, "Anon")
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        log = erasure.anonymise(
            db.session.get(Person, person_id), tenant_registry(tenant), rule="test"
        )
        db.session.commit()
        assert log is not None and db.session.get(Person, person_id).anonymised_at is not None
        assert db.session.get(Person, person_id).birth_date == date(1990, 7, 1)
    assert _residue(app, "Anon") == {}
