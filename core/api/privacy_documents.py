"""API resources of the data-protection documents: a person's Art. 15 / Art. 20 package and the
tenant's Art. 30 records of processing. Same permission checks, same audit and the very same JSON
as the downloads on the pages (the package is returned as built, not re-serialised, so the API
and the download can never drift apart)."""

from __future__ import annotations

from flask import g, jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from core.audit import services as audit
from core.db import db
from core.privacy import subject_access
from core.privacy.document_views import exportable_person, may_read_records, records_document
from core.privacy.schemas import PackageSchema, RecordsDocumentSchema

persons_blp = Blueprint(
    "api_privacy_export",
    __name__,
    url_prefix="/persons",
    description="Data-subject access and portability (Art. 15, Art. 20 GDPR)",
)
records_blp = Blueprint(
    "api_processing_records",
    __name__,
    url_prefix="/records-of-processing",
    description="Records of processing activities (Art. 30 GDPR)",
)


def blueprints():
    return (persons_blp, records_blp)


@persons_blp.route("/<int:person_id>/data-export")
@persons_blp.response(200, PackageSchema)
def data_export(person_id):
    """Everything stored about the person, grouped by data category, with consents,
    disclosures, requests, documents, access log and retention (audited)."""
    person = exportable_person(person_id)
    package = subject_access.build_package(g.tenant, person)
    audit.record(
        "privacy.exported", actor=current_user._get_current_object(), obj=person, format="api"
    )
    db.session.commit()
    return jsonify(package)


@records_blp.route("")
@records_blp.response(200, RecordsDocumentSchema)
def records_of_processing():
    """The tenant's records of processing: core plus its enabled plugins, with retention periods."""
    may_read_records()
    document = records_document(g.tenant)
    audit.record("privacy.records_exported", actor=current_user._get_current_object(), format="api")
    db.session.commit()
    return jsonify(document)
