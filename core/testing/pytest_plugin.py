"""Fixtures every test suite of Lotse (core and plugins) uses, shipped as a pytest plugin
(``[project.entry-points.pytest11] lotse``) so a plugin's own ``tests/`` get them too (Indico).

The database is real: a SQLite file, or PostgreSQL when ``LOTSE_TEST_DATABASE_URL`` is set. The
schema is built once per run with the real Alembic migrations; after each test that used the app
every table is emptied again, so tests never see each other's rows. The demo installation is
seeded once per run and put back for each test that asks for it (``demo``).

Runs under pytest-xdist as well: every worker has its own database, Redis database and SMTP port.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from core.testing.browser import Browser, browser, csrf_from, new_browser, sign_in, signed_in
from core.testing.database import (
    APP_ROLE,
    TestDatabase,
    app_role_url,
    database_url,
    grant_app_role,
    per_worker_redis_url,
    reset_postgres,
)
from core.testing.factories import (
    TEST_PASSWORD,
    api_client,
    cli,
    count_rows,
    make_case,
    make_consent,
    make_person,
    make_processing_template,
    make_tenant,
    make_user,
)
from core.testing.queries import StatementLog, counting_statements

__all__ = [
    "APP_ROLE",
    "StatementLog",
    "TEST_PASSWORD",
    "Browser",
    "api_client",
    "app_role_url",
    "browser",
    "cli",
    "count_rows",
    "counting_statements",
    "csrf_from",
    "database_url",
    "make_case",
    "make_consent",
    "make_person",
    "make_processing_template",
    "make_tenant",
    "make_test_config",
    "make_user",
    "new_browser",
    "sign_in",
    "signed_in",
]

#: Port of the suite's local SMTP server (set by the ``smtp_server`` fixture).
_smtp = {"port": None}


def make_test_config(url: str, tmp_dir: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": "lotse.test",
        "LOTSE_RAISE_ERRORS": True,
        "LOTSE_TENANTS_DIR": str(Path(__file__).resolve().parents[2] / "tenants"),
        "LOTSE_ATTACHMENT_DIR": str(tmp_dir / "attachments"),
        # Behaviour, not the strength of the hash, is under test (refused without TESTING).
        "LOTSE_PASSWORD_HASH_PROFILE": "test",
        # Counted in the database, as with several workers in production.
        "LOTSE_RATELIMIT_STORAGE": "database",
        "LOTSE_LOGIN_SLOWDOWN_SECONDS": 0,
        # Links in mails come from here, never from the request's Host header.
        "LOTSE_BASE_URL": "https://lotse.example",
        "LOTSE_MAIL_SERVER": "127.0.0.1" if _smtp["port"] else "",
        "LOTSE_MAIL_PORT": _smtp["port"] or 25,
        "LOTSE_MAIL_DIR": str(tmp_dir / "mail"),
        "LOTSE_DELETION_JOURNAL": str(tmp_dir / "deletion-journal.jsonl"),
    }
    config.update(overrides)
    return config


def _no_flush_per_commit(dbapi_connection, connection_record):
    """A test database never has to survive a power cut: commits skip the disk flush (SQLite
    ``synchronous=OFF``, PostgreSQL ``synchronous_commit=off``). Every commit used to wait for an
    fsync, which the shared CI disk made the largest single cost of the suite."""
    module = type(dbapi_connection).__module__
    cursor = dbapi_connection.cursor()
    try:
        if module.startswith("sqlite3"):
            cursor.execute("PRAGMA synchronous=OFF")
        elif module.startswith("psycopg"):
            cursor.execute("SET synchronous_commit TO off")
            dbapi_connection.commit()
    finally:
        cursor.close()


def pytest_configure(config):
    """Under xdist each worker talks to its own Redis database; no fsync per test commit."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    url = os.environ.get("LOTSE_TEST_REDIS_URL", "")
    if url:
        os.environ["LOTSE_TEST_REDIS_URL"] = per_worker_redis_url(url)
    if not event.contains(Engine, "connect", _no_flush_per_commit):
        event.listen(Engine, "connect", _no_flush_per_commit)


@pytest.fixture(scope="session")
def _owner_db_url(tmp_path_factory):
    """The schema owner's URL: migrations, the wipe and the snapshots use it."""
    tmp_dir = tmp_path_factory.mktemp("db")
    url = database_url(tmp_dir)
    if url.startswith("postgresql"):
        reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def _db_url(_owner_db_url):
    """The URL the app under test connects with (on PostgreSQL a non-owner role)."""
    if _owner_db_url.startswith("postgresql"):
        return app_role_url(_owner_db_url)
    return _owner_db_url


