"""German (translated) error pages and JSON errors; never a stack trace or another tenant's data."""

from __future__ import annotations

import logging

from flask import jsonify, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.web import wants_json

log = logging.getLogger(__name__)


def _messages():
    return {
        422: (_("Invalid input"), _("Some fields are not valid. Please check your input.")),
        400: (_("Bad request"), _("The request could not be processed. Please check your input.")),
        401: (_("Sign-in required"), _("Please sign in to continue.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("This page does not exist or you cannot access it.")),
        405: (_("Not allowed"), _("This action is not possible here.")),
        413: (_("File too large"), _("The upload exceeds the allowed size.")),
        415: (
            _("Unsupported format"),
            _("The request was sent in a format this address does not accept."),
        ),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        500: (
            _("Internal error"),
            _("Something went wrong on our side. Nothing was saved. Please try again later."),
        ),
    }


def error_text(code: int) -> str:
    """The translated sentence of ``code``'s error page; the API's error bodies say the same."""
    return _messages()[code][1]


#: Response headers of an HTTP error that the client needs (405 → ``Allow``, 401, 429 …).
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def _render(
    code: int,
    description: str | None = None,
    data: dict | None = None,
    *,
    message: str | None = None,
    headers: dict | None = None,
):
    """One error body for every status: ``{"status": <int>, "message": <str>, "errors"?: {…}}``
    (the ``Error`` schema of the OpenAPI description) or the German error page."""
    title, text = _messages().get(code, (str(code), description or ""))
    text = message or text
    if wants_json():
        payload = {"message": text, "status": code}
        if data and data.get("messages"):
            # webargs groups errors by location ({"json": {…}}, {"query": {…}}): the API has one
            # shape for every validation error, {"errors": {"field.nested": ["…"]}}.
            from core.schemas import flatten_errors

            errors: dict[str, list[str]] = {}
            for location_errors in data["messages"].values():
                errors.update(flatten_errors(location_errors))
            payload["errors"] = errors
        return jsonify(payload), code, headers or {}
    return (
        render_template("errors/error.html", code=code, title=title, text=text),
        code,
        headers or {},
    )


def _kept_headers(exc: HTTPException) -> dict:
    try:
        pairs = exc.get_headers()
    except Exception:  # noqa: BLE001 - a header we cannot build is one we do not send
        return {}
    return {name: value for name, value in pairs if name in _KEPT_HEADERS}


def unexpected(exc):
    """Any unhandled error: roll back (nothing half-written), log it, answer 500 without detail."""
    from flask import current_app

    from core.db import db

    db.session.rollback()
    if current_app.config.get("LOTSE_RAISE_ERRORS"):
        raise exc
    log.exception("unhandled error")
    return _render(500)


def register_error_handlers(app):
    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        if wants_json():
            return jsonify({"message": "CSRF token missing or invalid", "status": 400}), 400
        return render_template(
            "errors/error.html",
            code=400,
            title=_("Form expired"),
            text=_(
                "The form was open too long or was sent twice. Please reload the page and try "
                "again."
            ),
        ), 400

    @app.errorhandler(HTTPException)
    def _http(exc):
        return _render(
            exc.code or 500,
            exc.description,
            getattr(exc, "data", None),
            message=getattr(exc, "lotse_message", None),
            headers=_kept_headers(exc),
        )

    app.errorhandler(Exception)(unexpected)


def register_conflict_handlers(app) -> None:
    """Lost write races (:mod:`core.conflicts`) answer 409; other database errors are 500s."""
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from core.conflicts import conflict_response, is_lost_write_race, is_unique_violation

    @app.errorhandler(StaleDataError)
    def _stale(exc):
        return conflict_response()

    @app.errorhandler(IntegrityError)
    def _integrity(exc):
        if is_unique_violation(exc):
            return conflict_response()
        return unexpected(exc)

    @app.errorhandler(OperationalError)
    def _operational(exc):
        if is_lost_write_race(exc):
            return conflict_response()
        return unexpected(exc)
