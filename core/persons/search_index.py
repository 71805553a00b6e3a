"""The name search index (``person_name_token``): folded name words, their Kölner-Phonetik codes
and the sort name of every person, searched with prefix ranges and equality.

Why a table of its own: on PostgreSQL with row-level security in force, only *leakproof*
operators may use an index below the tenant policy. ``LIKE '%…%'`` (``textlike``) is not
leakproof, so a substring search on the person table filtered every row of the tenant; ``>=``,
``<`` and ``=`` on text are leakproof, so ``token >= 'hai' AND token < 'haj'`` is an index range
scan. Splitting names into words makes the order of the names irrelevant ("Gulistan Haji",
"Haji, Gulistan") and keeps the phonetic variants ("Meier" finds "Mayr").

The tokens change in the same transaction as the person row (:func:`refresh`, called by
``core.persons.services``); erasure and anonymisation remove them through the data registry
(``core.persons.hooks``: the table is deleted on anonymisation). :func:`rebuild` fills the index
set-based for a whole tenant or installation (the migration's backfill, bulk generators).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Boolean, Table, and_, delete, func, insert, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from core.persons.models import Person, PersonNameToken
from core.persons.phonetics import cologne, fold

#: Longest token (the sort name is cut to the same length on the person row).
MAX_TOKEN = 220
#: Name words a search uses at most (more words only narrow what the first ones found).
MAX_TERMS = 6
#: Phonetic variants are looked up only for words of at least this many letters: a code of a
#: two-letter fragment ("Me" → "6") would list half the tenant.
PHONETIC_MIN_LETTERS = 3


def tokens(first_name: str, last_name: str, other_names: str = "") -> set[tuple[str, str]]:
    """``(kind, token)`` pairs of one person: every folded name word, its phonetic code, and the
    folded sort name "last first"."""
    out: set[tuple[str, str]] = set()
    for name in (first_name, last_name, other_names):
        for word in fold(name).split():
            out.add(("word", word[:MAX_TOKEN]))
            code = cologne(word)
            if code:
                out.add(("phon", code[:MAX_TOKEN]))
    sort_name = fold(f"{last_name} {first_name}")[:MAX_TOKEN]
    if sort_name:
        out.add(("sort", sort_name))
    return out


def token_rows(tenant_id: int, person_id: int, first: str, last: str, other: str) -> list[dict]:
    return [
        {"tenant_id": tenant_id, "person_id": person_id, "kind": kind, "token": token}
        for kind, token in sorted(tokens(first, last, other))
    ]


# --- keeping the index in step ----------------------------------------------------------------


def refresh(person: Person) -> None:
    """Replace the person's tokens in the running transaction (after a create or a change of
    the names). An anonymised person has none: nobody searches for a placeholder."""
    from core.db import db

    db.session.flush()
    db.session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == person.id))
    if person.anonymised_at is not None:
        return
    rows = token_rows(
        person.tenant_id, person.id, person.first_name, person.last_name, person.other_names
    )
    if rows:
        db.session.execute(insert(PersonNameToken), rows)


def add_for(rows: Iterable[tuple[int, int, str, str, str]]) -> None:
    """Tokens for persons just inserted in bulk (``tenant_id, person_id, first, last, other``),
    in the session's transaction (the tenant guard and row-level security see the insert)."""
    from core.db import db

    values = [token for row in rows for token in token_rows(*row)]
    if values:
        db.session.execute(insert(_table(PersonNameToken)), values)


def _table(model) -> Table:
    return cast(Table, model.__table__)


