"""The tenant's org units as lists: read by the administration and by the case pages (a case is
assigned to a unit), so they live with the tenancy, not with either of them."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.tenancy.models import OrgUnit


def org_units() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.name)))


def org_unit_tree() -> list[tuple[int, OrgUnit]]:
    """(depth, unit) pairs in tree order for indented display."""
    units = org_units()
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[int, OrgUnit]] = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            out.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return out
