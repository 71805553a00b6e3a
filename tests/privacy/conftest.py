"""A client whose every free-text and name field holds a canary, plus a household member and a
namesake in another tenant with their own canaries – the material of the erasure, retention and
export tests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core.auth.models import User
from core.cases import contacts, follow_ups, goals, help_plans
from core.cases import services as cases
from core.cases.documents import add_journal_entry, save_attachment
from core.cases.settings import case_settings
from core.consent import services as consent
from core.db import db
from core.eligibility import services as eligibility
from core.persons.services import add_to_household, create_person, update_person
from core.privacy import requests
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant


@dataclass
class Client:
    person_id: int
    case_id: int
    canaries: list[str] = field(default_factory=list)


def canary(prefix: str, tag: str) -> str:
    return f"{prefix}Kanarie{tag}"


def build_client(
    tenant: Tenant, actor, prefix: str, *, household=None, contact_on: date | None = None
) -> Client:
    """Every service a case manager uses, each text field carrying a distinct canary."""
    c = lambda tag: canary(prefix, tag)  # noqa: E731
    person = create_person(
        actor,
        {
            "first_name": c("Vorname"),
            "last_name": c("Nachname"),
            "other_names": c("Geburtsname"),
            "birth_date": "1990-05-17",
            "nationality": "syrisch",
            "street": c("Strasse"),
            "postcode": "47051",
            "city": c("Ort"),
            "phone": c("Telefon"),
            "email": f"{c('Mail').lower()}@example.org",
            "residence_status": "permit_limited",
            "residence_valid_until": (date.today() + timedelta(days=400)).isoformat(),
        },
    )
    db.session.flush()
    update_person(
        actor,
        person,
        {**_person_form(person), "city": c("NeuerOrt"), "version": person.version},
    )
    if household is None:
        household = add_to_household(actor, person, {"role": "head", "name": c("Haushalt")})
    else:
        add_to_household(actor, person, {"role": "partner"}, household=household)
    case = cases.open_case(
        actor,
        tenant,
        {
            "person_id": person.id,
            "case_type": "case_management",
            "topic": c("Thema"),
            "opened_on": (contact_on or date.today()).isoformat(),
        },
    )
    eligibility.reassess(case, {"notiz": c("Antwort")}, actor, tenant=tenant)
    eligibility.decide(
        actor,
        tenant,
        case,
        {
            "outcome": "referred",
            "referred_to": c("Verwiesen"),
            "target_group": "Neuzugewanderte",
            "reason": c("Zugang"),
        },
    )
    contacts.add_contact(
        actor,
        tenant,
        case,
        {
            "contact_on": (contact_on or date.today()).isoformat(),
            "duration_minutes": 45,
            "channel": "in_person",
            "participants": c("Teilnehmende"),
            "summary": c("Gespraech"),
        },
    )
    add_journal_entry(actor, case, {"text": c("Journal"), "effort_minutes": 20})
    goal = goals.save_goal(
        actor,
        tenant,
        case,
        {
            "life_area": list(case_settings(tenant).life_areas)[0],
            "title": c("Ziel"),
            "indicator": c("Indikator"),
            "achievement_note": c("Zielnotiz"),
        },
    )
    plan = help_plans.editable_plan(actor, case)
    plan.note = c("Plannotiz")
    help_plans.save_plan_item(
        actor,
        case,
        plan,
        {
            "goal_id": goal.id,
            "measure": c("Massnahme"),
            "responsible": "partner",
            "partner_name": c("Partner"),
        },
    )
    follow_ups.add_follow_up(
        actor,
        {
            "case_id": case.id,
            "title": c("Wiedervorlage"),
            "due_on": (date.today() + timedelta(days=5)).isoformat(),
        },
    )
    pdf = b"%PDF-1.4\n" + c("Anhang").encode() + b"\n%%EOF\n"
    attachment = save_attachment(
        actor, case, FileStorage(io.BytesIO(pdf), filename=f"{c('Datei')}.pdf"), c("Beschreibung")
    )
    consent.ensure_defaults(tenant)
    version = consent.current_versions()[0]
    record = consent.record_consent(
        actor,
        person,
        {
            "template_version_id": version.id,
            "language": "de",
            "signed_by": "guardian",
            "guardian_name": c("Vormund"),
            "recipient_keys": ["jobcenter"],
            "partner_names": [c("Partnerstelle")],
            "purposes": ["referral"],
            "granted_on": (date.today() - timedelta(days=3)).isoformat(),
            "evidence_id": attachment.id,
        },
    )
    consent.disclose(
        actor,
        tenant,
        person,
        recipient_key="",
        recipient_name=c("Empfaenger"),
        purpose="referral",
        channel="letter",
        data_categories=["master_data"],
        case=case,
        override_reason=c("Begruendung"),
        confirmation="oral",
    )
    requests.create_request(actor, person, {"kind": "access", "details": c("Anfrage")})
    db.session.flush()
    names = [
        "Vorname",
        "Nachname",
        "Geburtsname",
        "Strasse",
        "Ort",
        "NeuerOrt",
        "Telefon",
        "Mail",
        "Thema",
        "Zugang",
        "Teilnehmende",
        "Gespraech",
        "Journal",
        "Ziel",
        "Indikator",
        "Zielnotiz",
        "Plannotiz",
        "Massnahme",
        "Partner",
        "Wiedervorlage",
        "Anhang",
        "Datei",
        "Beschreibung",
        "Vormund",
        "Partnerstelle",
        "Empfaenger",
        "Begruendung",
        "Anfrage",
    ]
    canaries = [c(n) if n != "Mail" else c(n).lower() for n in names]
    # The household's name is shared with the other members: it goes with the last of them.
    assert record.id
    return Client(person.id, case.id, canaries)


def file_request(app, tenant, client, person_id: int, kind: str, **fields) -> int:
    """The person's request filed on their privacy page by ``client`` (a signed-in browser), as
    the case manager records it → the request's id, for the DSB's decision."""
    from core.privacy.models import DataSubjectRequest

    response = client.post(f"/priv/persons/{person_id}/privacy", {"kind": kind, **fields})
    assert response.status_code == 302
    with app.app_context(), tenant_scope(tenant):
        return db.session.scalar(
            select(func.max(DataSubjectRequest.id)).where(
                DataSubjectRequest.person_id == person_id, DataSubjectRequest.kind == kind
            )
        )


def write_journal(client, case_id: int, text: str = "neuer Eintrag"):
    """A five-minute journal entry posted on the case's page → the response."""
    return client.post(f"/priv/cases/{case_id}/journal", {"text": text, "effort_minutes": "5"})


