"""The one way a stored document leaves the server (case file and Art. 15 package alike)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, send_file

from core.db import db
from core.documentation.models import Attachment
from core.documentation.services import attachment_path


def send_attachment(attachment: Attachment | None, record: Callable[[], object]) -> Response:
    """The attachment's file as a download, 404 when it or its file is gone. ``record`` audits the
    download and is committed before the first byte leaves, so no download goes unrecorded."""
    if attachment is None:
        abort(404)
    path = attachment_path(attachment)
    if not path.is_file():
        abort(404)
    record()
    db.session.commit()
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
