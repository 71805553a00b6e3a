"""Row-level tenant isolation enforced in the ORM, failing closed.

* Every ORM SELECT/UPDATE/DELETE that touches a :class:`TenantScoped` model gets
  ``tenant_id = <bound tenant>`` added through ``with_loader_criteria``; without a bound tenant
  (and without an explicit :func:`~core.tenancy.context.unscoped` block or the
  ``all_tenants`` execution option) the statement raises :class:`TenantScopeError`.
* Before a flush, new rows are stamped with the bound tenant and rows of another tenant refuse
  to be written.
* Composite foreign keys ``(tenant_id, parent_id)`` make the database reject cross-tenant links
  even if application code goes wrong (see :func:`tenant_foreign_key`).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Integer, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from core.tenancy import rls
from core.tenancy.context import TenantScopeError, current_tenant_id, is_unscoped

#: Every statement the guard inspected / filtered; read by the test-suite meta checks.
GUARD_STATS = {"filtered": 0, "refused": 0}


class TenantScoped:
    """Mixin for every tenant-owned model (core and plugins).

    Models that need more table arguments declare ``__tenant_table_args__``.
    """

    __tenant_table_args__: tuple = ()

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(
            Integer, ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False
        )

    @declared_attr.directive
    def __table_args__(cls):
        # (tenant_id, id) is unique so that children can reference it with a composite key.
        return (UniqueConstraint("tenant_id", "id"), *cls.__tenant_table_args__)


def tenant_foreign_key(column: str, target_table: str, ondelete: str | None = None):
    """Composite FK ``(tenant_id, column) → target_table(tenant_id, id)``."""
    return ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target_table}.tenant_id", f"{target_table}.id"],
        ondelete=ondelete,
    )


def scoped_models() -> list[type]:
    """Every mapped TenantScoped class: the isolation suite is parametrised over this list."""
    from core.db import Model

    return sorted(
        (m.class_ for m in Model.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda cls: cls.__name__,
    )


def _scoped_tables() -> frozenset:
    from core.db import Model

    mappers = Model.registry.mappers
    cached = _SCOPED_TABLES.get(len(mappers))
    if cached is None:
        cached = frozenset(m.local_table for m in mappers if issubclass(m.class_, TenantScoped))
        _SCOPED_TABLES.clear()
        _SCOPED_TABLES[len(mappers)] = cached
    return cached


_SCOPED_TABLES: dict[int, frozenset] = {}


def _touches_scoped(state) -> bool:
    """True if any tenant-owned table appears anywhere in the statement.

    ``all_mappers`` alone misses entities that only occur in ``select_from()`` (e.g. counts),
    so the statement's tables are walked as well.
    """
    if any(issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers):
        return True
    tables = find_tables(
        state.statement,
        check_columns=True,
        include_aliases=True,
        include_joins=True,
        include_selects=True,
        include_crud=True,
    )
    scoped = _scoped_tables()
    return any(t in scoped for t in tables)


def _sync_database(session, *, all_tenants: bool = False) -> None:
    """Tell PostgreSQL (row-level security) which tenant this transaction works for."""
    if session.get_bind().dialect.name == "postgresql":
        rls.sync(
            session.connection(),
            current_tenant_id(),
            all_tenants or is_unscoped(),
            session.info.get("lotse_rls_epoch", 0),
        )


@event.listens_for(Session, "after_begin")
def _new_transaction(session, transaction, connection):
    rls.forget(connection)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction):
    # A rolled-back savepoint also undoes set_config(); force the next statement to set it again.
    session.info["lotse_rls_epoch"] = session.info.get("lotse_rls_epoch", 0) + 1


@event.listens_for(Session, "do_orm_execute")
def _add_tenant_criteria(state):
    if not _touches_scoped(state):
        return
    _sync_database(state.session, all_tenants=bool(state.execution_options.get("all_tenants")))
    if state.is_column_load or state.is_relationship_load:
        # The criteria of the originating statement propagate to these loads.
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("all_tenants") or is_unscoped():
        return
    tenant_id = current_tenant_id()
    if tenant_id is None:
        GUARD_STATS["refused"] += 1
        raise TenantScopeError("tenant-owned data queried without a bound tenant")
    GUARD_STATS["filtered"] += 1
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_and_check_tenant(session, flush_context, instances):
    if any(
        isinstance(obj, TenantScoped) for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        _sync_database(session)
    unscoped_ok = is_unscoped()
    tenant_id = current_tenant_id()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantScopeError(f"new {type(obj).__name__} without a bound tenant")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"{type(obj).__name__} written into another tenant")
        elif tenant_id is None and not unscoped_ok:
            raise TenantScopeError(f"new {type(obj).__name__} without a bound tenant")
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        history = _tenant_history(obj)
        if history is not None and history.has_changes() and history.deleted:
            raise TenantScopeError(f"tenant_id of {type(obj).__name__} may not change")
        if tenant_id is None:
            if not unscoped_ok:
                raise TenantScopeError(f"{type(obj).__name__} changed without a bound tenant")
        elif obj.tenant_id != tenant_id:
            raise TenantScopeError(f"{type(obj).__name__} of another tenant changed")


def _tenant_history(obj):
    from sqlalchemy import inspect

    return inspect(obj).attrs.tenant_id.history
