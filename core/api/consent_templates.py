"""API resources of consent form administration: templates, versions (draft → published →
retired) and their Art. 13 information. Same services as the pages; published versions are
frozen, so changing one answers 409."""

from __future__ import annotations

from flask import abort, g
from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth.permissions import require_permission
from core.consent import services
from core.consent import template_services as forms
from core.consent.schemas import TemplateSchema, VersionPatchSchema, VersionSchema
from core.db import db
from core.web import actor

templates_blp = Blueprint(
    "api_consent_templates",
    __name__,
    url_prefix="/consent-templates",
    description="Consent forms, their versions and information sheets",
)


def blueprints():
    return (templates_blp,)


def _summary(version) -> dict:
    return {
        "id": version.id,
        "number": version.number,
        "status": forms.status(version),
        "languages": forms.languages_of(version),
        "published_at": version.published_at,
        "retired_at": version.retired_at,
    }


def _template_row(template) -> dict:
    return {
        "id": template.id,
        "key": template.key,
        "kind": template.kind,
        "title": template.title,
        "versions": [_summary(v) for v in template.versions],
    }


def _version_row(version) -> dict:
    return {
        **_summary(version),
        "template_id": version.template_id,
        "texts": version.texts or {},
        "recipient_keys": version.recipient_keys or [],
        "purposes": version.purposes or [],
        "processing_bodies": version.processing_bodies,
        "valid_months": version.valid_months,
        "privacy_notice": version.privacy_notice or {},
    }


def _frozen(exc: forms.VersionFrozen):
    abort(409, description=exc.message)


@templates_blp.route("")
class Templates(MethodView):
    @templates_blp.response(200, TemplateSchema(many=True))
    def get(self):
        """All consent forms with their versions, status and languages."""
        require_permission("consent.templates")
        services.ensure_defaults(g.tenant)
        db.session.commit()
        return [_template_row(t) for t in forms.templates()]

    @templates_blp.arguments(TemplateSchema)
    @templates_blp.response(201, TemplateSchema)
    def post(self, data):
        """Create a form; its wording follows as a draft version."""
        require_permission("consent.templates")
        template = forms.create_template(actor(), g.tenant, data)
        db.session.commit()
        return _template_row(template)


@templates_blp.route("/<int:template_id>/versions", methods=["POST"])
@templates_blp.response(201, VersionSchema)
def create_draft(template_id):
    """A new draft, copied from the latest version. One draft per form at a time."""
    require_permission("consent.templates")
    template = forms.template_or_404(template_id)
    version = forms.create_draft(actor(), g.tenant, template)
    db.session.commit()
    return _version_row(version)


@templates_blp.route("/versions/<int:version_id>")
class Version(MethodView):
    @templates_blp.response(200, VersionSchema)
    def get(self, version_id):
        """One version: texts per language, Art. 13 information, recipients and purposes."""
        require_permission("consent.templates")
        return _version_row(forms.version_or_404(version_id))

    @templates_blp.arguments(VersionPatchSchema(partial=True))
    @templates_blp.response(200, VersionSchema)
    @templates_blp.alt_response(
        409, description="The version is published and frozen: create a new draft."
    )
    def patch(self, data, version_id):
        """Change a draft: fields sent replace the draft's values (``texts`` as a whole, so
        languages can be removed; ``privacy_notice`` part by part); fields left out stay as they
        are. Published versions answer 409."""
        require_permission("consent.templates")
        version = forms.version_or_404(version_id)
        if "privacy_notice" in data:
            # The sheet's parts can be sent one by one; the others stay.
            data = {
                **data,
                "privacy_notice": {**(version.privacy_notice or {}), **data["privacy_notice"]},
            }
        try:
            forms.update_draft(actor(), version, data)
        except forms.VersionFrozen as exc:
            _frozen(exc)
        db.session.commit()
        return _version_row(version)


@templates_blp.route("/versions/<int:version_id>/publish", methods=["POST"])
@templates_blp.response(200, VersionSchema)
@templates_blp.alt_response(409, description="Already published.")
def publish(version_id):
    """Publish a complete draft (German texts, recipients, purposes, all Art. 13 fields)."""
    require_permission("consent.templates")
    version = forms.version_or_404(version_id)
    try:
        forms.publish(actor(), version)
    except forms.VersionFrozen as exc:
        _frozen(exc)
    db.session.commit()
    return _version_row(version)


@templates_blp.route("/versions/<int:version_id>/retire", methods=["POST"])
@templates_blp.response(200, VersionSchema)
def retire(version_id):
    """No new consents on this version; those already signed stay valid."""
    require_permission("consent.templates")
    version = forms.version_or_404(version_id)
    forms.retire(actor(), version)
    db.session.commit()
    return _version_row(version)
