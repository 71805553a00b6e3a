"""Keyset pages of the case list: what a page link carries and what a page holds.

The list is ordered by (last_activity_at, id), newest first. A page link does not say "page 7"
(the database would read and throw away six pages to find it) but "the cases after this one"
(or "before", for the previous page): a *cursor* made of the sort key of the page's last (first)
row, which an index continues from directly. Equal ``last_activity_at`` values are told apart by
the id, so paging never repeats or skips a case.

Counting is capped: the list says "more than 1 000 cases" instead of counting every case of a
tenant on every page.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _

from core.schemas import ValidationError

#: The list counts at most this many cases (one more tells "more than").
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Cursor:
    """A position in the list: after (``forward``) or before the case with this sort key."""

    forward: bool
    at: datetime
    id: int

    def encode(self) -> str:
        text = f"{'n' if self.forward else 'p'}|{self.at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """The cursor of a page link; a damaged one is a clear error, never a wrong page."""
        try:
            if len(value) > 200:
                raise ValueError("too long")
            text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            direction, at, ident = text.split("|")
            moment = datetime.fromisoformat(at)
            if direction not in ("n", "p"):
                raise ValueError(direction)
            return cls(
                direction == "n",
                moment if moment.tzinfo else moment.replace(tzinfo=UTC),
                int(ident),
            )
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise ValidationError(
                {
                    "cursor": [
                        _("This page link is not valid (any more). Start from the first page.")
                    ]
                }
            ) from exc

    @classmethod
    def of(cls, case, *, forward: bool) -> str:
        return cls(forward, case.last_activity_at, case.id).encode()


@dataclass
class CasePage:
    """One page of the case list."""

    rows: list = field(default_factory=list)
    #: Cases matching the filter, counted up to :data:`COUNT_LIMIT`.
    total: int = 0
    #: True when there are more than ``total`` (= :data:`COUNT_LIMIT`) cases.
    total_capped: bool = False
    #: Cursor of the next (older) and the previous (newer) page, None at either end.
    next: str | None = None
    prev: str | None = None
