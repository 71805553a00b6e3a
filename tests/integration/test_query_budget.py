"""Query-count budgets (issue #10): the pages case managers open all day answer in a fixed number of
SQL statements, whatever the number of staff, cases, journal entries, consents or household
members.

The statements are counted on the app's engine (``count_queries``, :mod:`core.testing.queries`):
every ORM query, lazy load, RLS setting and flush the database receives for one request, after a
first request has filled the process's caches (as in production, where a process serves many).
"""

from __future__ import annotations

import pytest

#: Statements of one GET, by page: measured after the lean-request work (issue #10 item 4) on
#: PostgreSQL, which adds one ``set_config`` round trip per transaction (row-level security) to
#: what SQLite sends, plus a margin of two. A page over its budget has grown an N+1 or lost a
#: cache: read the statements the failure lists before raising a number. The same budgets hold
#: for a small and a large installation (``test_budgets_do_not_grow``).
#:
#: Measured (SQLite / PostgreSQL), the same with 3 and with 30 colleagues:
#:   start 4/5 · case list 6/7 (coordination: 6/7) · case file 15/17 · journal 9/11 · person 8/9 ·
#:   consents 16/18 · duplicate search 7/8 · API /me 3/4
#: Before the work (5 colleagues): start 9/11 · case list 9/11 · case file 27/30 (one more per
#:   colleague: case_workers) · journal 17/20 · person 10/13 · consents 23/26 · API /me 10/14
BUDGETS = {
    "start": 7,
    "case_list": 9,
    "case_list_all": 9,
    "case_file": 19,
    "journal": 13,
    "person": 11,
    "consents": 20,
    "search": 10,
    "api_me": 6,
}

SLUG = "budget"


@pytest.fixture
def installation(app, make_tenant, make_user, make_person, make_case, make_consent, sign_in):
    """``installation(staff=5, size=2)`` → (browsers of Clara and Cora, ids): a tenant where
    ``staff`` colleagues each hold a case of their own client (all named like Clara's client, so
    the duplicate search finds them), and the case manager Clara's client has ``size`` journal
    entries, consents and relatives in the household."""
    from core.db import db
    from core.documentation.models import JournalEntry
    from core.persons.models import Person
    from core.persons.services import add_to_household
    from core.tenancy.context import tenant_scope

    def build(*, staff: int, size: int):
        tenant = make_tenant(SLUG)
        clara, _ = make_user(tenant, roles=["case_manager"], name="Clara Case")
        cora, _ = make_user(tenant, roles=["coordinator"], name="Cora Coord")
        person = make_person(tenant, actor=clara, first_name="Lale", last_name="Yilmaz")
        case = make_case(tenant, person, actor=clara, access_path="forwarded", source="jobcenter")
        for i in range(staff):
            colleague, _ = make_user(tenant, roles=["case_manager"], name=f"Kollege {i:02}")
            other = make_person(tenant, actor=colleague, first_name="Lale", last_name="Yilmaz")
            make_case(tenant, other, actor=colleague, access_path="forwarded", source="jobcenter")
        relatives = [make_person(tenant, actor=clara, last_name=f"Yilmaz{i}") for i in range(size)]
        for _ in range(size):
            make_consent(tenant, person, actor=clara)
        with app.test_request_context(), tenant_scope(tenant):
            household = add_to_household(None, db.session.get(Person, person.id), {"role": "head"})
            for relative in relatives:
                add_to_household(
                    None,
                    db.session.get(Person, relative.id),
                    {"role": "partner"},
                    household=household,
                )
            for i in range(size):
                db.session.add(
                    JournalEntry(case_id=case.id, text=f"Gespräch {i}", effort_minutes=10)
                )
            db.session.commit()
        browsers = {"clara": sign_in(tenant, clara), "cora": sign_in(tenant, cora)}
        return browsers, {"tenant": tenant, "case": case.id, "person": person.id}

    return build


def _measure(browsers, count_queries, ids, api) -> dict[str, tuple[int, str]]:
    """Statements of each page, the second time it is opened (caches warm)."""
    clara, cora = browsers["clara"], browsers["cora"]
    pages = {
        "start": (clara.get, f"/{SLUG}/"),
        "case_list": (clara.get, f"/{SLUG}/cases/"),
        "case_list_all": (cora.get, f"/{SLUG}/cases/"),
        "case_file": (clara.get, f"/{SLUG}/cases/{ids['case']}"),
        "journal": (clara.get, f"/{SLUG}/cases/{ids['case']}/journal"),
        "person": (clara.get, f"/{SLUG}/persons/{ids['person']}"),
        "consents": (clara.get, f"/{SLUG}/persons/{ids['person']}/consents"),
        "search": (
            lambda url: clara.post(url, {"first_name": "Lale", "last_name": "Yilmaz"}),
            f"/{SLUG}/persons/search",
        ),
        "api_me": (lambda url: api("GET", url), "/me"),
    }
    out = {}
    for name, (open_page, url) in pages.items():
        open_page(url)
        with count_queries() as log:
            response = open_page(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = (log.count, log.report())
    return out


def test_pages_stay_within_their_budget(installation, count_queries, api_client):
    browsers, ids = installation(staff=5, size=2)
    measured = _measure(browsers, count_queries, ids, api_client(ids["tenant"]))
    assert set(measured) == set(BUDGETS)
    for name, (count, report) in measured.items():
        assert count <= BUDGETS[name], f"{name}: {count} statements > {BUDGETS[name]}\n{report}"


def test_budgets_do_not_grow(installation, count_queries, api_client, _test_db, app):
    """Ten times the staff, cases, entries, consents and household: not one statement more."""
    browsers, ids = installation(staff=3, size=1)
    small = _measure(browsers, count_queries, ids, api_client(ids["tenant"]))
    _test_db.wipe()
    from core.testing.pytest_plugin import _reset_app_state

    _reset_app_state(app)
    browsers, ids = installation(staff=30, size=10)
    large = _measure(browsers, count_queries, ids, api_client(ids["tenant"]))
    for name, (count, report) in large.items():
        assert count == small[name][0], (
            f"{name}: {small[name][0]} statements with 3 colleagues, {count} with 30\n{report}"
        )


def test_one_rls_setting_per_transaction(installation, count_queries, api_client, app):
    """PostgreSQL: the row-level-security settings go to the database once per transaction — a
    page view has one transaction, or two where it commits its read audit before rendering."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("row-level security exists only on PostgreSQL")
    browsers, ids = installation(staff=2, size=1)
    measured = _measure(browsers, count_queries, ids, api_client(ids["tenant"]))
    settings = {
        name: sum("set_config(" in line for line in report.splitlines())
        for name, (_count, report) in measured.items()
    }
    audited = {"case_file", "journal", "consents"}  # commit once before rendering
    for name, count in settings.items():
        assert count == (2 if name in audited else 1), (name, measured[name][1])
