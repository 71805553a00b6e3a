"""The audit trail for the data-protection officer: filterable, paginated, content-free.

It lives with the DSB's other pages, not in :mod:`core.audit`: every domain (accounts too)
writes the trail, so ``core.audit`` stays below them and imports none of them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.auth.models import User
from core.auth.permissions import require_permission
from core.db import db

bp = Blueprint("audit", __name__, url_prefix="/<tenant>/audit", template_folder="templates")
PAGE_SIZE = 50


def _date(value):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


@bp.route("/")
def index():
    require_permission("audit.read")
    action = (request.args.get("action") or "").strip()
    day_from, day_to = _date(request.args.get("from")), _date(request.args.get("to"))
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    from core.db import utcnow

    tz = utcnow().tzinfo
    if day_from:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(day_from, time.min, tz))
    if day_to:
        stmt = stmt.where(
            AuditEvent.at < datetime.combine(day_to + timedelta(days=1), time.min, tz)
        )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "audit/index.html",
        rows=rows,
        total=total,
        page=page,
        pages=max((total - 1) // PAGE_SIZE + 1, 1),
        filters={
            "action": action,
            "from": request.args.get("from", ""),
            "to": request.args.get("to", ""),
        },
    )
