"""The documentation of a case: journal entries, and attachments - stored outside the database
under generated names, type-checked by extension and content, size-limited, served only as
downloads."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.db import db
from core.documentation.models import Attachment, JournalEntry
from core.documentation.schemas import AttachmentSchema
from core.file_modes import private_dir, write_private
from core.schemas import ValidationError, load

MAX_BYTES = 10 * 1024 * 1024
#: extension → (content type, magic prefixes); office formats are zip containers.
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}


def store_root() -> Path:
    return Path(
        current_app.config.get("LOTSE_ATTACHMENT_DIR")
        or Path(current_app.instance_path) / "attachments"
    )


def safe_filename(name: str) -> str:
    """Keep letters, digits, dot, dash, underscore and spaces; no paths, no control characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = re.sub(r"[^\w .()\-äöüÄÖÜß]", "_", name).strip(" .")
    return (name or "datei")[:150]


def _looks_like(data: bytes, ext: str) -> bool:
    content_type, magics = ALLOWED[ext]
    if ext == "txt":
        try:
            data[:4096].decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"<script" not in data[:4096].lower() and b"<html" not in data[:4096].lower()
    if not any(data.startswith(m) for m in magics):
        return False
    # A PDF that also carries HTML is a polyglot: refuse it.
    return not (ext == "pdf" and re.search(rb"<\s*(html|script)", data[:4096], re.I))


def journal_entries(case) -> list[JournalEntry]:
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(JournalEntry.case_id == case.id)
            .order_by(JournalEntry.at.desc(), JournalEntry.id.desc())
        )
    )


def store_attachment(actor, case, upload, description: str = "") -> Attachment:
    """Store ``upload`` (a file storage) with ``description``; it must be what its name says.

    Checks the file, not the user: callers go through :func:`core.cases.documents.save_attachment`,
    which checks that ``actor`` may work on ``case`` first (documentation sits below cases)."""
    errors: dict[str, list[str]] = {}
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationError({"file": [_("Please choose a file.")]})
    filename = safe_filename(upload.filename)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    data = upload.read(MAX_BYTES + 1)
    if ext not in ALLOWED:
        errors["file"] = [
            _(
                "Allowed are PDF, images (PNG, JPG), Word/ODT documents, Excel tables and text "
                "files."
            )
        ]
    elif len(data) > MAX_BYTES:
        errors["file"] = [_("The file is larger than %(n)d MB.", n=MAX_BYTES // (1024 * 1024))]
    elif not data:
        errors["file"] = [_("The file is empty.")]
    elif not _looks_like(data, ext):
        errors["file"] = [_("The content of the file does not match its type.")]
    description = load(AttachmentSchema, {"description": description or ""}, errors=errors)[
        "description"
    ]
    storage_name = uuid.uuid4().hex
    private_dir(store_root())
    folder = private_dir(store_root() / str(case.tenant_id))
    path = folder / storage_name
    write_private(path, data)  # 0600: readable by the service user only
    attachment = Attachment(
        case_id=case.id,
        filename=filename,
        storage_name=storage_name,
        content_type=ALLOWED[ext][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        description=description,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    try:
        db.session.flush()
    except Exception:
        path.unlink(missing_ok=True)  # never leave an orphan file behind
        raise
    audit.record("case.attachment_added", actor=actor, obj=case, attachment=attachment.id)
    return attachment


def attachments(case) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.case_id == case.id)
            .order_by(Attachment.uploaded_at.desc())
        )
    )


def attachment_path(attachment: Attachment) -> Path:
    return store_root() / str(attachment.tenant_id) / attachment.storage_name
