"""Counting SQL statements: the query-count budgets of the test suite (issue #10).

A page that costs one more statement per staff member, case or entry is slow at scale long before
a timed test would notice; the number of statements is deterministic, so it can be asserted.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class StatementLog:
    """The statements sent while counting (the SQL text, without parameters)."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        """Numbered statements, for an assertion message that says what to look at."""
        return "\n".join(
            f"{i:3}: {' '.join(s.split())[:2400]}" for i, s in enumerate(self.statements, 1)
        )


@contextmanager
def counting_statements(engine: Engine | None = None):
    """``with counting_statements() as log: …`` → ``log.count`` statements went to the database.

    Listens on ``before_cursor_execute`` of ``engine`` (default: every engine), so it counts what
    the database receives: ORM queries, lazy loads, RLS settings, flushes. Transaction control
    (BEGIN/COMMIT) is not a statement on this hook."""
    log = StatementLog()

    def _count(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(statement)

    target = engine if engine is not None else Engine
    event.listen(target, "before_cursor_execute", _count)
    try:
        yield log
    finally:
        event.remove(target, "before_cursor_execute", _count)
