"""Data-subject rights on the person (requests, restriction, legal holds, correction trail,
retention) and the registers the data-protection officer works from (requests, deletion log)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core import confirm
from core.auth.permissions import has_permission, require_permission
from core.db import db
from core.persons import services as persons
from core.privacy import erasure, requests, retention
from core.privacy.document_views import export_refusal
from core.privacy.field_labels import column_label, start_event_label
from core.privacy.models import REQUEST_KINDS, DataSubjectRequest
from core.privacy.schemas import DecisionSchema, HoldSchema, RequestSchema, RestrictionSchema
from core.schemas import form_input
from core.web import actor, flash_errors, run_write

bp = Blueprint("privacy", __name__, url_prefix="/<tenant>", template_folder="templates")


def privacy_person_or_404(person_id):
    """Who may act on a person's data-subject rights: those who may see the person and record
    requests, and the data-protection officer (also for restricted persons)."""
    person = persons.get_person(person_id)
    if person is None:
        abort(404)
    if has_permission("disclosures.read"):
        return person
    if not has_permission("privacy.requests"):
        abort(403)
    if not persons.can_see_person(person, actor()):
        abort(404)
    return person


def _request_or_404(request_id) -> DataSubjectRequest:
    row = db.session.scalar(select(DataSubjectRequest).where(DataSubjectRequest.id == request_id))
    if row is None:
        abort(404)
    return row


@bp.route("/persons/<int:person_id>/privacy", methods=["GET", "POST"])
def person_privacy(person_id):
    person = privacy_person_or_404(person_id)
    errors = {}
    if request.method == "POST":
        require_permission("privacy.requests")
        errors, _r = run_write(
            lambda: requests.create_request(
                actor(), person, form_input(RequestSchema, request.form)
            ),
            success=_("Request recorded. It is due within one month."),
        )
        if not errors:
            return redirect(url_for("privacy.person_privacy", person_id=person.id))
    return render_template(
        "privacy/person.html",
        person=person,
        requests_=requests.requests_of(person),
        kind_options=[(k, requests.kind_label(k)) for k in REQUEST_KINDS],
        column_label=column_label,
        start_event_label=start_event_label,
        kind_label=requests.kind_label,
        status_label=requests.status_label,
        holds=requests.holds_of(person),
        changes=requests.changes_of(person),
        info=retention.person_retention(g.tenant, person),
        errors=errors,
        form=request.form,
        today=date.today(),
        can_decide=has_permission("privacy.approve"),
        recipients=_recipients_of(person),
        may_export=has_permission("privacy.requests") and not export_refusal(person),
        may_work=has_permission("cases.work") and persons.can_see_person(person, actor()),
    ), (400 if errors else 200)


def _recipients_of(person) -> list[str]:
    """Who received the person's data (Art. 19: to be told of corrections, erasure, restriction)."""
    from core.consent.models import Disclosure
    from core.consent.services import categories

    names = {c.key: c.name for c in categories(active_only=False)}
    seen: dict[str, None] = {}
    for key, name in db.session.execute(
        select(Disclosure.recipient_key, Disclosure.recipient_name)
        .where(Disclosure.person_id == person.id)
        .order_by(Disclosure.at)
    ):
        label = " · ".join(x for x in (names.get(key, key) if key else "", name) if x)
        seen.setdefault(label, None)
    return list(seen)


@bp.route(
    "/privacy/requests/<int:request_id>/<any(complete, reject, erase):decision>", methods=["POST"]
)
def decide(request_id, decision):
    require_permission("privacy.approve")
    row = _request_or_404(request_id)
    person = persons.get_person(row.person_id)
    if person is None:
        abort(404)
    if not confirm.confirmed() and (
        decision == "erase" or (decision == "complete" and row.kind == "restriction")
    ):
        return _confirm_decision(row, person, decision)
    success = {
        "complete": _("Request marked as answered."),
        "reject": _("Request refused."),
        "erase": _("The person's data were erased. Only the content-free deletion log remains."),
    }[decision]
    data = {**form_input(DecisionSchema, request.form), "decision": decision}
    errors, _r = run_write(
        lambda: requests.decide(actor(), g.tenant, row, person, data), success=success
    )
    if decision == "erase" and not errors:
        return redirect(url_for("privacy.requests_register"))
    flash_errors(errors)
    return redirect(url_for("privacy.person_privacy", person_id=row.person_id))


