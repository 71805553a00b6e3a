"""What the eligibility domain contributes through the plugin hooks: the Zugangsprüfung page and
its API (built-in, always on). Its data lives in ``access_decision``, declared by the cases
domain."""

from __future__ import annotations

from core import hookimpl

#: After the cases domain (its table and permissions come first).
ORDER = 25


@hookimpl
def lotse_blueprints():
    from core.eligibility.views import bp

    return [bp]


@hookimpl
def lotse_api_blueprints():
    from core.eligibility.api import blp

    return [blp]


@hookimpl
def lotse_form_saved(submission, actor):
    """The answers of a form changed: when one of the tenant's rules reads that form, the
    suggestion is recomputed from them in the same transaction (a draft counts: the case
    manager sees the verdict move while filling in the checklist)."""
    if submission.case_id is None:
        return
    from core.cases.models import Case
    from core.db import db
    from core.eligibility.services import on_answers_changed

    case = db.session.get(Case, submission.case_id)
    if case is not None:
        on_answers_changed(
            case, submission.form_key, submission.data, actor, form_submission_id=submission.id
        )
