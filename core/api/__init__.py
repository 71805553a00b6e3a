"""JSON API under ``/<tenant>/api/v1/`` (flask-smorest), authenticated by personal tokens or the
browser session (then writes need the ``X-CSRFToken`` header). Views call the same services as
the HTML pages. The OpenAPI description is served per tenant at ``/<tenant>/api/v1/openapi.json``
with the tenant's base URL as server, so paths read as they are called."""

from __future__ import annotations

import copy
from datetime import date, datetime

from flask import abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Api
from flask_wtf.csrf import CSRFError, validate_csrf
from marshmallow import Schema, fields
from wtforms import ValidationError as WTFValidationError

from core.auth.services import ValidationError
from core.conflicts import ConflictError, conflict_response
from core.db import db
from core.errors import error_text, register_conflict_handlers
from core.extensions import csrf
from core.tenancy.resolve import is_api_request

API_PREFIX = "/<tenant>/api/v1"


class ErrorSchema(Schema):
    """The error body exactly as :mod:`core.errors` and the handlers below send it, for every
    status code (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500)."""

    status = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    message = fields.String(
        required=True, metadata={"description": "A sentence for people (translated)"}
    )
    errors = fields.Dict(
        metadata={
            "description": "400/422: every validation error in one shape, by field name; "
            "nested fields are dotted, e.g. "
            '`{"last_name": ["…"], "goal_ratings.17.value": ["…"]}`'
        }
    )
    conflicts = fields.Dict(
        metadata={"description": "409 only: the fields someone else changed (theirs/yours)"}
    )


class LotseApi(Api):
    ERROR_SCHEMA = ErrorSchema


def init_api(app, pm) -> Api:
    app.config.setdefault("API_TITLE", "Lotse API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served per tenant below
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Lotse JSON API. Authenticate with `Authorization: Bearer <token>`."
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "cookieAuth": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": app.config["SESSION_COOKIE_NAME"],
                    },
                }
            },
            "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        },
    )
    api = LotseApi(app)
    _register_api_blueprints(app, api, pm)
    app.extensions["lotse.api"] = api

    @app.route(f"{API_PREFIX}/openapi.json")
    def openapi_json():
        return jsonify(tenant_spec(api, g.tenant, g.enabled_plugins))

    openapi_json.lotse_public = True

    @app.errorhandler(ValidationError)
    def _validation(exc):
        if is_api_request():
            db.session.rollback()  # nothing of a failed write stays in the session
            return jsonify({"message": error_text(422), "errors": exc.errors, "status": 422}), 422
        raise exc

    @app.errorhandler(ConflictError)
    def _conflict(exc):
        if is_api_request():
            db.session.rollback()
            conflicts = {
                field: {"theirs": _plain(theirs), "yours": _plain(yours)}
                for field, (theirs, yours) in exc.changes.items()
            }
            return jsonify(
                {"message": _conflict_message(), "conflicts": conflicts, "status": 409}
            ), 409
        return conflict_response()  # a view that does not show the conflict form: the 409 page

    # Two writers raced past the version check (or a unique constraint): 409, never 500.
    register_conflict_handlers(app)

    return api


def _conflict_message() -> str:
    return _(
        "Someone else has changed this record in the meantime. Nothing was saved: please compare "
        "and try again."
    )


