"""The plugin's tenant settings."""

from __future__ import annotations

from marshmallow import Schema, fields

from plugins.pflegesetting import _


class PflegesettingSettingsSchema(Schema):
    #: The source defines no score; an indicative one is offered only when a tenant asks for it,
    #: and it is labelled as not being a Pflegegrad (only the Medizinischer Dienst sets one).
    indicative_score = fields.Boolean(
        load_default=False,
        metadata={
            "label": _("Show an indicative score (not a determination of a care grade)"),
            "description": _(
                "Adds a score computed from the ticked criteria, weighted like § 15 SGB XI. It is "
                "not a determination of a care grade: only the Medizinischer Dienst determines one."
            ),
        },
    )
