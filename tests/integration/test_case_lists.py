"""The case list and the name search at scale (issue #10): keyset pages that never repeat or skip
a case, a statement count that does not grow with cases or staff, a search through the name
index (any name order, phonetic variants, case-number prefixes) that finds nothing the user may
not see and nothing of another tenant, and an index kept in step with the person row."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from core.auth import services as auth
from core.cases import services as cases
from core.cases.models import Case, CaseShare, Deputy
from core.db import db
from core.persons import search_index
from core.persons.models import Person, PersonNameToken
from core.privacy import erasure
from core.privacy.registry import tenant_registry
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant


@pytest.fixture
def kreis(make_tenant):
    return make_tenant("liste", name="Kreis Liste")


@pytest.fixture
def staff(app, kreis, make_user):
    """``staff(roles)`` → (e-mail, user id) of a new member of ``kreis``."""

    def make(roles=("case_manager",), name=None):
        email, _ = make_user(kreis, roles=list(roles), name=name)
        with app.app_context():
            return email, auth.find_user(email).id

    return make


def _api(app, sign_in, tenant_slug: str, email: str):
    browser = sign_in(tenant_slug, email)

    def get(path="/cases", **query):
        response = browser.client.get(f"/{tenant_slug}/api/v1{path}", query_string=query)
        assert response.status_code == 200, response.json
        return response.json

    get.browser = browser
    return get


def _set(app, tenant, model, ident, **values):
    with app.app_context(), tenant_scope(tenant):
        db.session.execute(update(model).where(model.id == ident).values(**values))
        db.session.commit()


def _add(app, tenant, row):
    with app.app_context(), tenant_scope(tenant):
        db.session.add(row)
        db.session.commit()


class Statements:
    """Counts the SQL statements the app sends while the block runs."""

    def __init__(self, app):
        self.app, self.count = app, 0

    def _seen(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


# --- statement budget --------------------------------------------------------------------------


def test_the_list_costs_the_same_with_5_or_60_cases_and_3_or_30_staff(
    app, kreis, staff, make_case, sign_in
):
    cm_email, cm_id = staff(name="Clara Case")
    coordinator_email, _ = staff(["coordinator"], name="Cora Koordination")
    colleague_email, _ = staff(name="Kai Kollege")
    for _ in range(4):
        make_case(kreis, actor=cm_email)
    shared = make_case(kreis, actor=colleague_email)
    _add(app, kreis, CaseShare(case_id=shared.id, user_id=cm_id))
    cm, coordinator = (_api(app, sign_in, "liste", e) for e in (cm_email, coordinator_email))

    def statements(get, path):
        get.browser.client.get(path)  # warm: the first request of a session loads more
        with Statements(app) as counter:
            response = get.browser.client.get(path)
        assert response.status_code == 200
        return counter.count, response

    small = {
        (who, path): statements(get, path)[0]
        for who, get in (("cm", cm), ("coordinator", coordinator))
        for path in ("/liste/cases/", "/liste/api/v1/cases", "/liste/cases/?q=beispiel")
    }
    assert cm()["total"] == 5 and coordinator()["total"] == 5

    colleagues = [staff(name=f"Kollegin {i:02d}") for i in range(27)]
    for i in range(55):
        owner = cm_email if i % 2 else colleagues[i % 27][0]
        case = make_case(kreis, actor=owner)
        if i % 5 == 0 and owner != cm_email:
            _add(app, kreis, CaseShare(case_id=case.id, user_id=cm_id))
        if i % 7 == 0 and owner != cm_email:
            _set(app, kreis, Case, case.id, deputy_id=cm_id)
    big = {}
    for who, path in small:
        get = cm if who == "cm" else coordinator
        big[(who, path)], response = statements(get, path)
        if who == "coordinator" and path == "/liste/cases/":
            html = response.get_data(as_text=True)
            assert html.count('href="/liste/cases/') >= 50 and 'rel="next"' in html
    assert big == small
    assert coordinator()["total"] == 60 and coordinator()["next"]
    mine = cm()
    # Own 4 + 27, shared 1 + 6, standing deputy 4 (one of them shared as well).
    assert mine["total"] == 41 and len(mine["items"]) == 41
    assert mine["next"] is None and mine["prev"] is None and mine["total_capped"] is False


# --- keyset pages ------------------------------------------------------------------------------


def test_keyset_pages_neither_repeat_nor_skip_with_equal_activity_times(
    app, kreis, staff, make_case, sign_in, monkeypatch
):
    monkeypatch.setattr(cases, "PER_PAGE", 4)
    cm_email, _ = staff()
    ids = [make_case(kreis, actor=cm_email).id for _ in range(11)]
    same = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for position, case_id in enumerate(ids):
        # Three groups of cases with identical activity times: only the id tells them apart.
        moment = same - timedelta(hours=position % 3)
        _set(app, kreis, Case, case_id, last_activity_at=moment)
    expected = [
        case_id
        for _pos, case_id in sorted(
            ((same - timedelta(hours=p % 3), i) for p, i in enumerate(ids)), reverse=True
        )
    ]
    get = _api(app, sign_in, "liste", cm_email)

    pages, cursor = [], None
    while True:
        page = get(**({"cursor": cursor} if cursor else {}))
        pages.append([item["id"] for item in page["items"]])
        assert page["total"] == 11
        assert (page["prev"] is None) == (len(pages) == 1)
        cursor = page["next"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [4, 4, 3]
    assert [i for p in pages for i in p] == expected

    # Back from the last page: the same pages in reverse, the first one full again.
    back, cursor = [], get(cursor=get(cursor=get()["next"])["next"])["prev"]
    while cursor:
        page = get(cursor=cursor)
        back.append([item["id"] for item in page["items"]])
        cursor = page["prev"]
    assert back == [pages[1], pages[0]]

    # Old page numbers still open their page.
    assert [item["id"] for item in get(page=2)["items"]] == pages[1]

    # The HTML list links its pages with the same cursors.
    html = get.browser.client.get("/liste/cases/").get_data(as_text=True)
    older = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    second = get.browser.client.get(older).get_data(as_text=True)
    assert all(f"/liste/cases/{i}" in second for i in pages[1])
    assert not any(f'/liste/cases/{i}"' in second for i in pages[0])
    assert 'rel="prev"' in second


def test_a_damaged_cursor_is_a_clear_error(app, kreis, staff, make_case, sign_in):
    cm_email, _ = staff()
    make_case(kreis, actor=cm_email)
    get = _api(app, sign_in, "liste", cm_email)
    response = get.browser.client.get("/liste/api/v1/cases", query_string={"cursor": "kaputt"})
    assert response.status_code == 422 and "cursor" in response.json["errors"]
    page = get.browser.client.get("/liste/cases/?cursor=kaputt&status=all")
    assert page.status_code == 302 and "cursor" not in page.headers["Location"]
    assert "status=all" in page.headers["Location"]


def test_the_count_stops_at_1000(app, kreis, staff, make_case, sign_in, monkeypatch):
    from core.cases import listing

    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    monkeypatch.setattr(cases, "COUNT_LIMIT", 3)
    cm_email, _ = staff()
    for _ in range(4):
        make_case(kreis, actor=cm_email)
    get = _api(app, sign_in, "liste", cm_email)
    page = get()
    assert page["total"] == 3 and page["total_capped"] is True and len(page["items"]) == 4
    html = get.browser.client.get("/liste/cases/").get_data(as_text=True)
    assert "mehr als 3 Fälle" in html


# --- search ------------------------------------------------------------------------------------


@pytest.fixture
def clients(app, kreis, staff, make_case, make_person, make_tenant, make_user):
    """Gulistan Haji and Muhammad Meyer (the case manager's), Gulbahar Hadschi (a colleague's,
    not shared), and a Gulistan Haji in another tenant."""
    cm_email, _ = staff()
    colleague_email, _ = staff()
    coordinator_email, _ = staff(["coordinator"])
    made = {}
    for key, first, last, owner in (
        ("haji", "Gulistan", "Haji", cm_email),
        ("meyer", "Muhammad", "Meyer", cm_email),
        ("hadschi", "Gulbahar", "Hadschi", colleague_email),
    ):
        person = make_person(kreis, actor=owner, first_name=first, last_name=last)
        made[key] = make_case(kreis, person, actor=owner)
    other = make_tenant("liste-b")
    other_email, _ = make_user(other, roles=["coordinator"])
    namesake = make_person(other, actor=other_email, first_name="Gulistan", last_name="Haji")
    made["namesake"] = make_case(other, namesake, actor=other_email)
    return made, cm_email, coordinator_email, other_email, other


def _found(get, q, **query):
    return sorted(item["id"] for item in get(q=q, status="all", **query)["items"])


def test_search_finds_names_in_any_order_phonetic_variants_and_case_numbers(app, sign_in, clients):
    made, cm_email, coordinator_email, *_ = clients
    get = _api(app, sign_in, "liste", cm_email)
    haji, meyer = made["haji"].id, made["meyer"].id
    for q in ("Gulistan Haji", "Haji, Gulistan", "haji gul", "GULI", "Hají"):
        assert _found(get, q) == [haji], q
    assert _found(get, "Mohammed") == [meyer]  # Kölner Phonetik: Muhammad / Mohammed (662)
    assert _found(get, "Maier") == [meyer]  # Meyer / Maier
    assert _found(get, "Haji Meyer") == []  # every word must match the same person
    assert _found(get, made["haji"].number) == [haji]
    year = made["haji"].number.split("-")[0]
    assert _found(get, f"{year}-") == sorted([haji, meyer])
    assert _found(get, "aji") == []  # words match from their start, not in the middle

    html = get.browser.client.get("/liste/cases/?q=Haji%2C+Gulistan").get_data(as_text=True)
    assert made["haji"].number in html and made["meyer"].number not in html


def test_search_finds_nothing_the_user_may_not_see(app, sign_in, clients):
    made, cm_email, coordinator_email, other_email, other = clients
    cm = _api(app, sign_in, "liste", cm_email)
    coordinator = _api(app, sign_in, "liste", coordinator_email)
    assert _found(cm, "Gulbahar") == [] and _found(cm, "Hadschi") == []
    assert _found(cm, made["hadschi"].number) == []
    assert _found(cm, "Gul") == [made["haji"].id]
    assert _found(coordinator, "Gul") == sorted([made["haji"].id, made["hadschi"].id])
    # Tenant A's tokens never match in tenant B, and the other way round.
    namesake = made["namesake"].id
    assert namesake not in _found(coordinator, "Gulistan Haji")
    assert _found(_api(app, sign_in, "liste-b", other_email), "Gulistan Haji") == [namesake]
    with app.app_context():
        kreis = db.session.scalar(select(Tenant).where(Tenant.slug == "liste"))
        with tenant_scope(kreis):
            owners = set(
                db.session.scalars(
                    select(Person.tenant_id).where(
                        Person.id.in_(search_index.matching_persons("Gulistan Haji"))
                    )
                )
            )
            assert owners == {kreis.id}


def test_search_before_create_uses_the_index(app, sign_in, clients):
    made, cm_email, *_ = clients
    get = _api(app, sign_in, "liste", cm_email)
    for q in ("Haji, Gulistan", "Gulistan Hadji"):
        found = get("/persons", q=q)
        assert found and found[0]["last_name"] == "Haji", q
    assert all(c["last_name"] != "Haji" for c in get("/persons", q="Amina Yusuf"))


def test_the_index_follows_changes_anonymisation_and_erasure(app, kreis, sign_in, clients):
    made, cm_email, coordinator_email, *_ = clients
    get = _api(app, sign_in, "liste", cm_email)
    person_id = made["haji"].person_id
    person = get(f"/persons/{person_id}")
    response = get.browser.client.put(
        f"/liste/api/v1/persons/{person_id}",
        json={"last_name": "Hashemi", "version": person["version"]},
        headers={"X-CSRFToken": get.browser.token},
    )
    assert response.status_code == 200, response.json
    assert _found(get, "Gulistan Haji") == [] and _found(get, "Hashemi") == [made["haji"].id]

    def tokens(pid):
        with app.app_context(), tenant_scope(kreis):
            return set(
                db.session.execute(
                    select(PersonNameToken.kind, PersonNameToken.token).where(
                        PersonNameToken.person_id == pid
                    )
                ).all()
            )

    assert ("word", "hashemi") in tokens(person_id) and ("word", "haji") not in tokens(person_id)
    assert ("sort", "hashemi gulistan") in tokens(person_id)

    with app.test_request_context(), tenant_scope(kreis):
        tenant = db.session.get(Tenant, kreis.id)
        registry = tenant_registry(tenant)
        erasure.anonymise(db.session.get(Person, person_id), registry, rule="test")
        erasure.erase(db.session.get(Person, made["meyer"].person_id), registry, rule="test")
        db.session.commit()
    assert tokens(person_id) == set() and tokens(made["meyer"].person_id) == set()
    coordinator = _api(app, sign_in, "liste", coordinator_email)
    assert _found(coordinator, "Hashemi") == [] and _found(coordinator, "Muhammad") == []


def test_rebuild_makes_the_same_index(app, kreis, clients):
    made, *_ = clients
    with app.app_context(), tenant_scope(kreis):
        before = set(
            db.session.execute(
                select(PersonNameToken.person_id, PersonNameToken.kind, PersonNameToken.token)
            ).all()
        )
        assert before
        connection = db.session.connection()
        written = search_index.rebuild(connection, kreis.id)
        after = set(
            db.session.execute(
                select(PersonNameToken.person_id, PersonNameToken.kind, PersonNameToken.token)
            ).all()
        )
        db.session.commit()
    assert after == before and written == len(before)


def test_tokens_of_a_name():
    assert search_index.tokens("Gülistan", "Haji", "Hadschi") == {
        ("word", "guelistan"),
        ("word", "haji"),
        ("word", "hadschi"),
        ("phon", "45826"),
        ("phon", "0"),
        ("phon", "08"),
        ("sort", "haji guelistan"),
    }


def test_deputies_and_substitutes_see_their_cases_in_the_list(
    app, kreis, staff, make_case, sign_in
):
    absent_email, absent_id = staff()
    deputy_email, deputy_id = staff()
    case = make_case(kreis, actor=absent_email)
    deputy = _api(app, sign_in, "liste", deputy_email)
    assert deputy()["total"] == 0
    _add(
        app,
        kreis,
        Deputy(
            absent_id=absent_id,
            deputy_id=deputy_id,
            starts_on=date.today() - timedelta(days=1),
            ends_on=date.today() + timedelta(days=1),
        ),
    )
    assert [item["id"] for item in deputy()["items"]] == [case.id]


def test_restricted_files_are_left_out_and_pages_stay_full(
    app, kreis, staff, make_case, sign_in, monkeypatch
):
    """The coordinator's list reads the next cases along the index and drops restricted (Art. 18)
    files; when too many of them sit in that window it reads the page the plain way."""
    monkeypatch.setattr(cases, "PER_PAGE", 2)
    monkeypatch.setattr(cases, "WALK_SLACK", 0)
    cm_email, _ = staff()
    coordinator_email, _ = staff(["coordinator"])
    made = [make_case(kreis, actor=cm_email) for _ in range(7)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for position, case in enumerate(made):
        _set(app, kreis, Case, case.id, last_activity_at=start + timedelta(minutes=position))
    restricted = {made[6].id, made[5].id, made[3].id}  # the newest two and one further down
    for case in made:
        if case.id in restricted:
            _set(app, kreis, Person, case.person_id, restricted_at=start)
    get = _api(app, sign_in, "liste", coordinator_email)
    pages, cursor = [], None
    while True:
        page = get(**({"cursor": cursor} if cursor else {}))
        assert page["total"] == 4
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next"]
        if cursor is None:
            break
    assert pages == [[made[4].id, made[2].id], [made[1].id, made[0].id]]
