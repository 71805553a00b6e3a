"""API resources of the form engine: the forms a tenant has (with each form's JSON Schema) and the
submissions of a case - list, start-and-save (draft or final in one call), read, change a draft,
finalise, correct. The views call :mod:`core.forms.submissions`, the service the HTML pages
use, so permissions, validation and German messages are the same; a bad answer comes back as
``{"errors": {"<field path>": ["…"]}}`` and nothing is stored.
"""

from __future__ import annotations

from flask import abort, g, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from core.api.case_common import case_or_404, read, require_case_work
from core.api.common import ConflictSchema, actor, json_body
from core.cases import access
from core.db import commit_keeping_loaded, db
from core.forms import submissions
from core.forms.schemas import (
    CorrectionSchema,
    FinaliseSchema,
    FormListSchema,
    SubmissionCreateSchema,
    SubmissionListSchema,
    SubmissionPatchSchema,
    SubmissionSchema,
)
from core.schemas import load

forms_blp = Blueprint(
    "api_forms",
    __name__,
    url_prefix="",
    description=(
        "Forms (definitions with their JSON Schema) and form submissions of cases, persons and "
        "households"
    ),
)


def blueprints():
    return (forms_blp,)


def _definition_out(defn) -> dict:
    return {
        "key": defn.key,
        "version": defn.version,
        "title": str(defn.title),
        "description": str(defn.description or ""),
        "source": str(defn.source or ""),
        "attaches_to": submissions.attaches_to(defn),
        "phases": list(submissions.phases_of(defn)),
        "client_facing": bool(defn.client_facing),
        "locales": list(defn.locales()),
        "schema_url": url_for(
            "api_forms.form_schema",
            tenant=g.tenant.slug,
            key=defn.key,
            version=defn.version,
            _external=False,
        ),
    }


def submission_out(submission) -> dict:
    defn = submissions.definition_of(g.tenant, submission)
    return {
        "id": submission.id,
        "form_key": submission.form_key,
        "form_version": submission.form_version,
        "form_title": str(defn.title) if defn is not None else submission.form_key,
        "attaches_to": submission.attaches_to,
        "case_id": submission.case_id,
        "person_id": submission.person_id,
        "household_id": submission.household_id,
        "status": submission.status,
        "current": submission.is_current,
        "data": submission.data or {},
        "computed": submission.computed or {},
        "version_no": submission.version_no,
        "correction_of_id": submission.correction_of_id,
        "correction_reason": submission.correction_reason,
        "created_by_id": submission.created_by_id,
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "finalised_by_id": submission.finalised_by_id,
        "finalised_at": submission.finalised_at,
        "superseded_at": submission.superseded_at,
        "superseded_by_id": submission.superseded_by_id,
        "version": submission.version,
    }


@forms_blp.route("/forms")
class Forms(MethodView):
    @forms_blp.response(200, FormListSchema)
    @forms_blp.alt_response(403, response="FORBIDDEN")
    def get(self):
        """The forms this tenant has (core's and those of its enabled plugins), newest versions
        first within a key. Each names the URL of its JSON Schema."""
        require_case_work()
        items = sorted(
            submissions.form_definitions(g.tenant).values(),
            key=lambda d: (str(d.title).casefold(), d.key, -d.version),
        )
        return {"items": [_definition_out(d) for d in items]}


@forms_blp.route("/forms/<key>/<int:version>/schema")
@forms_blp.response(200, description="JSON Schema (draft 2020-12) of the form's answers")
@forms_blp.alt_response(404, response="NOT_FOUND")
def form_schema(key, version):
    """The JSON Schema of a form's answers: titles are the German labels, enums the option keys;
    what JSON Schema cannot say (visibility, conditional requirements, computed values, the
    form's own rules) is kept in `x-lotse-…` keywords."""
    from core.forms import engine

    require_case_work()
    defn = submissions.definition(g.tenant, key, version)
    if defn is None:
        abort(404)
    return engine.json_schema(defn)


@forms_blp.route("/cases/<int:case_id>/form-submissions")
class CaseSubmissions(MethodView):
    @forms_blp.response(200, SubmissionListSchema)
    @forms_blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """The case's form submissions (drafts, finals, corrections), newest first. Audited."""
        case = case_or_404(case_id)
        rows = submissions.submissions_for(actor(), case)
        read(case, "api_forms")
        return {"items": [submission_out(s) for s in rows]}

    @json_body(forms_blp, SubmissionCreateSchema)
    @forms_blp.response(201, SubmissionSchema)
    @forms_blp.alt_response(403, response="FORBIDDEN")
    @forms_blp.alt_response(404, response="NOT_FOUND", description="No such case or form.")
    def post(self, data, case_id):
        """Start a form for the case and store its answers in one call: as a draft (missing
        answers allowed), or with `final: true` validated in full and finalised. Any error names
        its field and stores nothing."""
        case = case_or_404(case_id)
        values = load(SubmissionCreateSchema, data)
        submission = submissions.create(
            actor(),
            g.tenant,
            case,
            values["form_key"],
            values["data"],
            final=values["final"],
            version=values["form_version"],
        )
        db.session.commit()
        return submission_out(submission)


def _person_or_404(person_id: int):
    from core.persons import services as persons

    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, actor()):
        abort(404)
    return person


