"""What the documentation domain contributes through the plugin hooks: a built-in plugin, always on
for every tenant (:mod:`core.plugins.builtins`). Documentation of a case: journal and
attachments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.privacy.registry import (
    CLIENTS,
    CONSENT_BASIS,
    ERASE,
    DataCategory,
    DataTable,
    FieldLabels,
    category_columns,
)

#: Position among the built-in domains: the data categories of the records of processing and the
#: Art. 15 package are listed in this order.
ORDER = 30


# --- personal data (core.privacy.registry) --------------------------------------------------------


CATEGORIES = (
    DataCategory(
        "client_documents",
        _l("Documents of clients"),
        _l("Uploaded documents and signed forms"),
        CONSENT_BASIS,
        CLIENTS,
        "client_file",
        special="health",
    ),
)


TABLES = (
    DataTable(
        "attachment",
        "case",
        category_columns(
            "client_documents",
            (
                "case_id filename storage_name content_type size sha256 description uploaded_at "
                "uploaded_by_id"
            ),
            filename=ERASE,
            storage_name=ERASE,
            sha256=ERASE,
            description=ERASE,
        ),
        on_anonymise="delete",
        codes=frozenset({"content_type"}),
    ),
)


LABELS = FieldLabels(
    tables={
        "attachment": _l("Documents"),
    },
    columns={
        "filename": _l("File name"),
        "storage_name": _l("Storage name"),
        "content_type": _l("File type"),
        "size": _l("Size (bytes)"),
        "sha256": _l("Checksum (SHA-256)"),
        "description": _l("Description"),
        "uploaded_at": _l("Uploaded at"),
        "uploaded_by_id": _l("Uploaded by (staff number)"),
    },
)


@hookimpl
def lotse_data_categories():
    return [*CATEGORIES, *TABLES, LABELS]
