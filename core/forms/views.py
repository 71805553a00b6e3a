"""Form pages of the case file: the "Formulare" tab (forms of the current phase first, then the
others, and the case's submissions), start, edit a draft, finalise (after a confirmation), read
a final, correct it with a reason, its history, the A4 print view and its PDF.

Views only read the request and call :mod:`core.forms.submissions`, which checks every
permission; fields render through the engine's one macro set (``forms/_macros.html``).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from core.cases import services as cases
from core.cases.settings import case_settings, regelkreis_for
from core.db import commit_keeping_loaded
from core.forms import submissions
from core.forms.models import FormSubmission
from core.plugins.providers import CaseTab
from core.web import actor, render_partial, run_write

bp = Blueprint("forms", __name__, url_prefix="/<tenant>", template_folder="templates")


class FormsTab(CaseTab):
    """The "Formulare" tab of every case file."""

    key = "forms"
    label = _l("Forms")
    order = 10

    def render(self, case) -> Markup:
        return render_partial("forms/_case_forms.html", **_listing(case))


def _listing(case) -> dict:
    in_phase, others = submissions.offered_for_case(g.tenant, case)
    rows = submissions.submissions_for(actor(), case)
    titles = submissions.form_definitions(g.tenant)
    phase = regelkreis_for(g.tenant).phase(case.case_type, case.phase)
    return dict(
        case=case,
        in_phase=in_phase,
        others=others,
        rows=rows,
        definitions=titles,
        phase_label=phase.label if phase else case.phase,
        may_work=_may_work(),
    )


def _may_work() -> bool:
    from core.cases import access

    return access.can_work()


def _case_or_404(case_id: int, part: str | None = None):
    case = cases.get_case(case_id, actor())
    if case is None:
        abort(404)
    if part and request.method == "GET":
        cases.record_read(actor(), case, part)
        commit_keeping_loaded()
    return case


def _context(case, **extra) -> dict:
    regelkreis = regelkreis_for(g.tenant)
    return dict(
        case=case,
        section="tab:forms",
        person=case.person,
        regelkreis=regelkreis,
        phases=regelkreis.phases(case.case_type),
        case_type=regelkreis.case_type(case.case_type),
        settings=case_settings(g.tenant),
        via=g.get("case_access", {}).get(case.id, "owner"),
        **extra,
    )


def _locale() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


def _macro_errors(errors: dict) -> dict:
    """The macros take form-level errors under ``""`` (the services report them as
    ``_schema``, as everywhere else)."""
    return {("" if k == "_schema" else k): v for k, v in (errors or {}).items()}


def _submission(case, submission_id: int, *, write: bool = False) -> tuple[FormSubmission, object]:
    submission = submissions.submission_for_case(
        actor(), g.tenant, case, submission_id, write=write
    )
    defn = submissions.definition_of(g.tenant, submission)
    if defn is None:
        abort(404)
    return submission, defn


def _edit_page(case, submission, defn, answers, errors, status=200, rows=None):
    return render_template(
        "forms/edit.html",
        **_context(
            case,
            submission=submission,
            defn=defn,
            answers=answers,
            errors=_macro_errors(errors),
            locale=_locale(),
            rows=rows or {},
            corrected=_corrected(submission),
        ),
    ), status


def _corrected(submission):
    if submission.correction_of_id is None:
        return None
    from sqlalchemy import select

    from core.db import db

    return db.session.scalar(
        select(FormSubmission).where(FormSubmission.id == submission.correction_of_id)
    )


def _read_page(case, submission, defn, errors=None, status=200, form=None):
    return render_template(
        "forms/show.html",
        **_context(
            case,
            submission=submission,
            defn=defn,
            answers=submission.data or {},
            computed=submission.computed or {},
            errors=errors or {},
            form=form or {},
            locale=_locale(),
            chain=submissions.history(submission),
            open_correction=submissions.open_correction(submission)
            if submission.status == "final"
            else None,
            staff=_staff_names(submissions.history(submission)),
        ),
    ), status


def _staff_names(chain) -> dict[int, str]:
    from sqlalchemy import select

    from core.auth.models import User
    from core.db import db

    ids = {i for s in chain for i in (s.created_by_id, s.finalised_by_id) if i}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()
    return {user_id: name for user_id, name in rows}


# --- the tab's actions -------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/forms/start", methods=["POST"])
def start(case_id):
    case = _case_or_404(case_id)
    key = request.form.get("form_key", "")
    errors, submission = run_write(
        lambda: submissions.start(actor(), g.tenant, case, key),
        success=_("Form started."),
    )
    if errors:
        from core.web import flash_errors

        flash_errors(errors)
        return redirect(url_for("cases.plugin_tab", case_id=case.id, key="forms"))
    return redirect(url_for("forms.edit", case_id=case.id, submission_id=submission.id))


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>", methods=["GET", "POST"])
def edit(case_id, submission_id):
    """A draft: the form to fill in; a final: its read view (with "Korrigieren")."""
    from core.forms import engine

    case = _case_or_404(case_id, f"form_{submission_id}")
    submission, defn = _submission(case, submission_id)
    if submission.status != "draft":
        if request.method == "POST":
            abort(405)
        return _read_page(case, submission, defn)
    if request.method == "GET":
        return _edit_page(case, submission, defn, submission.data or {}, {})
    raw = engine.parse_formdata(defn, request.form)
    rows = {
        path: engine.repeat_rows(defn, request.form, path)
        for path, field in defn.walk()
        if field.type == "repeat"
    }
    if request.form.get("_add") or request.form.get("_remove"):
        # "Weitere Zeile" / "Zeile entfernen": the same answers again with one row more or less.
        return _edit_page(case, submission, defn, raw, {}, rows=rows)
    action = request.form.get("_action", "save")
    if action == "finalise":
        # Check everything first: with an error nothing is stored, the input stays on the page.
        problems = submissions.check_answers(g.tenant, defn, raw)
        if problems:
            return _edit_page(case, submission, defn, raw, problems, 400, rows=rows)
    errors, _saved = run_write(
        lambda: submissions.save_draft(
            actor(), g.tenant, submission, raw, version=request.form.get("version") or None
        ),
        success=None if action == "finalise" else _("Draft saved."),
    )
    if errors:
        submission, defn = _submission(case, submission_id)
        return _edit_page(case, submission, defn, raw, errors, 400, rows=rows)
    if action == "finalise":
        return redirect(url_for("forms.finalise", case_id=case.id, submission_id=submission.id))
    return redirect(url_for("forms.edit", case_id=case.id, submission_id=submission.id))


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/finalise", methods=["GET", "POST"])
def finalise(case_id, submission_id):
    """Confirm, then finalise: afterwards the answers can only be corrected as a new version."""
    case = _case_or_404(case_id, f"form_{submission_id}")
    submission, defn = _submission(case, submission_id)
    if submission.status != "draft":
        return redirect(url_for("forms.edit", case_id=case.id, submission_id=submission.id))
    if request.method == "POST":
        errors, _done = run_write(
            lambda: submissions.finalise(actor(), g.tenant, submission),
            success=_("The form is final."),
        )
        if errors:
            submission, defn = _submission(case, submission_id)
            return _edit_page(case, submission, defn, submission.data or {}, errors, 400)
        return redirect(url_for("forms.edit", case_id=case.id, submission_id=submission.id))
    return render_template(
        "forms/finalise.html",
        **_context(
            case,
            submission=submission,
            defn=defn,
            answers=submission.data or {},
            locale=_locale(),
            corrected=_corrected(submission),
        ),
    )


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/correct", methods=["POST"])
def correct(case_id, submission_id):
    case = _case_or_404(case_id)
    submission, defn = _submission(case, submission_id)
    reason = request.form.get("correction_reason", "")
    errors, draft = run_write(
        lambda: submissions.correct(actor(), g.tenant, submission, reason),
        success=_("Correction started: change the answers and finalise again."),
    )
    if errors:
        submission, defn = _submission(case, submission_id)
        return _read_page(case, submission, defn, errors, 400, request.form)
    return redirect(url_for("forms.edit", case_id=case.id, submission_id=draft.id))


# --- print view and PDF ------------------------------------------------------------------------


def _print_options(defn, person) -> tuple[str, bool]:
    """``?lang=`` (one of the definition's locales, German otherwise) and ``?copy=client``. The
    client's copy of a client-facing form prints in the first of the client's languages the
    definition has a translation for, unless ``lang`` says otherwise."""
    locales = list(defn.locales())
    client_copy = request.args.get("copy") == "client"
    lang = request.args.get("lang")
    if lang is None and client_copy and defn.client_facing and person is not None:
        lang = next((code for code in person.languages or [] if code in locales), None)
    if lang is None or lang not in locales:
        return "de", client_copy
    return lang, client_copy


def _printed(case, submission, what: str) -> None:
    from core.audit import services as audit

    cases.record_read(actor(), case, f"form_{submission.id}")
    audit.record("case.printed", actor=actor(), obj=case, form_submission=submission.id, part=what)
    commit_keeping_loaded()


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/print")
def print_view(case_id, submission_id):
    case = _case_or_404(case_id)
    submission, defn = _submission(case, submission_id)
    lang, client_copy = _print_options(defn, case.person)
    _printed(case, submission, "print")
    return render_template(
        "forms/submission_print.html",
        **_context(
            case,
            submission=submission,
            defn=defn,
            answers=submission.data or {},
            locale=lang,
            client_copy=client_copy,
            locales=list(defn.locales()),
            today=date.today(),
        ),
    )


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/pdf")
def pdf(case_id, submission_id):
    from core.forms.printing import submission_pdf

    case = _case_or_404(case_id)
    submission, defn = _submission(case, submission_id)
    lang, client_copy = _print_options(defn, case.person)
    _printed(case, submission, "pdf")
    body = submission_pdf(g.tenant, case, submission, defn, locale=lang, client_copy=client_copy)
    name = f"{defn.key.replace('.', '-')}-{case.number}-v{submission.version_no}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
