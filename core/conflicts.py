"""Concurrent saves end in a 409 conflict, never in a 500.

The optimistic version check in the services compares the version a form or API client read with
the stored one; two saves that pass that check at the same moment are told apart by the database:
the versioned rows are written as ``UPDATE … WHERE version = :read`` (SQLAlchemy's
``version_id_col``), so the later one matches no row and raises ``StaleDataError``. A race on a
unique constraint (two open cases for one person, one case number twice, a share made twice) ends
in an ``IntegrityError``; on SQLite a writer whose snapshot is stale gets "database is locked".
All of these mean "someone else saved first": the answer is the 409 conflict page (HTML) or the
409 conflict JSON (API), with nothing written.
"""

from __future__ import annotations

from flask import jsonify, render_template
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core.db import db


class ConflictError(Exception):
    """Someone else saved the record since it was opened. ``changes`` maps each field that both
    touched to ``(their_value, your_value)``."""

    def __init__(self, changes: dict[str, tuple]):
        super().__init__(changes)
        self.changes = changes


def flush_or_conflict(obj, fields=(), values=None) -> None:
    """Flush a versioned row. Two saves that both passed the version check race in the database:
    the write is ``UPDATE … WHERE version = :read`` (``version_id_col``), so the later one
    matches no row. That is a conflict like any other - rolled back, with the winner's values."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()  # expires ``obj``: reading it now loads what the winner saved
        raise ConflictError(
            {f: (getattr(obj, f), values[f]) for f in fields if getattr(obj, f) != values[f]}
        ) from None


def conflict_message() -> str:
    return _(
        "Someone else has changed this record in the meantime. Nothing was saved: please compare "
        "and try again."
    )


def is_unique_violation(exc: IntegrityError) -> bool:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)  # psycopg 3 / psycopg2
    return code == "23505" or "UNIQUE constraint failed" in str(orig)


def is_lost_write_race(exc: OperationalError) -> bool:
    """SQLite: the write lock could not be had, or the snapshot went stale under a committed
    writer."""
    return "database is locked" in str(getattr(exc, "orig", exc))


def conflict_response(conflicts: dict | None = None):
    """The 409 answer: JSON for the API, the German conflict page for the HTML views."""
    from core.tenancy.resolve import is_api_request

    db.session.rollback()
    if is_api_request():
        return jsonify(
            {"message": conflict_message(), "conflicts": conflicts or {}, "status": 409}
        ), 409
    return render_template(
        "errors/error.html", code=409, title=_("Saved by someone else"), text=conflict_message()
    ), 409
