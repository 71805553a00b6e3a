"""Form pages of the case file: the "Formulare" tab (forms of the current phase first, then the
others, and the case's submissions), start, edit a draft, finalise (after a confirmation), read
a final, correct it with a reason, its history, the A4 print view and its PDF.

Views only read the request and call :mod:`core.forms.submissions`, which checks every
permission; fields render through the engine's one macro set (``forms/_macros.html``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

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


def render_person_forms(person) -> Markup:
    """The "Formulare" panel of the person page (slot ``person_panels``): the person forms the
    tenant offers and the person's submissions."""
    target = Target("person", person)
    offered = submissions.offered_for(g.tenant, "person")
    rows = submissions.submissions_for(actor(), person)
    if not offered and not rows:
        return Markup("")
    return render_partial(
        "forms/_person_forms.html",
        target=target,
        person=person,
        offered=offered,
        rows=rows,
        definitions=submissions.form_definitions(g.tenant),
        may_work=_may_work(),
    )


class Target:
    """What the pages of a submission hang under: a case (``/cases/<id>/forms/…``, in the case
    file) or a person (``/persons/<id>/forms/…``, under the person page). The same views and
    templates serve both; only the URLs, the page frame and the read audit differ."""

    def __init__(self, kind: str, obj) -> None:
        self.kind = kind
        self.obj = obj

    @property
    def person(self):
        return self.obj.person if self.kind == "case" else self.obj

    @property
    def closed(self) -> bool:
        """A closed case takes no new forms and no corrections."""
        return self.kind == "case" and self.obj.status == "closed"

    @property
    def layout(self) -> str:
        return "cases/_layout.html" if self.kind == "case" else "forms/_person_layout.html"

    def url(self, name: str, **values) -> str:
        """The URL of the form page ``name`` (edit, finalise, correct, print_view, pdf, start)."""
        if self.kind == "case":
            return url_for(f"forms.{name}", case_id=self.obj.id, **values)
        return url_for(f"forms.person_{name}", person_id=self.obj.id, **values)

    def back_url(self) -> str:
        if self.kind == "case":
            return url_for("cases.plugin_tab", case_id=self.obj.id, key="forms")
        return url_for("persons.edit", person_id=self.obj.id, _anchor="panel-forms")

    def record_read(self, part: str) -> None:
        if self.kind == "case":
            cases.record_read(actor(), self.obj, part)
        else:
            from core.audit import services as audit

            audit.record("person.read", actor=actor(), obj=self.obj, part=part)


def _listing(case) -> dict:
    in_phase, others = submissions.offered_for_case(g.tenant, case)
    rows = submissions.submissions_for(actor(), case)
    titles = submissions.form_definitions(g.tenant)
    phase = regelkreis_for(g.tenant).phase(case.case_type, case.phase)
    return dict(
        case=case,
        target=Target("case", case),
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


def _case_or_404(case_id: int, part: str | None = None) -> Target:
    case = cases.get_case(case_id, actor())
    if case is None:
        abort(404)
    return _read_target(Target("case", case), part)


def _person_or_404(person_id: int, part: str | None = None) -> Target:
    from core.persons import services as persons

    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, actor()):
        abort(404)
    return _read_target(Target("person", person), part)


def _read_target(target: Target, part: str | None) -> Target:
    if part and request.method == "GET":
        target.record_read(part)
        commit_keeping_loaded()
    return target


