"""API resources of data-subject rights: requests (with four-eyes erasure), restriction, legal
holds, the correction trail, due deletions and the deletion log. Same services as the pages."""

from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from core.auth.permissions import has_permission, require_permission
from core.db import db
from core.persons import services as persons
from core.privacy import erasure, requests, retention
from core.privacy.models import DataSubjectRequest
from core.privacy.schemas import (
    ChangeSchema,
    DecisionSchema,
    DeletionLogSchema,
    DuePageArgsSchema,
    DueSchema,
    HoldSchema,
    RequestSchema,
    RestrictionSchema,
    RestrictionStateSchema,
    RetentionInfoSchema,
)
from core.privacy.views import privacy_person_or_404
from core.web import actor

person_blp = Blueprint(
    "api_person_privacy",
    __name__,
    url_prefix="/persons",
    description="Data-subject rights of one person",
)
privacy_blp = Blueprint(
    "api_privacy",
    __name__,
    url_prefix="/privacy",
    description="Data-subject requests, retention and deletion log",
)


def blueprints():
    return (person_blp, privacy_blp)


def _restriction_state(person):
    return {
        "restricted": person.restricted_at is not None,
        "restricted_at": person.restricted_at,
        "restriction_reason": person.restriction_reason,
    }


@person_blp.route("/<int:person_id>/privacy-requests")
class PersonRequests(MethodView):
    @person_blp.response(200, RequestSchema(many=True))
    def get(self, person_id):
        """The person's data-subject requests, newest first."""
        return requests.requests_of(privacy_person_or_404(person_id))

    @person_blp.arguments(RequestSchema)
    @person_blp.response(201, RequestSchema)
    def post(self, data, person_id):
        """Record a request; it is due one month after receipt (Art. 12(3) GDPR)."""
        require_permission("privacy.requests")
        person = privacy_person_or_404(person_id)
        row = requests.create_request(actor(), person, data)
        db.session.commit()
        return row


@person_blp.route("/<int:person_id>/retention")
@person_blp.response(200, RetentionInfoSchema)
def person_retention(person_id):
    """What the tenant's Löschkonzept says about this person's file."""
    return retention.person_retention(g.tenant, privacy_person_or_404(person_id))


@person_blp.route("/<int:person_id>/changes")
@person_blp.response(200, ChangeSchema(many=True))
def person_changes(person_id):
    """The correction trail of the master data (Art. 16): old and new value of every change."""
    return requests.changes_of(privacy_person_or_404(person_id))


@person_blp.route("/<int:person_id>/restriction")
class Restriction(MethodView):
    @person_blp.response(200, RestrictionStateSchema)
    def get(self, person_id):
        return _restriction_state(privacy_person_or_404(person_id))

    @person_blp.arguments(RestrictionSchema)
    @person_blp.response(200, RestrictionStateSchema)
    def put(self, data, person_id):
        """Restrict processing (Art. 18): hidden from search and lists, frozen."""
        require_permission("privacy.approve")
        person = privacy_person_or_404(person_id)
        requests.restrict(actor(), person, data)
        db.session.commit()
        return _restriction_state(person)

    @person_blp.response(200, RestrictionStateSchema)
    def delete(self, person_id):
        """Lift the restriction. Consequence: a revocation of the processing consent that waited for
        it now erases or anonymises the person (tenant policy), unless a legal hold remains."""
        require_permission("privacy.approve")
        person = privacy_person_or_404(person_id)
        requests.lift_restriction(actor(), person)
        out = _restriction_state(person)
        db.session.commit()
        return out


@person_blp.route("/<int:person_id>/holds")
class Holds(MethodView):
    @person_blp.response(200, HoldSchema(many=True))
    def get(self, person_id):
        return requests.holds_of(privacy_person_or_404(person_id))

    @person_blp.arguments(HoldSchema)
    @person_blp.response(201, HoldSchema)
    def post(self, data, person_id):
        """A legal hold: the retention job keeps the file until it is released."""
        require_permission("privacy.approve")
        hold = requests.add_hold(actor(), privacy_person_or_404(person_id), data)
        db.session.commit()
        return hold


@privacy_blp.route("/holds/<int:hold_id>/release", methods=["POST"])
@privacy_blp.response(200, HoldSchema)
def release_hold(hold_id):
    """Release a legal hold. Consequence: when the person's processing consent was revoked while the
    hold kept the file, and no other hold or restriction remains, the tenant's revocation policy
    runs at once and erases or anonymises the person (no confirmation step in the API)."""
    require_permission("privacy.approve")
    hold = requests.active_hold(hold_id)
    if hold is None:
        abort(404)
    privacy_person_or_404(hold.person_id)
    requests.release_hold(actor(), hold)
    out = {
        name: getattr(hold, name) for name in HoldSchema().fields
    }  # before the commit: an erasure takes the hold with it
    db.session.commit()
    return out


@privacy_blp.route("/requests")
@privacy_blp.response(200, RequestSchema(many=True))
def all_requests():
    """Every request of the tenant (decision makers and the data-protection officer): open ones
    first, the most urgent on top."""
    if not (has_permission("privacy.approve") or has_permission("disclosures.read")):
        abort(403)
    return requests.register(limit=None)


@privacy_blp.route("/requests/<int:request_id>/decision", methods=["POST"])
@privacy_blp.arguments(DecisionSchema)
@privacy_blp.response(200, RequestSchema)
def decide(data, request_id):
    """complete / reject / erase. Erasure needs a second person: not the one who recorded it.
    Consequence of ``erase``: every row and document of the person is deleted at once (no
    confirmation step in the API); only the request without its text and the deletion log remain.
    ``complete`` on a restriction request restricts processing (Art. 18)."""
    require_permission("privacy.approve")
    row = db.session.scalar(select(DataSubjectRequest).where(DataSubjectRequest.id == request_id))
    person = persons.get_person(row.person_id) if row is not None else None
    if row is None or person is None:
        abort(404)
    requests.decide(actor(), g.tenant, row, person, data)
    db.session.commit()
    return row  # the request itself outlives an erasure, as evidence


@privacy_blp.route("/retention/due")
@privacy_blp.arguments(DuePageArgsSchema, location="query")
@privacy_blp.response(200, DueSchema(many=True))
def due(args):
    """Files due now or within the warning period: the kept result of the last dry run, as on
    the DSB desk (computing it takes long on a large installation; the desk's "neu berechnen" and
    `lotse jobs retention --dry-run` renew it). 50 files a page; the header `X-Computed-At` says
    when the result was computed, `X-Next-Page` names the next page when there is one."""
    require_permission("disclosures.read")
    run = retention.stored_result_or_compute(g.tenant)
    items, more = retention.stored_page(run, args["page"])
    headers = {"X-Computed-At": run.finished_at.isoformat() if run.finished_at else ""}
    if more:
        headers["X-Next-Page"] = str(args["page"] + 1)
    return items, 200, headers


@privacy_blp.route("/deletion-log")
@privacy_blp.response(200, DeletionLogSchema(many=True))
def deletion_log():
    """The content-free log of erasures and anonymisations."""
    require_permission("disclosures.read")
    return erasure.deletion_log(500)
