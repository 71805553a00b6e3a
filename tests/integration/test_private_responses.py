"""Nothing personal is kept where it should not be: every authenticated answer and every download
is ``Cache-Control: no-store``; attachments and the SQLite database are readable by the service
user only; the access log of ``lotse serve`` carries no query string, and the person search sends
names and birth dates in the request body, not in the URL."""

from __future__ import annotations

import io
import logging
import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from core.db import db

SLUG = "privat"


@pytest.fixture
def tenant(make_tenant):
    return make_tenant(SLUG, plugins=["interpreters", "process_support"])


@pytest.fixture
def cm(tenant, make_user, browser):
    email, _ = make_user(tenant, roles=["case_manager"])
    browser.login(SLUG, email)
    return browser


def _person_and_case(browser):
    browser.get(f"/{SLUG}/persons/new")
    response = browser.post(
        f"/{SLUG}/persons/new",
        {"first_name": "Amina", "last_name": "Yusuf", "birth_date": "1990-04-01"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    person_id = int(re.search(r"person_id=(\d+)", response.headers["Location"]).group(1))
    browser.get(f"/{SLUG}/cases/new?person_id={person_id}")
    response = browser.post(
        f"/{SLUG}/cases/new",
        {
            "person_id": person_id,
            "case_type": "case_management",
            "access_path": "forwarded",
            "source": "jobcenter",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return person_id, int(response.headers["Location"].rstrip("/").split("/")[-1])


def _upload(browser, case_id):
    base = f"/{SLUG}/cases/{case_id}/documents"
    browser.get(base)
    ok = browser.post(
        base,
        {"file": (io.BytesIO(b"%PDF-1.7\n..."), "Bescheid.pdf"), "description": "Bescheid"},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    html = browser.get(base).get_data(as_text=True)
    return re.search(rf'href="(/{SLUG}/cases/\d+/documents/\d+)"', html).group(1)


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_authenticated_page_and_download_is_no_store(app, cm, tmp_path):
    """Enumerate every GET route of a tenant (core and plugins) as a signed-in case manager."""
    app.config["LOTSE_ATTACHMENT_DIR"] = str(tmp_path / "files")
    person_id, case_id = _person_and_case(cm)
    download = _upload(cm, case_id)
    ids = {"person_id": person_id, "case_id": case_id}
    checked, cacheable = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if (
            "GET" not in rule.methods
            or not rule.rule.startswith("/<tenant>/")
            or "logout" in rule.endpoint
        ):
            continue
        values = {}
        for arg in rule.arguments:
            converter = type(rule._converters.get(arg)).__name__
            values[arg] = (
                SLUG if arg == "tenant" else ids.get(arg, 1) if "Integer" in converter else "x"
            )
        url = rule.rule
        for arg, value in values.items():
            url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(value), url)
        response = cm.client.get(url)
        if rule.endpoint in ("brand_asset",) or rule.endpoint.endswith(".static"):
            cacheable.append(url)
            continue
        checked.append(url)
        assert _no_store(response), (
            url,
            response.status_code,
            response.headers.get("Cache-Control"),
        )
    assert len(checked) > 60
    response = cm.client.get(download)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert _no_store(response), response.headers.get("Cache-Control")
    export = cm.client.get(f"/{SLUG}/api/v1/persons/{person_id}/data-export")
    assert export.status_code in (200, 403) and _no_store(export)


def test_attachment_files_are_private(app, cm, tmp_path):
    store = tmp_path / "files"
    app.config["LOTSE_ATTACHMENT_DIR"] = str(store)
    _person_id, case_id = _person_and_case(cm)
    _upload(cm, case_id)
    files = [p for p in store.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in [store, *[p for p in store.rglob("*") if p.is_dir()]]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_sqlite_database_is_private(tmp_path):
    from sqlalchemy import create_engine, text

    import core.file_modes  # noqa: F401  (the connect listener)

    path = tmp_path / "lotse.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode=WAL"))
        conn.execute(text("CREATE TABLE t (x TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('Amina')"))
    engine.dispose()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        for suffix in ("", "-wal", "-shm"):
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_lotse_command_sets_a_private_umask(tmp_path):
    import os

    from click.testing import CliRunner

    from core.cli import main

    before = os.umask(0o022)
    try:
        CliRunner().invoke(main, ["--help"])
        result = CliRunner().invoke(main, ["db", "--help"])
        assert result.exit_code == 0
        current = os.umask(0o022)
        assert current == 0o077
    finally:
        os.umask(before)


def test_access_log_of_lotse_serve_has_no_query_string(capsys):
    """Run gunicorn's logger with the settings `lotse serve` uses on a search request."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from core.cli import gunicorn_settings

    config = Config()
    for key, value in gunicorn_settings("127.0.0.1", 5000, 1, 1).items():
        config.set(key, value)
    logger = Logger(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.stream = stream
    environ = EnvironBuilder(
        path=f"/{SLUG}/persons/search",
        query_string="first_name=Amina&last_name=Yusuf&birth_date=1990-04-01",
        headers={"Referer": f"http://lotse.test/{SLUG}/persons/search?last_name=Yusuf"},
    ).get_environ()

    class _Response:
        status = "200 OK"
        response_length = sent = 1234
        headers = []

    class _Request:
        headers = []

    logger.access(_Response(), _Request(), environ, timedelta(milliseconds=12))
    line = stream.getvalue()
    assert f"/{SLUG}/persons/search" in line and " 200 " in line
    for secret in ("Amina", "Yusuf", "1990", "?"):
        assert secret not in line, line
    logging.getLogger("gunicorn.access").handlers.clear()


def test_person_search_posts_and_keeps_names_out_of_urls(app, cm):
    html = cm.get(f"/{SLUG}/persons/search").get_data(as_text=True)
    form = re.search(r'<form method="(\w+)"[^>]*role="search"', html)
    assert form and form.group(1) == "post"
    response = cm.post(
        f"/{SLUG}/persons/search",
        {"first_name": "Amina", "last_name": "Yusuf", "birth_date": "1990-04-01"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The follow-up "create" step carries the names in a form body too, never in a link.
    assert not re.search(r'href="[^"]*(Amina|Yusuf|1990-04-01)', html), re.findall(
        r'href="[^"]*"', html
    )
    prefill = cm.post(
        f"/{SLUG}/persons/new",
        {"prefill": "1", "first_name": "Amina", "last_name": "Yusuf", "birth_date": "1990-04-01"},
    )
    assert prefill.status_code == 200
    assert 'value="Amina"' in prefill.get_data(as_text=True)
    with app.app_context():
        from sqlalchemy import func, select

        from core.persons.models import Person

        assert (
            db.session.scalar(
                select(func.count()).select_from(Person).execution_options(all_tenants=True)
            )
            == 0
        )
