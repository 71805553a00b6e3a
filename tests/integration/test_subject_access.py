"""Art. 15 / Art. 20 package (security battery T19): every free-text and name field of a person,
filled with canaries, comes out in the JSON (100 %) and in the PDF; nothing of a household member
or of a namesake in another tenant does (0); the JSON validates against the published schema;
permissions and tenant isolation hold for the pages and the API."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db import db, utcnow
from core.tenancy.context import tenant_scope

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "core" / "privacy" / "subject_access.schema.json"
    ).read_text(encoding="utf-8")
)


def _user_id(email):
    from core.auth import services as auth

    return auth.find_user(email).id


def fill_person(
    app, tenant, tag, *, first_name, last_name, actor_email, household_id=None, role="head"
):
    """A person with a row in every client table of the core registry. Every free-text or name
    column holds a canary ``CANARY-<tag>-<table>.<column>``; returns (person id, household id,
    canaries)."""
    from core.auth.models import User
    from core.cases.models import (
        AccessDecision,
        Case,
        CaseShare,
        Contact,
        FollowUp,
        Goal,
        HelpPlan,
        HelpPlanItem,
        PhaseTransition,
    )
    from core.consent import services as consent
    from core.consent.models import ConsentRecord, ConsentRevocation, Disclosure
    from core.documentation import services as documents
    from core.documentation.models import Attachment, JournalEntry
    from core.persons.models import Household, HouseholdMember, Person, PersonNameToken
    from core.privacy.models import (
        DataSubjectRequest,
        PersonChange,
        RetentionDue,
        RetentionHold,
        RetentionRun,
    )

    canaries: list[str] = []

    def c(name: str) -> str:
        value = f"CANARY-{tag}-{name}"
        canaries.append(value)
        return value

    with app.app_context(), tenant_scope(tenant):
        actor = db.session.scalar(select(User).where(User.email == actor_email))
        version = consent.current_versions()[0] if consent.current_versions() else None
        if version is None:
            consent.ensure_defaults(tenant)
            version = consent.current_versions()[0]
        person = Person(
            first_name=first_name,
            last_name=last_name,
            other_names=c("person.other_names"),
            birth_date=date(1988, 3, 14),
            gender="female",
            nationality=c("person.nationality"),
            languages=[c("person.languages")],
            interpreter_needed=True,
            interpreter_language=c("person.interpreter_language"),
            residence_status="permit_limited",
            residence_issued_on=date(2022, 1, 1),
            first_residence_title_on=date(2019, 1, 1),
            residence_valid_until=date(2027, 1, 1),
            street=c("person.street"),
            postcode="46045",
            city=c("person.city"),
            phone=c("person.phone"),
            email=c("person.email"),
            name_key=c("person.name_key"),
            sort_name=c("person.sort_name"),
            created_by_id=actor.id,
            restriction_reason=c("person.restriction_reason"),
        )
        db.session.add(person)
        db.session.flush()
        if household_id is None:
            household = Household(name=c("household.name"))
            db.session.add(household)
            db.session.flush()
            household_id = household.id
        db.session.add(HouseholdMember(household_id=household_id, person_id=person.id, role=role))
        db.session.add(
            PersonNameToken(person_id=person.id, kind="word", token=c("person_name_token.token"))
        )
        db.session.add(
            PersonChange(
                person_id=person.id,
                field=c("pc.field"),
                old_value=c("person_change.old_value"),
                new_value=c("person_change.new_value"),
                actor_id=actor.id,
            )
        )
        case = Case(
            number=c("cn")[:20],
            person_id=person.id,
            case_type="case_management",
            phase="assessment",
            status="open",
            topic=c("case_file.topic"),
            access_path="forwarded",
            source=c("case_file.source"),
            case_manager_id=actor.id,
            opened_on=date.today() - timedelta(days=100),
            closure_note=c("case_file.closure_note"),
            evaluation={"satisfaction": 4, "comment": c("case_file.evaluation")},
        )
        db.session.add(case)
        db.session.flush()
        db.session.add(
            AccessDecision(
                case_id=case.id,
                admitted=True,
                outcome="crisis",
                target_group=c("access_decision.target_group"),
                reason=c("access_decision.reason"),
                crisis_reason=c("access_decision.crisis_reason"),
                referred_to=c("access_decision.referred_to"),
                suggested_reasons=[c("access_decision.suggested_reasons")],
                answers={"access": {"notiz": c("access_decision.answers")}},
                decided_on=date.today(),
                actor_id=actor.id,
            )
        )
        db.session.add(
            PhaseTransition(
                case_id=case.id,
                from_phase="intake",
                to_phase="assessment",
                actor_id=actor.id,
                reason=c("phase_transition.reason"),
            )
        )
        db.session.add(
            Contact(
                case_id=case.id,
                contact_on=date.today() - timedelta(days=3),
                duration_minutes=45,
                channel="in_person",
                participants=c("contact.participants"),
                summary=c("contact.summary"),
                author_id=actor.id,
            )
        )
        db.session.add(
            JournalEntry(
                case_id=case.id, text=c("journal_entry.text"), effort_minutes=10, author_id=actor.id
            )
        )
        goal = Goal(
            case_id=case.id,
            life_area=c("goal.life_area"),
            title=c("goal.title"),
            indicator=c("goal.indicator"),
            achievement_note=c("goal.achievement_note"),
        )
        db.session.add(goal)
        plan = HelpPlan(case_id=case.id, number=1, note=c("help_plan.note"))
        db.session.add(plan)
        db.session.flush()
        db.session.add(
            HelpPlanItem(
                plan_id=plan.id,
                goal_id=goal.id,
                measure=c("help_plan_item.measure"),
                responsible="partner",
                partner_name=c("help_plan_item.partner_name"),
                due_on=date.today() + timedelta(days=30),
            )
        )
        db.session.add(
            FollowUp(
                case_id=case.id,
                assignee_id=actor.id,
                due_on=date.today() + timedelta(days=7),
                title=c("follow_up.title"),
                source_key=c("follow_up.source_key"),
            )
        )
        db.session.add(CaseShare(case_id=case.id, user_id=actor.id, shared_by_id=actor.id))
        # The signed form, stored like an upload.
        storage_name = f"{tag.lower()}{'0' * (32 - len(tag))}"
        folder = documents.store_root() / str(tenant.id)
        folder.mkdir(parents=True, exist_ok=True)
        content = f"%PDF-1.4 signed form {tag}".encode()
        (folder / storage_name).write_bytes(content)
        attachment = Attachment(
            case_id=case.id,
            filename=c("attachment.filename") + ".pdf",
            storage_name=storage_name,
            content_type="application/pdf",
            size=len(content),
            sha256="ab" * 32,
            description=c("attachment.description"),
            uploaded_by_id=actor.id,
        )
        db.session.add(attachment)
        db.session.flush()
        record = ConsentRecord(
            person_id=person.id,
            template_version_id=version.id,
            kind="confidentiality_release",
            language="de",
            signed_by="guardian",
            guardian_name=c("consent_record.guardian_name"),
            recipient_keys=["jobcenter"],
            partner_names=[c("consent_record.partner_names")],
            purposes=["referral"],
            granted_on=date.today() - timedelta(days=50),
            evidence_id=attachment.id,
            recorded_by_id=actor.id,
        )
        db.session.add(record)
        db.session.flush()
        db.session.add(
            ConsentRevocation(
                consent_id=record.id,
                received_on=date.today() - timedelta(days=1),
                recipient_keys=["jobcenter"],
                recorded_by_id=actor.id,
            )
        )
        disclosure = Disclosure(
            person_id=person.id,
            case_id=case.id,
            recipient_key="jobcenter",
            recipient_name=c("disclosure.recipient_name"),
            data_categories=["master_data"],
            purpose="referral",
            legal_basis="consent",
            consent_id=record.id,
            override_reason=c("disclosure.override_reason"),
            channel="referral",
            actor_id=actor.id,
            at=utcnow() - timedelta(days=10),
        )
        db.session.add(disclosure)
        db.session.add(
            DataSubjectRequest(
                person_id=person.id,
                kind="access",
                received_on=date.today(),
                due_on=date.today() + timedelta(days=30),
                details=c("data_subject_request.details"),
                decision_note=c("data_subject_request.decision_note"),
                requested_by_id=actor.id,
            )
        )
        db.session.add(
            RetentionHold(
                person_id=person.id, reason=c("retention_hold.reason"), created_by_id=actor.id
            )
        )
        # The kept result of a dry run lists the person as due (record number and dates only).
        run = RetentionRun(day=date.today(), dry_run=True, status="done", counts={"held": 1})
        db.session.add(run)
        db.session.flush()
        db.session.add(
            RetentionDue(
                run_id=run.id,
                person_id=person.id,
                start_on=date.today(),
                due_on=date.today(),
                held=True,
            )
        )
        # A form (core's assessment) with its answers and the reason of a correction.
        from core.forms.models import FormSubmission

        db.session.add(
            FormSubmission(
                form_key="core.assessment",
                form_version=1,
                attaches_to="case",
                case_id=case.id,
                person_id=person.id,
                status="draft",
                data={"zusammenfassung": c("form_submission.data")},
                computed={},
                correction_reason=c("form_submission.correction_reason"),
                version_no=1,
                created_by_id=actor.id,
            )
        )
        db.session.flush()
        from core.audit import services as audit

        audit.record("case.read", actor=actor, obj=case, part="case_file", via="owner")
        db.session.commit()
        return person.id, household_id, canaries


@pytest.fixture
def world(app, make_tenant, make_user):
    """Subject and a household member in tenant "auskunft", a namesake in tenant "fremd"."""
    tenant = make_tenant("auskunft", name="Kreis Auskunft")
    cm_email, _ = make_user(tenant, roles=["case_manager"], name="Clara Case")
    subject_id, household_id, canaries = fill_person(
        app,
        tenant,
        "SUBJ",
        first_name="Zeynep",
        last_name="Łukaszewicz-Öztürk",
        actor_email=cm_email,
    )
    sibling_id, _hh, sibling_canaries = fill_person(
        app,
        tenant,
        "SIBL",
        first_name="Mehmet",
        last_name="Öztürk",
        actor_email=cm_email,
        household_id=household_id,
        role="partner",
    )
    other = make_tenant("fremd", name="Kreis Fremd")
    other_email, _ = make_user(other, roles=["case_manager", "dpo"])
    foreign_id, _hh, foreign_canaries = fill_person(
        app,
        other,
        "FRGN",
        first_name="Zeynep",
        last_name="Łukaszewicz-Öztürk",
        actor_email=other_email,
    )
    return {
        "tenant": tenant,
        "other": other,
        "cm": cm_email,
        "other_user": other_email,
        "subject": subject_id,
        "sibling": sibling_id,
        "foreign": foreign_id,
        "canaries": canaries,
        "sibling_canaries": sibling_canaries,
        "foreign_canaries": foreign_canaries,
    }


def test_json_package_is_complete_and_foreign_free(app, world, browser):
    browser.login("auskunft", world["cm"])
    response = browser.get(f"/auskunft/persons/{world['subject']}/data-export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    package = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(package, SCHEMA, cls=jsonschema.Draft202012Validator)

    missing = [canary for canary in world["canaries"] if canary not in text]
    assert missing == []  # 100 % of the subject's canaries
    assert "CANARY-SIBL" not in text and "CANARY-FRGN" not in text  # 0 of anyone else
    assert "Mehmet" not in text

    # Every client table of the tenant's registry contributed the subject's rows.
    with app.app_context(), tenant_scope(world["tenant"]):
        from core.privacy.registry import tenant_registry

        client_tables = {t.table for t in tenant_registry(world["tenant"]).client_tables()}
    dumped = {
        r["table"] for category in package["categories"] for r in category["records"] if r["rows"]
    }
    assert dumped == client_tables

    assert package["subject"]["name"] == "Zeynep Łukaszewicz-Öztürk"
    assert package["household"]["role"] == "head"
    [consent] = package["consents"]
    assert consent["revocations"] and consent["revocations"][0]["whole"] is False
    assert consent["status"] == "partly_revoked"
    [disclosure] = package["disclosures"]
    assert (
        disclosure["recipient_category"].startswith("Jobcenter")
        and disclosure["legal_basis"] == "consent"
    )
    assert [r["kind"] for r in package["requests"]] == ["access"]
    assert [a["description"] for a in package["attachments"]] == [
        "CANARY-SUBJ-attachment.description"
    ]
    assert "base64" not in text and "%PDF" not in text  # files are listed, never embedded
    assert any(
        e["action"] == "case.read" and e["actor"] == "Clara Case" for e in package["access_log"]
    )
    assert (
        package["retention"]["retention_class"] == "client_file"
        and package["retention"]["held"] is True
    )
    assert package["controller"]["name"] == "Kreis Auskunft" and package["controller"]["dpo"]
    for category in package["categories"]:
        assert category["retention"]["months"] == 36 or category["retention"]["months"] is None
    health = next(c for c in package["categories"] if c["key"] == "case_documentation")
    assert health["special"] == "health" and health["special_note"]

    with app.app_context(), tenant_scope(world["tenant"]):
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "privacy.exported")
        ).all()
        assert [(e.object_type, e.object_id, e.details["format"]) for e in events] == [
            ("Person", str(world["subject"]), "json")
        ]


def test_html_page_pdf_and_documents(app, world, browser):
    browser.login("auskunft", world["cm"])
    base = f"/auskunft/persons/{world['subject']}/data-export"
    status, html = browser.text(base)
    assert status == 200
    assert (
        "CANARY-SUBJ-contact.summary" in html
        and "CANARY-SIBL" not in html
        and "CANARY-FRGN" not in html
    )
    assert f'href="{base}.pdf"' in html and f'href="{base}.json"' in html
    link = re.search(rf'href="({base}/documents/\d+)"', html).group(1)
    document = browser.get(link)
    assert document.status_code == 200 and document.data.startswith(b"%PDF-1.4 signed form SUBJ")
    assert "attachment" in document.headers["Content-Disposition"]

    response = browser.get(f"{base}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    squeezed = re.sub(r"\s+", "", text)
    assert "Łukaszewicz-Öztürk" in text
    missing = [canary for canary in world["canaries"] if canary not in squeezed]
    assert missing == []
    assert "CANARY-SIBL" not in squeezed and "CANARY-FRGN" not in squeezed

    with app.app_context(), tenant_scope(world["tenant"]):
        formats = sorted(
            e.details["format"]
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "privacy.exported")
            )
        )
    assert formats == ["document", "html", "pdf"]


def test_arabic_names_print(app, make_tenant, make_user, browser):
    tenant = make_tenant("arab")
    email, _ = make_user(tenant, roles=["case_manager"])
    person_id, _hh, _c = fill_person(
        app, tenant, "AR", first_name="محمد", last_name="الأحمد", actor_email=email
    )
    browser.login("arab", email)
    response = browser.get(f"/arab/persons/{person_id}/data-export.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert b"DejaVuSans" in response.data  # the Unicode font is embedded, not a Latin-1 core font
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "CANARY-AR-contact.summary" in re.sub(r"\s+", "", text)


def test_api_returns_the_same_package(app, world, browser, new_browser):
    browser.login("auskunft", world["cm"])
    response = browser.client.get(f"/auskunft/api/v1/persons/{world['subject']}/data-export")
    assert response.status_code == 200
    package = response.json
    jsonschema.validate(package, SCHEMA, cls=jsonschema.Draft202012Validator)
    text = json.dumps(package, ensure_ascii=False)
    assert all(canary in text for canary in world["canaries"])
    assert "CANARY-SIBL" not in text and "CANARY-FRGN" not in text
    spec = browser.client.get("/auskunft/api/v1/openapi.json").json
    assert {"/persons/{person_id}/data-export", "/records-of-processing"} <= set(spec["paths"])


def test_permissions(app, world, make_user, new_browser, signed_in):
    subject = world["subject"]
    paths = [
        f"/auskunft/persons/{subject}/data-export",
        f"/auskunft/persons/{subject}/data-export.json",
        f"/auskunft/persons/{subject}/data-export.pdf",
        f"/auskunft/api/v1/persons/{subject}/data-export",
    ]
    # Without privacy.requests: 403.
    for roles in (["tenant_admin"], ["steering_member"]):
        email, _ = make_user(world["tenant"], roles=roles)
        visitor = new_browser()
        visitor.login("auskunft", email)
        assert [visitor.client.get(p).status_code for p in paths] == [403] * 4
    # A case manager who cannot see the person: 404, no hint it exists.
    email, _ = make_user(world["tenant"], roles=["case_manager"])
    stranger = new_browser()
    stranger.login("auskunft", email)
    assert [stranger.client.get(p).status_code for p in paths] == [404] * 4
    # The DPO has no case access but may answer the request.
    dpo = signed_in(world["tenant"], roles=["dpo"])
    assert [dpo.client.get(p).status_code for p in paths] == [200] * 4
    # A member of another tenant (case manager and DPO there) gets 404 for pages and API.
    outsider = new_browser()
    outsider.login("fremd", world["other_user"])
    assert [outsider.client.get(p).status_code for p in paths] == [404] * 4
    # …and cannot reach the namesake of their own tenant through the subject's id either.
    foreign = [
        p.replace("/auskunft/", "/fremd/").replace(str(subject), str(world["foreign"]))
        for p in paths
    ]
    own = outsider.client.get(foreign[1])
    assert own.status_code == 200 and "CANARY-SUBJ" not in own.get_data(as_text=True)


def test_restricted_person_stays_exportable(app, world, browser, count_rows):
    from core.persons.models import Person

    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, world["subject"])
        person.restricted_at = utcnow()
        db.session.commit()
    browser.login("auskunft", world["cm"])
    response = browser.get(f"/auskunft/persons/{world['subject']}/data-export.json")
    assert response.status_code == 200
    assert (
        response.json["subject"]["restricted"] is True
        and response.json["retention"]["held"] is True
    )
    assert browser.get(f"/auskunft/persons/{world['subject']}/data-export").status_code == 200
    exported = AuditEvent.action == "privacy.exported"
    assert count_rows(world["tenant"], AuditEvent, exported) == 2


def test_documents_of_other_persons_are_not_served(app, world, browser):
    from core.documentation.models import Attachment

    with app.app_context(), tenant_scope(world["tenant"]):
        from core.cases.models import Case

        sibling_case = db.session.scalar(select(Case.id).where(Case.person_id == world["sibling"]))
        sibling_doc = db.session.scalar(
            select(Attachment.id).where(Attachment.case_id == sibling_case)
        )
    browser.login("auskunft", world["cm"])
    assert (
        browser.get(
            f"/auskunft/persons/{world['subject']}/data-export/documents/{sibling_doc}"
        ).status_code
        == 404
    )
