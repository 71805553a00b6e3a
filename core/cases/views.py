"""Case pages: list, open, the case file with its sections, help plan print view, follow-ups,
caseload and deputies. Views only validate the request and call the services."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.auth.permissions import require_permission
from core.cases import (
    access,
    help_plans,
    phases,
    services,
)
from core.cases import (
    caseload as caseloads,
)
from core.cases import (
    contacts as contact_services,
)
from core.cases import (
    deputies as deputy_services,
)
from core.cases import documents as case_documents
from core.cases import (
    follow_ups as follow_up_services,
)
from core.cases import (
    goals as goal_services,
)
from core.cases.follow_up_sources import kind_label
from core.cases.models import (
    ACCESS_PATHS,
    CLOSURE_REASONS,
    CONTACT_CHANNELS,
    EVALUATION_DIMENSIONS,
    GOAL_STATUSES,
    ITEM_RESPONSIBLES,
    ITEM_STATUSES,
    AccessDecision,
    Deputy,
    Goal,
    HelpPlan,
    PhaseTransition,
)
from core.cases.schemas import (
    CaseOpenInputSchema,
    CaseUpdateSchema,
    CloseCaseSchema,
    ContactSchema,
    ConversionSchema,
    DeputySchema,
    FollowUpSchema,
    GoalUpdateSchema,
    HelpPlanAgreeSchema,
    PhaseMoveSchema,
    PlanItemSchema,
    ReopenSchema,
    ShareSchema,
    goal_ratings_from_form,
)
from core.cases.settings import case_settings, regelkreis_for
from core.conflicts import ConflictError
from core.dates import add_months
from core.db import commit_keeping_loaded, db
from core.documentation import services as documents
from core.documentation.downloads import send_attachment
from core.documentation.models import Attachment
from core.documentation.schemas import AttachmentSchema, JournalEntrySchema
from core.persons import services as persons
from core.schemas import ValidationError, form_input
from core.web import actor, flash_errors, run_write

bp = Blueprint("cases", __name__, url_prefix="/<tenant>", template_folder="templates")
bp.add_app_template_global(kind_label, "follow_up_kind_label")


def _case_or_404(case_id: int, part: str | None = "case_file"):
    case = services.get_case(case_id, actor())
    if case is None:
        abort(404)
    if part and request.method == "GET":
        services.record_read(actor(), case, part)
        commit_keeping_loaded()  # the audit row: nothing the page shows changed
    return case


def _case_context(case, section, **extra):
    regelkreis = regelkreis_for(g.tenant)
    return dict(
        case=case,
        section=section,
        person=case.person,
        regelkreis=regelkreis,
        phases=regelkreis.phases(case.case_type),
        case_type=regelkreis.case_type(case.case_type),
        settings=case_settings(g.tenant),
        via=g.get("case_access", {}).get(case.id, "owner"),
        **extra,
    )


# --- list and opening ----------------------------------------------------------------------


@bp.route("/cases/")
def index():
    if not (access.can_work() or access.can_supervise()):
        abort(403)
    status = request.args.get("status", "open")
    mine = request.args.get("mine") == "1" or not access.can_supervise()
    q, phase = request.args.get("q", ""), request.args.get("phase", "")
    filters = dict(status=status, q=q, phase=phase, mine="1" if mine else "")
    try:
        listing = services.case_list(
            actor(),
            status=status,
            mine_only=mine,
            search=q,
            phase=phase,
            # Old links with ?page=N still open that page; the page links are cursors.
            page=max(request.args.get("page", 1, type=int) or 1, 1),
            cursor=request.args.get("cursor", ""),
        )
    except ValidationError as exc:
        from core.web import flash_errors

        flash_errors(exc.errors)
        return redirect(url_for("cases.index", **filters))
    regelkreis = regelkreis_for(g.tenant)
    return render_template(
        "cases/index.html",
        listing=listing,
        total=format_number(listing.total),
        rows=listing.rows,
        filters=filters,
        status=status,
        mine=mine,
        q=q,
        phase=phase,
        regelkreis=regelkreis,
        all_phases=_all_phases(regelkreis),
    )


def _all_phases(regelkreis):
    seen = {}
    for case_type in regelkreis.case_types.values():
        for phase in case_type.phases:
            seen.setdefault(phase.key, phase.label)
    return list(seen.items())


@bp.route("/cases/new", methods=["GET", "POST"])
def new():
    require_permission("cases.work")
    person_id = request.values.get("person_id", type=int)
    if not person_id:
        return redirect(url_for("persons.search"))
    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, actor()):
        abort(404)  # like a person that does not exist (the service checks again)
    errors = {}
    if request.method == "POST":
        data = {**form_input(CaseOpenInputSchema, request.form), "person_id": person.id}
        errors, case = run_write(
            lambda: services.open_case(actor(), g.tenant, data), success=_("Case opened.")
        )
        if not errors:
            return redirect(url_for("cases.show", case_id=case.id))
    from core.tenancy.org_units import org_units

    return render_template(
        "cases/new.html",
        person=person,
        form=request.form,
        errors=errors,
        regelkreis=regelkreis_for(g.tenant),
        settings=case_settings(g.tenant),
        access_paths=ACCESS_PATHS,
        workers=services.case_workers(),
        units=org_units(),
    ), (400 if errors else 200)


# --- the case file -------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>")
def show(case_id):
    case = _case_or_404(case_id, "overview")
    transitions = db.session.scalars(
        select(PhaseTransition)
        .where(PhaseTransition.case_id == case.id)
        .order_by(PhaseTransition.at.desc(), PhaseTransition.id.desc())
    ).all()
    decision = db.session.scalar(
        select(AccessDecision)
        .where(AccessDecision.case_id == case.id, AccessDecision.outcome != "")
        .order_by(AccessDecision.id.desc())
        .limit(1)
    )
    household = persons.household_of(case.person)
    return render_template(
        "cases/show.html",
        **_case_context(
            case,
            "overview",
            transitions=transitions,
            decision=decision,
            moves=phases.allowed_moves(g.tenant, case),
            effort=contact_services.effort_minutes(case),
            household=household,
            members=persons.household_members(household) if household else [],
            workers=services.case_workers(),
            follow_ups=[f for f in follow_up_services.case_follow_ups(case) if f.done_at is None][
                :5
            ],
            goals=goal_services.goals(case),
        ),
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit(case_id):
    case = _case_or_404(case_id, "case_data")
    errors, conflicts = {}, None
    if request.method == "POST":
        try:
            errors, _c = run_write(
                lambda: services.update_case(
                    actor(), g.tenant, case, form_input(CaseUpdateSchema, request.form)
                ),
                success=_("Changes saved."),
            )
        except ConflictError as exc:
            db.session.rollback()
            conflicts = exc.changes
        if not errors and conflicts is None:
            return redirect(url_for("cases.show", case_id=case_id))
        case = _case_or_404(case_id, None)
    from core.tenancy.org_units import org_units

    workers = services.case_workers()
    names = {u.id: u.display_name for u in workers}
    return render_template(
        "cases/edit.html",
        **_case_context(
            case,
            "overview",
            errors=errors,
            conflicts=conflicts,
            form=request.form,
            workers=workers,
            names=names,
            units=org_units(),
            access_paths=ACCESS_PATHS,
        ),
    ), (409 if conflicts is not None else 400 if errors else 200)


@bp.route("/cases/<int:case_id>/phase", methods=["POST"])
def phase(case_id):
    case = _case_or_404(case_id)
    try:
        errors, _case = run_write(
            lambda: phases.move_to_phase(
                actor(), g.tenant, case, form_input(PhaseMoveSchema, request.form)
            ),
            success=_("Phase changed."),
        )
    except ConflictError:
        db.session.rollback()
        flash(
            _(
                "Someone else changed the case in the meantime. Please check the current phase and "
                "try again."
            ),
            "error",
        )
        return redirect(url_for("cases.show", case_id=case_id))
    flash_errors(errors)
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/cases/<int:case_id>/convert", methods=["POST"])
def convert(case_id):
    case = _case_or_404(case_id)
    errors, _c = run_write(
        lambda: services.convert_to_case_management(
            actor(), g.tenant, case, form_input(ConversionSchema, request.form)
        ),
        success=_("The case is now a case management case."),
    )
    flash_errors(errors)
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/cases/<int:case_id>/share", methods=["POST"])
def share(case_id):
    case = _case_or_404(case_id)
    errors, _s = run_write(
        lambda: services.share_case(actor(), case, form_input(ShareSchema, request.form)),
        success=_("Case shared."),
    )
    flash_errors(errors)
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/cases/<int:case_id>/contacts", methods=["GET", "POST"])
def contacts(case_id):
    case = _case_or_404(case_id, "contacts")
    errors = {}
    if request.method == "POST":
        errors, _c = run_write(
            lambda: contact_services.add_contact(
                actor(), g.tenant, case, form_input(ContactSchema, request.form)
            ),
            success=_("Contact saved."),
        )
        if not errors:
            return redirect(url_for("cases.contacts", case_id=case_id))
        case = _case_or_404(case_id, None)
    rows = contact_services.contacts(case)
    limit = regelkreis_for(g.tenant).case_type(case.case_type).session_limit
    return render_template(
        "cases/contacts.html",
        **_case_context(
            case,
            "contacts",
            rows=rows,
            errors=errors,
            form=request.form,
            channels=CONTACT_CHANNELS,
            limit=limit,
        ),
    ), (400 if errors else 200)


@bp.route("/cases/<int:case_id>/journal", methods=["GET", "POST"])
def journal(case_id):
    case = _case_or_404(case_id, "journal")
    errors = {}
    if request.method == "POST":
        errors, _e = run_write(
            lambda: case_documents.add_journal_entry(
                actor(), case, form_input(JournalEntrySchema, request.form)
            ),
            success=_("Entry saved."),
        )
        if not errors:
            return redirect(url_for("cases.journal", case_id=case_id))
        case = _case_or_404(case_id, None)
    rows = documents.journal_entries(case)
    return render_template(
        "cases/journal.html",
        **_case_context(
            case,
            "journal",
            rows=rows,
            errors=errors,
            form=request.form,
            effort=contact_services.effort_minutes(case),
        ),
    ), (400 if errors else 200)


@bp.route("/cases/<int:case_id>/goals", methods=["GET", "POST"])
def goals(case_id):
    case = _case_or_404(case_id, "goals")
    errors, conflicts, edit_goal = {}, None, None
    goal_id = request.values.get("goal_id", type=int)
    if goal_id:
        edit_goal = db.session.scalar(
            select(Goal).where(Goal.id == goal_id, Goal.case_id == case.id)
        )
        if edit_goal is None:
            abort(404)
    if request.method == "POST":
        try:
            errors, _g = run_write(
                lambda: goal_services.save_goal(
                    actor(),
                    g.tenant,
                    case,
                    form_input(GoalUpdateSchema, request.form),
                    goal_id=goal_id,
                ),
                success=_("Goal saved."),
            )
        except ConflictError as exc:
            db.session.rollback()
            conflicts = exc.changes
        if not errors and conflicts is None:
            return redirect(url_for("cases.goals", case_id=case_id))
        case = _case_or_404(case_id, None)
        if goal_id:
            edit_goal = db.session.scalar(select(Goal).where(Goal.id == goal_id))
    return render_template(
        "cases/goals.html",
        **_case_context(
            case,
            "goals",
            goals=goal_services.goals(case),
            errors=errors,
            conflicts=conflicts,
            form=request.form,
            edit_goal=edit_goal,
            statuses=GOAL_STATUSES,
        ),
    ), (409 if conflicts is not None else 400 if errors else 200)


@bp.route("/cases/<int:case_id>/plan", methods=["GET"])
def plan(case_id):
    case = _case_or_404(case_id, "help_plan")
    all_plans = help_plans.plans(case)
    shown = all_plans[0] if all_plans else None
    version = request.args.get("version", type=int)
    if version:
        shown = next((p for p in all_plans if p.number == version), None)
        if shown is None:
            abort(404)
    return render_template(
        "cases/plan.html",
        **_case_context(
            case,
            "plan",
            plans=all_plans,
            plan=shown,
            goals=goal_services.goals(case),
            errors={},
            form={},
            responsibles=ITEM_RESPONSIBLES,
            item_statuses=ITEM_STATUSES,
        ),
    )


@bp.route("/cases/<int:case_id>/plan/draft", methods=["POST"])
def plan_draft(case_id):
    case = _case_or_404(case_id)
    errors, _p = run_write(
        lambda: help_plans.editable_plan(actor(), case),
        success=_("New version of the help plan started."),
    )
    flash_errors(errors)
    return redirect(url_for("cases.plan", case_id=case_id))


@bp.route("/cases/<int:case_id>/plan/<int:plan_id>/items", methods=["POST"])
def plan_item(case_id, plan_id):
    case = _case_or_404(case_id)
    plan_ = help_plans.get_plan(case, plan_id)
    errors, _i = run_write(
        lambda: help_plans.save_plan_item(
            actor(), case, plan_, form_input(PlanItemSchema, request.form)
        ),
        success=_("Measure saved."),
    )
    if errors:
        case = _case_or_404(case_id, None)
        plan_ = db.session.get(HelpPlan, plan_id)
        return render_template(
            "cases/plan.html",
            **_case_context(
                case,
                "plan",
                plans=help_plans.plans(case),
                plan=plan_,
                goals=goal_services.goals(case),
                errors=errors,
                form=request.form,
                responsibles=ITEM_RESPONSIBLES,
                item_statuses=ITEM_STATUSES,
            ),
        ), 400
    return redirect(url_for("cases.plan", case_id=case_id))


@bp.route("/cases/<int:case_id>/plan/<int:plan_id>/agree", methods=["POST"])
def plan_agree(case_id, plan_id):
    case = _case_or_404(case_id)
    plan_ = help_plans.get_plan(case, plan_id)
    try:
        errors, _p = run_write(
            lambda: help_plans.agree_plan(
                actor(), case, plan_, form_input(HelpPlanAgreeSchema, request.form)
            ),
            success=_(
                "The help plan is agreed. It can no longer be changed; changes make a new version."
            ),
        )
    except ConflictError:
        db.session.rollback()
        errors = {
            "plan": [
                _(
                    "Someone else changed the help plan in the meantime. Please check it and agree "
                    "again."
                )
            ]
        }
    flash_errors(errors)
    return redirect(url_for("cases.plan", case_id=case_id))


@bp.route("/cases/<int:case_id>/plan/<int:plan_id>/print")
def plan_print(case_id, plan_id):
    case = _case_or_404(case_id, None)
    plan_ = help_plans.get_plan(case, plan_id)
    services.record_read(actor(), case, "help_plan_print")
    from core.audit import services as audit

    audit.record("case.printed", actor=actor(), obj=case, plan=plan_.id)
    commit_keeping_loaded()
    return render_template(
        "cases/plan_print.html",
        **_case_context(
            case, "plan", plan=plan_, goals=goal_services.goals(case), today=date.today()
        ),
    )


@bp.route("/cases/<int:case_id>/documents", methods=["GET", "POST"])
def documents_(case_id):
    case = _case_or_404(case_id, "documents")
    errors = {}
    if request.method == "POST":
        errors, _a = run_write(
            lambda: case_documents.save_attachment(
                actor(),
                case,
                request.files.get("file"),
                form_input(AttachmentSchema, request.form).get("description", ""),
            ),
            success=_("Document saved."),
        )
        if not errors:
            return redirect(url_for("cases.documents_", case_id=case_id))
        case = _case_or_404(case_id, None)
    return render_template(
        "cases/documents.html",
        **_case_context(case, "documents", rows=documents.attachments(case), errors=errors),
    ), (400 if errors else 200)


@bp.route("/cases/<int:case_id>/documents/<int:attachment_id>")
def document_download(case_id, attachment_id):
    case = _case_or_404(case_id, None)
    attachment = db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id)
    )
    from core.audit import services as audit

    return send_attachment(
        attachment,
        lambda: audit.record(
            "case.attachment_downloaded", actor=actor(), obj=case, attachment=attachment.id
        ),
    )


@bp.route("/cases/<int:case_id>/follow-ups", methods=["GET", "POST"])
def case_follow_ups(case_id):
    case = _case_or_404(case_id, "follow_ups")
    errors = {}
    if request.method == "POST":
        errors, _f = run_write(
            lambda: follow_up_services.add_follow_up(
                actor(), {**form_input(FollowUpSchema, request.form), "case_id": case.id}
            ),
            success=_("Follow-up saved."),
        )
        if not errors:
            return redirect(url_for("cases.case_follow_ups", case_id=case_id))
        case = _case_or_404(case_id, None)
    return render_template(
        "cases/follow_ups.html",
        **_case_context(
            case,
            "follow_ups",
            rows=follow_up_services.case_follow_ups(case),
            errors=errors,
            form=request.form,
            workers=services.case_workers(),
            today=date.today(),
        ),
    ), (400 if errors else 200)


@bp.route("/cases/<int:case_id>/closure", methods=["GET", "POST"])
def closure(case_id):
    case = _case_or_404(case_id, "closure")
    errors = {}
    if request.method == "POST":
        action = request.form.get("action", "close")
        if action == "reopen":
            errors, _c = run_write(
                lambda: services.reopen_case(
                    actor(), g.tenant, case, form_input(ReopenSchema, request.form)
                ),
                success=_("The case is open again."),
            )
        else:
            try:
                errors, _c = run_write(
                    lambda: services.close_case(
                        actor(),
                        g.tenant,
                        case,
                        {
                            **form_input(CloseCaseSchema, request.form),
                            "goal_ratings": goal_ratings_from_form(request.form),
                        },
                    ),
                    success=_("The case is closed."),
                )
            except ConflictError:
                db.session.rollback()
                errors = {
                    "case": [
                        _(
                            "Someone else changed the case in the meantime. Please check it and "
                            "close again."
                        )
                    ]
                }
        if not errors:
            return redirect(url_for("cases.show", case_id=case_id))
        case = _case_or_404(case_id, None)
    settings = case_settings(g.tenant)
    return render_template(
        "cases/closure.html",
        **_case_context(
            case,
            "closure",
            errors=errors,
            form=request.form,
            reasons=CLOSURE_REASONS,
            dimensions=EVALUATION_DIMENSIONS,
            goals=goal_services.goals(case),
            suggested_talk=add_months(date.today(), settings.follow_up_talk_months),
        ),
    ), (400 if errors else 200)


# --- work overviews ------------------------------------------------------------------------


@bp.route("/follow-ups")
def follow_ups():
    require_permission("cases.work")
    rows = follow_up_services.my_follow_ups(actor())
    today = date.today()
    return render_template(
        "cases/my_follow_ups.html",
        rows=rows,
        today=today,
        overdue=[r for r in rows if r[0].due_on < today],
        due_today=[r for r in rows if r[0].due_on == today],
        upcoming=[r for r in rows if r[0].due_on > today],
    )


@bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
def follow_up_done(follow_up_id):
    require_permission("cases.work")
    run_write(
        lambda: follow_up_services.mark_done(actor(), follow_up_id), success=_("Marked as done.")
    )
    return redirect(
        request.form.get("back")
        if (request.form.get("back") or "").startswith(f"/{g.tenant.slug}/")
        else url_for("cases.follow_ups")
    )


@bp.route("/caseload")
def caseload():
    require_permission("caseload.view")
    return render_template(
        "cases/caseload.html",
        rows=caseloads.caseload(g.tenant),
        settings=case_settings(g.tenant),
    )


@bp.route("/deputies", methods=["GET", "POST"])
def deputies():
    require_permission("cases.work")
    errors = {}
    if request.method == "POST":
        action = request.form.get("action", "create")
        if action == "approve":
            deputy = db.session.scalar(
                select(Deputy).where(Deputy.id == request.form.get("deputy_id", type=int))
            )
            if deputy is None:
                abort(404)
            errors, _d = run_write(
                lambda: deputy_services.approve_deputy(actor(), deputy), success=_("Approved.")
            )
        else:
            errors, _d = run_write(
                lambda: deputy_services.create_deputy(
                    actor(), form_input(DeputySchema, request.form)
                ),
                success=_("Deputy arrangement saved."),
            )
        if not errors:
            return redirect(url_for("cases.deputies"))
    stmt = select(Deputy).order_by(Deputy.starts_on.desc())
    if not access.can_supervise():
        stmt = stmt.where(
            (Deputy.absent_id == current_user.id) | (Deputy.deputy_id == current_user.id)
        )
    return render_template(
        "cases/deputies.html",
        rows=db.session.scalars(stmt).all(),
        errors=errors,
        form=request.form,
        workers=services.case_workers(),
        can_approve=access.can_supervise(),
        today=date.today(),
    ), (400 if errors else 200)


# --- tabs from plugins ---------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/tabs/<key>")
def plugin_tab(case_id, key):
    """A tab a plugin adds to the case file (``lotse_case_tabs``); 404 where it is not shown."""
    from core.cases.panels import render_tab, visible_tab

    case = _case_or_404(case_id, None)
    tab = visible_tab(g.tenant, case, key)
    if tab is None:
        abort(404)
    services.record_read(actor(), case, f"tab:{key}")
    commit_keeping_loaded()
    return render_template(
        "cases/plugin_tab.html",
        **_case_context(case, f"tab:{key}", tab=tab, body=render_tab(tab, case)),
    )
