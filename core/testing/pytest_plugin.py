"""Fixtures every test suite of Lotse (core and plugins) uses.

The database is real: a SQLite file, or PostgreSQL when ``LOTSE_TEST_DATABASE_URL`` is set. The
schema is built once per run with the real Alembic migrations; after each test every table is
emptied, so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

TEST_PASSWORD = "Kaffee-Fahrrad-Laterne-42"  # noqa: S105 - test fixture
_counter = itertools.count(1)
#: Port of the suite's local SMTP server (set by the ``smtp_server`` fixture).
_smtp = {"port": None}


def database_url(tmp_dir: Path) -> str:
    url = os.environ.get("LOTSE_TEST_DATABASE_URL", "").strip()
    if url:
        from core.config import normalise_database_url

        return normalise_database_url(url)
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


APP_ROLE = "lotse_app_test"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        # The app runs as a role that is neither owner, superuser nor BYPASSRLS, exactly as in
        # production, so row-level security is exercised by the whole suite.
        conn.execute(
            text(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
                f"THEN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$"
            )
        )
    engine.dispose()


def _grant_app_role(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}"))
        conn.execute(
            text(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"
            )
        )
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}"))
    engine.dispose()


def app_role_url(owner_url: str) -> str:
    from sqlalchemy.engine import make_url

    return (
        make_url(owner_url)
        .set(username=APP_ROLE, password=None)
        .render_as_string(hide_password=False)
    )


def make_test_config(url: str, tmp_dir: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": "lotse.test",
        "LOTSE_RAISE_ERRORS": True,
        "LOTSE_TENANTS_DIR": str(Path(__file__).resolve().parents[2] / "tenants"),
        "LOTSE_ATTACHMENT_DIR": str(tmp_dir / "attachments"),
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


def pytest_configure(config):
    """A cheap Argon2 profile for the whole run (not the (1, 8, 1) the rehash test uses as weak)."""
    from core.auth.passwords import set_cost

    set_cost(time_cost=1, memory_cost=256, parallelism=1)


@pytest.fixture(scope="session")
def _owner_db_url(tmp_path_factory):
    """The schema owner's URL: migrations and the per-test wipe use it."""
    tmp_dir = tmp_path_factory.mktemp("db")
    url = database_url(tmp_dir)
    if url.startswith("postgresql"):
        _reset_postgres(url)
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

    os.environ.setdefault("LOTSE_INSTANCE_PATH", tempfile.mkdtemp(prefix="lotse-instance-"))
    owner_app = create_app(make_test_config(_owner_db_url, tmp_path_factory.getbasetemp()))
    with owner_app.app_context():
        migrate.upgrade("heads")
        from core.db import db

        db.engine.dispose()
    if _owner_db_url.startswith("postgresql"):
        _grant_app_role(_owner_db_url)
    app = create_app(
        make_test_config(
            _db_url, tmp_path_factory.getbasetemp(), LOTSE_TEST_OWNER_URL=_owner_db_url
        )
    )
    return app


_owner_engines: dict = {}


def _wipe(app) -> None:
    from core.db import db

    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        engine = db.engine
        if engine.dialect.name == "postgresql":
            owner_url = app.config["LOTSE_TEST_OWNER_URL"]
            owner = _owner_engines.setdefault(owner_url, create_engine(owner_url))
            with owner.begin() as conn:
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            with engine.begin() as conn:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty tables and throttles after each test that used the app."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        _wipe(app)
        with app.app_context():
            app.extensions["lotse.throttle"].reset()
        app.extensions.get("lotse.relays", {}).clear()


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
def make_tenant(app):
    """``make_tenant("kreis-a", plugins=["interpreters"])`` → committed Tenant (detached-safe)."""
    from core.db import db
    from core.plugins.services import enable_plugin
    from core.tenancy.context import tenant_scope
    from core.tenancy.models import OrgUnit, Tenant

    def make(
        slug=None,
        *,
        name=None,
        kind="kreis",
        plugins=(),
        locales=("de", "en"),
        theme=None,
        org_units=("team-a",),
    ):
        slug = slug or f"tenant-{next(_counter)}"
        with app.app_context():
            tenant = Tenant(
                slug=slug,
                name=name or f"Kreis {slug.title()}",
                kind=kind,
                locales=list(locales),
                default_locale=locales[0],
                theme=theme or {},
                settings={},
            )
            db.session.add(tenant)
            db.session.flush()
            with tenant_scope(tenant):
                for key in org_units:
                    db.session.add(
                        OrgUnit(tenant_id=tenant.id, key=key, name=f"Team {key}", kind="team")
                    )
                for plugin in plugins:
                    enable_plugin(tenant, plugin, None, operator=True)
            db.session.commit()
            db.session.refresh(tenant)
            db.session.expunge(tenant)
            return tenant

    return make


@pytest.fixture
def make_user(app):
    """``make_user(tenant, roles=["case_manager"])`` → (email, password) of a committed account."""
    from core.auth import services as auth
    from core.auth.models import User
    from core.auth.passwords import hash_password
    from core.db import db, utcnow
    from core.tenancy.context import tenant_scope

    def make(
        tenant=None,
        *,
        roles=("case_manager",),
        email=None,
        name=None,
        operator=False,
        password=TEST_PASSWORD,
        org_unit_id=None,
    ):
        email = email or f"user{next(_counter)}@example.org"
        with app.app_context():
            user = auth.find_user(email)
            if user is None:
                # Like an account created by this tenant's invitation: in its credential care.
                user = User(
                    email=email,
                    display_name=name or email.split("@")[0].title(),
                    password_hash=hash_password(password),
                    is_platform_operator=operator,
                    password_changed_at=utcnow(),
                    credential_tenant_id=tenant.id if tenant is not None and not operator else None,
                )
                db.session.add(user)
                db.session.flush()
            if tenant is not None:
                with tenant_scope(tenant):
                    auth.add_membership(user, tenant, list(roles), org_unit_id)
            db.session.commit()
        return email, password

    return make


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that behaves like a browser: it reads CSRF tokens from the pages it gets."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.mimetype == "text/html":
            match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
            if match:
                self.token = match.group(1)
        return response

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get(url)
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)

    def login(self, tenant_slug, email, password=TEST_PASSWORD):
        self.get(f"/{tenant_slug}/login")
        response = self.post(f"/{tenant_slug}/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.get(f"/{tenant_slug}/")
        return response

    def operator_login(self, email, password=TEST_PASSWORD):
        self.get("/platform/login")
        response = self.post("/platform/login", {"email": email, "password": password})
        assert response.status_code == 302
        self.get("/platform/")
        return response

    def text(self, url):
        response = self.get(url)
        return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def browser(app):
    """A fresh signed-out browser."""
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app):
    def make():
        return Browser(app.test_client())

    return make


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