def _plain(value):
    """A conflict value as JSON: dates as ISO strings, lists and scalars as they are."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _register_api_blueprints(app, api: Api, pm) -> None:
    """API blueprints of the core domains, then those of the plugins. A plugin's blueprints answer
    404 for a tenant that has not switched the plugin on and stay out of its OpenAPI description;
    their first path segment must not be one of core's."""
    plugin_docs: dict[str, dict[str, set[str]]] = {}
    owners: dict[str, str] = {}
    core_segments: set[str] = set()
    for owner, blueprints in pm.contributions("lotse_api_blueprints"):
        for blp in blueprints:
            _protect(blp)
            url_prefix = f"{API_PREFIX}{blp.url_prefix or ''}"
            segment = (blp.url_prefix or "").strip("/").split("/")[0]
            if pm.is_builtin(owner):
                core_segments.add(segment)
                api.register_blueprint(blp, url_prefix=url_prefix)
                continue
            if not segment or segment in core_segments or segment == "openapi.json":
                raise ValueError(
                    f"plugin API blueprint {blp.name} collides with core API /{segment}"
                )
            before = _documented(api)
            api.register_blueprint(blp, url_prefix=url_prefix)
            owners[blp.name] = owner
            docs = plugin_docs.setdefault(owner, {"paths": set(), "tags": set(), "schemas": set()})
            for key, names in _documented(api).items():
                docs[key] |= names - before[key]
    app.extensions["lotse.api_owners"] = owners
    app.extensions["lotse.api_plugin_docs"] = plugin_docs


def _documented(api: Api) -> dict[str, set[str]]:
    """Paths, tags and schemas of the OpenAPI description as it stands."""
    spec = api.spec.to_dict()
    return {
        "paths": set(spec.get("paths", {})),
        "tags": {tag["name"] for tag in spec.get("tags", [])},
        "schemas": set(spec.get("components", {}).get("schemas", {})),
    }


def _protect(blp) -> None:
    csrf.exempt(blp)
    if getattr(blp, "_lotse_protected", False):
        return  # module-level blueprints are shared by every app built in this process
    blp._lotse_protected = True

    @blp.before_request
    def _api_guard():
        owner = current_app.extensions["lotse.api_owners"].get(request.blueprint)
        if owner is not None and owner not in g.get("enabled_plugins", ()):
            abort(404)  # a plugin the tenant has not switched on does not exist for it
        if not current_user.is_authenticated:
            abort(401)
        from core.auth.permissions import has_permission

        if not has_permission("api.use"):
            abort(403)
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.content_length
            and not request.is_json
        ):
            abort(415)  # every operation reads JSON; a form or text body is not silently ignored
        if request.method not in ("GET", "HEAD", "OPTIONS") and g.get("api_token") is None:
            try:
                validate_csrf(request.headers.get("X-CSRFToken", ""))
            except WTFValidationError as exc:
                raise CSRFError(str(exc)) from exc


def tenant_spec(api: Api, tenant, enabled_plugins=None) -> dict:
    """The OpenAPI description as ``tenant`` sees it: its base URL, only its enabled plugins."""
    from core.plugins.services import enabled_plugins as plugins_of

    spec = copy.deepcopy(api.spec.to_dict())
    enabled = plugins_of(tenant) if enabled_plugins is None else enabled_plugins
    hidden: dict[str, set[str]] = {"paths": set(), "tags": set(), "schemas": set()}
    for plugin, docs in current_app.extensions["lotse.api_plugin_docs"].items():
        if plugin not in enabled:
            for key, names in docs.items():
                hidden[key] |= names
    spec["tags"] = [t for t in spec.get("tags", []) if t["name"] not in hidden["tags"]]
    schemas = spec.get("components", {}).get("schemas", {})
    for name in hidden["schemas"]:
        schemas.pop(name, None)
    prefix = API_PREFIX.replace("<tenant>", "{tenant}")
    paths = {}
    for path, item in spec.get("paths", {}).items():
        if path in hidden["paths"]:
            continue
        new_path = path[len(prefix) :] if path.startswith(prefix) else path
        for operation in item.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [
                    p for p in operation["parameters"] if p.get("name") != "tenant"
                ]
        if "parameters" in item:
            item["parameters"] = [p for p in item["parameters"] if p.get("name") != "tenant"]
            if not item["parameters"]:
                del item["parameters"]
        paths[new_path or "/"] = item
    spec["paths"] = paths
    base = url_for("home.dashboard", tenant=tenant.slug).rstrip("/") + "/api/v1"
    spec["servers"] = [{"url": base, "description": tenant.name}]
    return spec
