"""Files with personal data are readable by the service user only (mode 0600, folders 0700).

Covers the SQLite database with its ``-wal``/``-shm`` companions and the attachment store. The
``lotse`` command also sets the process umask to 077, so anything else it writes (demo mail,
secret key) is private from the start; the explicit modes here hold whatever umask a WSGI server
outside ``lotse serve`` runs with.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 and make sure ``path`` itself is 0700."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a new file that nobody but the owner can read, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _restrict(path: str) -> None:
    try:
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            os.chmod(path, FILE_MODE)
    except FileNotFoundError:
        pass


@event.listens_for(Engine, "connect")
def _private_sqlite_files(dbapi_connection, connection_record):
    """SQLite creates its file with the process umask (often 0644): narrow it on every connect."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.execute("PRAGMA database_list").fetchall()
    finally:
        cursor.close()
    for _seq, _name, filename in rows:
        if filename:
            for suffix in ("", "-wal", "-shm", "-journal"):
                _restrict(filename + suffix)
