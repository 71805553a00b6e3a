"""The test database: where it lives, how it is emptied between tests and how a seeded state is
kept once and put back (the demo snapshot).

SQLite is a file per run (per xdist worker); PostgreSQL is ``LOTSE_TEST_DATABASE_URL``, and under
pytest-xdist every worker gets its own database next to it (``<name>_gw0``, ``<name>_gw1``, …).
The schema owner migrates, wipes and restores; the app connects as a role that is neither owner,
superuser nor BYPASSRLS, exactly as in production, so row-level security is exercised throughout.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

APP_ROLE = "lotse_app_test"
#: Where the PostgreSQL snapshot of a seeded state is kept (a schema beside ``public``).
SNAPSHOT_SCHEMA = "lotse_test_snapshot"


def worker_id() -> str:
    """``gw0``, ``gw1``, … under pytest-xdist; empty in a plain run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_index() -> int:
    wid = worker_id()
    return int(wid[2:]) if wid.startswith("gw") and wid[2:].isdigit() else 0


def per_worker_redis_url(url: str) -> str:
    """Each worker uses its own Redis database number, so keys never meet across workers."""
    if not url or not worker_id():
        return url
    parsed = make_url(url) if "://" in url else None
    if parsed is None:
        return url
    base = int((parsed.database or "0") or 0)
    return parsed.set(database=str((base + worker_index()) % 16)).render_as_string(
        hide_password=False
    )


def database_url(tmp_dir: Path) -> str:
    """The owner's URL of this run's (this worker's) database."""
    url = os.environ.get("LOTSE_TEST_DATABASE_URL", "").strip()
    if url:
        from core.config import normalise_database_url

        url = normalise_database_url(url)
        if worker_id():
            base = make_url(url)
            url = base.set(database=f"{base.database}_{worker_id()}").render_as_string(
                hide_password=False
            )
        return url
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def app_role_url(owner_url: str) -> str:
    return (
        make_url(owner_url)
        .set(username=APP_ROLE, password=None)
        .render_as_string(hide_password=False)
    )


def _ensure_database(url: str) -> None:
    """Create a worker's database beside the configured one (connecting to ``postgres``)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def reset_postgres(url: str) -> None:
    """An empty ``public`` schema, and the app's role (cluster-wide, so created once)."""
    if worker_id():
        _ensure_database(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            # Workers start together and a role is cluster-wide: the loser of a race ignores it.
            conn.execute(
                text(
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                    f"'{APP_ROLE}') "
                    f"THEN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; END IF; "
                    f"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
                )
            )
    finally:
        engine.dispose()


def grant_app_role(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}"))
            conn.execute(
                text(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                    f"TO {APP_ROLE}"
                )
            )
            conn.execute(
                text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
            )
    finally:
        engine.dispose()


class TestDatabase:
    """Wipe, snapshot and restore for one test database, done as its owner."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, owner_url: str, tables):
        self.owner_url = owner_url
        #: Parents before children (``metadata.sorted_tables``).
        self.tables = list(tables)
        self.names = [t.name for t in self.tables]
        # SQLite: a fresh connection each time, since tests may replace the file (restoring a
        # backup) under a pooled connection that would then write into the old one.
        sqlite = make_url(owner_url).get_backend_name() == "sqlite"
        self.engine = (
            create_engine(owner_url, poolclass=NullPool) if sqlite else create_engine(owner_url)
        )
        self.dialect = self.engine.dialect.name
        self.snapshot_file: Path | None = None
        self.snapshot_sequences: list[tuple[str, int, bool]] = []

    # --- emptying ------------------------------------------------------------------------------

    def _non_empty(self, conn) -> list[str]:
        """The tables holding rows, found with one round trip (most tests touch a handful)."""
        probes = " UNION ALL ".join(
            f'SELECT {i} WHERE EXISTS (SELECT 1 FROM "{name}")'  # noqa: S608 - our table names
            for i, name in enumerate(self.names)
        )
        return [self.names[i] for (i,) in conn.execute(text(probes))]

    def _all_rows(self, conn) -> None:
        """An owner that is not superuser is held by FORCE ROW LEVEL SECURITY too: see every row."""
        if self.dialect == "postgresql":
            conn.execute(text("SELECT set_config('lotse.all_tenants', 'on', true)"))

    def wipe(self) -> None:
        """Every table empty again, in one transaction: ``DELETE`` of the tables that hold rows,
        children first. (``TRUNCATE`` of all tables, as before, cost PostgreSQL a new file per
        table and seconds per test under load.) PostgreSQL then restarts the sequences of the
        emptied tables, so ids start at 1 again as after ``TRUNCATE … RESTART IDENTITY``."""
        with self.engine.begin() as conn:
            self._all_rows(conn)
            dirty = set(self._non_empty(conn))
            if not dirty:
                return
            for name in reversed(self.names):
                if name in dirty:
                    conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608
            if self.dialect == "postgresql":
                conn.execute(
                    text(
                        "SELECT setval(s.oid, 1, false) FROM pg_class s "
                        "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                        "JOIN pg_class t ON t.oid = d.refobjid "
                        "WHERE s.relkind = 'S' AND t.relname = ANY(:names)"
                    ),
                    {"names": sorted(dirty)},
                )

    # --- a seeded state, kept once and put back ------------------------------------------------

    def snapshot(self, directory: Path) -> None:
        """Keep the current content: SQLite copies the file (backup API), PostgreSQL copies every
        table into :data:`SNAPSHOT_SCHEMA` and remembers the sequences."""
        if self.dialect == "sqlite":
            self.snapshot_file = directory / "snapshot.sqlite3"
            self._sqlite_copy(self._sqlite_path(), self.snapshot_file)
            return
        with self.engine.begin() as conn:
            self._all_rows(conn)
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"))
            for name in self.names:
                conn.execute(
                    text(f'CREATE TABLE {SNAPSHOT_SCHEMA}."{name}" AS TABLE public."{name}"')
                )
            self.snapshot_sequences = [
                (name, value, called)
                for name, value, called in conn.execute(
                    text(
                        "SELECT sequencename, last_value, last_value IS NOT NULL "
                        "FROM pg_sequences WHERE schemaname = 'public'"
                    )
                )
            ]

    def restore(self) -> None:
        """Put the snapshot back into the (empty) database."""
        if self.dialect == "sqlite":
            assert self.snapshot_file is not None, "no snapshot taken"
            self._sqlite_copy(self.snapshot_file, self._sqlite_path())
            return
        with self.engine.begin() as conn:
            self._all_rows(conn)
            for name in self.names:
                conn.execute(
                    text(
                        f'INSERT INTO public."{name}" OVERRIDING SYSTEM VALUE '  # noqa: S608
                        f'SELECT * FROM {SNAPSHOT_SCHEMA}."{name}"'
                    )
                )
            for name, value, called in self.snapshot_sequences:
                conn.execute(
                    text("SELECT setval(:s, :v, :c)"),
                    {"s": f'public."{name}"', "v": value or 1, "c": called},
                )

    def _sqlite_path(self) -> Path:
        database = make_url(self.owner_url).database
        assert database, "an SQLite test URL names its file"  # make_test_config builds it so
        return Path(database)

    @staticmethod
    def _sqlite_copy(source: Path, target: Path) -> None:
        """Page-exact copy through SQLite's backup API; connections to ``target`` stay valid."""
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target)
        try:
            dst.execute("PRAGMA busy_timeout=5000")
            src.backup(dst)
        finally:
            dst.close()
            src.close()

    def dispose(self) -> None:
        self.engine.dispose()
