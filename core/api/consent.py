"""API resources of consent: records and revocations per person, disclosures through the gate,
and the disclosure register for the data-protection officer. Same services as the pages."""

from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from core.auth.permissions import require_permission
from core.cases import services as cases
from core.consent import coverage
from core.consent import services as consent
from core.consent.models import ConsentRecord
from core.consent.schemas import (
    ConsentSchema,
    DisclosureRequestSchema,
    DisclosureSchema,
    RevocationSchema,
)
from core.db import db
from core.persons import services as persons
from core.web import actor

consents_blp = Blueprint(
    "api_consents",
    __name__,
    url_prefix="/persons",
    description="Consents and confidentiality releases",
)
disclosures_blp = Blueprint(
    "api_disclosures",
    __name__,
    url_prefix="/disclosures",
    description="Disclosures through the consent gate",
)


def blueprints():
    return (consents_blp, disclosures_blp)


def _person_or_404(person_id):
    require_permission("cases.work")
    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, actor()):
        abort(404)
    consent.ensure_defaults(g.tenant)  # tenants created before consent existed get the defaults
    db.session.commit()
    return person


def _row(record, revocations):
    data = {
        c: getattr(record, c)
        for c in (
            "id",
            "person_id",
            "kind",
            "template_version_id",
            "language",
            "signed_by",
            "guardian_name",
            "covered_person_ids",
            "recipient_keys",
            "partner_names",
            "purposes",
        )
    }
    data.update(
        granted_on=record.granted_on,
        valid_until=record.valid_until,
        status=consent.status(record, revocations),
        revocations=revocations,
    )
    return data


@consents_blp.route("/<int:person_id>/consents")
class Consents(MethodView):
    @consents_blp.response(200, ConsentSchema(many=True))
    def get(self, person_id):
        """The person's consents with their revocations (append-only history)."""
        person = _person_or_404(person_id)
        return [
            _row(record, revocations)
            for record, revocations, _version in consent.consent_history(person)
        ]

    @consents_blp.arguments(ConsentSchema)
    @consents_blp.response(201, ConsentSchema)
    def post(self, data, person_id):
        """Record a signed consent; under-16s need a guardian."""
        person = _person_or_404(person_id)
        record = consent.record_consent(actor(), person, data)
        db.session.commit()
        return _row(record, [])


@consents_blp.route("/<int:person_id>/consents/<int:consent_id>/revoke", methods=["POST"])
@consents_blp.arguments(RevocationSchema)
@consents_blp.response(201, RevocationSchema)
def revoke(data, person_id, consent_id):
    """Revoke in one step; effective from the day it was received. Consequence (no confirmation
    step in the API): revoking a consent of the kind "processing" in full - or the last consent
    processing rests on - stops processing and applies the tenant's policy at once: the person is
    erased or anonymised (``policy_applied``), unless a legal hold or an Art. 18 restriction keeps
    the file; then the file is frozen, the data-protection officer gets a task, and the policy runs
    when the hold ends (``policy_applied`` is null, ``processing_stopped`` true)."""
    person = _person_or_404(person_id)
    record = db.session.scalar(select(ConsentRecord).where(ConsentRecord.id == consent_id))
    if record is None or not coverage.covers(record, person.id):
        abort(404)
    row = consent.revoke(actor(), record, data)
    log = getattr(row, "policy_log", None)
    # Serialise before the commit: an erasure removes the revocation row with everything else.
    out = {
        "id": row.id,
        "received_on": row.received_on,
        "recipient_keys": row.recipient_keys,
        "policy_applied": log.action if log is not None else None,
        "processing_stopped": log is not None or person.processing_revoked_at is not None,
    }
    db.session.commit()
    return out


@disclosures_blp.route("")
class Disclosures(MethodView):
    @disclosures_blp.response(200, DisclosureSchema(many=True))
    @disclosures_blp.paginate()
    def get(self, pagination_parameters):
        """The disclosure register (data-protection officer), newest first, page by page.

        Every entry is reachable: `page` and `page_size` (at most 100) choose the page; the
        `X-Pagination` header gives the total and the page links.
        """
        require_permission("disclosures.read")
        rows, total = consent.disclosure_page(
            page=pagination_parameters.page, per_page=pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return rows

    @disclosures_blp.arguments(DisclosureRequestSchema)
    @disclosures_blp.response(201, DisclosureSchema)
    def post(self, data):
        """Pass data on through the gate. Refused (422, field "consent") with the German reason
        when no valid release covers recipient and purpose; the refusal is audited."""
        case = cases.get_case(data.pop("case_id"), actor())
        if case is None:
            abort(404)
        consent.ensure_defaults(g.tenant)
        db.session.commit()
        row = consent.disclose_from_case(actor(), g.tenant, case, data)
        db.session.commit()
        return row
