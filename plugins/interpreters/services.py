"""Interpreter pool services shared by the pages and the API."""

from __future__ import annotations

from marshmallow import ValidationError as SchemaError
from sqlalchemy import select

from core.plugin_api import ValidationError, audit, db, form_errors, require_permission
from plugins.interpreters.models import Interpreter
from plugins.interpreters.schemas import InterpreterSchema


def _fold(text: str) -> str:
    return text.casefold().replace("ß", "ss")


def search(
    language: str = "", *, only_pledged: bool = False, include_inactive: bool = False
) -> list[Interpreter]:
    """Interpreters whose languages contain ``language`` (case- and umlaut-tolerant substring)."""
    stmt = select(Interpreter).order_by(Interpreter.name)
    if not include_inactive:
        stmt = stmt.where(Interpreter.active.is_(True))
    if only_pledged:
        stmt = stmt.where(Interpreter.pledge_signed_on.is_not(None))
    rows = db.session.scalars(stmt).all()
    needle = _fold(language.strip())
    if needle:
        rows = [r for r in rows if any(needle in _fold(lang) for lang in r.languages)]
    return rows


def listing(language: str = "", *, only_pledged: bool = False) -> list[Interpreter]:
    """The active pool as a member with ``interpreters.view`` may read it (the API's list)."""
    require_permission("interpreters.view")
    return search(language, only_pledged=only_pledged)


def get(interpreter_id: int) -> Interpreter | None:
    return db.session.scalar(select(Interpreter).where(Interpreter.id == interpreter_id))


def all_languages(rows=None) -> list[str]:
    languages = {lang for r in (search() if rows is None else rows) for lang in r.languages}
    return sorted(languages, key=_fold)


def save(actor, interpreter: Interpreter | None, data: dict) -> Interpreter:
    try:
        values = InterpreterSchema().load(data)
    except SchemaError as exc:
        raise ValidationError(form_errors(exc.messages)) from exc
    created = interpreter is None
    if created:
        interpreter = Interpreter()
        db.session.add(interpreter)
    for key, value in values.items():
        setattr(interpreter, key, value)
    db.session.flush()
    audit.record(
        "plugin.interpreters.created" if created else "plugin.interpreters.changed",
        actor=actor,
        obj=interpreter,
    )
    return interpreter