def _waiting_revocation_line(person) -> list[str]:
    """When a revoked consent waits for this hold/restriction, ending it erases or anonymises."""
    if person.processing_revoked_at is None:
        return []
    action = retention.policy(g.tenant).on_processing_revocation
    return [
        _(
            "The consent to processing was revoked: when no other hold or restriction remains, the "
            "file is erased "
            "at once."
        )
        if action == "erase"
        else _(
            "The consent to processing was revoked: when no other hold or restriction remains, the "
            "file is anonymised "
            "at once."
        )
    ]


def _confirm_restriction(person, back):
    """One confirmation for restricting, whether asked for or decided on a request (Art. 18)."""
    return confirm.confirmation_page(
        title=_("Restrict processing?"),
        cancel_url=back,
        action_label=_("Yes, restrict processing"),
        consequences=[
            _(
                "The person disappears from search, case lists and follow-up lists; the file "
                "refuses every change until the restriction is lifted. Those who may see the "
                "person still reach it by its address."
            ),
            requests.file_summary_line(person),
        ],
    )


def _confirm_decision(row, person, decision):
    back = url_for("privacy.person_privacy", person_id=person.id)
    if decision == "erase":
        holds = requests.holds_of(person)
        lines = [
            _(
                "All data of the person are erased: master data, cases, documentation, consents, "
                "disclosures and "
                "documents. The request stays without its text, with a content-free deletion log "
                "entry."
            ),
            requests.file_summary_line(person),
        ]
        if holds:
            lines.append(
                _(
                    "A legal hold protects this file: the erasure will be refused until it is "
                    "released."
                )
            )
        return confirm.confirmation_page(
            title=_("Approve the erasure?"),
            consequences=lines,
            warning=_("This cannot be undone."),
            action_label=_("Yes, approve and erase"),
            cancel_url=back,
        )
    return _confirm_restriction(person, back)


@bp.route("/persons/<int:person_id>/restriction", methods=["POST"])
def restriction(person_id):
    require_permission("privacy.approve")
    person = privacy_person_or_404(person_id)
    if not confirm.confirmed():
        back = url_for("privacy.person_privacy", person_id=person.id)
        if request.form.get("lift"):
            return confirm.confirmation_page(
                title=_("Lift the restriction?"),
                cancel_url=back,
                action_label=_("Yes, lift the restriction"),
                consequences=[
                    _("The file can be changed again and appears in search and lists."),
                    *_waiting_revocation_line(person),
                ],
                danger=person.processing_revoked_at is not None,
            )
        return _confirm_restriction(person, back)
    if request.form.get("lift"):
        errors, _r = run_write(
            lambda: requests.lift_restriction(actor(), person), success=_("Restriction lifted.")
        )
    else:
        errors, _r = run_write(
            lambda: requests.restrict(actor(), person, form_input(RestrictionSchema, request.form)),
            success=_("Processing restricted. The person no longer appears in search and lists."),
        )
    flash_errors(errors)
    return _back_to(person_id)


@bp.route("/persons/<int:person_id>/holds", methods=["POST"])
def add_hold(person_id):
    require_permission("privacy.approve")
    person = privacy_person_or_404(person_id)
    errors, _r = run_write(
        lambda: requests.add_hold(actor(), person, form_input(HoldSchema, request.form)),
        success=_("Legal hold recorded. The retention job keeps this file."),
    )
    flash_errors(errors)
    return redirect(url_for("privacy.person_privacy", person_id=person.id))


