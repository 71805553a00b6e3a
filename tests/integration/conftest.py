"""Shared set-up of the case-work tests: the tenant ``fall`` and its signed-in case manager, and
clients made through the services (the person and case forms have their own tests)."""

from __future__ import annotations

import pytest

#: The client every case-work test starts from (as entered on the person form).
AMINA = {
    "first_name": "Amina",
    "last_name": "Yılmaz",
    "birth_date": "1990-04-01",
    "gender": "female",
    "residence_status": "permit_limited",
    "postcode": "46045",
}


@pytest.fixture
def kreis(make_tenant):
    return make_tenant("fall", name="Kreis Fall")


@pytest.fixture
def cm(kreis, make_user, browser):
    """The case manager Clara Case, signed in with ``browser``; returns her e-mail address."""
    email, _ = make_user(kreis, roles=["case_manager"], name="Clara Case")
    browser.login("fall", email)
    return email


@pytest.fixture
def new_person(kreis, cm, make_person):
    """``new_person(**fields)`` → id of a new client entered by ``cm`` (Amina Yılmaz)."""

    def make(**fields) -> int:
        return make_person(kreis, actor=cm, **{**AMINA, **fields}).id

    return make


@pytest.fixture
def new_case(kreis, cm, make_case, make_person):
    """``new_case(person_id, **fields)`` → id of the case ``cm`` opens for that client."""
    from core.persons.models import Person

    def make(person_id: int, **fields) -> int:
        data = {"access_path": "forwarded", "source": "jobcenter", **fields}
        person = Person(id=person_id)
        return make_case(kreis, person, actor=cm, **data).id

    return make