def _household_or_404(household_id: int):
    from core.persons import services as persons
    from core.persons.models import Household

    household = db.session.get(Household, household_id)
    if household is None or not persons.can_see_household(household, actor()):
        abort(404)
    return household


def _list(target) -> dict:
    rows = submissions.submissions_for(actor(), target)
    _read_target(target)
    return {"items": [submission_out(s) for s in rows]}


def _create(target, data) -> dict:
    values = load(SubmissionCreateSchema, data)
    submission = submissions.create(
        actor(),
        g.tenant,
        target,
        values["form_key"],
        values["data"],
        final=values["final"],
        version=values["form_version"],
    )
    db.session.commit()
    return submission_out(submission)


@forms_blp.route("/persons/<int:person_id>/form-submissions")
class PersonSubmissions(MethodView):
    @forms_blp.response(200, SubmissionListSchema)
    @forms_blp.alt_response(404, response="NOT_FOUND")
    def get(self, person_id):
        """The person's own form submissions (forms that attach to a person; a case's forms
        are listed under the case), newest first. Audited."""
        require_case_work()
        return _list(_person_or_404(person_id))

    @json_body(forms_blp, SubmissionCreateSchema)
    @forms_blp.response(201, SubmissionSchema)
    @forms_blp.alt_response(403, response="FORBIDDEN")
    @forms_blp.alt_response(404, response="NOT_FOUND", description="No such person or form.")
    def post(self, data, person_id):
        """Start a person form (``attaches_to: person``) and store its answers in one call, as
        for a case; a form of a case or household is an error at ``form_key``."""
        return _create(_person_or_404(person_id), data)


@forms_blp.route("/households/<int:household_id>/form-submissions")
class HouseholdSubmissions(MethodView):
    @forms_blp.response(200, SubmissionListSchema)
    @forms_blp.alt_response(404, response="NOT_FOUND")
    def get(self, household_id):
        """The household's form submissions, newest first. Audited."""
        require_case_work()
        return _list(_household_or_404(household_id))

    @json_body(forms_blp, SubmissionCreateSchema)
    @forms_blp.response(201, SubmissionSchema)
    @forms_blp.alt_response(403, response="FORBIDDEN")
    @forms_blp.alt_response(404, response="NOT_FOUND", description="No such household or form.")
    def post(self, data, household_id):
        """Start a household form (``attaches_to: household``) and store its answers in one
        call; a form of a case or person is an error at ``form_key``."""
        return _create(_household_or_404(household_id), data)


def _submission(submission_id: int, *, write: bool = False):
    return submissions.get_submission(actor(), g.tenant, submission_id, write=write)


def _read(submission) -> None:
    _read_target(submissions.target_of(submission))


def _read_target(target) -> None:
    """Audit the read: a case's as a read of the case file, a person's or household's as a
    read of it (content-free)."""
    from core.audit import services as audit
    from core.cases.models import Case

    if isinstance(target, Case):
        read(target, "api_forms")
        return
    kind = submissions.kind_of(target)
    audit.record(f"{kind}.read", actor=actor(), obj=target, part="api_forms")
    commit_keeping_loaded()


@forms_blp.route("/form-submissions/<int:submission_id>")
class Submission(MethodView):
    @forms_blp.response(200, SubmissionSchema)
    @forms_blp.alt_response(404, response="NOT_FOUND")
    def get(self, submission_id):
        """One submission with its answers. Audited."""
        if not (access.can_work() or access.can_supervise()):
            abort(403)
        submission = _submission(submission_id)
        _read(submission)
        return submission_out(submission)

    @json_body(forms_blp, SubmissionPatchSchema)
    @forms_blp.response(200, SubmissionSchema)
    @forms_blp.alt_response(404, response="NOT_FOUND")
    @forms_blp.alt_response(409, schema=ConflictSchema)
    def patch(self, data, submission_id):
        """Replace the answers of a draft. A final submission is a 422: correct it instead."""
        submission = _submission(submission_id, write=True)
        values = load(SubmissionPatchSchema, data)
        submissions.save_draft(
            actor(), g.tenant, submission, values["data"], version=values["version"]
        )
        db.session.commit()
        return submission_out(submission)


@forms_blp.route("/form-submissions/<int:submission_id>/finalise", methods=["POST"])
@json_body(forms_blp, FinaliseSchema)
@forms_blp.response(200, SubmissionSchema)
@forms_blp.alt_response(404, response="NOT_FOUND")
def finalise(data, submission_id):
    """Validate the draft's answers (or `data`) in full and finalise; errors store nothing.
    Finalising a correction supersedes the final it corrects."""
    submission = _submission(submission_id, write=True)
    values = load(FinaliseSchema, data)
    submissions.finalise(actor(), g.tenant, submission, values["data"])
    db.session.commit()
    return submission_out(submission)


@forms_blp.route("/form-submissions/<int:submission_id>/corrections", methods=["POST"])
@json_body(forms_blp, CorrectionSchema)
@forms_blp.response(201, SubmissionSchema)
@forms_blp.alt_response(404, response="NOT_FOUND")
def corrections(data, submission_id):
    """Start a correction of a final submission: a new draft (next version) with its answers
    and the reason; finalise it to replace the old final."""
    submission = _submission(submission_id, write=True)
    values = load(CorrectionSchema, data)
    draft = submissions.correct(actor(), g.tenant, submission, values["correction_reason"])
    db.session.commit()
    return submission_out(draft)
