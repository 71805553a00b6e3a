"""Who a consent covers (:class:`~core.consent.models.ConsentCoverage`): the holder and the minor
children a parent's release names, one row each, so "the consents of a person" is one indexed
lookup (:func:`consents_of`) for the gate, the consents page, erasure and the Art. 15 package.

The holder's row is added by the ORM whenever a record is written
(:func:`core.consent.models._holder_covered`);
code that inserts records in bulk without the ORM (imports, the scale generator) calls
:func:`backfill` afterwards, which adds what is missing set-based.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, delete, exists, insert, or_, select
from sqlalchemy.orm import selectinload

from core.consent.models import ConsentCoverage, ConsentRecord
from core.db import among, db


def _join():
    return and_(
        ConsentCoverage.consent_id == ConsentRecord.id,
        ConsentCoverage.tenant_id == ConsentRecord.tenant_id,
    )


def consents_of(
    person_id: int,
    kinds: Iterable[str] | None = None,
    *,
    lock: bool = False,
    with_coverage: bool = False,
) -> list[ConsentRecord]:
    """The consent records that cover the person (own, or as a covered minor child), newest
    first: one indexed query. ``lock`` (PostgreSQL) takes ``FOR UPDATE`` on exactly these
    records, so a revocation of one of them waits for the disclosure (and the reverse)."""
    stmt = (
        select(ConsentRecord)
        .join(ConsentCoverage, _join())
        .where(ConsentCoverage.person_id == person_id)
        .order_by(ConsentRecord.granted_on.desc(), ConsentRecord.id.desc())
    )
    if kinds is not None:
        stmt = stmt.where(ConsentRecord.kind.in_(list(kinds)))
    if lock and db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=ConsentRecord)
    elif with_coverage:
        stmt = stmt.options(selectinload(ConsentRecord.coverage))
    return list(db.session.scalars(stmt))


def covers(record: ConsentRecord, person_id: int) -> bool:
    """Does ``record`` cover the person (holder or covered child)? One indexed probe."""
    if record.person_id == person_id:
        return True
    return (
        db.session.scalar(
            select(ConsentCoverage.id).where(
                ConsentCoverage.consent_id == record.id, ConsentCoverage.person_id == person_id
            )
        )
        is not None
    )


def release(person_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Erasure and anonymisation of persons (one or a batch): other persons' consents that cover
    them lose the reference (counted as ``consent_record.covered_person_ids``), and their own
    consents stop covering anyone else (``consent_coverage``); a holder's own row stays with the
    kept record. Two statements whatever the batch; returns the counts per person (non-zero
    entries only)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ConsentCoverage.id, ConsentCoverage.person_id, ConsentRecord.person_id)
        .join(ConsentRecord, _join())
        .where(
            ConsentCoverage.person_id != ConsentRecord.person_id,
            or_(among(ConsentCoverage.person_id, ids), among(ConsentRecord.person_id, ids)),
        )
    ).all()
    if not rows:
        return {}
    wanted = set(ids)
    counts: dict[int, dict[str, int]] = {}
    for _row_id, covered, holder in rows:
        if covered in wanted:
            mine = counts.setdefault(covered, {})
            mine["consent_record.covered_person_ids"] = (
                mine.get("consent_record.covered_person_ids", 0) + 1
            )
        if holder in wanted:
            mine = counts.setdefault(holder, {})
            mine["consent_coverage"] = mine.get("consent_coverage", 0) + 1
    db.session.execute(
        delete(ConsentCoverage)
        .where(among(ConsentCoverage.id, [row[0] for row in rows]))
        .execution_options(synchronize_session=False)
    )
    # Loaded records must not show (or write back) the removed rows.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, ConsentRecord):
            db.session.expire(obj, ["coverage"])
    return counts


def backfill(connection, *, tenant_id: int | None = None) -> int:
    """Add the holder's coverage row to every record that lacks it, set-based (SQLite and
    PostgreSQL); returns the number of rows added. For records inserted without the ORM, e.g. by
    the scale generator after a bulk insert (covered children it inserts into
    ``consent_coverage`` itself). Runs under the connection's row-level-security settings: the
    caller sees every tenant (migration, ``unscoped()``) or names ``tenant_id`` in its own
    tenant's transaction."""
    missing = ~exists().where(
        ConsentCoverage.consent_id == ConsentRecord.id,
        ConsentCoverage.person_id == ConsentRecord.person_id,
    )
    source = select(ConsentRecord.tenant_id, ConsentRecord.id, ConsentRecord.person_id).where(
        missing
    )
    if tenant_id is not None:
        source = source.where(ConsentRecord.tenant_id == tenant_id)
    result = connection.execute(
        insert(ConsentCoverage)
        .from_select(["tenant_id", "consent_id", "person_id"], source)
        .execution_options(preserve_rowcount=True)
    )
    return max(result.rowcount, 0)
