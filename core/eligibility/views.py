"""The Zugangsprüfung page of a case: the rules' verdicts with their reasons, the suggestion,
the Vorrang hint and the decision form. Views validate the request and call the services."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.cases import services as cases
from core.cases.models import ACCESS_OUTCOMES
from core.cases.settings import case_settings, regelkreis_for
from core.db import commit_keeping_loaded
from core.eligibility import services
from core.eligibility.schemas import AccessDecisionInputSchema
from core.plugins.providers import eligibility_rules
from core.schemas import form_input
from core.web import actor, run_write

bp = Blueprint("eligibility", __name__, url_prefix="/<tenant>", template_folder="templates")


def _case_or_404(case_id: int, read: bool):
    case = cases.get_case(case_id, actor())
    if case is None:
        abort(404)
    if read:
        cases.record_read(actor(), case, "access_check")
        commit_keeping_loaded()
    return case


def _page(case, *, errors=None, form=None, status=200):
    assessment = services.assess(g.tenant, case)
    regelkreis = regelkreis_for(g.tenant)
    rules = eligibility_rules(g.tenant)
    return render_template(
        "eligibility/access.html",
        case=case,
        section="access",
        person=case.person,
        regelkreis=regelkreis,
        phases=regelkreis.phases(case.case_type),
        case_type=regelkreis.case_type(case.case_type),
        settings=case_settings(g.tenant),
        via=g.get("case_access", {}).get(case.id, "owner"),
        assessment=assessment,
        decision=services.current_decision(case),
        latest=services.latest_row(case),
        outcomes=ACCESS_OUTCOMES,
        target_group_rules=[r for r in rules.values() if r.category != "condition"],
        errors=errors or {},
        form=form if form is not None else services.prefill(assessment),
    ), status


@bp.route("/cases/<int:case_id>/access")
def access(case_id):
    return _page(_case_or_404(case_id, True))


@bp.route("/cases/<int:case_id>/access-decision", methods=["POST"])
def decide(case_id):
    case = _case_or_404(case_id, False)
    data = form_input(AccessDecisionInputSchema, request.form)
    data["target_groups"] = request.form.getlist("target_groups")
    errors, _row = run_write(
        lambda: services.decide(actor(), g.tenant, case, data),
        success=_("Access decision recorded."),
    )
    if errors:
        return _page(_case_or_404(case_id, False), errors=errors, form=request.form, status=400)
    return redirect(url_for("eligibility.access", case_id=case_id))
