"""API = HTML rules (issue #8, item 5): every write route - HTML form or JSON API - that names a
person, case, household, goal, plan, follow-up, consent … (in the URL or in the body) answers 404
to a colleague of the same tenant who may not see that object, and writes nothing.

The table below is checked against ``app.url_map``: a new write route under ``/<tenant>/`` that is
neither in ``WRITES`` nor explained in ``NO_CLIENT_OBJECT`` makes the inventory test fail.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.db import db
from core.tenancy.context import tenant_scope

TODAY = date.today().isoformat()
SOON = (date.today() + timedelta(days=30)).isoformat()

#: Write routes that carry no client object of the tenant (account, administration, consent
#: forms, plugin master data, sign-in) or create a new one from scratch - with the reason.
NO_CLIENT_OBJECT = {
    "auth.change_language": "own account",
    "auth.change_password": "own account",
    "auth.setup_second_factor": "own account",
    "auth.disable_second_factor": "own account",
    "auth.end_other_sessions": "own account",
    "auth.create_token": "own account",
    "auth.revoke_token": "own account (tokens of others are 404 in the service)",
    "auth.go_to_tenant": "session",
    "auth.login": "sign-in",
    "auth.second_factor": "sign-in",
    "auth.logout": "session",
    "auth.set_password": "set-up link",
    "auth.switch_tenant": "session",
    "auth.forgot_password": "sign-in (mails the account's own address)",
    "auth.invitation": "own invitation (tests/integration/test_accounts.py)",
    "admin.invitation_withdraw": "administration (invitations of this tenant only)",
    "persons.search": "search only, writes nothing (POST keeps names out of URLs and logs)",
    "privacy.recipient_notice_done": (
        "content-free Art. 19 task of the DSB (tests/privacy/test_after_erasure.py)"
    ),
    "privacy.retention_recompute": (
        "the DSB's fresh dry run of the whole tenant, no client object "
        "(tests/privacy/test_retention_batches.py)"
    ),
    "admin.org_unit_edit": "administration",
    "admin.location_save": "administration",
    "admin.plugin_switch": "administration",
    "admin.plugin_settings": "administration",
    "admin.settings": "administration",
    "admin.user_edit": "administration",
    "admin.user_new": "administration",
    "consent_templates.new_draft": "consent forms",
    "consent_templates.new": "consent forms",
    "consent_templates.recipients": "consent forms",
    "consent_templates.recipient_active": "consent forms",
    "consent_templates.version": "consent forms",
    "consent_templates.publish": "consent forms",
    "consent_templates.retire": "consent forms",
    "api_consent_templates.Templates": "consent forms",
    "api_consent_templates.create_draft": "consent forms",
    "api_consent_templates.Version": "consent forms",
    "api_consent_templates.publish": "consent forms",
    "api_consent_templates.retire": "consent forms",
    "api_org_units.OrgUnits": "administration",
    "api_org_units.OrgUnitItem": "administration",
    "api_plugins.PluginItem": "administration",
    "api_persons.Persons": "creates a new person (no existing object)",
    "cases.deputies": "user ids only, checked as members who hold cases",
    "plugin_interpreters.edit": "plugin master data (interpreters), no client data",
}

#: (endpoint, method) → list of (body, expected status). Bodies are form fields (HTML) or JSON
#: (API); ``{P}``-style placeholders name the hidden objects. 403: the route needs a permission
#: that only coordination and the DSB hold - and both see every person by design.
WRITES = {
    # --- HTML views
    ("persons.edit", "POST"): [({"first_name": "X", "last_name": "Y", "version": "1"}, 404)],
    ("persons.household", "POST"): [({"role": "head", "name": "X"}, 404)],
    ("persons.household_add", "POST"): [({"person_id": "{own_person}", "role": "other"}, 404)],
    ("persons.new", "POST"): [
        (
            {
                "first_name": "Neu",
                "last_name": "Person",
                "household_id": "{household}",
                "household_role": "other",
            },
            404,
        )
    ],
    ("cases.new", "POST"): [({"person_id": "{person}", "case_type": "case_management"}, 404)],
    ("cases.edit", "POST"): [({"case_manager_id": "{outsider}", "version": "{case_version}"}, 404)],
    ("cases.phase", "POST"): [({"phase": "access_check"}, 404)],
    ("eligibility.decide", "POST"): [({"outcome": "not_admitted", "reason": "x"}, 404)],
    ("cases.convert", "POST"): [({"reason": "x"}, 404)],
    ("cases.share", "POST"): [({"user_id": "{outsider}"}, 404)],
    ("cases.contacts", "POST"): [
        ({"contact_on": TODAY, "duration_minutes": "30", "channel": "in_person"}, 404)
    ],
    ("cases.journal", "POST"): [({"text": "x"}, 404)],
    ("cases.goals", "POST"): [({"life_area": "language", "title": "x"}, 404)],
    ("cases.plan_draft", "POST"): [({}, 404)],
    ("cases.plan_item", "POST"): [({"measure": "x", "responsible": "client"}, 404)],
    ("cases.plan_agree", "POST"): [({"review_on": SOON}, 404)],
    ("cases.documents_", "POST"): [({"description": "x"}, 404)],
    ("cases.case_follow_ups", "POST"): [({"due_on": SOON, "title": "x"}, 404)],
    ("cases.closure", "POST"): [
        ({"closure_reason": "goals_achieved"}, 404),
        ({"action": "reopen", "reason": "x"}, 404),
    ],
    ("cases.follow_up_done", "POST"): [({}, 404)],
    ("consent.person_consents", "POST"): [({"template_version_id": "{version}"}, 404)],
    ("consent.revoke", "POST"): [({}, 404)],
    ("consent.disclose", "POST"): [
        (
            {
                "recipient_key": "jobcenter",
                "purpose": "referral",
                "channel": "letter",
                "data_categories": "master_data",
                "override_reason": "x",
            },
            404,
        )
    ],
    ("forms.start", "POST"): [({"form_key": "core.assessment"}, 404)],
    ("forms.edit", "POST"): [({"_action": "save", "zusammenfassung": "x"}, 404)],
    ("forms.finalise", "POST"): [({}, 404)],
    ("forms.correct", "POST"): [({"correction_reason": "x"}, 404)],
    ("forms.person_start", "POST"): [({"form_key": "core.assessment"}, 404)],
    ("forms.person_edit", "POST"): [({"_action": "save", "zusammenfassung": "x"}, 404)],
    ("forms.person_finalise", "POST"): [({}, 404)],
    ("forms.person_correct", "POST"): [({"correction_reason": "x"}, 404)],
    ("privacy.person_privacy", "POST"): [({"kind": "access"}, 404)],
    ("privacy.restriction", "POST"): [({"restriction_reason": "x"}, 403)],
    ("privacy.add_hold", "POST"): [({"reason": "x"}, 403)],
    ("privacy.release_hold", "POST"): [({}, 403)],
    ("privacy.decide", "POST"): [({}, 403)],
    # --- JSON API
    ("api_persons.PersonItem", "PUT"): [({"first_name": "X", "last_name": "Y"}, 404)],
    ("api_cases.Cases", "POST"): [({"person_id": "{person}", "case_type": "case_management"}, 404)],
    ("api_cases.move_phase", "POST"): [({"phase": "access_check"}, 404)],
    ("api_access_check.AccessDecisionResource", "POST"): [
        ({"outcome": "not_admitted", "reason": "x"}, 404)
    ],
    ("api_access_check.answers", "PUT"): [({"answers": {"zustaendigkeit": True}}, 404)],
    ("api_cases.close", "POST"): [({"closure_reason": "goals_achieved"}, 404)],
    ("api_cases.reopen", "POST"): [({"reason": "x"}, 404)],
    ("api_cases.convert", "POST"): [({"reason": "x"}, 404)],
    ("api_cases.share", "POST"): [({"user_id": "{outsider}"}, 404)],
    ("api_cases.Contacts", "POST"): [
        ({"contact_on": TODAY, "duration_minutes": 30, "channel": "in_person"}, 404)
    ],
    ("api_cases.Journal", "POST"): [({"text": "x"}, 404)],
    ("api_cases.Goals", "POST"): [({"life_area": "language", "title": "x"}, 404)],
    ("api_cases.GoalItem", "PUT"): [({"life_area": "language", "title": "x"}, 404)],
    ("api_cases.help_plan_draft", "POST"): [({}, 404)],
    ("api_cases.help_plan_item", "POST"): [({"measure": "x", "responsible": "client"}, 404)],
    ("api_cases.help_plan_agree", "POST"): [({"review_on": SOON}, 404)],
    ("api_follow_ups.FollowUps", "POST"): [
        ({"case_id": "{case}", "due_on": SOON, "title": "x"}, 404)
    ],
    ("api_follow_ups.follow_up_done", "POST"): [({}, 404)],
    ("api_consents.Consents", "POST"): [({"template_version_id": "{version}"}, 404)],
    ("api_consents.revoke", "POST"): [({}, 404)],
    ("api_disclosures.Disclosures", "POST"): [
        (
            {
                "case_id": "{case}",
                "recipient_key": "jobcenter",
                "purpose": "referral",
                "channel": "letter",
                "data_categories": ["master_data"],
                "override_reason": "x",
            },
            404,
        )
    ],
    ("api_forms.CaseSubmissions", "POST"): [({"form_key": "core.assessment", "data": {}}, 404)],
    ("api_forms.PersonSubmissions", "POST"): [({"form_key": "core.assessment", "data": {}}, 404)],
    ("api_forms.HouseholdSubmissions", "POST"): [
        ({"form_key": "core.assessment", "data": {}}, 404)
    ],
    ("api_forms.Submission", "PATCH"): [({"data": {}}, 404)],
    ("api_forms.finalise", "POST"): [({}, 404)],
    ("api_forms.corrections", "POST"): [({"correction_reason": "x"}, 404)],
    ("api_person_privacy.PersonRequests", "POST"): [({"kind": "access"}, 404)],
    ("api_person_privacy.Restriction", "PUT"): [({"restriction_reason": "x"}, 403)],
    ("api_person_privacy.Restriction", "DELETE"): [({}, 403)],
    ("api_person_privacy.Holds", "POST"): [({"reason": "x"}, 403)],
    ("api_privacy.release_hold", "POST"): [({}, 403)],
    ("api_privacy.decide", "POST"): [({"decision": "complete"}, 403)],
}

#: Tables a refused request may still touch (the audit trail, sign-in bookkeeping).
UNTOUCHED_EXCEPT = {"audit_event", "auth_session", "user_account", "api_token", "login_attempt"}


def write_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/<tenant>/"):
            for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
                yield rule, method


def test_every_write_route_is_covered(app):
    """A new write route fails here until it is in WRITES (with a hidden-object request) or is
    explained in NO_CLIENT_OBJECT."""
    seen = {(rule.endpoint, method) for rule, method in write_rules(app)}
    missing = {key for key in seen if key not in WRITES and key[0] not in NO_CLIENT_OBJECT}
    assert not missing, f"write routes without a visibility test: {sorted(missing)}"
    assert not set(WRITES) - seen, "WRITES names routes that no longer exist"


@pytest.fixture
def world(app, make_tenant, make_user, new_browser):
    """An owner with a full case file, and an outsider of the same tenant who sees none of it."""
    from core.auth.models import User
    from core.consent import services as consent
    from core.persons.services import add_to_household, get_person
    from core.privacy.models import DataSubjectRequest, RetentionHold

    tenant = make_tenant("sicht")
    owner_email, _ = make_user(tenant, roles=["case_manager"])
    outsider_email, _ = make_user(tenant, roles=["case_manager"])
    owner = new_browser()
    owner.login("sicht", owner_email)

    def api(method, path, body=None):
        response = owner.client.open(
            f"/sicht/api/v1{path}",
            method=method,
            json=body or {},
            headers={"X-CSRFToken": owner.token},
        )
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json()

    person = api("POST", "/persons", {"first_name": "Geheim", "last_name": "Klientin"})["id"]
    case = api("POST", "/cases", {"person_id": person, "case_type": "case_management"})
    goal = api("POST", f"/cases/{case['id']}/goals", {"life_area": "language", "title": "B1"})["id"]
    plan = api("POST", f"/cases/{case['id']}/help-plans/draft")["id"]
    api(
        "POST",
        f"/cases/{case['id']}/help-plans/{plan}/items",
        {"measure": "Kurs", "responsible": "client"},
    )
    follow_up = api("POST", "/follow-ups", {"case_id": case["id"], "due_on": SOON, "title": "x"})[
        "id"
    ]
    submission = api(
        "POST",
        f"/cases/{case['id']}/form-submissions",
        {"form_key": "core.assessment", "data": {}},
    )["id"]
    outsider_browser = new_browser()
    outsider_browser.login("sicht", outsider_email)
    with app.app_context(), tenant_scope(tenant):
        consent.ensure_defaults(tenant)
        db.session.flush()
        version = consent.current_versions()[0]
        owner_user = db.session.scalar(select(User).where(User.email == owner_email))
        outsider = db.session.scalar(select(User).where(User.email == outsider_email))
        p = get_person(person)
        household = add_to_household(owner_user, p, {"role": "head", "name": "Haushalt Geheim"})
        from core.consent.models import ConsentRecord

        record = ConsentRecord(
            person_id=person,
            template_version_id=version.id,
            kind="processing",
            language="de",
            signed_by="self",
            granted_on=date.today(),
            recorded_by_id=owner_user.id,
        )
        db.session.add(record)
        hold = RetentionHold(person_id=person, reason="Verfahren", created_by_id=owner_user.id)
        db.session.add(hold)
        request_ = DataSubjectRequest(
            person_id=person,
            kind="access",
            received_on=date.today(),
            due_on=date.today() + timedelta(days=30),
        )
        db.session.add(request_)
        # The outsider's own person: visible to them, so only the hidden household can refuse.
        from core.persons.services import create_person

        own = create_person(outsider, {"first_name": "Eigene", "last_name": "Person"})
        db.session.commit()
        ids = {
            "person": person,
            "person_id": person,
            "case": case["id"],
            "case_id": case["id"],
            "goal_id": goal,
            "plan_id": plan,
            "follow_up_id": follow_up,
            "submission_id": submission,
            "household": household.id,
            "household_id": household.id,
            "consent_id": record.id,
            "hold_id": hold.id,
            "request_id": request_.id,
            "decision": "complete",
            "version": version.id,
            "outsider": outsider.id,
            "own_person": own.id,
            "case_version": case["version"],
        }
    return tenant, outsider_browser, ids


def _fill(value, ids):
    if isinstance(value, str):
        match = re.fullmatch(r"\{(\w+)\}", value)
        return ids[match.group(1)] if match else value
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _path(rule, ids):
    def sub(match):
        return str(ids[match.group(2)])

    return re.sub(r"<(?:([\w(), ]+):)?(\w+)>", sub, rule.rule.replace("<tenant>", "sicht"))


def _fingerprint(app, tenant):
    """Row counts and versions of every tenant table a write could change."""
    out = {}
    with app.app_context(), tenant_scope(tenant):
        for table in db.metadata.sorted_tables:
            if table.name in UNTOUCHED_EXCEPT:
                continue
            out[table.name] = db.session.scalar(select(func.count()).select_from(table))
            if "version" in table.c:
                out[f"{table.name}.version"] = db.session.scalar(select(func.sum(table.c.version)))
            if "updated_at" in table.c:
                out[f"{table.name}.updated_at"] = db.session.scalar(
                    select(func.max(table.c.updated_at))
                )
    return out


def test_every_write_answers_404_for_what_the_user_cannot_see(app, world):
    tenant, outsider, ids = world
    rules = {(rule.endpoint, method): rule for rule, method in write_rules(app)}
    before = _fingerprint(app, tenant)
    checked = 0
    for (endpoint, method), variants in WRITES.items():
        rule = rules[(endpoint, method)]
        path = _path(rule, ids)
        for body, expected in variants:
            body = {key: _fill(value, ids) for key, value in body.items()}
            if "/api/v1/" in rule.rule:
                response = outsider.client.open(
                    path, method=method, json=body, headers={"X-CSRFToken": outsider.token}
                )
            else:
                response = outsider.client.open(
                    path, method=method, data={**body, "csrf_token": outsider.token}
                )
            assert response.status_code == expected, (
                method,
                path,
                body,
                response.status_code,
                response.get_data(as_text=True)[:300],
            )
            assert "Geheim" not in response.get_data(as_text=True), path
            checked += 1
    assert checked >= len(WRITES)
    assert _fingerprint(app, tenant) == before


# --- hand-over, sharing and ids in the body ------------------------------------------------------


class Member:
    """A signed-in member of tenant "sicht" talking JSON (API) and forms (HTML)."""

    def __init__(self, app, tenant, browser, email):
        from core.auth.models import User

        browser.login(tenant.slug, email)
        self.browser, self.slug = browser, tenant.slug
        with app.app_context():
            self.id = db.session.scalar(select(User.id).where(User.email == email))

    def api(self, method, path, body=None):
        return self.browser.client.open(
            f"/{self.slug}/api/v1{path}",
            method=method,
            json=body or {},
            headers={"X-CSRFToken": self.browser.token},
        )

    def form(self, path, data):
        return self.browser.client.post(
            f"/{self.slug}{path}", data={**data, "csrf_token": self.browser.token}
        )


@pytest.fixture
def team(app, make_tenant, make_user, new_browser):
    tenant = make_tenant("team")

    def member(roles=("case_manager",)):
        email, _ = make_user(tenant, roles=list(roles))
        return Member(app, tenant, new_browser(), email)

    return tenant, member


def _case_row(app, tenant, case_id):
    from core.cases.models import Case, CaseShare

    with app.app_context(), tenant_scope(tenant):
        case = db.session.get(Case, case_id)
        shares = sorted(
            db.session.scalars(select(CaseShare.user_id).where(CaseShare.case_id == case_id))
        )
        return case.case_manager_id, case.deputy_id, case.version, shares


def test_a_shared_colleague_can_neither_take_over_nor_share_on(app, team):
    tenant, member = team
    owner, shared, third, coordinator = member(), member(), member(), member(["coordinator"])
    person = owner.api("POST", "/persons", {"first_name": "Hana", "last_name": "Said"}).get_json()[
        "id"
    ]
    case = owner.api(
        "POST", "/cases", {"person_id": person, "case_type": "case_management"}
    ).get_json()
    assert (
        owner.api("POST", f"/cases/{case['id']}/shares", {"user_id": shared.id}).status_code == 201
    )

    # Take over (HTML form of the case data): refused with the field named, nothing changed.
    taken = shared.form(
        f"/cases/{case['id']}/edit", {"case_manager_id": shared.id, "version": case["version"]}
    )
    assert taken.status_code == 400 and "den Fall übergeben" in taken.get_data(as_text=True)
    deputy = shared.form(
        f"/cases/{case['id']}/edit",
        {"case_manager_id": owner.id, "deputy_id": shared.id, "version": case["version"]},
    )
    assert deputy.status_code == 400
    # Share on: API answers 422 naming the field, the HTML form shows the reason; no share is made.
    on = shared.api("POST", f"/cases/{case['id']}/shares", {"user_id": third.id})
    assert on.status_code == 422 and set(on.get_json()["errors"]) == {"user_id"}
    shared.form(f"/cases/{case['id']}/share", {"user_id": third.id})
    assert _case_row(app, tenant, case["id"]) == (owner.id, None, case["version"], [shared.id])
    # The shared colleague still works on the case (a contact) - only responsibility is closed.
    assert (
        shared.api("POST", f"/cases/{case['id']}/journal", {"text": "Telefonat"}).status_code == 201
    )

    # The case manager hands over; coordination assigns.
    version = _case_row(app, tenant, case["id"])[2]
    handed = owner.form(
        f"/cases/{case['id']}/edit", {"case_manager_id": shared.id, "version": version}
    )
    assert handed.status_code == 302
    version = _case_row(app, tenant, case["id"])[2]
    assigned = coordinator.form(
        f"/cases/{case['id']}/edit", {"case_manager_id": third.id, "version": version}
    )
    assert assigned.status_code == 302
    assert _case_row(app, tenant, case["id"])[0] == third.id


def test_ids_in_the_body_resolve_only_to_what_the_user_may_use(app, team):
    tenant, member = team
    owner, other, admin = member(), member(), member(["tenant_admin"])
    person = owner.api("POST", "/persons", {"first_name": "Hana", "last_name": "Said"}).get_json()[
        "id"
    ]
    hidden = other.api(
        "POST", "/persons", {"first_name": "Verborgen", "last_name": "Person"}
    ).get_json()["id"]
    # A case for the administration (no case work) is not in the list of case workers.
    refused = owner.api(
        "POST",
        "/cases",
        {"person_id": person, "case_type": "case_management", "case_manager_id": admin.id},
    )
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"case_manager_id"}
    case = owner.api(
        "POST", "/cases", {"person_id": person, "case_type": "case_management"}
    ).get_json()
    assert (
        owner.api("POST", f"/cases/{case['id']}/shares", {"user_id": admin.id}).status_code == 422
    )
    # Goal ratings name goals of this case only.
    foreign_goal = 999
    closed = owner.api(
        "POST",
        f"/cases/{case['id']}/close",
        {"closure_reason": "goals_achieved", "goal_ratings": {str(foreign_goal): 3}},
    )
    assert closed.status_code == 422 and set(closed.get_json()["errors"]) == {"goal_ratings"}
    # A consent covers only family members the user may see.
    from core.consent import services as consent

    with app.app_context(), tenant_scope(tenant):
        consent.ensure_defaults(tenant)
        db.session.commit()
        version = consent.current_versions()[0].id
    covered = owner.api(
        "POST",
        f"/persons/{person}/consents",
        {"template_version_id": version, "covered_person_ids": [hidden]},
    )
    assert covered.status_code == 422 and "covered_person_ids" in covered.get_json()["errors"]
    # A new person cannot join a household the user cannot see (HTML).
    other_household = other.form(f"/persons/{hidden}/household", {"role": "head", "name": "H"})
    assert other_household.status_code == 302
    from core.persons.models import Household, Person

    with app.app_context(), tenant_scope(tenant):
        household_id = db.session.scalar(select(Household.id))
        persons_before = db.session.scalar(select(func.count(Person.id)))
    joined = owner.form(
        "/persons/new", {"first_name": "Neu", "last_name": "Mitglied", "household_id": household_id}
    )
    assert joined.status_code == 404
    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(select(func.count(Person.id))) == persons_before


# --- item 12: search needs a name part; follow-ups do not name hidden clients -------------------


def test_a_birth_date_alone_lists_nobody(app, team):
    tenant, member = team
    cm = member()
    for first, last in (("Amina", "Yusuf"), ("Peter", "Schmidt"), ("Olga", "Ivanova")):
        cm.api(
            "POST", "/persons", {"first_name": first, "last_name": last, "birth_date": "1990-04-01"}
        )
    # API: any name that matches nobody, plus the date, lists nobody born that day.
    assert cm.api("GET", "/persons?q=Zq%20Xv&birth_date=1990-04-01").get_json() == []
    no_name = cm.api("GET", "/persons?q=1990-04-01&birth_date=1990-04-01")
    assert no_name.status_code == 422 and set(no_name.get_json()["errors"]) == {"q"}
    # A name part still finds the person, and the date ranks the match.
    found = cm.api("GET", "/persons?q=Amina%20Jusuf&birth_date=1990-04-01").get_json()
    assert [c["last_name"] for c in found] == ["Yusuf"] and found[0]["score"] >= 70
    # HTML search before create: same rule, with the reason at the name field.
    html = cm.browser.get(
        "/team/persons/search?first_name=Zq&last_name=Xv&birth_date=1990-04-01"
    ).get_data(as_text=True)
    assert "Schmidt" not in html and "Yusuf" not in html and "Ivanova" not in html
    response = cm.browser.get("/team/persons/search?birth_date=1990-04-01")
    html = response.get_data(as_text=True)
    assert "Schmidt" not in html and "Geburtsdatum allein" in html


def test_follow_ups_of_a_case_the_assignee_cannot_open(app, team):
    from core.cases.models import FollowUp

    tenant, member = team
    owner, colleague, successor = member(), member(), member()
    person = owner.api(
        "POST", "/persons", {"first_name": "Hana", "last_name": "Verborgen"}
    ).get_json()["id"]
    case = owner.api(
        "POST", "/cases", {"person_id": person, "case_type": "case_management"}
    ).get_json()
    # The rule: a follow-up of a case goes only to a colleague who may open it.
    refused = owner.api(
        "POST",
        "/follow-ups",
        {"case_id": case["id"], "due_on": TODAY, "title": "Bescheid", "assignee_id": colleague.id},
    )
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"assignee_id"}
    html = owner.form(
        f"/cases/{case['id']}/follow-ups",
        {"due_on": TODAY, "title": "Bescheid", "assignee_id": colleague.id},
    )
    assert html.status_code == 400
    # One that exists anyway (access ended since: deputy period over, older data): case number
    # only - no name, no text - in the list, on the dashboard and in the API.
    with app.app_context(), tenant_scope(tenant):
        db.session.add(
            FollowUp(
                case_id=case["id"],
                assignee_id=colleague.id,
                due_on=date.today(),
                title="Hana Verborgen anrufen",
                kind="manual",
            )
        )
        db.session.commit()
    for page in ("/team/follow-ups", "/team/"):
        body = colleague.browser.get(page).get_data(as_text=True)
        assert "Verborgen" not in body and case["number"] in body, page
    rows = colleague.api("GET", "/follow-ups").get_json()
    assert [(r["case_number"], r["person_name"], r["title"]) for r in rows] == [
        (case["number"], None, "")
    ]
    # A hand-over takes the open follow-ups of the previous case manager along.
    mine = owner.api(
        "POST", "/follow-ups", {"case_id": case["id"], "due_on": SOON, "title": "Termin"}
    ).get_json()
    version = _case_row(app, tenant, case["id"])[2]
    assert (
        owner.form(
            f"/cases/{case['id']}/edit", {"case_manager_id": successor.id, "version": version}
        ).status_code
        == 302
    )
    assert [r["id"] for r in successor.api("GET", "/follow-ups").get_json()] == [mine["id"]]
    assert owner.api("GET", "/follow-ups").get_json() == []
