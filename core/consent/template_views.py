"""Consent form administration (data-protection officer, local admin): templates and their
versions, recipient categories, and the Art. 13 information sheet that case managers hand out."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.auth.permissions import has_permission, require_permission
from core.consent import services
from core.consent import template_services as forms
from core.consent.models import CONSENT_KINDS, PURPOSES
from core.consent.schemas import RecipientCategorySchema, TemplateSchema
from core.db import db
from core.labels import is_rtl
from core.schemas import form_input
from core.web import actor, flash_errors, run_write

bp = Blueprint(
    "consent_templates", __name__, url_prefix="/<tenant>/consent-forms", template_folder="templates"
)


def _frozen(message):
    """Published versions are never edited: answer 409 and point to a new draft."""
    return render_template(
        "errors/error.html", code=409, title=_("Version is published"), text=message
    ), 409


def _common():
    return {
        "kind_labels": forms.KIND_LABELS,
        "status": forms.status,
        "status_label": forms.status_label,
        "languages_of": forms.languages_of,
        "language_label": forms.language_label,
    }


@bp.route("/")
def index():
    require_permission("consent.templates")
    services.ensure_defaults(
        g.tenant
    )  # tenants created before consent existed get the default form
    db.session.commit()
    rows = [(t, forms.current_number(t), forms.draft_of(t)) for t in forms.templates()]
    return render_template("consent/forms/index.html", rows=rows, **_common())


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_permission("consent.templates")
    errors = {}
    if request.method == "POST":
        errors, template = run_write(
            lambda: forms.create_template(
                actor(), g.tenant, form_input(TemplateSchema, request.form)
            ),
            success=_("Form created."),
        )
        if not errors:
            return redirect(url_for("consent_templates.show", template_id=template.id))
    return render_template(
        "consent/forms/new.html", errors=errors, form=request.form, kinds=CONSENT_KINDS, **_common()
    ), (400 if errors else 200)


@bp.route("/<int:template_id>")
def show(template_id):
    require_permission("consent.templates")
    template = forms.template_or_404(template_id)
    return render_template(
        "consent/forms/show.html", template=template, draft=forms.draft_of(template), **_common()
    )


@bp.route("/<int:template_id>/versions", methods=["POST"])
def new_draft(template_id):
    require_permission("consent.templates")
    template = forms.template_or_404(template_id)
    errors, version = run_write(
        lambda: forms.create_draft(actor(), g.tenant, template),
        success=_("New draft created. It is a copy of the latest version."),
    )
    if errors:
        flash_errors(errors)
        return redirect(url_for("consent_templates.show", template_id=template.id))
    return redirect(url_for("consent_templates.version", version_id=version.id))


def _values_from(version) -> dict:
    return {
        "languages": forms.languages_of(version),
        "texts": version.texts or {},
        "remove": [],
        "recipient_keys": list(version.recipient_keys or []),
        "purposes": list(version.purposes or []),
        "processing_bodies": version.processing_bodies or "",
        "valid_months": version.valid_months or "",
        "privacy_notice": dict(version.privacy_notice or {}),
    }


def _values_from_form(form) -> dict:
    """The page's flat field names (``texts.de.purpose``, ``privacy_notice.dpo``) as the nested
    input of :class:`~core.consent.schemas.VersionSchema`, plus what the page itself needs (the
    languages shown, those marked for removal). Nothing is checked here."""
    languages = [
        lang for lang in dict.fromkeys(form.getlist("languages")) if lang in forms.LANGUAGES
    ]
    if "de" not in languages:
        languages.insert(0, "de")
    return {
        "languages": languages,
        "texts": {
            lang: {
                "purpose": form.get(f"texts.{lang}.purpose", ""),
                "body": form.get(f"texts.{lang}.body", ""),
                **(
                    {
                        "notice": {
                            name: form.get(f"texts.{lang}.notice.{name}", "")
                            for name in forms.NOTICE_FIELDS
                        }
                    }
                    if lang != "de"
                    else {}
                ),
            }
            for lang in languages
        },
        "remove": [lang for lang in form.getlist("remove_language") if lang != "de"],
        "recipient_keys": form.getlist("recipient_keys"),
        "purposes": form.getlist("purposes"),
        "processing_bodies": form.get("processing_bodies", ""),
        "valid_months": form.get("valid_months", "").strip() or None,
        "privacy_notice": {
            name: form.get(f"privacy_notice.{name}", "") for name in forms.NOTICE_FIELDS
        },
    }


def _render_version(version, values, errors, code=200):
    template = forms.template_or_404(version.template_id)
    return render_template(
        "consent/forms/version.html",
        template=template,
        version=version,
        values=values,
        errors=errors,
        categories=forms.all_categories(),
        purposes=PURPOSES,
        purpose_label=services.purpose_label,
        languages=forms.LANGUAGES,
        notice_fields=forms.NOTICE_FIELDS,
        notice_labels=forms.notice_labels(),
        **_common(),
    ), code


@bp.route("/versions/<int:version_id>", methods=["GET", "POST"])
def version(version_id):
    """A draft is edited here; a published version is shown read-only."""
    require_permission("consent.templates")
    version_ = forms.version_or_404(version_id)
    if request.method == "GET":
        return _render_version(version_, _values_from(version_), {})
    if version_.published_at is not None:
        return _frozen(
            _("This version is published and can no longer be changed. Create a new draft instead.")
        )
    values = _values_from_form(request.form)
    if request.form.get("action") == "add_language":
        # Only shows another language block; nothing is written until the form is saved.
        lang = request.form.get("add_language", "")
        if lang in forms.LANGUAGES and lang not in values["languages"]:
            values["languages"].append(lang)
            values["texts"][lang] = {"purpose": "", "body": ""}
        return _render_version(version_, values, {})
    data = {
        **{k: values[k] for k in forms.VERSION_FIELDS},
        "texts": {
            lang: text for lang, text in values["texts"].items() if lang not in values["remove"]
        },
    }
    errors, _saved = run_write(
        lambda: forms.update_draft(actor(), version_, data), success=_("Draft saved.")
    )
    if not errors:
        return redirect(url_for("consent_templates.version", version_id=version_id))
    return _render_version(forms.version_or_404(version_id), values, errors, 400)


@bp.route("/versions/<int:version_id>/publish", methods=["POST"])
def publish(version_id):
    require_permission("consent.templates")
    version_ = forms.version_or_404(version_id)
    if version_.published_at is not None:
        return _frozen(_("This version is already published."))
    errors, _v = run_write(
        lambda: forms.publish(actor(), version_),
        success=_("Version published. It is frozen now; changes need a new draft."),
    )
    if errors:
        version_ = forms.version_or_404(version_id)
        return _render_version(version_, _values_from(version_), errors, 400)
    return redirect(url_for("consent_templates.show", template_id=version_.template_id))


@bp.route("/versions/<int:version_id>/retire", methods=["POST"])
def retire(version_id):
    require_permission("consent.templates")
    version_ = forms.version_or_404(version_id)
    template_id = version_.template_id
    from core import confirm

    if not confirm.confirmed():
        return confirm.confirmation_page(
            title=_("Retire this version?"),
            action_label=_("Yes, retire the version"),
            cancel_url=url_for("consent_templates.show", template_id=template_id),
            consequences=[
                _(
                    "The version can no longer be chosen for new consents; it cannot be published "
                    "again."
                ),
                _(
                    "Consents already signed on it stay valid, with their text and information "
                    "sheet."
                ),
            ],
        )
    errors, _v = run_write(
        lambda: forms.retire(actor(), version_),
        success=_("Version retired. Consents already signed on it stay valid."),
    )
    flash_errors(errors)
    return redirect(url_for("consent_templates.show", template_id=template_id))


@bp.route("/versions/<int:version_id>/information-sheet")
def information_sheet(version_id):
    """The Art. 13 GDPR sheet to hand out with the form; case managers print published ones."""
    admin = has_permission("consent.templates")
    if not (admin or has_permission("cases.work")):
        abort(403)
    version_ = forms.version_or_404(version_id)
    if version_.published_at is None and not admin:
        abort(404)
    language = request.args.get("lang", "de")
    if language not in (version_.texts or {}):
        abort(404)
    template = forms.template_or_404(version_.template_id)
    names = {c.key: c.name for c in forms.all_categories()}
    return render_template(
        "consent/forms/information_sheet.html",
        template=template,
        version=version_,
        language=language,
        rtl=is_rtl(language),
        text=version_.texts[language],
        notice=forms.notice_in(version_, language),
        notice_fields=forms.NOTICE_FIELDS,
        notice_labels=forms.notice_labels(),
        sheet_labels=forms.sheet_labels(language),
        names=names,
        admin=admin,
        person_id=request.args.get("person_id", type=int),
        **_common(),
    )


# --- recipient categories ------------------------------------------------------------------


@bp.route("/recipients", methods=["GET", "POST"])
def recipients():
    """Recipient categories: added and switched off, never deleted (consents refer to the keys)."""
    require_permission("consent.templates")
    services.ensure_defaults(g.tenant)
    db.session.commit()
    errors = {}
    if request.method == "POST":
        errors, _c = run_write(
            lambda: forms.add_category(
                actor(), g.tenant, form_input(RecipientCategorySchema, request.form)
            ),
            success=_("Recipient category added."),
        )
        if not errors:
            return redirect(url_for("consent_templates.recipients"))
    return render_template(
        "consent/forms/recipients.html",
        categories=forms.all_categories(),
        errors=errors,
        form=request.form,
        **_common(),
    ), (400 if errors else 200)


@bp.route("/recipients/<int:category_id>/active", methods=["POST"])
def recipient_active(category_id):
    require_permission("consent.templates")
    category = forms.get_category(category_id)
    if category is None:
        abort(404)
    active = request.form.get("active") == "1"
    run_write(
        lambda: forms.set_category_active(actor(), category, active),
        success=_("Recipient category reactivated.")
        if active
        else _("Recipient category deactivated."),
    )
    return redirect(url_for("consent_templates.recipients"))
