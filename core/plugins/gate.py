"""Blueprints for plugins: mounted below ``/<tenant>/<plugin-slug>/`` (API: below
``/<tenant>/api/v1/<plugin-slug>/``) and answering 404 for every tenant that has not switched the
plugin on (a disabled feature does not exist for that tenant)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g
from flask_smorest import Blueprint as ApiBlueprint

from core.i18n import plugin_gettext_callables
from core.plugins.meta import PluginMeta


def plugin_blueprint(meta: PluginMeta, import_name: str, **kwargs: Any) -> Blueprint:
    bp = Blueprint(
        meta.blueprint_name,
        import_name,
        url_prefix=f"/<tenant>/{meta.slug}",
        template_folder=kwargs.pop("template_folder", "templates"),
        static_folder=kwargs.pop("static_folder", "static"),
        static_url_path=kwargs.pop("static_url_path", "/static"),
        **kwargs,
    )

    @bp.before_request
    def _require_enabled():
        if g.get("tenant") is None or meta.name not in g.get("enabled_plugins", ()):
            abort(404)

    @bp.context_processor
    def _plugin_translations():
        # Plugin templates translate through the plugin's own domain, falling back to core.
        return plugin_gettext_callables(meta.translation_domain)

    bp.lotse_plugin = meta.name  # type: ignore[attr-defined]  # read by the 404 gate
    return bp


def plugin_api_blueprint(
    meta: PluginMeta, import_name: str, *, description: str = ""
) -> ApiBlueprint:
    """A flask-smorest blueprint for a plugin's JSON API, mounted at
    ``/<tenant>/api/v1/<plugin-slug>/``. Return it from ``lotse_api_blueprints``; Lotse adds the
    API guard (token or session, CSRF, JSON only) and answers 404 for tenants without the plugin.
    """
    blp = ApiBlueprint(
        f"{meta.blueprint_name}_api",
        import_name,
        url_prefix=f"/{meta.slug}",
        description=description or str(meta.title),
    )
    blp.lotse_plugin = meta.name
    return blp
