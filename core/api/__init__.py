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
from core.errors import register_conflict_handlers
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
            "description": "Field errors by location and field name, e.g. "
            '`{"json": {"last_name": ["…"]}}`'
        }
    )
    conflicts = fields.Dict(
        metadata={"description": "409 only: the fields someone else changed (theirs/yours)"}
    )


class LotseApi(Api):
    ERROR_SCHEMA = ErrorSchema


def init_api(app) -> Api:
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
    from core.api import cases as cases_api
    from core.api import consent as consent_api
    from core.api import consent_templates as consent_templates_api
    from core.api import platform as platform_api
    from core.api import privacy as privacy_api
    from core.api import privacy_documents as privacy_documents_api

    for blp in (
        *platform_api.blueprints(),
        *cases_api.blueprints(),
        *consent_api.blueprints(),
        *consent_templates_api.blueprints(),
        *privacy_documents_api.blueprints(),
        *privacy_api.blueprints(),
    ):
        _protect(blp)
        api.register_blueprint(blp, url_prefix=f"{API_PREFIX}{blp.url_prefix or ''}")
    app.extensions["lotse.api"] = api

    @app.route(f"{API_PREFIX}/openapi.json")
    def openapi_json():
        return jsonify(tenant_spec(api, g.tenant))

    openapi_json.lotse_public = True

    @app.errorhandler(ValidationError)
    def _validation(exc):
        if is_api_request():
            db.session.rollback()  # nothing of a failed write stays in the session
            return jsonify({"message": "invalid input", "errors": exc.errors, "status": 422}), 422
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
        "Someone else has changed this record in the meantime. Nothing was saved: please compare and try again."
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


def register_api_blueprint(blp) -> None:
    """For plugins: add an API blueprint below ``/<tenant>/api/v1``."""
    _protect(blp)
    current_app.extensions["lotse.api"].register_blueprint(
        blp, url_prefix=f"{API_PREFIX}{blp.url_prefix or ''}"
    )


def _protect(blp) -> None:
    csrf.exempt(blp)
    if getattr(blp, "_lotse_protected", False):
        return  # module-level blueprints are shared by every app built in this process
    blp._lotse_protected = True

    @blp.before_request
    def _api_guard():
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


def tenant_spec(api: Api, tenant) -> dict:
    spec = copy.deepcopy(api.spec.to_dict())
    prefix = API_PREFIX.replace("<tenant>", "{tenant}")
    paths = {}
    for path, item in spec.get("paths", {}).items():
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
