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
        {
            "number": (CASE_DOC, KEEP),
            "person_id": (CASE_DOC, KEEP),
            "case_type": (CASE_DOC, KEEP),
            "phase": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
            "topic": (CASE_DOC, ERASE),
            "access_path": (CASE_DOC, KEEP),
            "source": (CASE_DOC, KEEP),
            "warm_handover": (CASE_DOC, KEEP),
            "case_manager_id": (CASE_DOC, KEEP),
            "org_unit_id": (CASE_DOC, KEEP),
            "deputy_id": (CASE_DOC, KEEP),
            "opened_on": (CASE_DOC, KEEP),
            "last_activity_at": (CASE_DOC, KEEP),
            "closed_on": (CASE_DOC, KEEP),
            "closure_reason": (CASE_DOC, KEEP),
            "closure_note": (CASE_DOC, ERASE),
            "evaluation": (CASE_DOC, NUMBERS),
            "follow_up_talk_on": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
        codes=frozenset(
            {"number", "case_type", "phase", "status", "access_path", "source", "closure_reason"}
        ),
    ),
    DataTable(
        "access_decision",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "admitted": (CASE_DOC, KEEP),
            "target_group": (CASE_DOC, ERASE),
            "reason": (CASE_DOC, ERASE),
            "decided_on": (CASE_DOC, KEEP),
            "actor_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "phase_transition",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "from_phase": (CASE_DOC, KEEP),
            "to_phase": (CASE_DOC, KEEP),
            "at": (CASE_DOC, KEEP),
            "actor_id": (CASE_DOC, KEEP),
            "reason": (CASE_DOC, ERASE),
            "backwards": (CASE_DOC, KEEP),
        },
        codes=frozenset({"from_phase", "to_phase"}),
    ),
    DataTable(
        "contact",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "contact_on": (CASE_DOC, KEEP),
            "duration_minutes": (CASE_DOC, KEEP),
            "channel": (CASE_DOC, KEEP),
            "participants": (CASE_DOC, ERASE),
            "interpreter_used": (CASE_DOC, KEEP),
            "summary": (CASE_DOC, ERASE),
            "author_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
        codes=frozenset({"channel"}),
    ),
    DataTable(
        "journal_entry",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "at": (CASE_DOC, KEEP),
            "text": (CASE_DOC, ERASE),
            "effort_minutes": (CASE_DOC, KEEP),
            "author_id": (CASE_DOC, KEEP),
        },
    ),
    DataTable(
        "goal",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "life_area": (CASE_DOC, KEEP),
            "title": (CASE_DOC, ERASE),
            "indicator": (CASE_DOC, ERASE),
            "priority": (CASE_DOC, KEEP),
            "target_date": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
            "achievement": (CASE_DOC, KEEP),
            "achievement_note": (CASE_DOC, ERASE),
            "created_at": (CASE_DOC, KEEP),
        },
        codes=frozenset({"life_area", "status"}),
    ),
    DataTable(
        "help_plan",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "number": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
            "agreed_on": (CASE_DOC, KEEP),
            "agreed_by_client": (CASE_DOC, KEEP),
            "review_on": (CASE_DOC, KEEP),
            "note": (CASE_DOC, ERASE),
            "created_at": (CASE_DOC, KEEP),
        },
        codes=frozenset({"status"}),
    ),
    DataTable(
        "help_plan_item",
        "plan",
        {
            "plan_id": (CASE_DOC, KEEP),
            "goal_id": (CASE_DOC, KEEP),
            "position": (CASE_DOC, KEEP),
            "measure": (CASE_DOC, ERASE),
            "responsible": (CASE_DOC, ERASE),
            "partner_name": (CASE_DOC, ORGANISATION),
            "due_on": (CASE_DOC, KEEP),
            "status": (CASE_DOC, KEEP),
        },
        codes=frozenset({"status"}),
    ),
    DataTable(
        "follow_up",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "assignee_id": (CASE_DOC, KEEP),
            "due_on": (CASE_DOC, KEEP),
            "title": (CASE_DOC, ERASE),
            "kind": (CASE_DOC, KEEP),
            "source_key": (CASE_DOC, KEEP),
            "done_at": (CASE_DOC, KEEP),
            "done_by_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
        on_anonymise="delete",
        codes=frozenset({"kind", "source_key"}),
    ),
    DataTable(
        "case_share",
        "case",
        {
            "case_id": (CASE_DOC, KEEP),
            "user_id": (CASE_DOC, KEEP),
            "shared_by_id": (CASE_DOC, KEEP),
            "created_at": (CASE_DOC, KEEP),
        },
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