class _MailCollector:
    """aiosmtpd handler keeping every message the app sent (parsed)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on a free loopback port for the whole run; the app sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = _MailCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    _smtp["port"] = port
    yield collector
    controller.stop()
    _smtp["port"] = None


class Outbox(list):
    """Mails received by the test SMTP server during one test."""

    def to(self, address: str):
        return [m for m in self if m["To"] == address]

    def link(self, address: str, pattern: str = r"https?://\S+") -> str:
        """The (last) link in the newest mail to ``address``."""
        mails = self.to(address)
        assert mails, f"no mail to {address}; got {[m['To'] for m in self]}"
        body = mails[-1].get_body(preferencelist=("plain",)).get_content()
        links = re.findall(pattern, body)
        assert links, body
        return links[-1]


@pytest.fixture
def mail_outbox(smtp_server):
    """``mail_outbox.link("a@b.de")`` → the link mailed to that address in this test."""
    outbox = Outbox()
    smtp_server.messages = outbox
    yield outbox
    smtp_server.messages = []


@pytest.fixture(scope="session")
def app(_db_url, _owner_db_url, tmp_path_factory, smtp_server):
    """The app under test, with its schema built by the real migrations."""
    from core import migrate
    from core.app import create_app
    from core.db import db

    os.environ.setdefault("LOTSE_INSTANCE_PATH", tempfile.mkdtemp(prefix="lotse-instance-"))
    owner_app = create_app(make_test_config(_owner_db_url, tmp_path_factory.getbasetemp()))
    with owner_app.app_context():
        migrate.upgrade("heads")
        db.engine.dispose()
    if _owner_db_url.startswith("postgresql"):
        grant_app_role(_owner_db_url)
    app = create_app(
        make_test_config(
            _db_url, tmp_path_factory.getbasetemp(), LOTSE_TEST_OWNER_URL=_owner_db_url
        )
    )
    # Every model (core and plugins) is mapped now: the migrations imported them all.
    app.extensions["lotse.test_db"] = TestDatabase(_owner_db_url, db.metadata.sorted_tables)
    yield app
    app.extensions["lotse.test_db"].dispose()


@pytest.fixture(scope="session")
def _test_db(app):
    """Wipe, snapshot and restore of the session's database (as its owner)."""
    return app.extensions["lotse.test_db"]


def _reset_app_state(app) -> None:
    with app.app_context():
        app.extensions["lotse.throttle"].reset()
    # The per-process caches (issue #10): a wiped database may give its ids to new tenants.
    for cache in (
        "lotse.relays",
        "lotse.enabled_plugins",
        "lotse.menu_cache",
        "lotse.switcher_cache",
    ):
        app.extensions.get(cache, {}).clear()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty tables and throttles after each test that used the app."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            from core.db import db

            db.session.remove()
        app.extensions["lotse.test_db"].wipe()
        _reset_app_state(app)


@pytest.fixture(scope="session")
def _demo_snapshot(app, _test_db, tmp_path_factory):
    """``lotse demo``'s five tenants, seeded once per run (about ten seconds) and kept."""
    from core.db import db
    from core.demo import seed_demo

    with _test_db.engine.connect() as conn:
        dirty = _test_db._non_empty(conn)
    assert not dirty, f"`demo` must be the first fixture that writes; found rows in {dirty}"
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    _test_db.snapshot(tmp_path_factory.mktemp("demo"))
    return _test_db


@pytest.fixture
def demo(app, _demo_snapshot):
    """The demo installation (five tenants, their accounts with password ``lotse-demo``, cases),
    restored from the run's snapshot in a fraction of a second instead of seeded again."""
    _demo_snapshot.wipe()
    with app.app_context():
        from core.db import db

        db.session.remove()
    _demo_snapshot.restore()
    _reset_app_state(app)
    return app


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def db(app_ctx):
    from core.db import db as _db

    yield _db
    _db.session.rollback()


@pytest.fixture
def count_queries(app):
    """``with count_queries() as log: browser.get(...)`` → ``log.count`` SQL statements the app
    sent (see :mod:`core.testing.queries`); for query-count budgets."""
    from core.db import db

    def counter():
        with app.app_context():
            engine = db.engine
        return counting_statements(engine)

    return counter


@pytest.fixture
def live_server(app, _db_url, tmp_path):
    """The app served by a threaded server on a free loopback port, sharing the test database."""
    import threading

    from werkzeug.serving import make_server

    from core.app import create_app

    server_app = create_app(
        make_test_config(_db_url, tmp_path, SERVER_NAME=None, LOTSE_RAISE_ERRORS=False)
    )
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with server_app.app_context():
        from core.db import db

        db.engine.dispose()
