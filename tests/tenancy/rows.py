"""A generic row factory: builds a valid row of any mapped model, creating the parents its
foreign keys need. It lets the isolation suite cover every TenantScoped model, including
plugin models nobody wrote a factory for."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, inspect
from sqlalchemy.types import TypeDecorator

from core.db import UTCDateTime, db, utcnow

_n = itertools.count(1)


def _value_for(column):
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return utcnow()
    if isinstance(kind, TypeDecorator):
        kind = kind.impl
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Date):
        return date(2026, 1, 1)
    if isinstance(kind, JSON):
        return []
    if isinstance(kind, String | Text):
        length = getattr(kind, "length", None) or 40
        return f"iso-{next(_n)}"[:length]
    raise TypeError(f"no sample value for {column}")


def model_for_table(table):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    raise LookupError(table.name)


def make_row(model, tenant_id: int, **values):
    """Create and flush one row of ``model`` in the bound tenant ``tenant_id``."""
    mapper = inspect(model)
    table = mapper.local_table
    fk_columns = {}
    for fk in table.foreign_key_constraints:
        cols = [c.name for c in fk.columns]
        target = fk.referred_table
        own = [c for c in cols if c != "tenant_id"]
        if not own or any(c in values for c in own):
            continue
        if all(table.c[c].nullable for c in own):
            continue
        if target.name == "tenant":
            continue
        parent_model = model_for_table(target)
        parent = make_row(parent_model, tenant_id)
        for local, remote in zip(cols, [e.column.name for e in fk.elements], strict=True):
            if local != "tenant_id":
                fk_columns[local] = getattr(parent, remote)
    kwargs = {}
    for column in table.columns:
        name = column.key
        if name in values or name in fk_columns or column.primary_key:
            continue
        if name == "tenant_id":
            kwargs[name] = tenant_id
            continue
        if column.nullable or column.default is not None or column.server_default is not None:
            continue
        kwargs[name] = _value_for(column)
    kwargs.update(fk_columns)
    kwargs.update(values)
    if "tenant_id" not in table.columns:
        kwargs.pop("tenant_id", None)
    obj = model(**kwargs)
    db.session.add(obj)
    db.session.flush()
    return obj
