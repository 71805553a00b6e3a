"""Small helpers shared by the HTML views of core and plugins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import request
from flask_login import current_user
from markupsafe import Markup


@dataclass(frozen=True)
class MenuItem:
    """One entry of the main navigation, contributed by core or through ``lotse_menu_items``."""

    label: object
    endpoint: str
    #: Lower numbers come first; core uses 10, 20, …
    order: int = 100
    #: Permission the user needs to see the entry (``None``: every member).
    permission: str | None = None


def actor():
    """The signed-in user as the object itself: services store and compare it (the proxy won't)."""
    return current_user._get_current_object()


def render_partial(template: str, **context: Any) -> Markup:
    """A template rendered as a piece of a page (a slot answer, a panel). Jinja autoescapes
    everything the template prints, so the result is safe HTML."""
    from flask import render_template

    return Markup(render_template(template, **context))  # noqa: S704 - autoescaped template


def public(view):
    """Mark a tenant view as reachable without signing in (login, password set-up …)."""
    view.lotse_public = True
    return view


def is_public(view) -> bool:
    return bool(getattr(view, "lotse_public", False))


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative redirect targets are followed (no open redirects)."""
    if not target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        # CR/LF would split the Location header; a backslash reads as "//" in browsers.
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def wants_json() -> bool:
    return (
        request.path.split("/")[2:3] == ["api"]
        or request.accept_mimetypes.best == "application/json"
    )


def flash_errors(errors: dict) -> None:
    """Show a write's field errors as messages where the form is not shown again (POST→redirect)."""
    from flask import flash

    for messages in errors.values():
        for message in messages:
            flash(message, "error")


def run_write(action, *, success: str | None = None):
    """Run one write (a service call) as one transaction.

    Returns ``(errors, result)``: on success the transaction is committed, ``success`` is flashed
    and ``errors`` is empty; on a :class:`~core.schemas.ValidationError` everything is rolled
    back and ``errors`` maps field names to messages. Nothing is ever half-written.
    """
    from flask import flash
    from sqlalchemy.orm.exc import StaleDataError

    from core.conflicts import ConflictError
    from core.db import db
    from core.schemas import ValidationError

    try:
        result = action()
    except ValidationError as exc:
        db.session.rollback()
        return exc.errors, None
    except StaleDataError:
        # Saved by someone else between the version check and the write: a conflict, not a 500.
        db.session.rollback()
        raise ConflictError({}) from None
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    if success:
        flash(success, "success")
    return {}, result
