"""Case numbers ("2026-0042") are issued once per tenant and year, never twice.

Taking ``max()+1`` over the surviving cases gave an erased case's number to the next case (one
number was issued three times after erasures). A counter row per tenant and year remembers the
last number issued; it is raised with one ``UPDATE … RETURNING`` that holds a row lock on
PostgreSQL (and the write lock on SQLite) until the transaction ends, so two simultaneous
openings never draw the same number.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.cases.models import Case, CaseNumberCounter
from core.db import db


def _highest_surviving(year: int) -> int:
    """Only to start a year's counter on a database that has cases of that year already."""
    prefix = f"{year}-"
    last = db.session.scalar(
        select(Case.number)
        .where(Case.number.startswith(prefix))
        .order_by(func.length(Case.number).desc(), Case.number.desc())
        .limit(1)
    )
    try:
        return int(last.split("-")[1]) if last else 0
    except (IndexError, ValueError):
        return 0


def _draw(year: int) -> int | None:
    stmt = (
        update(CaseNumberCounter)
        .where(CaseNumberCounter.year == year)
        .values(last_number=CaseNumberCounter.last_number + 1)
        .returning(CaseNumberCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar()


def next_number(day: date) -> str:
    """The next case number of the bound tenant for ``day``'s year."""
    year = day.year
    number = _draw(year)
    if number is None:
        # First case of the year in this tenant: create the counter. A concurrent opening may
        # create it at the same moment; the unique key lets only one win, the other draws.
        try:
            with db.session.begin_nested():
                db.session.add(CaseNumberCounter(year=year, last_number=_highest_surviving(year)))
        except IntegrityError:
            pass
        number = _draw(year)
    return f"{year}-{number:04d}"
