"""No input answers 500: ids and page numbers beyond what the database holds, NUL bytes, lone
surrogates, deeply nested JSON, CR/LF in ``next=``, a malformed Host, dates at the ends of the
calendar. HTML gets a German 400/404 page, the API a JSON error naming the field; host aliases
with a trailing dot stay pinned to their tenant; the ``lotse`` command on an empty database says
what to do in one sentence."""

from __future__ import annotations

import pytest

from core.db import db

BIG = 2**63  # beyond SQLite's 64-bit and PostgreSQL's 32-bit integers
PG_BIG = 2**31  # just beyond PostgreSQL's integer


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("kante")


@pytest.fixture
def api(tenant, api_client):
    """A case manager's real API token; returns a function that calls the API with it."""
    return api_client(tenant, label="kante")


@pytest.fixture
def cm_browser(tenant, signed_in):
    return signed_in(tenant, roles=["case_manager"])


def _person(api):
    response = api("POST", "/persons", json={"first_name": "Amina", "last_name": "Yusuf"})
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("value", [PG_BIG, BIG, 10**40])
def test_huge_ids_in_urls_are_not_found(api, cm_browser, value):
    for path in (
        f"/cases/{value}",
        f"/persons/{value}",
        f"/persons/{value}/consents",
        f"/cases/{value}/journal",
    ):
        response = api("GET", path)
        assert response.status_code == 404, (path, response.status_code)
        assert response.json["status"] == 404 and response.json["message"]
    assert api("POST", f"/cases/{value}/close", json={}).status_code == 404
    response = cm_browser.get(f"/kante/cases/{value}")
    assert response.status_code == 404 and "text/html" in response.content_type


@pytest.mark.parametrize("value", [str(PG_BIG), str(BIG), "9" * 40, "9" * 5000])
def test_huge_page_numbers_are_a_clear_400(api, cm_browser, value):
    response = api("GET", f"/cases?page={value}")
    assert response.status_code == 400
    assert response.json["status"] == 400 and "page" in response.json["errors"]
    html = cm_browser.get(f"/kante/cases?page={value}")
    assert html.status_code == 400
    assert "Zahl" in html.get_data(as_text=True)  # German, names the problem


def test_huge_numbers_in_json_bodies_name_the_field(api):
    response = api("POST", "/cases", json={"person_id": BIG, "case_type": "case_management"})
    assert response.status_code == 400
    assert response.json["errors"] == {"person_id": [response.json["message"]]}
    person = _person(api)
    response = api("PUT", f"/persons/{person['id']}", json={**_editable(person), "version": PG_BIG})
    assert response.status_code == 400 and "version" in response.json["errors"]


def _editable(person):
    return {"first_name": person["first_name"], "last_name": person["last_name"]}


