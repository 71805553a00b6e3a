"""What the cases domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). Cases through the Regelkreis, follow-ups, caseload
and deputies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl, labels
from core.auth.permissions import Permission
from core.privacy.registry import (
    CLIENTS,
    CONSENT_BASIS,
    ERASE,
    KEEP,
    NUMBERS,
    ORGANISATION,
    DataCategory,
    DataTable,
    FieldLabels,
    category_columns,
)
from core.web import MenuItem

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 20


@hookimpl
def lotse_blueprints():
    from core.cases.views import bp

    return [bp]


@hookimpl
def lotse_api_blueprints():
    from core.api import cases

    return cases.blueprints()


@hookimpl
def lotse_check_extensions(app, tenant, relays):
    from core.cases.checks import check_case_extensions

    check_case_extensions(app, tenant, relays)


@hookimpl
def lotse_person_visible(person, user):
    from core.cases.access import sees_a_case_of

    return sees_a_case_of(person.id, user.id)


@hookimpl
def lotse_persons_visible(person_ids, user):
    from core.cases.access import persons_with_visible_case

    return persons_with_visible_case(person_ids, user.id)


@hookimpl
def lotse_template_slot(slot, tenant, user, context):
    from core.cases.panels import render_person_slot

    return render_person_slot(slot, context)


MENU = (
    MenuItem(_l("Cases"), "cases.index", order=20, permission="cases.work"),
    MenuItem(_l("My follow-ups"), "cases.follow_ups", order=30, permission="cases.work"),
    MenuItem(_l("Caseload"), "cases.caseload", order=40, permission="caseload.view"),
    MenuItem(_l("Deputies"), "cases.deputies", order=45, permission="cases.work"),
)


@hookimpl
def lotse_menu_items(tenant, user):
    return MENU


PERMISSIONS = (
    Permission(
        "cases.work",
        _l("Work on own, shared and deputised cases"),
        roles=frozenset({"case_manager", "coordinator"}),
        case_data=True,
    ),
    Permission(
        "cases.supervise",
        _l("Read all cases of the tenant (Fachaufsicht, audited)"),
        roles=frozenset({"coordinator"}),
        case_data=True,
    ),
    Permission(
        "caseload.view",
        _l("See the caseload of all case managers"),
        roles=frozenset({"coordinator"}),
    ),
)


@hookimpl
def lotse_permissions():
    return PERMISSIONS


# --- personal data (core.privacy.registry) --------------------------------------------------------


CATEGORIES = (
    DataCategory(
        "case_documentation",
        _l("Case documentation"),
        _l(
            "Documenting the Regelkreis: access, assessment, goals, help plans, contacts, journal, "
            "closure"
        ),
        CONSENT_BASIS,
        CLIENTS,
        "client_file",
        special="health",
        recipients=_l(
            "Only with a confidentiality release: the recipient categories of the release"
        ),
    ),
)


CASE_DOC = "case_documentation"


TABLES = (
    DataTable(
        "case_file",
        "person",
        category_columns(
            CASE_DOC,
            (
                "number person_id case_type phase status topic access_path source warm_handover "
                "case_manager_id org_unit_id deputy_id opened_on last_activity_at closed_on "
                "closure_reason closure_note evaluation follow_up_talk_on created_at"
            ),
            topic=ERASE,
            closure_note=ERASE,
            evaluation=NUMBERS,
        ),
        codes=frozenset(
            {"number", "case_type", "phase", "status", "access_path", "source", "closure_reason"}
        ),
    ),
    DataTable(
        "access_decision",
        "case",
        category_columns(
            CASE_DOC,
            (
                "case_id admitted outcome target_group target_groups reason crisis_reason "
                "referred_to suggested_outcome suggested_reasons answers form_submission_id "
                "computed_at decided_on actor_id created_at"
            ),
            target_group=ERASE,
            reason=ERASE,
            crisis_reason=ERASE,
            referred_to=ERASE,
            suggested_reasons=ERASE,
            answers=ERASE,
        ),
        codes=frozenset({"outcome", "suggested_outcome", "target_groups"}),
    ),
    DataTable(
        "phase_transition",
        "case",
        category_columns(
            CASE_DOC, "case_id from_phase to_phase at actor_id reason backwards", reason=ERASE
        ),
        codes=frozenset({"from_phase", "to_phase"}),
    ),
    DataTable(
        "contact",
        "case",
        category_columns(
            CASE_DOC,
            (
                "case_id contact_on duration_minutes channel participants interpreter_used summary "
                "author_id created_at"
            ),
            participants=ERASE,
            summary=ERASE,
        ),
        codes=frozenset({"channel"}),
    ),
    DataTable(
        "journal_entry",
        "case",
        category_columns(CASE_DOC, "case_id at text effort_minutes author_id", text=ERASE),
    ),
    DataTable(
        "goal",
        "case",
        category_columns(
            CASE_DOC,
            (
                "case_id life_area title indicator priority target_date status achievement "
                "achievement_note created_at"
            ),
            title=ERASE,
            indicator=ERASE,
            achievement_note=ERASE,
        ),
        codes=frozenset({"life_area", "status"}),
    ),
    DataTable(
        "help_plan",
        "case",
        category_columns(
            CASE_DOC,
            "case_id number status agreed_on agreed_by_client review_on note created_at",
            note=ERASE,
        ),
        codes=frozenset({"status"}),
    ),
    DataTable(
        "help_plan_item",
        "plan",
        category_columns(
            CASE_DOC,
            "plan_id goal_id position measure responsible partner_name due_on status",
            measure=ERASE,
            responsible=ERASE,
            partner_name=ORGANISATION,
        ),
        codes=frozenset({"status"}),
    ),
    DataTable(
        "follow_up",
        "case",
        category_columns(
            CASE_DOC,
            "case_id assignee_id due_on title kind source_key done_at done_by_id created_at",
            title=ERASE,
        ),
        on_anonymise="delete",
        codes=frozenset({"kind", "source_key"}),
    ),
    DataTable(
        "case_share",
        "case",
        category_columns(CASE_DOC, "case_id user_id shared_by_id created_at"),
        on_anonymise="delete",
    ),
    DataTable("case_number_counter", "none", {k: (None, KEEP) for k in ("year", "last_number")}),
)


LABELS = FieldLabels(
    tables={
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
    },
    columns={
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
        "outcome": _l("Outcome of the access check"),
        "target_groups": _l("Target groups (keys)"),
        "crisis_reason": _l("Reason for the crisis admission"),
        "referred_to": _l("Referred to"),
        "suggested_outcome": _l("Outcome suggested by the rules"),
        "suggested_reasons": _l("Reasons of the rules"),
        "answers": _l("Answers of the access check forms"),
        "form_submission_id": _l("Form submission (record number)"),
        "computed_at": _l("Suggestion computed at"),
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
    },
    codes={
        ("case_file", "status"): labels.CASE_STATUS_LABELS,
        ("case_file", "access_path"): labels.ACCESS_PATH_LABELS,
        ("case_file", "closure_reason"): labels.CLOSURE_REASON_LABELS,
        ("access_decision", "outcome"): labels.ACCESS_OUTCOME_LABELS,
        ("access_decision", "suggested_outcome"): labels.ACCESS_OUTCOME_LABELS,
        ("contact", "channel"): labels.CHANNEL_LABELS,
        ("goal", "status"): labels.GOAL_STATUS_LABELS,
        ("help_plan", "status"): labels.PLAN_STATUS_LABELS,
        ("help_plan_item", "responsible"): labels.RESPONSIBLE_LABELS,
        ("help_plan_item", "status"): labels.ITEM_STATUS_LABELS,
        ("follow_up", "kind"): labels.FOLLOW_UP_KIND_LABELS,
    },
)


@hookimpl
def lotse_data_categories():
    return [*CATEGORIES, *TABLES, LABELS]