def _context(target: Target, **extra) -> dict:
    if target.kind != "case":
        return dict(target=target, case=None, person=target.obj, section="forms", **extra)
    case = target.obj
    regelkreis = regelkreis_for(g.tenant)
    return dict(
        target=target,
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


def _submission(
    target: Target, submission_id: int, *, write: bool = False
) -> tuple[FormSubmission, Any]:
    submission = submissions.submission_for(
        actor(), g.tenant, target.obj, submission_id, write=write
    )
    defn = submissions.definition_of(g.tenant, submission)
    if defn is None:
        abort(404)
    return submission, defn


def _edit_page(target, submission, defn, answers, errors, status=200, rows=None):
    return render_template(
        "forms/edit.html",
        **_context(
            target,
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


def _read_page(target, submission, defn, errors=None, status=200, form=None):
    return render_template(
        "forms/show.html",
        **_context(
            target,
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


# --- the actions, the same for a case and a person ---------------------------------------------


def _start(target: Target):
    key = request.form.get("form_key", "")
    errors, submission = run_write(
        lambda: submissions.start(actor(), g.tenant, target.obj, key),
        success=_("Form started."),
    )
    if errors:
        from core.web import flash_errors

        flash_errors(errors)
        return redirect(target.back_url())
    return redirect(target.url("edit", submission_id=submission.id))


def _edit(target: Target, submission_id: int):
    """A draft: the form to fill in; a final: its read view (with "Korrigieren")."""
    from core.forms import engine

    submission, defn = _submission(target, submission_id)
    if submission.status != "draft":
        if request.method == "POST":
            abort(405)
        return _read_page(target, submission, defn)
    if request.method == "GET":
        return _edit_page(target, submission, defn, submission.data or {}, {})
    raw = engine.parse_formdata(defn, request.form)
    rows = {
        path: engine.repeat_rows(defn, request.form, path)
        for path, field in defn.walk()
        if field.type == "repeat"
    }
    if request.form.get("_add") or request.form.get("_remove"):
        # "Weitere Zeile" / "Zeile entfernen": the same answers again with one row more or less.
        return _edit_page(target, submission, defn, raw, {}, rows=rows)
    action = request.form.get("_action", "save")
    if action == "finalise":
        # Check everything first: with an error nothing is stored, the input stays on the page.
        problems = submissions.check_answers(g.tenant, defn, raw)
        if problems:
            return _edit_page(target, submission, defn, raw, problems, 400, rows=rows)
    errors, _saved = run_write(
        lambda: submissions.save_draft(
            actor(), g.tenant, submission, raw, version=request.form.get("version") or None
        ),
        success=None if action == "finalise" else _("Draft saved."),
    )
    if errors:
        submission, defn = _submission(target, submission_id)
        return _edit_page(target, submission, defn, raw, errors, 400, rows=rows)
    if action == "finalise":
        return redirect(target.url("finalise", submission_id=submission.id))
    return redirect(target.url("edit", submission_id=submission.id))


def _finalise(target: Target, submission_id: int):
    """Confirm, then finalise: afterwards the answers can only be corrected as a new version."""
    submission, defn = _submission(target, submission_id)
    if submission.status != "draft":
        return redirect(target.url("edit", submission_id=submission.id))
    if request.method == "POST":
        errors, _done = run_write(
            lambda: submissions.finalise(actor(), g.tenant, submission),
            success=_("The form is final."),
        )
        if errors:
            submission, defn = _submission(target, submission_id)
            return _edit_page(target, submission, defn, submission.data or {}, errors, 400)
        return redirect(target.url("edit", submission_id=submission.id))
    return render_template(
        "forms/finalise.html",
        **_context(
            target,
            submission=submission,
            defn=defn,
            answers=submission.data or {},
            locale=_locale(),
            corrected=_corrected(submission),
        ),
    )


def _correct(target: Target, submission_id: int):
    submission, defn = _submission(target, submission_id)
    reason = request.form.get("correction_reason", "")
    errors, draft = run_write(
        lambda: submissions.correct(actor(), g.tenant, submission, reason),
        success=_("Correction started: change the answers and finalise again."),
    )
    if errors:
        submission, defn = _submission(target, submission_id)
        return _read_page(target, submission, defn, errors, 400, request.form)
    return redirect(target.url("edit", submission_id=draft.id))


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


def _printed(target: Target, submission, what: str) -> None:
    from core.audit import services as audit

    target.record_read(f"form_{submission.id}")
    event = "case.printed" if target.kind == "case" else "person.printed"
    audit.record(event, actor=actor(), obj=target.obj, form_submission=submission.id, part=what)
    commit_keeping_loaded()


def _print_view(target: Target, submission_id: int):
    submission, defn = _submission(target, submission_id)
    lang, client_copy = _print_options(defn, target.person)
    _printed(target, submission, "print")
    return render_template(
        "forms/submission_print.html",
        **_context(
            target,
            submission=submission,
            defn=defn,
            answers=submission.data or {},
            locale=lang,
            client_copy=client_copy,
            locales=list(defn.locales()),
            today=date.today(),
        ),
    )


def _pdf(target: Target, submission_id: int):
    from core.forms.printing import submission_pdf

    submission, defn = _submission(target, submission_id)
    lang, client_copy = _print_options(defn, target.person)
    _printed(target, submission, "pdf")
    case = target.obj if target.kind == "case" else None
    body = submission_pdf(
        g.tenant,
        case,
        submission,
        defn,
        locale=lang,
        client_copy=client_copy,
        person=target.person,
    )
    where = case.number if case is not None else f"P{target.obj.id}"
    name = f"{defn.key.replace('.', '-')}-{where}-v{submission.version_no}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


# --- case routes (/cases/<id>/forms/…) ---------------------------------------------------------


@bp.route("/cases/<int:case_id>/forms/start", methods=["POST"])
def start(case_id):
    return _start(_case_or_404(case_id))


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>", methods=["GET", "POST"])
def edit(case_id, submission_id):
    return _edit(_case_or_404(case_id, f"form_{submission_id}"), submission_id)


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/finalise", methods=["GET", "POST"])
def finalise(case_id, submission_id):
    return _finalise(_case_or_404(case_id, f"form_{submission_id}"), submission_id)


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/correct", methods=["POST"])
def correct(case_id, submission_id):
    return _correct(_case_or_404(case_id), submission_id)


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/print")
def print_view(case_id, submission_id):
    return _print_view(_case_or_404(case_id), submission_id)


@bp.route("/cases/<int:case_id>/forms/<int:submission_id>/pdf")
def pdf(case_id, submission_id):
    return _pdf(_case_or_404(case_id), submission_id)


# --- person routes (/persons/<id>/forms/…) -----------------------------------------------------


@bp.route("/persons/<int:person_id>/forms/start", methods=["POST"])
def person_start(person_id):
    return _start(_person_or_404(person_id))


@bp.route("/persons/<int:person_id>/forms/<int:submission_id>", methods=["GET", "POST"])
def person_edit(person_id, submission_id):
    return _edit(_person_or_404(person_id, f"form_{submission_id}"), submission_id)


@bp.route("/persons/<int:person_id>/forms/<int:submission_id>/finalise", methods=["GET", "POST"])
def person_finalise(person_id, submission_id):
    return _finalise(_person_or_404(person_id, f"form_{submission_id}"), submission_id)


@bp.route("/persons/<int:person_id>/forms/<int:submission_id>/correct", methods=["POST"])
def person_correct(person_id, submission_id):
    return _correct(_person_or_404(person_id), submission_id)


@bp.route("/persons/<int:person_id>/forms/<int:submission_id>/print")
def person_print_view(person_id, submission_id):
    return _print_view(_person_or_404(person_id), submission_id)


@bp.route("/persons/<int:person_id>/forms/<int:submission_id>/pdf")
def person_pdf(person_id, submission_id):
    return _pdf(_person_or_404(person_id), submission_id)
