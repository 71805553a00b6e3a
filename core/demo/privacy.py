"""Demo consents and data-subject requests, so the consent pages and the data-protection
officer's desk show a realistic picture from the first click."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.cases.models import Case
from core.consent import services as consent
from core.consent.models import ConsentRecord
from core.dates import age_on
from core.db import db
from core.persons.models import Person
from core.privacy import requests


def seed_privacy(tenant, cm, coord, today: date) -> None:
    """Most clients signed the tenant's release when their case opened; one did not yet. One
    access request is open, one rectification was answered."""
    consent.ensure_defaults(tenant)
    rows = db.session.execute(
        select(Person, Case).join(Case, Case.person_id == Person.id).order_by(Case.id)
    ).all()
    signed = set(db.session.scalars(select(ConsentRecord.person_id)))
    unsigned_left = True
    for person, case in rows:
        if person.id in signed:
            continue  # signed before the access decision (sign_release)
        if unsigned_left:
            # "release not yet signed": the gate refuses, the page says what is missing
            unsigned_left = False
            continue
        sign_release(tenant, cm, person, case, today)

    if rows:
        person = rows[0][0]
        requests.create_request(
            cm,
            person,
            {
                "kind": "access",
                "received_on": (today - timedelta(days=20)).isoformat(),
                "details": "Bittet schriftlich um eine Kopie aller gespeicherten Daten.",
            },
        )
        answered = requests.create_request(
            cm,
            person,
            {
                "kind": "rectification",
                "received_on": (today - timedelta(days=60)).isoformat(),
                "details": "Schreibweise des Nachnamens korrigieren.",
            },
        )
        requests.complete(coord, answered, person, "Schreibweise im Stammblatt berichtigt.")
    db.session.flush()


def sign_release(tenant, cm, person, case, today: date) -> None:
    """The person signs the tenant's release on the day their case opened (before admission:
    the Zugangsprüfung admits no one without a consent to processing)."""
    consent.ensure_defaults(tenant)
    version = consent.current_versions()[0]
    minor = person.birth_date is not None and age_on(person.birth_date, case.opened_on) < 16
    consent.record_consent(
        cm,
        person,
        {
            "template_version_id": version.id,
            "language": "de",
            "signed_by": "guardian" if minor else "self",
            "guardian_name": "Erziehungsberechtigte Person" if minor else "",
            "recipient_keys": list(version.recipient_keys),
            "purposes": list(version.purposes),
            "granted_on": min(case.opened_on, today).isoformat(),
        },
    )
