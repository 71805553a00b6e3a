"""The SQLAlchemy base shared by core and plugins.

Explicit constraint names keep Alembic diffs stable on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def monotonic_ids(table: Table) -> Table:
    """Ids are never given out twice (issue #8): on SQLite a deleted row's id would otherwise go
    to the next row, and a new client would inherit an erased client's requests and audit trail.
    ``AUTOINCREMENT`` makes SQLite remember the highest id ever used; PostgreSQL sequences never go
    back anyway. Every mapped model gets it (:func:`_monotonic_models`);
    :func:`_monotonic_on_create` covers tables created by migrations (core and plugins), including
    Alembic's batch rebuilds."""
    table.dialect_kwargs["sqlite_autoincrement"] = True
    return table


@event.listens_for(Mapper, "after_mapper_constructed")
def _monotonic_models(mapper, class_):
    if isinstance(mapper.local_table, Table) and mapper.local_table.metadata is Base.metadata:
        monotonic_ids(mapper.local_table)


@event.listens_for(Table, "before_create")
def _monotonic_on_create(table, connection, **kw):
    monotonic_ids(table)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    #: What ``db.Model`` is to a type checker (Flask-SQLAlchemy builds the class at run time, and
    #: mypy takes no instance attribute as a base class). Models derive from ``Model``.
    Model = Base
else:
    Model = db.Model


def commit_keeping_loaded() -> None:
    """Commit, but keep what the session has loaded instead of expiring it.

    For the commit a *reading* request makes in passing (its read audit row, a throttled
    ``last_seen_at``): the tenant, the signed-in user, the membership and the case it loaded are
    unchanged by that commit, and expiring them would reload each of them, one statement apiece,
    the next time the view or the template touches them. Writes use ``db.session.commit()``."""
    session = db.session()
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = before


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use core.db.utcnow()")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite only enforces foreign keys (our composite tenant keys among them) when asked to.
    ``secure_delete`` overwrites deleted content with zeros, so an erased client's data does not
    linger in free pages of the file (see :func:`checkpoint` for the WAL)."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def checkpoint(bind) -> None:
    """SQLite: copy the write-ahead log into the database file and truncate it to zero bytes.

    Run after an erasure commits: together with ``secure_delete`` the erased content is then
    gone from the file *and* the WAL (older WAL frames still held the rows as they were written).
    A reader holding an old snapshot can delay it; the next erasure or retention run repeats it."""
    engine = getattr(bind, "engine", bind)
    if engine is None or engine.dialect.name != "sqlite":
        return
    import logging

    with engine.connect() as connection:
        busy, _frames, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        connection.rollback()
    if busy:
        logging.getLogger("lotse.privacy").warning(
            "WAL checkpoint after erasure was blocked by a reader; it is repeated later"
        )


def vacuum(engine, tables: set[str]) -> dict:
    """PostgreSQL: a plain ``VACUUM`` of the tables erasure touched, outside any transaction.

    It removes the dead row versions an erasure leaves behind (and their index entries) so the
    space is reused; the bytes may stay on disk until overwritten (see docs/privacy.md). VACUUM
    needs the table's owner: a role that is not is skipped and the skip is logged, never fatal."""
    import logging

    from sqlalchemy.exc import DBAPIError

    report: dict[str, list[str]] = {"vacuumed": [], "skipped": []}
    if engine.dialect.name != "postgresql" or not tables:
        return report
    logger = logging.getLogger("lotse.privacy")
    names = sorted(t for t in tables if t in db.metadata.tables)  # never a name from elsewhere
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        owned = set(
            conn.exec_driver_sql(
                "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relname = "
                "ANY(%(names)s) "
                "AND pg_has_role(c.relowner, 'USAGE')",
                {"names": names},
            ).scalars()
        )
        for name in names:
            if name not in owned:
                report["skipped"].append(name)
                continue
            try:
                conn.exec_driver_sql(f'VACUUM "{name}"')
                report["vacuumed"].append(name)
            except DBAPIError as error:
                report["skipped"].append(name)
                logger.warning("VACUUM %s refused: %s", name, str(error.orig).strip()[:200])
    if report["skipped"]:
        logger.warning(
            "VACUUM skipped for %s: the database role does not own these tables (run the retention "
            "job "
            "as the owner, or VACUUM them from the owner's maintenance job)",
            ", ".join(report["skipped"]),
        )
    return report


def among(column, ids):
    """``column IN (ids)`` for a long list of integer ids (batches of persons, cases …). On
    PostgreSQL it is ``column = ANY(:array)``, one parameter: the statement text is the same for
    every batch, where an IN list of n placeholders is rendered by SQLAlchemy and parsed by
    psycopg anew on every call (half the time of a batched erasure). Elsewhere a plain IN."""
    from sqlalchemy import Integer, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    values = [int(i) for i in ids]
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))
    return column.in_(values)