def test_nul_bytes_are_refused_everywhere(api, browser, tenant, make_user):
    response = api("POST", "/persons", json={"first_name": "Ami\x00na", "last_name": "Yusuf"})
    assert response.status_code == 400 and "first_name" in response.json["errors"]
    response = api("GET", "/cases?q=Ami%00na")
    assert response.status_code == 400 and "q" in response.json["errors"]
    # The sign-in form: a NUL in the e-mail address is a German 400, not a database error.
    browser.get("/kante/login")
    response = browser.post("/kante/login", {"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Zeichen" in response.get_data(as_text=True)
    email, password = make_user(tenant, roles=["case_manager"])
    response = browser.post(
        "/kante/login",
        {"email": email, "password": password},
        headers={"User-Agent": "Mozilla\x00"},
    )
    assert response.status_code == 400
    assert browser.get("/kante%00/login").status_code in (400, 404)
    assert browser.get("/kante/login%00").status_code in (400, 404)


def test_lone_surrogates_are_refused_with_the_field(api):
    body = b'{"first_name": "\\ud800", "last_name": "Yusuf"}'
    response = api("POST", "/persons", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "first_name" in response.json["errors"]


def test_deeply_nested_json_is_a_400(api):
    for depth in (100, 100_000):
        body = "[" * depth + "]" * depth
        response = api("POST", "/persons", data=body, content_type="application/json")
        assert response.status_code == 400, depth
        assert response.json["status"] == 400


@pytest.mark.parametrize(
    "target", ["/kante/\r\nSet-Cookie: x=1", "/kante/%0d%0aX: 1", "/\\evil.example", "\r\n/kante/"]
)
def test_crlf_in_next_is_ignored(browser, tenant, make_user, target):
    email, password = make_user(tenant, roles=["case_manager"])
    browser.get("/kante/login")
    response = browser.client.post(
        "/kante/login",
        query_string={"next": target},
        data={"email": email, "password": password, "csrf_token": browser.token},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and "evil" not in location
    assert not location.startswith("//") and "\\" not in location


@pytest.mark.parametrize(
    "host", ["bad host", "a/b", "[zz", "ex\x00ample.org", "ex%41mple.org", "a@b"]
)
def test_malformed_host_is_a_400(app, tenant, host):
    response = app.test_client().get("/kante/login", headers={"Host": host})
    assert response.status_code == 400
    assert "Host" in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59"])
def test_dates_at_the_ends_of_the_calendar(api, cm_browser, day):
    """Such dates would overflow every deadline computed from them (here or in a nightly job)."""
    person = _person(api)
    case = api("POST", "/cases", json={"person_id": person["id"], "case_type": "case_management"})
    assert case.status_code == 201, case.json
    answers = {
        "received_on": api(
            "POST",
            f"/persons/{person['id']}/privacy-requests",
            json={"kind": "access", "received_on": day},
        ),
        "due_on": api(
            "POST",
            "/follow-ups",
            json={"case_id": case.json["id"], "title": "Termin", "due_on": day},
        ),
        "birth_date": api(
            "POST", "/persons", json={"first_name": "Eda", "last_name": "Kaya", "birth_date": day}
        ),
        "residence_valid_until": api(
            "PUT",
            f"/persons/{person['id']}",
            json={**_editable(person), "version": person["version"], "residence_valid_until": day},
        ),
    }
    for field, response in answers.items():
        assert response.status_code == 400, (field, response.json)
        assert field in response.json["errors"], response.json
    cm_browser.get("/kante/persons/new")
    html = cm_browser.post(
        "/kante/persons/new", {"first_name": "Eda", "last_name": "Kaya", "birth_date": day[:10]}
    )
    assert html.status_code == 400 and "Datum zwischen 1000 und 8999" in html.get_data(as_text=True)


def test_host_alias_with_trailing_dot_stays_with_its_tenant(app, make_tenant, browser):
    from core.tenancy.models import TenantHost

    a = make_tenant("dot-a")
    make_tenant("dot-b")
    with app.app_context():
        db.session.add(TenantHost(tenant_id=a.id, host="integration.kreis-a.de"))
        db.session.commit()
    for host in (
        "integration.kreis-a.de.",
        "INTEGRATION.Kreis-A.de.:443",
        "integration.kreis-a.de.:80",
    ):
        base = f"http://{host}"
        assert browser.client.get("/dot-b/login", base_url=base).status_code == 404, host
        assert browser.client.get("/dot-a/login", base_url=base).status_code == 200, host


def test_cli_on_a_database_without_schema_says_so(tmp_path):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from core.app import create_app
    from core.cli import main
    from core.testing.pytest_plugin import make_test_config

    empty = tmp_path / "leer.sqlite3"
    empty.touch()
    app = create_app(make_test_config(f"sqlite:///{empty}", tmp_path))
    for args in (["tenant", "list"], ["user", "list", "--tenant", "x"], ["jobs", "retention"]):
        result = CliRunner().invoke(main, args, obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 2, (args, result.output)
        assert "lotse db upgrade" in result.output, result.output
        assert "Traceback" not in result.output and result.output.count("\n") == 1, result.output
    with app.app_context():
        db.engine.dispose()
