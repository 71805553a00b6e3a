"""coded person fields: nationality and languages as ISO codes, processing_revoked_at

Nationality becomes an ISO 3166-1 alpha-2 code (XS = stateless), languages and the interpreter
language ISO 639-1 codes (ISO 639-3 where no 639-1 code exists), so statistics keep them after
anonymisation and no free text identifies anyone.

Existing free text is converted where it is a code, a German or English name, a German
nationality adjective ("syrisch") or a known spelling ("Farsi", "Kurdisch (Kurmandschi)").
Text that matches nothing becomes "" (unknown); for a file that is not anonymised the old text is
kept in the correction trail (``person_change``, visible on the person's Datenschutz page, erased
with the person), so the case manager can choose the right code. Level notes such as
"Deutsch (B1)" are dropped with the parentheses.

Files anonymised before this revision lose their target-group text (now blanked by
anonymisation) and their open cases are closed with the reason "anonymised".

Revision ID: 0009_coded_person_fields
Revises: 0006_data_protection
Create Date: 2026-12-01 21:40:00
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import core.db

revision = "0009_coded_person_fields"
down_revision = "0008_monotonic_ids"
branch_labels = None
depends_on = None

person = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("tenant_id", sa.Integer),
    sa.column("nationality", sa.String),
    sa.column("languages", sa.JSON),
    sa.column("interpreter_language", sa.String),
    sa.column("anonymised_at", sa.DateTime),
)
person_change = sa.table(
    "person_change",
    sa.column("tenant_id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("old_value", sa.Text),
    sa.column("new_value", sa.Text),
    sa.column("request_id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("at", core.db.UTCDateTime(timezone=True)),
)
case_file = sa.table(
    "case_file",
    sa.column("id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("phase", sa.String),
    sa.column("closed_on", sa.Date),
    sa.column("closure_reason", sa.String),
)
access_decision = sa.table(
    "access_decision", sa.column("case_id", sa.Integer), sa.column("target_group", sa.String)
)


def _all_tenants(bind) -> None:
    """Row-level security is forced on PostgreSQL, also for the owner: see every tenant."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('lotse.all_tenants', 'on', true)"))


def _languages(value) -> list:
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    return list(value or [])


def upgrade():
    from core.labels import country_code, language_code

    op.add_column(
        "person",
        sa.Column("processing_revoked_at", core.db.UTCDateTime(timezone=True), nullable=True),
    )
    bind = op.get_bind()
    _all_tenants(bind)
    now = datetime.now(UTC)
    rows = bind.execute(
        sa.select(
            person.c.id,
            person.c.tenant_id,
            person.c.nationality,
            person.c.languages,
            person.c.interpreter_language,
            person.c.anonymised_at,
        )
    ).all()
    for row in rows:
        lost: list[tuple[str, str]] = []
        nationality = country_code(row.nationality)
        if nationality is None:
            lost.append(("nationality", row.nationality))
        languages: list[str] = []
        unmatched: list[str] = []
        for raw in _languages(row.languages):
            code = language_code(raw)
            if code is None:
                unmatched.append(str(raw))
            elif code and code not in languages:
                languages.append(code)
        if unmatched:
            lost.append(("languages", ", ".join(unmatched)))
        interpreter = language_code(row.interpreter_language)
        if interpreter is None:
            lost.append(("interpreter_language", row.interpreter_language))
        bind.execute(
            person.update()
            .where(person.c.id == row.id)
            .values(
                nationality=nationality or "",
                languages=languages,
                interpreter_language=interpreter or "",
            )
        )
        if row.anonymised_at is None:
            for field, old in lost:
                bind.execute(
                    person_change.insert().values(
                        tenant_id=row.tenant_id,
                        person_id=row.id,
                        field=field,
                        old_value=str(old)[:4000],
                        new_value="",
                        request_id=None,
                        actor_id=None,
                        at=now,
                    )
                )
    anonymised = sa.select(person.c.id).where(person.c.anonymised_at.is_not(None))
    cases = sa.select(case_file.c.id).where(case_file.c.person_id.in_(anonymised))
    bind.execute(
        access_decision.update().where(access_decision.c.case_id.in_(cases)).values(target_group="")
    )
    bind.execute(
        case_file.update()
        .where(case_file.c.person_id.in_(anonymised), case_file.c.status != "closed")
        .values(
            status="closed",
            phase="closure",
            closure_reason="anonymised",
            closed_on=sa.func.coalesce(case_file.c.closed_on, date.today()),
        )
    )


def downgrade():
    """Codes back to German names (the converted text itself cannot come back)."""
    from core.labels import country_label, language_label

    bind = op.get_bind()
    _all_tenants(bind)
    for row in bind.execute(
        sa.select(
            person.c.id, person.c.nationality, person.c.languages, person.c.interpreter_language
        )
    ).all():
        bind.execute(
            person.update()
            .where(person.c.id == row.id)
            .values(
                nationality=country_label(row.nationality, "de") if row.nationality else "",
                languages=[language_label(c, "de") for c in _languages(row.languages)],
                interpreter_language=language_label(row.interpreter_language, "de")
                if row.interpreter_language
                else "",
            )
        )
    with op.batch_alter_table("person") as batch:
        batch.drop_column("processing_revoked_at")