def set_retention(app, tenant, on_processing_revocation: str, action: str = "anonymise") -> None:
    """The tenant's retention policy, and what revoking the processing consent sets off."""
    with app.app_context():
        t = db.session.get(Tenant, tenant.id)
        t.settings = {
            **(t.settings or {}),
            "retention": {"action": action, "on_processing_revocation": on_processing_revocation},
        }
        db.session.commit()


def _person_form(person) -> dict:
    from core.persons.services import PERSON_FIELDS

    out = {}
    for name in PERSON_FIELDS:
        value = getattr(person, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


@pytest.fixture
def world(app, make_tenant, make_user, tmp_path, monkeypatch):
    """Tenant ``priv`` with client A and household member B; tenant ``other`` with a namesake."""
    monkeypatch.setitem(app.config, "LOTSE_ATTACHMENT_DIR", str(tmp_path / "attachments"))
    tenant = make_tenant("priv")
    other = make_tenant("other")
    email, _ = make_user(tenant, roles=["case_manager", "coordinator"])
    email_dpo, _ = make_user(tenant, roles=["dpo", "coordinator"])
    email_other, _ = make_user(other, roles=["case_manager"])
    out = {}
    with app.test_request_context():
        with tenant_scope(tenant):
            t = db.session.get(Tenant, tenant.id)
            actor = db.session.scalar(select(User).where(User.email == email))
            a = build_client(t, actor, "PersA")
            from core.persons.models import HouseholdMember

            household = db.session.scalar(
                select(HouseholdMember).where(HouseholdMember.person_id == a.person_id)
            ).household
            b = build_client(t, actor, "PersB", household=household)
            db.session.commit()
        with tenant_scope(other):
            o = db.session.get(Tenant, other.id)
            other_actor = db.session.scalar(select(User).where(User.email == email_other))
            # Same name as A in another tenant: must survive everything done to A.
            namesake = build_client(o, other_actor, "PersA")
            db.session.commit()
    out.update(
        tenant=tenant,
        other=other,
        a=a,
        b=b,
        namesake=namesake,
        email=email,
        email_dpo=email_dpo,
        email_other=email_other,
    )
    return out
