"""Pages and downloads of the data-protection documents: a person's Art. 15 / Art. 20 package
(HTML, JSON, PDF, plus the stored documents) and the tenant's Art. 30 records of processing.

Every export of a person's data is audited, content-free. Restricted persons (Art. 18) stay
exportable: the right of access outlives the restriction."""

from __future__ import annotations

import io
import json
from datetime import date

from flask import Blueprint, Response, abort, g, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.auth.permissions import has_permission, require_permission
from core.db import db, utcnow
from core.pdf import display
from core.persons import services as persons
from core.persons.models import Person
from core.privacy import subject_access
from core.privacy.field_labels import labelled
from core.privacy.pdf import records_pdf, subject_access_pdf
from core.privacy.processing_records import build_records
from core.web import actor

bp = Blueprint("privacy_documents", __name__, url_prefix="/<tenant>", template_folder="templates")


def export_refusal(person) -> str:
    """Why the current user may not produce the person's Art. 15 package, or "" when they may.

    Case work that may see the person may; the data-protection officer, who needs no case
    content, only while an Art. 15 / Art. 20 request of that very person is open."""
    if persons.can_see_person(person, actor()):
        return ""
    from core.privacy.models import DataSubjectRequest

    if (
        db.session.scalar(
            select(DataSubjectRequest.id)
            .where(
                DataSubjectRequest.person_id == person.id,
                DataSubjectRequest.status == "open",
                DataSubjectRequest.kind.in_(("access", "portability")),
            )
            .limit(1)
        )
        is not None
    ):
        return ""
    return _(
        "The data of this person are only exported to answer an open request for access (Art. 15 "
        "GDPR) or "
        "data portability (Art. 20 GDPR). Please record the person's request first."
    )


def _refuse(reason: str):
    """403 with the German reason: a page, or a JSON error naming the field ``request``."""
    from flask import jsonify, make_response

    from core.web import wants_json

    if wants_json() or "/api/" in request.path:
        response = jsonify({"message": reason, "errors": {"request": [reason]}, "status": 403})
        response.status_code = 403
    else:
        response = make_response(
            render_template("errors/error.html", code=403, title=_("Access denied"), text=reason),
            403,
        )
    abort(response)


def exportable_person(person_id: int) -> Person:
    """The person if the user may export their data: ``privacy.requests`` plus either sight of
    the person (case work) or, for the DPO (``disclosures.read``), an open Art. 15 / 20 request
    of that person. 403 without the permission or the request (with the reason), 404 when the
    person is unknown or out of sight (no hint that it exists)."""
    require_permission("privacy.requests")
    # Not persons.get_person: restricted persons must stay reachable for their own request.
    person = db.session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        abort(404)
    if not (has_permission("disclosures.read") or persons.can_see_person(person, actor())):
        abort(404)
    reason = export_refusal(person)
    if reason:
        _refuse(reason)
    return person


def may_read_records() -> None:
    if not (has_permission("disclosures.read") or has_permission("admin.settings")):
        abort(403)


def _download(body: bytes, mimetype: str, stem: str, suffix: str) -> Response:
    """An attachment download; send_file encodes a translated, non-ASCII file name correctly."""
    name = f"{stem}-{date.today().isoformat()}.{suffix}"
    response = send_file(
        io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _package_for(person_id: int, fmt: str) -> tuple[Person, dict]:
    person = exportable_person(person_id)
    package = subject_access.build_package(g.tenant, person)
    audit.record("privacy.exported", actor=actor(), obj=person, format=fmt)
    db.session.commit()
    return person, package


def package_json(package: dict) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")


@bp.route("/persons/<int:person_id>/data-export")
def data_export(person_id):
    person, package = _package_for(person_id, "html")
    return render_template(
        "privacy/data_export.html",
        person=person,
        package=package,
        display=display,
        labelled=labelled,
        describe_retention=subject_access.describe_retention,
    )


@bp.route("/persons/<int:person_id>/data-export.json")
def data_export_json(person_id):
    person, package = _package_for(person_id, "json")
    return _download(
        package_json(package), "application/json", _("data-export-%(id)d", id=person.id), "json"
    )


@bp.route("/persons/<int:person_id>/data-export.pdf")
def data_export_pdf(person_id):
    person, package = _package_for(person_id, "pdf")
    return _download(
        subject_access_pdf(package), "application/pdf", _("data-export-%(id)d", id=person.id), "pdf"
    )


@bp.route("/persons/<int:person_id>/data-export/documents/<int:attachment_id>")
def data_export_document(person_id, attachment_id):
    """A stored document of the person as a copy (Art. 15(3)); also for the DPO, who has no case
    access."""
    from core.cases.models import Case
    from core.documentation.downloads import send_attachment
    from core.documentation.models import Attachment

    person = exportable_person(person_id)
    attachment = db.session.scalar(
        select(Attachment).where(
            Attachment.id == attachment_id,
            Attachment.case_id.in_(select(Case.id).where(Case.person_id == person.id)),
        )
    )
    return send_attachment(
        attachment,
        lambda: audit.record(
            "privacy.exported",
            actor=actor(),
            obj=person,
            format="document",
            attachment=attachment.id,
        ),
    )


def records_document(tenant) -> dict:
    """The Art. 30 export as one JSON-ready object (the page, the download and the API)."""
    return {
        "tenant": {"slug": tenant.slug, "name": tenant.name},
        "generated_at": subject_access.plain(utcnow()),
        "controller": subject_access.controller_info(tenant),
        "records": build_records(tenant),
    }


def _records(fmt: str) -> dict:
    may_read_records()
    document = records_document(g.tenant)
    audit.record("privacy.records_exported", actor=actor(), format=fmt)
    db.session.commit()
    return document


@bp.route("/privacy/records-of-processing")
def records_of_processing():
    return render_template(
        "privacy/records_of_processing.html", document=_records("html"), display=display
    )


@bp.route("/privacy/records-of-processing.json")
def records_of_processing_json():
    document = _records("json")
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(
        body,
        "application/json",
        _("records-of-processing-%(tenant)s", tenant=g.tenant.slug),
        "json",
    )


@bp.route("/privacy/records-of-processing.pdf")
def records_of_processing_pdf():
    document = _records("pdf")
    body = records_pdf(
        g.tenant, document["controller"], document["records"], document["generated_at"]
    )
    return _download(
        body, "application/pdf", _("records-of-processing-%(tenant)s", tenant=g.tenant.slug), "pdf"
    )
