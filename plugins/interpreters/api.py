"""JSON API of the interpreter pool, below ``/<tenant>/api/v1/interpreters``: read-only."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from core.plugin_api import plugin_api_blueprint, plugin_settings
from plugins.interpreters import PLUGIN, services

blp = plugin_api_blueprint(
    PLUGIN, __name__, description="Interpreters and language mediators of the tenant (read-only)"
)


class InterpreterQuerySchema(Schema):
    language = fields.String(
        load_default="",
        metadata={"description": "Part of a language or dialect, e.g. `Kurd` (case-insensitive)"},
    )


class InterpreterSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    languages = fields.List(fields.String())
    phone = fields.String()
    email = fields.String()
    pledge_signed_on = fields.Date(
        allow_none=True, metadata={"description": "Confidentiality pledge signed on (§ 203 StGB)"}
    )
    on_site = fields.Boolean()
    by_phone = fields.Boolean()


@blp.route("")
class Interpreters(MethodView):
    @blp.arguments(InterpreterQuerySchema, location="query")
    @blp.response(200, InterpreterSchema(many=True))
    def get(self, query):
        """Active interpreters; with the tenant setting "only pledged" only those who signed."""
        settings = plugin_settings(g.tenant, PLUGIN.name)
        return services.listing(query["language"], only_pledged=settings["only_pledged"])
