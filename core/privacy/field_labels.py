"""Readable names for the tables and columns of the personal-data registry.

The Art. 15 package and the Art. 30 records name every field; a client or a data-protection
officer should not have to read ``residence_valid_until``. Columns without a label here (new
plugin columns) fall back to their technical name, so nothing is ever left out.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

TABLE_LABELS = {
    "person": _l("Master data"),
    "household": _l("Household"),
    "household_member": _l("Household membership"),
    "person_change": _l("Corrections of master data"),
    "case_file": _l("Case"),
    "access_decision": _l("Access decision"),
    "phase_transition": _l("Phase changes"),
    "contact": _l("Counselling contacts"),
    "journal_entry": _l("Journal"),
    "goal": _l("Goals"),
    "help_plan": _l("Help plans"),
    "help_plan_item": _l("Measures of the help plan"),
    "follow_up": _l("Follow-ups"),
    "case_share": _l("Case shared with colleagues"),
    "attachment": _l("Documents"),
    "consent_record": _l("Consents and confidentiality releases"),
    "consent_revocation": _l("Revocations"),
    "disclosure": _l("Disclosures"),
    "data_subject_request": _l("Data-subject requests"),
    "retention_hold": _l("Retention holds"),
    "deletion_log": _l("Deletion log"),
    "audit_event": _l("Audit trail"),
    "platform_audit_event": _l("Operator log"),
    "user_account": _l("Staff accounts"),
    "membership": _l("Memberships and roles"),
    "deputy": _l("Deputies"),
    "auth_session": _l("Sign-in sessions"),
    "api_token": _l("API tokens"),
    "recovery_code": _l("Recovery codes"),
    "password_setup_token": _l("Password set-up links"),
}

#: By column name: the same name means the same thing in every table.
COLUMN_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "other_names": _l("Other names and spellings"),
    "birth_date": _l("Date of birth"),
    "gender": _l("Gender"),
    "nationality": _l("Nationality"),
    "languages": _l("Languages"),
    "interpreter_needed": _l("Interpreter needed"),
    "interpreter_language": _l("Language for the interpreter"),
    "residence_status": _l("Residence status"),
    "residence_issued_on": _l("Residence permit issued on"),
    "residence_valid_until": _l("Residence permit valid until"),
    "street": _l("Street"),
    "postcode": _l("Postcode"),
    "city": _l("City"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "name_key": _l("Phonetic search key"),
    "sort_name": _l("Sort key"),
    "created_by_id": _l("Created by (staff number)"),
    "updated_at": _l("Last changed"),
    "created_at": _l("Created"),
    "restricted_at": _l("Processing restricted since"),
    "restriction_reason": _l("Reason for the restriction"),
    "anonymised_at": _l("Anonymised on"),
    "name": _l("Name"),
    "household_id": _l("Household (record number)"),
    "person_id": _l("Person (record number)"),
    "role": _l("Role"),
    "field": _l("Field"),
    "old_value": _l("Old value"),
    "new_value": _l("New value"),
    "request_id": _l("Request (record number)"),
    "actor_id": _l("Staff member (number)"),
    "at": _l("Time"),
    "number": _l("Number"),
    "case_type": _l("Type of case"),
    "phase": _l("Phase"),
    "status": _l("Status"),
    "topic": _l("Topic"),
    "access_path": _l("Access path"),
    "source": _l("Referred by"),
    "warm_handover": _l("Warm handover"),
    "case_manager_id": _l("Case manager (staff number)"),
    "org_unit_id": _l("Org unit (number)"),
    "deputy_id": _l("Deputy (staff number)"),
    "opened_on": _l("Opened on"),
    "last_activity_at": _l("Last activity"),
    "closed_on": _l("Closed on"),
    "closure_reason": _l("Reason for closure"),
    "closure_note": _l("Note on closure"),
    "evaluation": _l("Evaluation"),
    "follow_up_talk_on": _l("Follow-up talk on"),
    "case_id": _l("Case (record number)"),
    "admitted": _l("Admitted"),
    "target_group": _l("Target group"),
    "reason": _l("Reason"),
    "decided_on": _l("Decided on"),
    "from_phase": _l("From phase"),
    "to_phase": _l("To phase"),
    "backwards": _l("Step back"),
    "contact_on": _l("Date of contact"),
    "duration_minutes": _l("Duration (minutes)"),
    "channel": _l("Channel"),
    "participants": _l("Participants"),
    "interpreter_used": _l("Interpreter present"),
    "summary": _l("Summary"),
    "author_id": _l("Written by (staff number)"),
    "text": _l("Text"),
    "effort_minutes": _l("Effort (minutes)"),
    "life_area": _l("Area of life"),
    "title": _l("Title"),
    "indicator": _l("Indicator"),
    "priority": _l("Priority"),
    "target_date": _l("Target date"),
    "achievement": _l("Achievement"),
    "achievement_note": _l("Note on achievement"),
    "agreed_on": _l("Agreed on"),
    "agreed_by_client": _l("Agreed by the client"),
    "review_on": _l("Review on"),
    "note": _l("Note"),
    "plan_id": _l("Help plan (record number)"),
    "goal_id": _l("Goal (record number)"),
    "position": _l("Position"),
    "measure": _l("Measure"),
    "responsible": _l("Responsible"),
    "partner_name": _l("Partner"),
    "due_on": _l("Due on"),
    "assignee_id": _l("Assigned to (staff number)"),
    "kind": _l("Kind"),
    "source_key": _l("Created automatically from"),
    "done_at": _l("Done at"),
    "done_by_id": _l("Done by (staff number)"),
    "user_id": _l("Staff member (number)"),
    "shared_by_id": _l("Shared by (staff number)"),
    "filename": _l("File name"),
    "storage_name": _l("Storage name"),
    "content_type": _l("File type"),
    "size": _l("Size (bytes)"),
    "sha256": _l("Checksum (SHA-256)"),
    "description": _l("Description"),
    "uploaded_at": _l("Uploaded at"),
    "uploaded_by_id": _l("Uploaded by (staff number)"),
    "template_version_id": _l("Form version (number)"),
    "language": _l("Language"),
    "signed_by": _l("Signed by"),
    "guardian_name": _l("Parent or guardian"),
    "covered_person_ids": _l("Also covers (record numbers)"),
    "recipient_keys": _l("Recipient categories"),
    "partner_names": _l("Named partners"),
    "purposes": _l("Purposes"),
    "granted_on": _l("Granted on"),
    "valid_until": _l("Valid until"),
    "evidence_id": _l("Signed form (document number)"),
    "recorded_by_id": _l("Recorded by (staff number)"),
    "consent_id": _l("Consent (record number)"),
    "received_on": _l("Received on"),
    "recipient_key": _l("Recipient category"),
    "recipient_name": _l("Recipient"),
    "data_categories": _l("Data passed on"),
    "purpose": _l("Purpose"),
    "legal_basis": _l("Legal basis"),
    "override_reason": _l("Reason for passing on without consent"),
    "confirmation": _l("Confirmation by the client"),
    "details": _l("Details"),
    "decision_note": _l("Note on the decision"),
    "requested_by_id": _l("Recorded by (staff number)"),
    "decided_by_id": _l("Decided by (staff number)"),
    "decided_at": _l("Decided at"),
    "until": _l("Until"),
    "released_at": _l("Released at"),
    "organisation": _l("Organisation"),
    "pledge_signed_on": _l("Confidentiality pledge signed on"),
    "on_site": _l("On site"),
    "by_phone": _l("By phone"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "display_name": _l("Display name"),
    "password_hash": _l("Password (hashed)"),
    "password_changed_at": _l("Password changed at"),
    "locale": _l("Language of the interface"),
    "totp_secret": _l("Second-factor secret"),
    "totp_enabled": _l("Second factor enabled"),
    "roles": _l("Roles"),
    "weekly_hours": _l("Weekly hours"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "revoked_at": _l("Revoked at"),
    "last_seen_at": _l("Last seen"),
    "user_agent": _l("Browser"),
    "expires_at": _l("Expires at"),
    "last_used_at": _l("Last used"),
    "action": _l("Action"),
    "object_type": _l("Object type"),
    "object_id": _l("Object (record number)"),
}


def table_label(table: str) -> str:
    return str(TABLE_LABELS.get(table, table))


def column_label(column: str) -> str:
    return str(COLUMN_LABELS.get(column, column))


#: Art. 9 GDPR special categories a Datenart may hold (``DataCategory.special``).
SPECIAL_LABELS = {
    "health": _l("health data"),
    "religion": _l("religious or philosophical beliefs"),
    "ethnic_origin": _l("racial or ethnic origin"),
    "political": _l("political opinions"),
    "union": _l("trade union membership"),
    "genetic": _l("genetic data"),
    "biometric": _l("biometric data"),
    "sex_life": _l("sex life or sexual orientation"),
}


def special_note(special: str) -> str:
    """The Art. 9 note of a category ("" when it holds no special category)."""
    if not special:
        return ""
    kinds = ", ".join(
        str(SPECIAL_LABELS.get(part.strip(), part.strip())) for part in special.split(",")
    )
    return _(
        "May contain special categories of personal data (Art. 9 GDPR): %(kinds)s.", kinds=kinds
    )


START_EVENT_LABELS = {
    "closure": _l("closure of the last case"),
    "last_contact": _l("last contact"),
    "revocation": _l("revocation of the consent"),
    "event": _l("the recorded event"),
    "account_end": _l("end of the account or cooperation"),
}


def start_event_label(event: str) -> str:
    return str(START_EVENT_LABELS.get(event, event))


def _code_labels() -> dict[tuple[str, str], dict]:
    from core import labels

    return {
        ("person", "gender"): labels.GENDER_LABELS,
        ("person", "residence_status"): labels.RESIDENCE_LABELS,
        ("household_member", "role"): labels.HOUSEHOLD_ROLE_LABELS,
        ("case_file", "status"): labels.CASE_STATUS_LABELS,
        ("case_file", "access_path"): labels.ACCESS_PATH_LABELS,
        ("case_file", "closure_reason"): labels.CLOSURE_REASON_LABELS,
        ("contact", "channel"): labels.CHANNEL_LABELS,
        ("goal", "status"): labels.GOAL_STATUS_LABELS,
        ("help_plan", "status"): labels.PLAN_STATUS_LABELS,
        ("help_plan_item", "responsible"): labels.RESPONSIBLE_LABELS,
        ("help_plan_item", "status"): labels.ITEM_STATUS_LABELS,
        ("follow_up", "kind"): labels.FOLLOW_UP_KIND_LABELS,
        ("disclosure", "channel"): labels.DISCLOSURE_CHANNEL_LABELS,
    }


def labelled(table: str, column: str, value):
    """A stored code as people read it ("female" → "weiblich") on the pages and in the PDF; the
    JSON keeps the codes, which is what a machine-readable export needs."""
    mapping = _code_labels().get((table, column))
    if mapping is not None and isinstance(value, str) and value in mapping:
        return str(mapping[value])
    return value


def category_facts(category) -> dict:
    """What every document says about a data category (Art. 15 package, Art. 30 records)."""
    return {
        "key": category.key,
        "title": str(category.title),
        "purpose": str(category.purpose),
        "legal_basis": str(category.legal_basis),
        "subjects": str(category.subjects),
        "special": category.special,
        "special_note": special_note(category.special),
    }
