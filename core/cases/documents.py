"""Writing to a case's documentation: the journal and attachments. The documentation domain
stores them (models, files, type checks); whether the user may work on the case is the cases
domain's question, asked here, so documentation never imports cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.cases import access
from core.cases.services import add_to_case
from core.documentation import services as documentation
from core.documentation.models import Attachment, JournalEntry
from core.documentation.schemas import JournalEntrySchema
from core.schemas import load


def add_journal_entry(actor, case, data: Mapping[str, Any]) -> JournalEntry:
    access.ensure_case(actor, case)
    values = load(JournalEntrySchema, data)
    entry = JournalEntry(
        case_id=case.id,
        text=values["text"],
        effort_minutes=values["effort_minutes"] or 0,
        author_id=getattr(actor, "id", None),
    )
    add_to_case(actor, case, entry, "case.journal_added", id_as="entry")
    return entry


def save_attachment(actor, case, upload, description: str = "") -> Attachment:
    """Attach ``upload`` to ``case`` when ``actor`` may work on it (else 404)."""
    access.ensure_case(actor, case)
    return documentation.store_attachment(actor, case, upload, description)
