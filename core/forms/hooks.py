"""What the forms domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). The engine's templates (the macro set, the print
view) and the start-up check of every plugin's form definitions and their personas; form
submissions (their pages, API and data declaration), the "Formulare" tab of the case file, a
phase requirement per form, and core's own form: the assessment of the tenant's life areas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.privacy.registry import (
    ERASE,
    FIELDS,
    DataTable,
    DocumentColumn,
    FieldLabels,
    category_columns,
)

#: After cases (20) and documentation (30): the forms are part of the case documentation.
ORDER = 35


@hookimpl
def lotse_blueprints():
    from core.forms.rendering import bp as rendering_bp
    from core.forms.views import bp

    return [rendering_bp, bp]


@hookimpl
def lotse_api_blueprints():
    from core.api import forms

    return forms.blueprints()


@hookimpl
def lotse_form_definitions(tenant):
    from core.forms.assessment import assessment_definition

    return [assessment_definition(tenant)]


@hookimpl
def lotse_phase_requirements(tenant):
    from core.forms.requirements import form_requirements

    return form_requirements(tenant)


@hookimpl
def lotse_template_slot(slot, tenant, user, context):
    """The "Formulare" panel of the person page (slot ``person_panels``)."""
    if slot != "person_panels" or context.get("person") is None:
        return None
    from core.forms.views import render_person_forms

    return render_person_forms(context["person"])


@hookimpl
def lotse_case_tabs(tenant):
    from core.forms.views import FormsTab

    return [FormsTab()]


@hookimpl
def lotse_check_extensions(app, tenant, relays):
    from core.forms.privacy import check_categories
    from core.forms.services import check_form_extensions

    check_form_extensions(app, tenant, relays)
    check_categories(app, tenant, relays)


# --- personal data (core.privacy.registry) --------------------------------------------------------


def _document(anonymise_name: str, describe_name: str) -> DocumentColumn:
    """The answers of a submission resolve through the definition it was made with."""

    def anonymise(context, value):
        from core.forms import privacy

        return getattr(privacy, anonymise_name)(context, value)

    def describe(context, value):
        from core.forms import privacy

        return getattr(privacy, describe_name)(context, value)

    return DocumentColumn(("form_key", "form_version"), anonymise, describe)


TABLES = (
    DataTable(
        "form_submission",
        "person",
        category_columns(
            "case_documentation",
            (
                "form_key form_version attaches_to case_id person_id household_id status data "
                "computed correction_of_id correction_reason version_no created_by_id created_at "
                "updated_at finalised_by_id finalised_at superseded_at superseded_by_id"
            ),
            data=FIELDS,
            computed=FIELDS,
            correction_reason=ERASE,
        ),
        codes=frozenset({"form_key", "attaches_to", "status"}),
        documents={
            "data": _document("anonymise_data", "describe_data"),
            "computed": _document("anonymise_computed", "describe_computed"),
        },
    ),
)


LABELS = FieldLabels(
    tables={"form_submission": _l("Forms")},
    columns={
        "form_key": _l("Form"),
        "form_version": _l("Version of the form"),
        "attaches_to": _l("Filled in for"),
        "household_id": _l("Household (record number)"),
        "data": _l("Answers"),
        "computed": _l("Computed values"),
        "correction_of_id": _l("Corrects (record number)"),
        "correction_reason": _l("Reason for the correction"),
        "version_no": _l("Version"),
        "created_by_id": _l("Created by (staff number)"),
        "updated_at": _l("Last saved"),
        "finalised_by_id": _l("Finalised by (staff number)"),
        "finalised_at": _l("Finalised at"),
        "superseded_at": _l("Replaced by a correction at"),
        "superseded_by_id": _l("Replaced by (record number)"),
    },
    codes={
        ("form_submission", "status"): {"draft": _l("draft"), "final": _l("final")},
        ("form_submission", "attaches_to"): {
            "case": _l("case"),
            "person": _l("person"),
            "household": _l("household"),
        },
    },
)


@hookimpl
def lotse_data_categories():
    return [*TABLES, LABELS]
