"""Consent pages: record and revoke on the person, disclose through the gate from a case, and the
disclosure register for the data-protection officer."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core import confirm
from core.auth.permissions import require_permission
from core.auth.services import ValidationError
from core.cases import services as cases
from core.consent import coverage, services
from core.consent import template_services as forms
from core.consent.models import (
    CHANNELS,
    DATA_CATEGORIES,
    PURPOSES,
    ConsentRecord,
    ConsentTemplate,
)
from core.consent.schemas import ConsentSchema, DisclosureInputSchema, RevocationSchema
from core.db import commit_keeping_loaded, db
from core.labels import is_rtl
from core.persons import services as persons
from core.schemas import form_input
from core.web import actor, flash_errors, run_write

bp = Blueprint("consent", __name__, url_prefix="/<tenant>", template_folder="templates")


def _person_or_404(person_id):
    person = persons.get_person(person_id)
    if person is None or not persons.can_see_person(person, actor()):
        abort(404)
    return person


def _commit_defaults() -> None:
    """Commit the tenant's default forms if they were just made. A page view keeps what it
    loaded (nothing it shows changed); a write starts from fresh rows."""
    if request.method == "GET":
        commit_keeping_loaded()
    else:
        db.session.commit()


@bp.route("/persons/<int:person_id>/consents", methods=["GET", "POST"])
def person_consents(person_id):
    require_permission("cases.work")
    person = _person_or_404(person_id)
    services.ensure_defaults(g.tenant)
    _commit_defaults()
    errors = {}
    if request.method == "POST":
        data = form_input(ConsentSchema, request.form)
        errors, _r = run_write(
            lambda: services.record_consent_with_evidence(
                actor(), person, data, request.files.get("evidence")
            ),
            success=_("Consent recorded."),
        )
        if not errors:
            return redirect(url_for("consent.person_consents", person_id=person.id))
    household = persons.household_of(person)
    children = (
        [
            m.person
            for m in persons.household_members(household)
            if m.role == "minor_child" and m.person_id != person.id
        ]
        if household
        else []
    )
    today = date.today()
    rows = services.consent_history(person)
    history = [
        (record, revocations, version, services.status(record, revocations, today))
        for record, revocations, version in rows
    ]
    versions = services.current_versions()
    titles = {
        t.id: t.title
        for t in db.session.scalars(
            select(ConsentTemplate).where(
                ConsentTemplate.id.in_([v.template_id for v in versions] or [0])
            )
        )
    }
    return render_template(
        "consent/person.html",
        person=person,
        history=history,
        versions=versions,
        titles=titles,
        evidence=services.evidence_links([r for r, _rv, _v in rows]),
        languages_of=forms.languages_of,
        language_label=forms.language_label,
        categories=services.categories(),
        purposes=PURPOSES,
        purpose_label=services.purpose_label,
        children=children,
        errors=errors,
        form=request.form,
        today=today,
    ), (400 if errors else 200)


@bp.route("/persons/<int:person_id>/consents/form/<int:version_id>")
def print_form(person_id, version_id):
    """The consent form prefilled with the person's data, to print and sign."""
    person, version, template, language = _form_to_hand_out(person_id, version_id, "html")
    names = {c.key: c.name for c in services.categories(active_only=False)}
    return render_template(
        "consent/form_print.html",
        person=person,
        version=version,
        template=template,
        text=version.texts[language],
        language=language,
        rtl=is_rtl(language),
        names=names,
        purpose_label=services.purpose_label,
        today=date.today(),
    )


@bp.route("/persons/<int:person_id>/consents/form/<int:version_id>.pdf")
def form_pdf(person_id, version_id):
    """The same form as PDF (to file or send); the download is audited like a print."""
    from flask import Response

    from core.consent.form_pdf import consent_form_pdf

    person, version, template, language = _form_to_hand_out(person_id, version_id, "pdf")
    names = {c.key: c.name for c in services.categories(active_only=False)}
    body = consent_form_pdf(
        template=template,
        version=version,
        person=person,
        text=version.texts[language],
        rtl=is_rtl(language),
        names=names,
        purpose_label=services.purpose_label,
        tenant_name=g.tenant.name,
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="einwilligung-{person.id}-v{version.number}-{language}.pdf"'
            )
        },
    )


def _form_to_hand_out(person_id, version_id, fmt):
    """Only published wording is handed out; every print or download is audited."""
    require_permission("cases.work")
    person = _person_or_404(person_id)
    from core.consent.models import ConsentTemplateVersion

    version = db.session.scalar(
        select(ConsentTemplateVersion).where(
            ConsentTemplateVersion.id == version_id,
            ConsentTemplateVersion.published_at.is_not(None),
        )
    )
    if version is None:
        abort(404)
    language = request.args.get("lang", "de")
    if language not in (version.texts or {}):
        abort(404)
    template = db.session.scalar(
        select(ConsentTemplate).where(ConsentTemplate.id == version.template_id)
    )
    from core.audit import services as audit

    audit.record(
        "consent.form_printed",
        actor=actor(),
        obj=person,
        version=version.id,
        language=language,
        format=fmt,
    )
    db.session.commit()
    return person, version, template, language


