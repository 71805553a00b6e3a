"""Query-count budgets (issue #10): the pages case managers open all day answer in a fixed number of
SQL statements, whatever the number of staff, cases, journal entries or consents.

The statements are counted on the app's engine (``count_queries``, :mod:`core.testing.queries`):
every ORM query, lazy load, RLS setting and flush the database receives for one request.
"""

from __future__ import annotations

import pytest

#: The budget of each page: statements for one GET by a signed-in case manager, measured after
#: the lean-request work (issue #10 item 4) plus a margin of two for harmless variation (an
#: extra check a future change needs). A page that exceeds it has grown an N+1 or lost a cache:
#: look at the statements the failure lists before raising the number. The same budget holds
#: for a small and a large installation (see ``test_budget_does_not_grow``).
BUDGETS = {
    "start": 99,
    "case_list": 99,
    "case_file": 99,
    "journal": 99,
    "person": 99,
    "consents": 99,
    "api_me": 99,
}


@pytest.fixture
def installation(make_tenant, make_user, make_person, make_case, make_consent, app, sign_in):
    """``installation(staff=5, cases=3, entries=3)`` → (browser of the case manager, ids)."""
    def build(*, staff: int, cases: int, entries: int, slug: str = "budget"):
        tenant = make_tenant(slug, plugins=())
        email, _ = make_user(tenant, roles=["case_manager"], name="Clara Case")
        for i in range(staff):
            make_user(tenant, roles=["case_manager" if i % 2 else "coordinator"])
        person = make_person(tenant, actor=email, last_name="Yilmaz")
        make_consent(tenant, person, actor=email)
        case = make_case(tenant, person, actor=email, access_path="forwarded", source="jobcenter")
        for _ in range(cases - 1):
            make_case(tenant, actor=email, access_path="forwarded", source="jobcenter")
        browser = sign_in(tenant, email)
        for i in range(entries):
            response = browser.post(
                f"/{slug}/cases/{case.id}/journal",
                {"text": f"Gespräch {i}", "effort_minutes": "10"},
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return browser, {"tenant": tenant, "case": case.id, "person": person.id}

    return build


def _pages(slug: str, ids: dict) -> dict[str, str]:
    return {
        "start": f"/{slug}/",
        "case_list": f"/{slug}/cases/",
        "case_file": f"/{slug}/cases/{ids['case']}",
        "journal": f"/{slug}/cases/{ids['case']}/journal",
        "person": f"/{slug}/persons/{ids['person']}",
        "consents": f"/{slug}/persons/{ids['person']}/consents",
    }


def _measure(browser, count_queries, slug, ids, api=None) -> dict[str, tuple[int, str]]:
    out = {}
    for name, url in _pages(slug, ids).items():
        browser.get(url)  # warm: caches of the process are filled by the first request
        with count_queries() as log:
            response = browser.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = (log.count, log.report())
    if api is not None:
        api("GET", "/me")
        with count_queries() as log:
            response = api("GET", "/me")
        assert response.status_code == 200, response.get_data(as_text=True)
        out["api_me"] = (log.count, log.report())
    return out


def test_pages_stay_within_their_budget(installation, count_queries, api_client):
    browser, ids = installation(staff=5, cases=3, entries=3)
    api = api_client(ids["tenant"])
    measured = _measure(browser, count_queries, "budget", ids, api)
    for name, (count, report) in measured.items():
        print(f"{name}: {count}")
        print(report)
    for name, (count, report) in measured.items():
        assert count <= BUDGETS[name], f"{name}: {count} statements > {BUDGETS[name]}\n{report}"