@bp.route("/privacy/holds/<int:hold_id>/release", methods=["POST"])
def release_hold(hold_id):
    require_permission("privacy.approve")
    hold = requests.active_hold(hold_id)
    if hold is None:
        abort(404)
    person = privacy_person_or_404(hold.person_id)
    if not confirm.confirmed():
        return confirm.confirmation_page(
            title=_("Release the legal hold?"),
            action_label=_("Yes, release the hold"),
            danger=person.processing_revoked_at is not None,
            cancel_url=url_for("privacy.person_privacy", person_id=hold.person_id),
            consequences=[
                _(
                    "The retention rules apply to the file again; if it is due, the next retention "
                    "run erases or "
                    "anonymises it."
                ),
                *_waiting_revocation_line(person),
            ],
        )
    person_id = hold.person_id
    run_write(lambda: requests.release_hold(actor(), hold), success=_("Legal hold released."))
    return _back_to(person_id)


def _back_to(person_id):
    """The person's page, or the DSB desk when a waiting revocation has just erased the person."""
    if persons.get_person(person_id) is None:
        return redirect(url_for("privacy.desk"))
    return redirect(url_for("privacy.person_privacy", person_id=person_id))


@bp.route("/privacy")
def desk():
    """The data-protection officer's desk: overrides, refusals, revocations, unusual access,
    requests, due deletions, recipient notices."""
    require_permission("disclosures.read")
    from core.consent import services as consent
    from core.privacy import desk as desk_queries

    names = {c.key: c.name for c in consent.categories(active_only=False)}
    return render_template(
        "privacy/desk.html",
        names=names,
        purpose_label=consent.purpose_label,
        kind_label=requests.kind_label,
        **desk_queries.overview(g.tenant),
    )


@bp.route("/privacy/requests")
def requests_register():
    """All data-subject requests, open ones first, overdue ones marked."""
    if not (has_permission("privacy.approve") or has_permission("disclosures.read")):
        abort(403)
    rows = requests.register()
    from core.persons.models import Person

    names = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(Person.id.in_([r.person_id for r in rows] or [0]))
        )
    }
    return render_template(
        "privacy/requests.html",
        rows=rows,
        names=names,
        kind_label=requests.kind_label,
        status_label=requests.status_label,
        today=date.today(),
    )


@bp.route("/privacy/deletion-log")
def deletion_log():
    require_permission("disclosures.read")
    return render_template("privacy/deletion_log.html", rows=erasure.deletion_log(500))


@bp.route("/privacy/retention")
def retention_due():
    """What the next retention runs will do: the kept result of the last dry run, 50 files a
    page (computing it takes long on a large installation; "neu berechnen" does it anew)."""
    require_permission("disclosures.read")
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    run = retention.stored_result_or_compute(g.tenant)
    items, more = retention.stored_page(run, page)
    return render_template(
        "privacy/retention.html",
        items=items,
        more=more,
        page=page,
        run=run,
        reasons=retention.hold_reasons([c.person_id for c in items if c.held]),
        today=date.today(),
        policy=retention.policy(g.tenant),
    )


@bp.route("/privacy/retention/recompute", methods=["POST"])
def retention_recompute():
    """The DSB asks for a fresh dry run (it replaces the kept result)."""
    require_permission("disclosures.read")
    run_write(
        lambda: retention.recompute(actor(), g.tenant),
        success=_("The due deletions were computed anew."),
    )
    return redirect(url_for("privacy.retention_due"))


@bp.route("/privacy/recipient-notices/<int:notice_id>/done", methods=["POST"])
def recipient_notice_done(notice_id):
    """Art. 19: the DSB has told the recipients of an erased client's data."""
    require_permission("disclosures.read")
    notice = erasure.recipient_notice(notice_id)
    if notice is None:
        abort(404)
    run_write(
        lambda: erasure.close_recipient_notice(actor(), notice),
        success=_("Marked as done: the recipients were informed."),
    )
    return redirect(url_for("privacy.desk"))