@bp.route("/persons/<int:person_id>/consents/<int:consent_id>/revoke", methods=["POST"])
def revoke(person_id, consent_id):
    require_permission("cases.work")
    person = _person_or_404(person_id)
    record = db.session.scalar(select(ConsentRecord).where(ConsentRecord.id == consent_id))
    if record is None or not coverage.covers(record, person.id):
        abort(404)
    data = form_input(RevocationSchema, request.form)
    if not confirm.confirmed():
        return _confirm_revocation(person, record, data)
    person_id = person.id
    errors, revocation = run_write(
        lambda: services.revoke(actor(), record, data),
        success=_("Revocation recorded. It applies from now on."),
    )
    flash_errors(errors)
    log = getattr(revocation, "policy_log", None)
    if log is not None and log.action == "erased":
        flash(
            _(
                "No consent is left to process this person's data on: the data were erased as the "
                "organisation's rules require."
            ),
            "success",
        )
        return redirect(url_for("cases.index"))
    if log is not None:
        flash(
            _(
                "No consent is left to process this person's data on: the file was anonymised as "
                "the organisation's rules require."
            ),
            "success",
        )
    elif not errors and person.processing_revoked_at is not None and person.anonymised_at is None:
        flash(
            _(
                "Processing has stopped. A legal hold or restriction keeps the file until it ends; "
                "the data-protection officer has a task."
            ),
            "success",
        )
    return redirect(url_for("consent.person_consents", person_id=person_id))


def _confirm_revocation(person, record, data):
    """Say what the revocation will do (erase / anonymise / wait for a hold) before recording it."""
    effect = services.revocation_consequences(
        g.tenant, record, whole=not data.get("recipient_keys")
    )
    return confirm.confirmation_page(
        title=_("Record the revocation?"),
        consequences=list(effect.lines),
        warning=_("This cannot be undone.") if effect.irreversible else "",
        action_label=_("Yes, record the revocation"),
        cancel_url=url_for("consent.person_consents", person_id=person.id),
    )


@bp.route("/cases/<int:case_id>/disclose", methods=["GET", "POST"])
def disclose(case_id):
    """Pass data on (referral letter, print or export for a recipient) – only through the gate."""
    case = cases.get_case(case_id, actor())
    if case is None:
        abort(404)
    services.ensure_defaults(g.tenant)
    _commit_defaults()
    errors, refused = {}, None
    if request.method == "POST":
        try:
            services.disclose_from_case(
                actor(), g.tenant, case, form_input(DisclosureInputSchema, request.form)
            )
        except services.ConsentRefused as exc:
            # Nothing was written; only the refusal itself is audited (by the service).
            refused, errors = exc.decision.reason, exc.errors
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(_("The disclosure is registered."), "success")
            return redirect(url_for("consent.disclose", case_id=case.id))
        case = cases.get_case(case_id, actor())
    page = _page("page")
    rows, total = services.disclosure_page(person_id=case.person_id, page=page)
    return render_template(
        "consent/disclose.html",
        case=case,
        person=case.person,
        categories=services.categories(),
        purposes=PURPOSES,
        purpose_label=services.purpose_label,
        channels=CHANNELS,
        data_categories=DATA_CATEGORIES,
        strict=services.strict(g.tenant),
        errors=errors,
        refused=refused,
        form=request.form,
        rows=rows,
        total=total,
        page=page,
        pages=services.page_count(total),
    ), (400 if errors else 200)


def _page(name: str) -> int:
    """A page number from the query string (anything odd is page 1; beyond the last: empty)."""
    value = request.args.get(name, 1, type=int) or 1
    return value if 1 <= value <= 10**9 else 1


@bp.route("/disclosures")
def register():
    require_permission("disclosures.read")
    page, override_page = _page("page"), _page("opage")
    rows, total = services.disclosure_page(page=page)
    overrides, override_total = services.disclosure_page(legal_basis="override", page=override_page)
    names = {c.key: c.name for c in services.categories(active_only=False)}
    return render_template(
        "consent/register.html",
        rows=rows,
        names=names,
        purpose_label=services.purpose_label,
        overrides=overrides,
        total=total,
        page=page,
        pages=services.page_count(total),
        override_total=override_total,
        override_page=override_page,
        override_pages=services.page_count(override_total),
    )