def rebuild(connection, tenant_id: int | None = None, *, batch: int = 5000) -> int:
    """Build the index anew for one tenant (or all) on a Core connection, set-based: one delete,
    then the persons read in one pass and the tokens written in multi-row inserts of ``batch``
    persons. Anonymised persons get none. Returns the number of tokens written.

    On PostgreSQL the function sets the row-level-security settings of the running transaction
    itself (the tenant, or every tenant) and makes the ORM session set its own again afterwards.
    """
    table, person = _table(PersonNameToken), _table(Person)
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        from core.tenancy import rls

        everyone = tenant_id is None
        connection.execute(
            select(
                func.set_config("lotse.tenant_id", "" if everyone else str(tenant_id), True),
                func.set_config("lotse.all_tenants", "on" if everyone else "off", True),
            )
        )
        rls.forget(connection)  # the ORM session sets its own tenant again on its next statement
    wipe = delete(table)
    persons = (
        select(
            person.c.tenant_id,
            person.c.id,
            person.c.first_name,
            person.c.last_name,
            person.c.other_names,
        )
        .where(person.c.anonymised_at.is_(None))
        .order_by(person.c.id)
    )
    if tenant_id is not None:
        wipe = wipe.where(table.c.tenant_id == tenant_id)
        persons = persons.where(person.c.tenant_id == tenant_id)
    connection.execute(wipe)
    rows = connection.execute(persons).all()  # names only: ~100 bytes a person
    written = 0
    for start in range(0, len(rows), batch):
        values = [token for row in rows[start : start + batch] for token in token_rows(*row)]
        if values:
            connection.execute(insert(table), values)
            written += len(values)
    return written


# --- searching ----------------------------------------------------------------------------------


class prefix_match(FunctionElement):
    """``column`` starts with ``prefix``, as a range ``column >= prefix AND column < next`` an
    index can serve. PostgreSQL: the byte-order operators of ``text_pattern_ops`` (leakproof,
    independent of the collation); elsewhere ``>=``/``<`` (SQLite compares bytes already)."""

    type = Boolean()
    name = "prefix_match"
    inherit_cache = True


def _bounds(element, compiler, **kw) -> tuple[str, str, str]:
    column, low, high = (compiler.process(c, **kw) for c in element.clauses)
    return column, low, high


@compiles(prefix_match)
def _prefix_default(element, compiler, **kw):
    column, low, high = _bounds(element, compiler, **kw)
    return f"({column} >= {low} AND {column} < {high})"


@compiles(prefix_match, "postgresql")
def _prefix_postgresql(element, compiler, **kw):
    column, low, high = _bounds(element, compiler, **kw)
    return f"({column} ~>=~ {low} AND {column} ~<~ {high})"


def starts_with(column, prefix: str):
    """SQL condition: ``column`` starts with ``prefix`` (a non-empty string)."""
    last = ord(prefix[-1])
    # The first string after every string with this prefix: the last character raised by one
    # (UTF-8 keeps code point order, so this holds for byte order too).
    upper = prefix[:-1] + chr(last + 1) if last < 0x10FFFF else prefix + "\U0010ffff"
    return prefix_match(column, prefix, upper)


def search_terms(q: str) -> list[str]:
    """The folded words of a search as typed ("Haji, Gulistan" → ["haji", "gulistan"])."""
    return fold(q).split()[:MAX_TERMS]


def matching_persons(q: str):
    """SELECT of the ids of persons whose names contain every word of ``q`` as the start of a
    name word, or (words of three letters or more) as a phonetic variant of a name word. None
    when ``q`` has no word. The bound tenant's tokens only (tenant guard and RLS)."""
    terms = search_terms(q)
    if not terms:
        return None
    selects = []
    for term in terms:
        condition = and_(PersonNameToken.kind == "word", starts_with(PersonNameToken.token, term))
        code = cologne(term)
        if len(term) >= PHONETIC_MIN_LETTERS and len(code) >= 2:
            condition = or_(
                condition, and_(PersonNameToken.kind == "phon", PersonNameToken.token == code)
            )
        selects.append(select(PersonNameToken.person_id).where(condition))
    if len(selects) == 1:
        return selects[0]
    from sqlalchemy import intersect

    return intersect(*selects)


def candidates(codes: Iterable[str], sort_prefix: str):
    """SELECT of person ids for the search before create: one of the phonetic ``codes`` or a
    sort name starting with ``sort_prefix``. None when there is nothing to look for."""
    conditions = []
    codes = sorted(set(codes))
    if codes:
        conditions.append(and_(PersonNameToken.kind == "phon", PersonNameToken.token.in_(codes)))
    if sort_prefix:
        conditions.append(
            and_(PersonNameToken.kind == "sort", starts_with(PersonNameToken.token, sort_prefix))
        )
    if not conditions:
        return None
    return select(PersonNameToken.person_id).where(or_(*conditions))
