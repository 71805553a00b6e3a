"""The KIM NRW plugin's tenant settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.kim_nrw import _


class KimSettingsSchema(Schema):
    #: "fte": the ratio scaled by the share of a full-time post (core's default);
    #: "operative_hours": ratio × (weekly hours − 3) / 36 (Oberhausen §7.8).
    caseload_formula = fields.String(
        load_default="fte",
        validate=validate.OneOf(["fte", "operative_hours"]),
        metadata={
            "label": _("Caseload formula"),
            "description": _(
                "fte: ratio × share of a full-time post; operative_hours: ratio × (weekly hours "
                "− 3) / 36, strategic and team hours counted in full (Oberhausen §7.8)."
            ),
        },
    )
