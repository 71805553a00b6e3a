"""A phase requirement per form: ``form.<form key>`` is fulfilled when the case has a valid final
submission of that form, so a tenant's Regelkreis can say "no Zielvereinbarung without the
access checklist" (``Phase.requires = ("form.oberhausen.access_checklist",)``)."""

from __future__ import annotations

from flask_babel import gettext as _

from core.plugins.providers import PhaseRequirement

PREFIX = "form."


class FormFinal(PhaseRequirement):
    """A final (not superseded) submission of form ``form_key`` exists for the case."""

    def __init__(self, form_key: str, title: object):
        self.form_key = form_key
        self.key = f"{PREFIX}{form_key}"
        self.title = title

    @property
    def label(self) -> str:  # type: ignore[override]
        return _("Final form: %(title)s", title=self.title)

    def check(self, case) -> list[str]:
        from core.forms.submissions import latest_final

        if latest_final(case, self.form_key) is not None:
            return []
        return [_("The form “%(title)s” must be finalised first.", title=self.title)]


def form_requirements(tenant) -> list[FormFinal]:
    """One requirement per form the tenant has (its plugins' and core's). At start-up (a
    stand-in tenant without id) every installed plugin's forms count, so a Regelkreis naming a
    form is checked before anyone moves a case."""
    from flask import current_app

    from core.forms.services import latest_definitions

    hooks = current_app.extensions["lotse.pm"].hook if tenant.id is None else None
    return [
        FormFinal(key, definition.title)
        for key, definition in sorted(latest_definitions(tenant, hooks).items())
    ]
